import Foundation
import IngestCore
import IngestTestKit
import Testing

@testable import StageClassify

@Suite("classify stage")
struct StageTests {
    @Test("the sample config parses with no problems and holds the defaults")
    func sample() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../plugins/classify/classify.toml").standardized.path
        let root = try TOMLReader.parse(String(contentsOfFile: path, encoding: .utf8), file: path)
        guard case .table(let stages)? = root["stages"], case .table(let values)? = stages["classify"] else {
            Issue.record("no [stages.classify] in \(path)")
            return
        }
        let s = section(values)
        let configuration = ClassifyStage.Configuration(from: s)
        s.finish()
        #expect(s.problems.items.isEmpty, "\(s.problems.items)")
        #expect(configuration == ClassifyStage.Configuration())
    }

    @Test(
        "config problems come with their key paths",
        arguments: [
            (["colour": ConfigValue.string("red")], "stages.classify.colour: unknown key"),
            (["min_score": .double(1.5)], "stages.classify.min_score: 1.5 is out of range"),
            (["rules": .bool(false)], "stages.classify.rules: with rules off and no model"),
            (["max_labels": .string("3")], "stages.classify.max_labels: expected an integer"),
        ])
    func problems(values: [String: ConfigValue], expected: String) {
        let s = section(values)
        _ = ClassifyStage.make(from: s, context: StageContext(stateDirectory: "/tmp"))
        #expect(s.problems.items.map(\.description).contains { $0.hasPrefix(expected) }, "\(s.problems.items)")
    }

    @Test("a missing model or taxonomy file stops the stage from starting, naming the file")
    func missingFiles() {
        for key in ["model", "taxonomy"] {
            let s = section([key: .string("/nonexistent/file")])
            #expect(ClassifyStage.make(from: s, context: StageContext(stateDirectory: "/tmp")) == nil)
            #expect(s.problems.items.contains { $0.message.contains("/nonexistent/file") })
        }
    }

    @Test("process adds labels and keeps labels from earlier stages")
    func process() async throws {
        let stage = try ClassifyStage(configuration: .init(), context: StageContext(stateDirectory: "/tmp"))
        var input = article(title: Texts.matchReport.title, text: Texts.matchReport.text)
        input.labels = [Label(name: "from-plugin", score: 0.9)]
        guard case .continue(let output) = try await stage.process(input, logger: logger) else {
            Issue.record("the stage dropped the article")
            return
        }
        #expect(output.labels.first == Label(name: "from-plugin", score: 0.9))
        #expect(output.labels.dropFirst().first?.name == "sport")
    }

    @Test("an operator's taxonomy replaces the built-in one; a relative path is taken from the state directory")
    func customTaxonomy() throws {
        let dir = try TemporaryDirectory("classify-taxonomy")
        try dir.write("rules.toml", "[labels.cats]\nterms = { cat = 3, kitten = 3 }\n")
        var configuration = ClassifyStage.Configuration()
        configuration.taxonomy = "rules.toml"
        let stage = try ClassifyStage(configuration: configuration, context: StageContext(stateDirectory: dir.path))
        #expect(stage.labels(text: "A kitten and a cat.").map(\.name) == ["cats"])
        #expect(stage.labels(title: Texts.matchReport.title, text: Texts.matchReport.text).isEmpty)
    }

    @Test("model and rules combine: the model adds its label, a forbid rule removes it")
    func combine() throws {
        let dir = try TemporaryDirectory("classify-combine")
        try ModelFile.write(try Trainer.train(syntheticExamples()), to: dir.file("m.model"))
        try dir.write(
            "rules.toml",
            """
            [labels.sport]
            terms = { striker = 3 }
            forbid = ["charity match"]
            [labels.celebrity]
            terms = { famous = 1 }
            force = ["red carpet"]
            """)
        var configuration = ClassifyStage.Configuration()
        configuration.model = dir.file("m.model")
        configuration.taxonomy = dir.file("rules.toml")
        let stage = try ClassifyStage(configuration: configuration, context: StageContext(stateDirectory: "/"))

        let business = stage.labels(text: "investors cheered the profit and the dividend at the bank")
        #expect(business.map(\.name) == ["business"], "the model's label, no rule matched")
        let both = stage.labels(text: "the striker scored a goal in the league match, the referee said")
        #expect(both.first?.name == "sport")
        #expect(both.filter { $0.name == "sport" }.count == 1, "one label, the higher score")
        let forbidden = stage.labels(text: "the striker scored a goal in the charity match at the stadium")
        #expect(!forbidden.map(\.name).contains("sport"))
        let forced = stage.labels(text: "investors on the red carpet cheered the profit")
        #expect(forced.first == Label(name: "celebrity", score: 1))
    }

    @Test("reload swaps in a new model; a bad file leaves the old one working")
    func reload() throws {
        let dir = try TemporaryDirectory("classify-reload")
        let path = dir.file("m.model")
        try ModelFile.write(try Trainer.train(syntheticExamples()), to: path)
        var configuration = ClassifyStage.Configuration()
        configuration.model = path
        configuration.rules = false
        let stage = try ClassifyStage(configuration: configuration, context: StageContext(stateDirectory: "/"))
        #expect(stage.labels(text: "the striker and the referee").map(\.name) == ["sport"])

        // Retrain with the labels renamed, as an operator would after editing the data.
        let renamed = syntheticExamples().map { Example(text: $0.text, labels: $0.labels.map { "topic-\($0)" }) }
        try ModelFile.write(try Trainer.train(renamed), to: path)
        #expect(try stage.reload().contains("3 labels"))
        #expect(stage.labels(text: "the striker and the referee").map(\.name) == ["topic-sport"])

        try dir.write("m.model", "not a model")
        #expect(throws: ClassifyError.notAModel(path: path)) { try stage.reload() }
        #expect(stage.labels(text: "the striker and the referee").map(\.name) == ["topic-sport"])
    }

    @Test("the stage is listed by its name")
    func name() {
        #expect(ClassifyStage.name == "classify")
    }
}
