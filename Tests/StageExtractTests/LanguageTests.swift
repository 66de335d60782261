import Foundation
import IngestCore
import StageExtract
import Testing

@Suite("language and key phrases")
struct LanguageTests {
    let french = """
        Le conseil municipal a voté mardi soir le nouveau budget de la ville. Les élus ont longuement débattu \
        des dépenses consacrées aux écoles, aux bibliothèques et aux transports publics avant d'adopter le texte.
        """

    @Test("the language is detected from the text; a page's declared lang does not override a reliable guess")
    func detectedNotDeclared() throws {
        var article = try Extract.decoded("<html lang=\"en\"><body><p>\(french)</p></body></html>", format: .html)
        article = ExtractStage().extract(article)
        #expect(article.language == "fr")
        #expect(article.metadata.languageReliable == true)
        #expect((article.metadata.languageConfidence ?? 0) > 0.5)
        #expect(article.metadata.sources["language"] == "cld2")
    }

    @Test("a declared lang alone is no evidence: too little text gives no language")
    func declaredAloneIsNotEnough() {
        let article = Article(text: "", title: nil, html: "<html lang=\"de\"><body></body></html>", origin: Extract.origin(), format: .html)
        let result = ExtractStage().extract(article)
        #expect(result.language == nil || result.metadata.languageReliable == false)
    }

    @Test("key phrases come from the text in its language")
    func keywords() throws {
        let text = """
            Ferry timetable approved

            The regional council approved the new ferry timetable on Tuesday. The ferry timetable adds two \
            crossings a day to the northern islands. Islanders had asked for a better ferry timetable for years, \
            and the council said the new ferry timetable starts in May.
            """
        let article = try Extract.text(text)
        #expect(article.language == "en")
        #expect(article.keywords.contains { $0.lowercased().contains("ferry timetable") }, "\(article.keywords)")
        #expect(article.keywords.count <= 10)
    }
}
