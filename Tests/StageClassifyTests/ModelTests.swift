import Foundation
import IngestTestKit
import Testing

@testable import StageClassify

@Suite("tokenizer and features")
struct TokenizerTests {
    func words(_ text: String) -> [String] {
        var result: [String] = []
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            Tokenizer.forEachWord(in: UnsafeBufferPointer(buffer)) { _, start, length in
                result.append(String(decoding: buffer[start..<(start + length)], as: UTF8.self))
            }
        }
        return result
    }

    @Test("splits on punctuation and Unicode dashes, keeps accented letters")
    func splitting() {
        let expected = ["Hello", "world", "it", "s", "2024", "Café", "open"]
        #expect(words("Hello, world—it's 2024! Café “open”…") == expected)
        #expect(words("") == [])
        #expect(words("—") == [])
    }

    @Test("hashes ignore ASCII case")
    func caseBlind() {
        #expect(Tokenizer.hash("Goal") == Tokenizer.hash("goal"))
        #expect(Tokenizer.hash("goal") != Tokenizer.hash("goals"))
    }

    @Test("a feature counter counts repeats once per bucket")
    func counter() {
        let counter = FeatureCounter()
        let space = FeatureSpace(bucketBits: 12, ngrams: 2)
        var text = "goal goal goal"
        var seen: [UInt32] = []
        text.withUTF8 { space.count($0, into: counter) }
        counter.forEach { _, count in seen.append(count) }
        // "goal" three times, the pair "goal goal" twice.
        #expect(seen.sorted() == [2, 3])
    }
}

@Suite("training and prediction")
struct TrainingTests {
    @Test("every algorithm learns a separable corpus", arguments: Algorithm.allCases)
    func learns(algorithm: Algorithm) throws {
        var options = TrainingOptions()
        options.algorithm = algorithm
        options.bucketBits = 14
        let model = try Trainer.train(syntheticExamples(), options: options)
        #expect(model.labels == ["business", "politics", "sport"])
        #expect(model.classify("the striker scored a goal and the referee gave a penalty")[0].label == "sport")
        #expect(model.classify("investors cheered the profit and dividend")[0].label == "business")
        #expect(model.classify("the minister lost the vote in parliament")[0].label == "politics")
        let scores = model.classify("the match in the stadium").map(\.score)
        #expect(scores.allSatisfy { (0...1).contains($0) })
    }

    @Test("training is repeatable with the same seed")
    func repeatable() throws {
        let a = try Trainer.train(syntheticExamples(), options: TrainingOptions())
        let b = try Trainer.train(syntheticExamples(), options: TrainingOptions())
        #expect(a.seenBuckets == b.seenBuckets)
        #expect(a.seenBuckets.allSatisfy { a.row($0) == b.row($0) })
        #expect(a.bias == b.bias)
    }

    @Test("nothing to learn is an error")
    func errors() {
        #expect(throws: ClassifyError.training("no examples")) { try Trainer.train([]) }
        #expect(throws: ClassifyError.self) { try Trainer.train([Example(text: "a b", labels: ["x"])]) }
        #expect(throws: ClassifyError.training("no word is in 2 or more examples; add examples or lower the minimum")) {
            try Trainer.train([Example(text: "alpha", labels: ["x"]), Example(text: "beta", labels: ["y"])])
        }
        #expect(throws: ClassifyError.training("example 1 has no label")) {
            try Trainer.train([Example(text: "a b", labels: [])])
        }
    }

    @Test("multi-label examples make a multi-label model")
    func multiLabel() throws {
        var examples = syntheticExamples(perLabel: 10)
        examples.append(Example(text: "the minister watched the match", labels: ["politics", "sport"]))
        #expect(try Trainer.train(examples).multiLabel)
        #expect(try !Trainer.train(syntheticExamples(perLabel: 10)).multiLabel)
    }
}

@Suite("model files")
struct ModelFileTests {
    let model = try! Trainer.train(
        syntheticExamples(),
        options: {
            var o = TrainingOptions(); o.bucketBits = 12; return o
        }(), trainedAt: "2026-11-28T00:00:00Z")

    @Test("a written model reads back identical")
    func roundTrip() throws {
        let dir = try TemporaryDirectory("classify-model")
        try ModelFile.write(model, to: dir.file("m.model"))
        let read = try ModelFile.read(from: dir.file("m.model"))
        #expect(read.seenBuckets == model.seenBuckets)
        #expect(read.seenBuckets.allSatisfy { read.row($0) == model.row($0) })
        #expect(read.bias == model.bias)
        #expect(read.labels == model.labels)
        #expect(read.algorithm == model.algorithm)
        #expect(read.trainedAt == "2026-11-28T00:00:00Z")
        #expect(read.documents == 90)
    }

    @Test("a file that is not a model says so")
    func notAModel() {
        #expect(throws: ClassifyError.notAModel(path: "x")) {
            try ModelFile.decode(Array("[labels.a]\n".utf8), path: "x")
        }
    }

    @Test("a newer format is refused with both versions named")
    func newer() throws {
        var bytes = ModelFile.encode(model)
        let text = String(decoding: bytes, as: UTF8.self)
        let range = try #require(text.range(of: "\"format\":1"))
        let offset = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
        bytes[offset + 9] = UInt8(ascii: "7")
        #expect(throws: ClassifyError.newerFormat(path: "m", found: 7, supported: 1)) {
            try ModelFile.decode(bytes, path: "m")
        }
        let message = "\(ClassifyError.newerFormat(path: "m", found: 7, supported: 1))"
        #expect(message.contains("upgrade ingestd or retrain"))
    }

    @Test("a flipped byte fails the checksum")
    func bitRot() {
        var bytes = ModelFile.encode(model)
        bytes[bytes.count - 20] ^= 0x01
        #expect(throws: ClassifyError.corrupt(path: "m", reason: "checksum mismatch")) {
            try ModelFile.decode(bytes, path: "m")
        }
    }

    @Test("a truncated file is corrupt, not a crash")
    func truncated() {
        let bytes = ModelFile.encode(model)
        for length in [bytes.count - 1, bytes.count / 2, 30] {
            #expect(throws: ClassifyError.self) { try ModelFile.decode(Array(bytes.prefix(length)), path: "m") }
        }
    }

    @Test("a missing file names the path")
    func missing() {
        #expect(throws: ClassifyError.io(path: "/nonexistent/m.model", reason: "no such file")) {
            try ModelFile.read(from: "/nonexistent/m.model")
        }
    }
}
