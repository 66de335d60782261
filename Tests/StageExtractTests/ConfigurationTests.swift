import Foundation
import IngestCore
import IngestTestKit
import StageExtract
import Testing

@Suite("configuration")
struct ConfigurationTests {
    static let sample: String = {
        let here = URL(fileURLWithPath: #filePath)
        let path = here.deletingLastPathComponent().appendingPathComponent("../../plugins/extract/extract.toml").standardized.path
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }()

    @Test("the sample extract.toml parses to the defaults")
    func sampleParses() {
        #expect(!Self.sample.isEmpty)
        let (configuration, problems) = Extract.configuration(Self.sample)
        #expect(problems.isEmpty)
        #expect(configuration == ExtractStage.Configuration())
    }

    @Test("every wrong value and unknown key is reported with its key path")
    func problems() {
        let (_, problems) = Extract.configuration("""
            [stages.extract]
            summary_sentences = 50
            summary_method = "random"
            keywords_method = "magic"
            keywords = "ten"
            keywords_background = "bg.model"
            entities = false
            gazetteer = "places.tsv"
            wpm = 200
            """)
        #expect(problems.count == 7, "\(problems)")
        #expect(problems.contains { $0.contains("stages.extract.keywords_background") })
        #expect(problems.contains { $0.contains("stages.extract.summary_sentences") })
        #expect(problems.contains { $0.contains("stages.extract.wpm") && $0.contains("unknown key") })
        #expect(problems.contains { $0.contains("stages.extract.gazetteer") })
    }

    @Test("a gazetteer file adds names; a bad line stops the stage with its line number")
    func gazetteerFile() throws {
        let dir = try TemporaryDirectory()
        let good = dir.path + "/names.tsv"
        try "# extra names\nplace\tQuillfeather\norganisation\tBlue Lantern Trust\n".write(toFile: good, atomically: true, encoding: .utf8)
        var configuration = ExtractStage.Configuration()
        configuration.gazetteer = "names.tsv"
        let stage = try ExtractStage(configuration: configuration, context: StageContext(stateDirectory: dir.path))
        let article = stage.extract(Article(text: "Officials visited Quillfeather with the Blue Lantern Trust.", origin: Extract.origin(), format: .text))
        #expect(article.entities.contains(Entity(kind: .place, name: "Quillfeather", count: 1)))
        #expect(article.entities.contains(Entity(kind: .organisation, name: "Blue Lantern Trust", count: 1)))

        let bad = dir.path + "/bad.tsv"
        try "place\tSomewhere\ncity\tElsewhere\n".write(toFile: bad, atomically: true, encoding: .utf8)
        configuration.gazetteer = bad
        #expect(throws: ExtractError.gazetteer(path: bad, line: 2, reason: "unknown kind 'city' (place, organisation, person, given)")) {
            try ExtractStage(configuration: configuration, context: StageContext(stateDirectory: dir.path))
        }
        configuration.gazetteer = dir.path + "/missing.tsv"
        #expect(throws: ExtractError.self) {
            try ExtractStage(configuration: configuration, context: StageContext(stateDirectory: dir.path))
        }
    }
}
