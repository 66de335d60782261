import ExtractLanguage
import Testing

@Suite struct KeywordTests {
    /// A short news story written for these tests: its topic is the wind farm vote.
    static let story = """
        Council approves offshore wind farm

        The county council approved the offshore wind farm on Tuesday after a long debate. The wind farm \
        will have forty turbines off the coast near Harwick, and the developer, Northsea Power, says the \
        offshore wind farm could supply electricity to 200,000 homes.

        Fishermen in Harwick oppose the turbines. They say the offshore wind farm will close fishing grounds \
        that families have worked for generations. Northsea Power promised a fund for the fishing fleet.

        Construction of the wind farm starts next spring. The council said the turbines would be visible \
        from the beach but that the electricity was needed. Elections to the council are due in May, and \
        several candidates have made the wind farm the main issue of their election campaign.
        """

    let extractor = KeywordExtractor()

    @Test(arguments: KeywordMethod.allCases)
    func theObviousTopicPhraseIsFound(method: KeywordMethod) {
        let keywords = KeywordExtractor(method: method).keywords(
            in: Self.story, title: nil, language: "en", limit: 5, method: method)
        let phrases = keywords.map { $0.phrase.lowercased() }
        #expect(phrases.contains { $0.contains("wind farm") }, "\(phrases)")
        #expect(keywords.count == 5)
        #expect(keywords.first?.score == 1)
        #expect(zip(keywords, keywords.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    @Test func stemmingMergesElectionAndElections() {
        let text = """
            The election was close. Two elections in one year tired the voters. After the elections the \
            parties argued about the election rules, and the next election is in spring.
            """
        let keywords = extractor.keywords(in: text, title: nil, language: "en", limit: 10)
        let electionLike = keywords.filter { $0.phrase.lowercased().hasPrefix("election") && !$0.phrase.contains(" ") }
        #expect(electionLike.count == 1, "\(keywords.map(\.phrase))")
        // Shown as written most often ("election": 3 times, "elections": twice).
        #expect(electionLike.first?.phrase == "election")
        // Without a language nothing is stemmed: the two forms stay apart.
        let list = "election, elections, election, elections, election."
        #expect(extractor.keywords(in: list, title: nil, language: "en", limit: 10).map(\.phrase) == ["election"])
        let unstemmed = extractor.keywords(in: list, title: nil, language: nil, limit: 10).map(\.phrase)
        #expect(Set(unstemmed) == ["election", "elections"])
    }

    @Test(arguments: ["en", "de", "fr"])
    func stopWordsNeverFormAKeywordsEdge(language: String) throws {
        let texts = [
            "en": Self.story,
            "de": """
                Der Gemeinderat hat den Windpark vor der Küste genehmigt. Der Windpark soll vierzig Turbinen \
                haben, und die Fischer in der Stadt sind gegen den Windpark, weil sie um ihre Fanggründe \
                fürchten. Die Bauarbeiten an dem Windpark beginnen im Frühjahr.
                """,
            "fr": """
                Le conseil a approuvé le parc éolien en mer. Le parc éolien aura quarante turbines, et les \
                pêcheurs de la ville sont contre le parc éolien, car ils craignent pour leurs zones de pêche. \
                Les travaux du parc éolien commencent au printemps.
                """,
        ]
        let stops = try #require(StopWords.words(for: language))
        let keywords = extractor.keywords(in: texts[language]!, title: nil, language: language, limit: 20)
        #expect(!keywords.isEmpty)
        for keyword in keywords {
            let words = keyword.phrase.split(separator: " ").map { $0.lowercased() }
            #expect(!stops.contains(words.first!) && !stops.contains(words.last!), "\(keyword.phrase)")
            #expect(words.count <= 3)
        }
    }

    @Test func titleCountsTowardsTheKeywords() {
        let body = "Prices rose again in March. Shoppers paid more for bread, milk and fuel than a year ago."
        let without = extractor.keywords(in: body, title: nil, language: "en", limit: 3)
        let with = extractor.keywords(in: body, title: "Inflation hits shoppers", language: "en", limit: 3)
        #expect(!without.contains { $0.phrase.lowercased().contains("inflation") })
        #expect(with.contains { $0.phrase.lowercased().contains("inflation") || $0.phrase.contains("shoppers") })
    }

    @Test func hugeTextIsReadOnlyInPart() {
        // 2 MB of one line, then the story: only the first 64 KB are read, so the story is never seen.
        let filler = String(repeating: "Greetings from Cologne. ", count: 90_000)
        let before = extractor.keywords(in: Self.story + "\n" + filler, title: nil, language: "en", limit: 20)
        let after = extractor.keywords(in: filler + "\n" + Self.story, title: nil, language: "en", limit: 20)
        #expect(before.contains { $0.phrase.lowercased().contains("turbines") }, "\(before.map(\.phrase))")
        #expect(!after.contains { $0.phrase.lowercased().contains("turbines") }, "\(after.map(\.phrase))")
        #expect(after.contains { $0.phrase.contains("Cologne") })
        let cut = String(repeating: "é", count: KeywordExtractor.maxBytes)  // 2 bytes each: cut mid-way
        #expect(extractor.keywords(in: "élan " + cut, title: nil, language: "fr", limit: 3).count <= 3)
    }

    @Test func emptyOrWordlessTextHasNoKeywords() {
        #expect(extractor.keywords(in: "", title: nil, language: "en", limit: 10).isEmpty)
        #expect(extractor.keywords(in: "12 345 -- 2024", title: nil, language: "en", limit: 10).isEmpty)
        #expect(extractor.keywords(in: "the of and to", title: nil, language: "en", limit: 10).isEmpty)
        #expect(extractor.keywords(in: Self.story, title: nil, language: "en", limit: 0).isEmpty)
    }

    @Test func phrasesDoNotCrossPunctuationOrNumbers() {
        let text = "Wind farm, turbines. Wind farm 40 turbines; wind farm (turbines) wind farm."
        let keywords = extractor.keywords(in: text, title: nil, language: "en", limit: 10)
        #expect(!keywords.contains { $0.phrase.lowercased().contains("farm turbines") }, "\(keywords.map(\.phrase))")
    }

    @Test func unknownLanguageStillGivesKeywords() {
        // No stop list and no stemmer for Icelandic here: the words are used as they are.
        let text = "Borgarstjórn samþykkti vindorkuverið. Vindorkuverið verður reist við ströndina og vindorkuverið framleiðir rafmagn."
        let keywords = extractor.keywords(in: text, title: nil, language: "is", limit: 3)
        #expect(keywords.contains { $0.phrase.lowercased().contains("vindorkuverið") })
    }

    @Test func manyTasksAtOnceGiveTheSameKeywords() async {
        let shared = KeywordExtractor()
        let expected = shared.keywords(in: Self.story, title: nil, language: "en", limit: 10)
        let german = "Der Windpark vor der Küste wurde genehmigt. Der Windpark hat vierzig Turbinen und der Windpark liefert Strom."
        let expectedGerman = shared.keywords(in: german, title: nil, language: "de", limit: 10)
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var bad = 0
                    for _ in 0..<25 {
                        if worker % 2 == 0 {
                            bad += shared.keywords(in: Self.story, title: nil, language: "en", limit: 10) == expected ? 0 : 1
                        } else {
                            bad += shared.keywords(in: german, title: nil, language: "de", limit: 10) == expectedGerman ? 0 : 1
                        }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(!expected.isEmpty && !expectedGerman.isEmpty)
    }
}
