import ExtractLanguage
import Testing

@Suite struct StopWordsTests {
    @Test(arguments: ["en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "ru"])
    func everyRequiredLanguageHasAList(code: String) throws {
        let words = try #require(StopWords.words(for: code))
        #expect(words.count >= 80)
        #expect(words.allSatisfy { $0 == $0.lowercased() && !$0.contains(" ") })
    }

    @Test func commonWordsAreListedAndTopicWordsAreNot() throws {
        #expect(StopWords.words(for: "en")?.contains("the") == true)
        #expect(StopWords.words(for: "de")?.contains("und") == true)
        #expect(StopWords.words(for: "ru")?.contains("и") == true)
        #expect(StopWords.words(for: "en")?.contains("election") == false)
        #expect(StopWords.words(for: "nb") == StopWords.words(for: "no"))
        #expect(StopWords.words(for: "xx") == nil)
    }
}
