import Foundation
import IngestTestKit
import Testing

@testable import StageClassify

@Suite("evaluation")
struct EvaluationTests {
    @Test("stratified folds give every fold its share of every label")
    func folds() {
        let examples = syntheticExamples(perLabel: 10)
        let assignment = Evaluator.stratifiedFolds(examples, folds: 5, seed: 3)
        for fold in 0..<5 {
            let members = examples.indices.filter { assignment[$0] == fold }
            #expect(members.count == 6)
            for label in ["business", "politics", "sport"] {
                #expect(members.filter { examples[$0].labels == [label] }.count == 2)
            }
        }
        #expect(assignment == Evaluator.stratifiedFolds(examples, folds: 5, seed: 3), "seeded")
    }

    @Test("precision, recall and F1 from a confusion matrix")
    func metrics() {
        // Rows are the true labels: 8 of a right and 2 taken for b; 5 of b right.
        let m = Evaluator.metrics([[8, 2], [0, 5]], labels: ["a", "b"])
        #expect(m[0].precision == 1)
        #expect(m[0].recall == 0.8)
        #expect(abs(m[1].precision - 5.0 / 7.0) < 1e-12)
        #expect(m[1].recall == 1)
        #expect(m[0].support == 10)
        #expect(abs(m[0].f1 - 2 * 0.8 / 1.8) < 1e-12)
    }

    @Test("cross-validation on a separable corpus is nearly perfect and adds up")
    func crossValidate() throws {
        let report = try Evaluator.crossValidate(syntheticExamples(), folds: 3, options: TrainingOptions())
        #expect(report.documents == 90)
        #expect(report.confusion.flatMap { $0 }.reduce(0, +) == 90)
        #expect(report.accuracy > 0.95)
        #expect(report.foldAccuracies.count == 3)
        #expect(report.perLabel.map(\.label) == ["business", "politics", "sport"])
    }

    @Test("too few examples for the folds is an error")
    func tooFew() {
        #expect(throws: ClassifyError.self) {
            try Evaluator.crossValidate(Array(syntheticExamples().prefix(2)), folds: 5, options: TrainingOptions())
        }
    }
}

@Suite("training data")
struct TrainingDataTests {
    @Test("a folder per label; files beside the folders are not examples")
    func folder() throws {
        let dir = try TemporaryDirectory("classify-data")
        try dir.write("README.TXT", "about the data")
        try dir.write("sport/1.txt", "match report")
        try dir.write("sport/2.txt", "another match")
        try dir.write("politics/1.txt", "a vote")
        try dir.write("politics/.hidden", "ignored")
        let examples = try TrainingData.load(dir.path)
        #expect(examples.map(\.labels) == [["politics"], ["sport"], ["sport"]])
        #expect(String(decoding: examples[0].text, as: UTF8.self) == "a vote")
    }

    @Test("JSON Lines with label or labels, and a title before the text")
    func jsonLines() throws {
        let dir = try TemporaryDirectory("classify-data")
        let path = try dir.write(
            "d.jsonl",
            """
            {"text": "match report", "label": "sport"}

            {"title": "Vote", "text": "a vote", "labels": ["politics", "society"]}
            """)
        let examples = try TrainingData.load(path)
        #expect(examples.map(\.labels) == [["sport"], ["politics", "society"]])
        #expect(String(decoding: examples[1].text, as: UTF8.self) == "Vote\n\na vote")
    }

    @Test(
        "bad lines are reported with their line number",
        arguments: [
            ("{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"}", "d.jsonl:2: no label"),
            ("{\"label\": \"x\"}", "d.jsonl:1: no text"),
            ("{\"text\": \"a\", \"label\": \"x\"}\nnot json", "d.jsonl:2: not a JSON object"),
        ])
    func badLines(contents: String, expected: String) throws {
        let dir = try TemporaryDirectory("classify-data")
        let path = try dir.write("d.jsonl", contents)
        #expect {
            try TrainingData.load(path)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test("exact duplicates are removed, keeping the first")
    func duplicates() {
        let examples = [
            Example(text: "same", labels: ["a"]), Example(text: "other", labels: ["a"]),
            Example(text: "same", labels: ["b"]),
        ]
        let (kept, removed) = TrainingData.removingExactDuplicates(examples)
        #expect(removed == 1)
        #expect(kept.map(\.labels) == [["a"], ["a"]])
    }
}
