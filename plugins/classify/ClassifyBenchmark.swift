import Foundation
import IngestCore

/// The timed loop of `ingestctl classify bench` (scripts/bench_classify.py): classifies texts held in memory,
/// so the figure is the classifier's cost alone, without reading files.
public enum ClassifyBenchmark {
    public struct Result: Sendable, Codable {
        public var docs: Int
        public var bytes: Int
        public var `repeat`: Int
        public var mode: String
        public var wallSecs: Double
        public var docsPerSec: Double
        public var mbPerSec: Double
        /// How often each label came out on top in the first pass (so a broken model is visible).
        public var topLabels: [String: Int]

        enum CodingKeys: String, CodingKey {
            case docs, bytes, `repeat`, mode, topLabels = "top_labels"
            case wallSecs = "wall_secs", docsPerSec = "docs_per_sec", mbPerSec = "mb_per_sec"
        }
    }

    /// Classifies every text `repeat` times.
    ///
    /// - Parameter wholeStage: `false` times the model alone, as a batch predictor would be used (scratch
    ///   space reused, best label only: what scikit-learn's `predict` does); `true` times
    ///   ``ClassifyStage/labels(title:text:)`` with the default rules and the model: what an article costs in
    ///   the pipeline.
    public static func run(
        texts: [String], model: TextModel, modelPath: String, repeat: Int, wholeStage: Bool
    ) throws -> Result {
        let utf8 = texts.map { Array($0.utf8) }
        var top: [String: Int] = [:]
        let clock = ContinuousClock()
        let start: ContinuousClock.Instant
        if wholeStage {
            var configuration = ClassifyStage.Configuration()
            configuration.model = modelPath
            let stage = try ClassifyStage(configuration: configuration, context: StageContext(stateDirectory: "/"))
            start = clock.now
            for pass in 0..<`repeat` {
                for text in texts {
                    let labels = stage.labels(text: text)
                    if pass == 0 { top[labels.first?.name ?? "(none)", default: 0] += 1 }
                }
            }
        } else {
            let counter = FeatureCounter()
            var scores = [Float](repeating: 0, count: model.labels.count)
            start = clock.now
            for pass in 0..<`repeat` {
                for text in utf8 {
                    let best = text.withUnsafeBufferPointer { model.bestLabel($0, counter: counter, scores: &scores) }
                    if pass == 0 { top[model.labels[best], default: 0] += 1 }
                }
            }
        }
        let wall = Evaluator.seconds(start.duration(to: clock.now))
        let bytes = utf8.reduce(0) { $0 + $1.count }
        let runs = Double(texts.count * `repeat`)
        return Result(
            docs: texts.count, bytes: bytes, repeat: `repeat`, mode: wholeStage ? "stage" : "model", wallSecs: wall,
            docsPerSec: wall > 0 ? runs / wall : 0,
            mbPerSec: wall > 0 ? Double(bytes) * Double(`repeat`) / 1e6 / wall : 0,
            topLabels: top)
    }
}
