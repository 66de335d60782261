import Foundation
import IngestCore
import Logging
import Testing

/// Test stages: real `Stage` implementations with trivial behaviour.
struct UppercaseStage: Stage {
    static let name = "uppercase"
    struct Configuration: StageConfiguration {
        var suffix = ""
        init(from section: ConfigSection) { suffix = section.string("suffix", default: "") }
    }
    let configuration: Configuration
    init(configuration: Configuration, context: StageContext) { self.configuration = configuration }
    func process(_ article: Article, logger: Logger) async throws -> StageOutcome {
        var a = article
        a.text = a.text.uppercased() + configuration.suffix
        return .continue(a)
    }
}

struct DropShortStage: Stage {
    static let name = "dropshort"
    struct Configuration: StageConfiguration {
        var minimum = 10
        init(from section: ConfigSection) { minimum = section.int("min_chars", default: 10, range: 1...1000) }
    }
    let configuration: Configuration
    init(configuration: Configuration, context: StageContext) { self.configuration = configuration }
    func process(_ article: Article, logger: Logger) async throws -> StageOutcome {
        article.text.count < configuration.minimum ? .drop(reason: "shorter than \(configuration.minimum) characters") : .continue(article)
    }
}

struct FailingStage: Stage {
    static let name = "failing"
    struct Configuration: StageConfiguration { init(from section: ConfigSection) {} }
    init(configuration: Configuration, context: StageContext) {}
    func process(_ article: Article, logger: Logger) async throws -> StageOutcome {
        throw StageError("model unavailable", disposition: .retry)
    }
}

/// A stage that says it makes a page's text itself, and leaves the article as it is.
struct PageTextStage: Stage {
    static let name = "pagetext"
    struct Configuration: StageConfiguration { init(from section: ConfigSection) {} }
    init(configuration: Configuration, context: StageContext) {}
    var makesTextFromHTML: Bool { true }
    func process(_ article: Article, logger: Logger) async throws -> StageOutcome { .continue(article) }
}

func article(_ text: String) -> Article {
    Article(text: text, origin: Origin(source: "t", kind: .cli, location: "x", receivedAt: Date()), format: .text)
}

let context = StageContext(stateDirectory: "/tmp")
let logger = Logger(label: "test")

@Suite("pipeline")
struct PipelineTests {
    @Test("an empty pipeline passes the article through unchanged")
    func empty() async {
        let result = await Pipeline(stages: []).run(article("hello"), logger: logger)
        guard case .completed(let a) = result else { Issue.record("not completed"); return }
        #expect(a.text == "hello")
        #expect(a.trace.isEmpty)
    }

    @Test("stages run in order and each leaves a trace entry")
    func order() async throws {
        let section = ConfigSection(path: "stages.uppercase", values: ["suffix": .string("!")], problems: ConfigProblems())
        let upper = try #require(UppercaseStage.make(from: section, context: context))
        let drop = DropShortStage(configuration: .init(from: ConfigSection(path: "", values: [:], problems: ConfigProblems())), context: context)
        let result = await Pipeline(stages: [upper, drop]).run(article("a long enough text"), logger: logger)
        guard case .completed(let a) = result else { Issue.record("not completed"); return }
        #expect(a.text == "A LONG ENOUGH TEXT!")
        #expect(a.trace.map(\.stage) == ["uppercase", "dropshort"])
        #expect(a.trace.map(\.outcome) == [.continue, .continue])
    }

    @Test("a drop stops the pipeline and records the stage and reason")
    func drop() async {
        let drop = DropShortStage(configuration: .init(from: ConfigSection(path: "", values: [:], problems: ConfigProblems())), context: context)
        let upper = UppercaseStage(configuration: .init(from: ConfigSection(path: "", values: [:], problems: ConfigProblems())), context: context)
        let result = await Pipeline(stages: [drop, upper]).run(article("short"), logger: logger)
        guard case .dropped(let a, let stage, let reason) = result else { Issue.record("not dropped"); return }
        #expect(stage == "dropshort")
        #expect(reason == "shorter than 10 characters")
        #expect(a.trace.count == 1)
        #expect(a.trace[0].outcome == .drop)
        #expect(a.trace[0].detail == reason)
    }

    @Test("a failure carries whether a retry can help")
    func failure() async {
        let result = await Pipeline(stages: [FailingStage(configuration: .init(from: ConfigSection(path: "", values: [:], problems: ConfigProblems())), context: context)])
            .run(article("x"), logger: logger)
        guard case .failed(let a, let stage, let error) = result else { Issue.record("not failed"); return }
        #expect(stage == "failing")
        #expect(error.disposition == .retry)
        #expect(a.trace.last?.outcome == .fail)
        #expect(a.trace.last?.detail == "model unavailable")
    }

    @Test("the registry builds the named pipeline and reports every problem with its key path")
    func registry() throws {
        let registry = StageRegistry([UppercaseStage.self, DropShortStage.self])
        let problems = ConfigProblems()
        let stages = ConfigSection(
            path: "stages",
            values: [
                "dropshort": .table(["min_chars": .int(0), "typo_key": .bool(true)]),
                "uppercase": .table(["suffix": .int(3)]),
                "nosuch": .table([:]),
            ],
            problems: problems)
        _ = registry.buildPipeline(PipelineConfiguration(stages: ["uppercase", "dropshort", "missing"]), stagesSection: stages, context: context)
        let messages = problems.items.map(\.description).sorted()
        #expect(messages == [
            "pipeline.stages[2]: unknown stage 'missing' (known: uppercase, dropshort)",
            "stages.dropshort.min_chars: 0 is out of range 1…1000",
            "stages.dropshort.typo_key: unknown key",
            "stages.nosuch: section for unknown stage 'nosuch'",
            "stages.uppercase.suffix: expected a string, found integer",
        ])
    }

    /// A page whose text decoding left for a stage that makes it itself.
    static func pageLeft() throws -> (left: Article, whole: Article) {
        let page = raw("<html><head><title>Storm</title></head><body><p>Ships stayed in harbour.</p></body></html>", .html)
        return (try DocumentDecoder.decode(page, leavingHTMLText: true)[0], try DocumentDecoder.decode(page)[0])
    }

    @Test("text decoding left is read before a stage that does not make it, and before the article leaves")
    func pendingTextRead() async throws {
        let (left, whole) = try Self.pageLeft()
        #expect(left.text.isEmpty)
        let upper = UppercaseStage(configuration: .init(from: ConfigSection(path: "s", values: [:], problems: ConfigProblems())), context: context)
        let page = PageTextStage(configuration: .init(from: ConfigSection(path: "s", values: [:], problems: ConfigProblems())), context: context)
        // Another stage first: it sees the text as decoding reads it.
        guard case .completed(let a) = await Pipeline(stages: [upper]).run(left, logger: logger) else {
            Issue.record("not completed"); return
        }
        #expect(a.text == whole.text.uppercased() && !a.textPendingFromHTML)
        // Only a stage that makes the text itself: the article still leaves with the text read.
        guard case .completed(let b) = await Pipeline(stages: [page]).run(left, logger: logger) else {
            Issue.record("not completed"); return
        }
        #expect(b.text == whole.text && !b.textPendingFromHTML)
        // Dropped after it: the recorded article has its text too.
        let short = DropShortStage(configuration: .init(from: ConfigSection(path: "s", values: ["min_chars": .int(1000)], problems: ConfigProblems())), context: context)
        guard case .dropped(let c, _, _) = await Pipeline(stages: [page, short]).run(left, logger: logger) else {
            Issue.record("not dropped"); return
        }
        #expect(c.text == whole.text)
    }
}
