import ExtractLanguage
import Foundation
import Testing

@Suite struct BackgroundModelTests {
    @Test func tfidfPrefersWordsRareInTheBackground() {
        let model = BackgroundModel()
        // "council" is in every background text; "turbines" in none.
        for i in 0..<20 {
            model.add(stems: ["council", "meet", "vote\(i)"], language: "en")
        }
        let extractor = KeywordExtractor(method: .tfidf, background: model, learns: false)
        let text = "The council met. The council voted on turbines. The council and the turbines."
        let keywords = extractor.keywords(in: text, title: nil, language: "en", limit: 5)
        let turbines = keywords.firstIndex { $0.phrase.contains("turbines") }
        let council = keywords.firstIndex { $0.phrase == "council" }
        #expect(turbines == 0, "\(keywords.map(\.phrase))")
        #expect(council == nil || council! > 0)
        #expect(model.documentCount == 20)
    }

    @Test func learningAddsEachTextOnce() {
        let extractor = KeywordExtractor(method: .tfidf)
        _ = extractor.keywords(in: "Turbines and more turbines near the coast.", title: nil, language: "en", limit: 3)
        _ = extractor.keywords(in: "Fishermen fear the turbines.", title: nil, language: "en", limit: 3)
        #expect(extractor.background?.documentCount == 2)
    }

    @Test func writesAndLoadsAModel() throws {
        let model = BackgroundModel()
        model.add(stems: ["turbin", "council"], language: "en")
        model.add(stems: ["turbin"], language: "en")
        model.add(stems: ["windpark"], language: "de")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bg-\(UUID().uuidString).tsv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        let loaded = try BackgroundModel.load(from: path)
        #expect(loaded.documentCount == 3)
        #expect(loaded.termCount == 3)
        try "not a model\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: BackgroundModel.FormatError.self) { try BackgroundModel.load(from: path) }
    }
}
