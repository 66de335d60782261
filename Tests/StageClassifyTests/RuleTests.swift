import IngestCore
import Testing

@testable import StageClassify

@Suite("default rules")
struct DefaultRuleTests {
    let stage = try! ClassifyStage(configuration: .init(), context: StageContext(stateDirectory: "/tmp"))

    @Test(
        "each test story gets its topic as the top label",
        arguments: [
            (Texts.politics, "politics"),
            (Texts.matchReport, "sport"),
            (Texts.quarterlyResults, "economy-business"),
            (Texts.terroristAttack, "conflict-war-terrorism"),
        ])
    func topLabel(story: (title: String, text: String), expected: String) {
        let labels = stage.labels(title: story.title, text: story.text)
        #expect(labels.first?.name == expected, "labels: \(labels)")
        #expect((labels.first?.score ?? 0) >= 0.5)
    }

    @Test("a match report is not also labelled business or politics")
    func noSpuriousLabels() {
        let names = stage.labels(title: Texts.matchReport.title, text: Texts.matchReport.text).map(\.name)
        #expect(!names.contains("economy-business"))
        #expect(!names.contains("politics"))
        #expect(!names.contains("weather"), "'stormed' must not read as weather")
    }

    @Test("the attack story may also be crime, but never sport")
    func attackSecondaryLabels() {
        let names = stage.labels(title: Texts.terroristAttack.title, text: Texts.terroristAttack.text).map(\.name)
        #expect(!names.contains("sport"))
        #expect(names.count <= 3)
    }

    @Test("a text with no topic words gets no label")
    func noLabel() {
        #expect(stage.labels(text: "Lorem ipsum dolor sit amet, consectetur adipiscing elit.").isEmpty)
    }

    @Test("the built-in taxonomy has the fourteen topics of the issue")
    func topics() {
        #expect(
            Taxonomy.builtIn().topics.map(\.name) == [
                "arts-culture-entertainment", "conflict-war-terrorism", "crime-law-justice", "disaster-accident",
                "economy-business", "education", "environment", "health", "politics", "religion",
                "science-technology", "society", "sport", "weather",
            ])
    }

    @Test("scores are between 0 and 1, best first, at most max_labels")
    func scoreShape() {
        for story in [Texts.politics, Texts.matchReport, Texts.quarterlyResults, Texts.terroristAttack] {
            let labels = stage.labels(title: story.title, text: story.text)
            #expect(labels.allSatisfy { $0.score > 0 && $0.score <= 1 })
            #expect(labels.map(\.score) == labels.map(\.score).sorted(by: >))
            #expect(labels.count <= 3)
        }
    }
}

@Suite("rule matching")
struct RuleMatchingTests {
    func matcher(_ toml: String) throws -> RuleMatcher {
        RuleMatcher(try Taxonomy.parse(toml, source: "test"), scoring: .init())
    }

    @Test("phrases, prefixes and case- and punctuation-blind matching")
    func matching() throws {
        let m = try matcher(
            """
            [labels.a]
            terms = { "al-qaeda" = 3, "terror*" = 3, "prime minister" = 3 }
            """)
        #expect(m.evaluate(title: nil, text: "Al Qaeda").scores.count == 1)
        #expect(m.evaluate(title: nil, text: "TERRORISTS struck").scores.count == 1)
        #expect(m.evaluate(title: nil, text: "the terror").scores.count == 1)
        #expect(m.evaluate(title: nil, text: "The Prime—Minister").scores.count == 1, "an em dash separates words")
        #expect(m.evaluate(title: nil, text: "prime ministers").scores.isEmpty, "the last word is exact")
        #expect(m.evaluate(title: nil, text: "ter").scores.isEmpty)
    }

    @Test("a prefix on the last word of a phrase")
    func phrasePrefix() throws {
        let m = try matcher(#"[labels.a]"# + "\n" + #"terms = { "interest rate*" = 3 }"#)
        #expect(m.evaluate(title: nil, text: "Interest rates rose").scores.count == 1)
        #expect(m.evaluate(title: nil, text: "interest in rates").scores.isEmpty)
    }

    @Test("more mentions and title mentions give a higher score")
    func evidenceGrows() throws {
        let m = try matcher("[labels.a]\nterms = { goal = 2 }")
        let once = m.evaluate(title: nil, text: "a goal").scores[0].score
        let thrice = m.evaluate(title: nil, text: "goal goal goal").scores[0].score
        let title = m.evaluate(title: "Goal", text: "a goal").scores[0].score
        #expect(once < thrice)
        #expect(once < title)
    }

    @Test("negative weights count against a topic")
    func negativeWeights() throws {
        let m = try matcher("[labels.a.terms]\n3 = [\"court\"]\n\"-3\" = [\"tennis\"]")
        #expect(m.evaluate(title: nil, text: "the court ruled").scores.count == 1)
        #expect(m.evaluate(title: nil, text: "the tennis court").scores.isEmpty)
    }

    @Test("force and forbid")
    func forceAndForbid() throws {
        let m = try matcher(
            """
            [labels.weather]
            terms = { storm = 3 }
            forbid = ["weather the storm"]
            [labels.sport]
            terms = { match = 1 }
            force = ["world cup"]
            """)
        let verdict = m.evaluate(title: nil, text: "The company will weather the storm. The World Cup starts.")
        #expect(verdict.forced == ["sport"])
        #expect(verdict.forbidden == ["weather"])
    }
}

@Suite("taxonomy files")
struct TaxonomyParseTests {
    @Test("both term forms read the same")
    func termForms() throws {
        let a = try Taxonomy.parse("[labels.x.terms]\n2 = [\"goal\", \"match\"]\n\"0.5\" = [\"cup\"]", source: "a")
        let b = try Taxonomy.parse("[labels.x.terms]\ngoal = 2\nmatch = 2\ncup = 0.5", source: "b")
        #expect(a == b)
    }

    @Test(
        "problems are reported with their key paths",
        arguments: [
            ("[labels.x]\nterms = { a = 1 }\ncolour = 1", "labels.x.colour: unknown key"),
            ("[labels.x.terms]\nheavy = [\"a\"]", "labels.x.terms.heavy: a list of terms needs a number"),
            ("[labels.x.terms]\n\"ab*\" = 1", "a prefix needs at least 3 letters"),
            ("[labels.x.terms]\n\"a*b\" = 1", "'*' may only end a term"),
            ("[labels.x.terms]\ngoal = 0", "must be non-zero"),
            ("[labels.X]\nterms = { a = 1 }", "labels.X: a label name is lowercase"),
            ("[labels.x]\ndescription = \"nothing\"", "labels.x: no terms and nothing forced"),
            ("title = \"t\"\n[labels.x]\nterms = { a = 1 }", "title: unknown key"),
            ("[labels.x\n", "test: line 1"),
            ("", "labels: no [labels.NAME] tables"),
        ])
    func problems(toml: String, expected: String) {
        #expect {
            try Taxonomy.parse(toml, source: "test")
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
