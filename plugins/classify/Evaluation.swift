/// Quality figures of a model on held-out examples: what `ingestctl classify evaluate` prints.
public struct EvaluationReport: Sendable, Codable {
    public struct LabelMetrics: Sendable, Codable {
        public var label: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// Held-out examples whose first label is this one.
        public var support: Int
    }

    public var algorithm: Algorithm
    public var documents: Int
    public var folds: Int
    public var labels: [String]
    /// Examples whose best-scoring label is one of their labels.
    public var accuracy: Double
    public var macroF1: Double
    public var perLabel: [LabelMetrics]
    /// `confusion[gold][predicted]`, over ``labels``; gold is an example's first label.
    public var confusion: [[Int]]
    public var foldAccuracies: [Double]
    /// Training time of each fold, in seconds (tokenising included).
    public var trainSeconds: [Double]
}

/// k-fold cross-validation.
public enum Evaluator {
    /// Splits `examples` into `folds` stratified folds (each label spread evenly), trains on all folds but
    /// one and tests on that one, in turn, and adds up the results.
    ///
    /// The split is seeded (`seed`), so a run can be repeated exactly. Each fold's model computes its IDF from
    /// its own training part only: nothing of the test part leaks into training.
    public static func crossValidate(
        _ examples: [Example], folds: Int, options: TrainingOptions, seed: UInt64 = 1
    ) throws(ClassifyError) -> EvaluationReport {
        guard folds >= 2 else { throw .training("need at least 2 folds") }
        guard examples.count >= folds else { throw .training("\(examples.count) examples for \(folds) folds") }
        let assignment = stratifiedFolds(examples, folds: folds, seed: seed)
        let labels = Array(Set(examples.flatMap(\.labels))).sorted()
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
        var correct = 0
        var foldAccuracies: [Double] = []
        var trainSeconds: [Double] = []
        let clock = ContinuousClock()
        for fold in 0..<folds {
            let training = examples.indices.filter { assignment[$0] != fold }.map { examples[$0] }
            let testing = examples.indices.filter { assignment[$0] == fold }.map { examples[$0] }
            let start = clock.now
            let model = try Trainer.train(training, options: options)
            trainSeconds.append(seconds(start.duration(to: clock.now)))
            let counter = FeatureCounter()
            var scores = [Float](repeating: 0, count: model.labels.count)
            var foldCorrect = 0
            for example in testing {
                let best = example.text.withUnsafeBufferPointer {
                    model.bestLabel($0, counter: counter, scores: &scores)
                }
                let predicted = model.labels[best]
                if example.labels.contains(predicted) { foldCorrect += 1 }
                if let gold = labelIndex[example.labels[0]], let guess = labelIndex[predicted] {
                    confusion[gold][guess] += 1
                }
            }
            correct += foldCorrect
            foldAccuracies.append(testing.isEmpty ? 0 : Double(foldCorrect) / Double(testing.count))
        }
        let perLabel = metrics(confusion, labels: labels)
        return EvaluationReport(
            algorithm: options.algorithm, documents: examples.count, folds: folds, labels: labels,
            accuracy: Double(correct) / Double(examples.count),
            macroF1: perLabel.map(\.f1).reduce(0, +) / Double(max(1, perLabel.count)),
            perLabel: perLabel, confusion: confusion, foldAccuracies: foldAccuracies, trainSeconds: trainSeconds)
    }

    /// The fold of each example: examples are grouped by first label, shuffled with `seed`, and dealt out
    /// round-robin, so every fold holds about the same share of every label.
    static func stratifiedFolds(_ examples: [Example], folds: Int, seed: UInt64) -> [Int] {
        var byLabel: [String: [Int]] = [:]
        for (i, example) in examples.enumerated() { byLabel[example.labels.first ?? "", default: []].append(i) }
        var random = SplitMix64(seed: seed)
        var assignment = [Int](repeating: 0, count: examples.count)
        var next = 0
        for label in byLabel.keys.sorted() {
            var members = byLabel[label]!
            members.shuffle(using: &random)
            for i in members {
                assignment[i] = next % folds
                next += 1
            }
        }
        return assignment
    }

    /// Precision, recall and F1 of each label from a confusion matrix (`confusion[gold][predicted]`).
    static func metrics(_ confusion: [[Int]], labels: [String]) -> [EvaluationReport.LabelMetrics] {
        labels.indices.map { l in
            let truePositives = Double(confusion[l][l])
            let predicted = Double(confusion.reduce(0) { $0 + $1[l] })
            let actual = Double(confusion[l].reduce(0, +))
            let precision = predicted > 0 ? truePositives / predicted : 0
            let recall = actual > 0 ? truePositives / actual : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return .init(label: labels[l], precision: precision, recall: recall, f1: f1, support: Int(actual))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
