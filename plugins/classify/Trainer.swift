import Glibc

/// One training example: a text and its label(s).
public struct Example: Sendable {
    /// The UTF-8 text (title and body, as the stage sees them).
    public var text: [UInt8]
    public var labels: [String]

    public init(text: [UInt8], labels: [String]) {
        self.text = text
        self.labels = labels
    }

    public init(text: String, labels: [String]) {
        self.init(text: Array(text.utf8), labels: labels)
    }
}

/// How to train a model. The defaults are what `ingestctl classify train` uses; EVALUATIONS.md shows how
/// they were chosen on bbc-news.
public struct TrainingOptions: Sendable {
    public var algorithm: Algorithm = .linearSVM
    /// log2 of the hash buckets: 2^18 makes collisions among the tens of thousands of words of a news corpus
    /// rare, and the buckets actually used stay few enough to sit in the CPU cache.
    public var bucketBits = 18
    /// 1: words; 2: words and adjacent word pairs ("prime minister"). Pairs gain nothing measurable on
    /// bbc-news (97.88 % either way) but make prediction about 2.5 times slower (EVALUATIONS.md).
    public var ngrams = 1
    /// Passes over the data for the SGD learners.
    public var epochs = 20
    /// L2 regularisation strength (scikit-learn's `alpha`) for the SGD learners.
    public var regularization = 1e-4
    /// Additive smoothing for naive Bayes.
    public var smoothing = 0.01
    /// n-grams in fewer documents than this are dropped (their IDF is set to 0). 2 drops the words seen in a
    /// single example (names, typos): no loss of accuracy, a smaller model, faster prediction.
    public var minDocumentFrequency = 2
    /// Seeds the example order of SGD, so a training run can be repeated exactly.
    public var seed: UInt64 = 1

    public init() {}
}

/// Fits a ``TextModel`` to examples.
public enum Trainer {
    /// Trains a model on `examples`.
    ///
    /// - Throws: ``ClassifyError/training(_:)`` when there is nothing to learn from (no examples, an example
    ///   without a label, fewer than two labels).
    public static func train(
        _ examples: [Example], options: TrainingOptions = TrainingOptions(), trainedAt: String = ""
    ) throws(ClassifyError) -> TextModel {
        guard !examples.isEmpty else { throw .training("no examples") }
        if let i = examples.firstIndex(where: { $0.labels.isEmpty }) {
            throw .training("example \(i + 1) has no label")
        }
        guard (1...24).contains(options.bucketBits) else { throw .training("bucket bits must be 1…24") }
        guard (1...2).contains(options.ngrams) else { throw .training("n-grams must be 1 or 2") }
        let labels = Array(Set(examples.flatMap(\.labels))).sorted()
        guard labels.count >= 2 else { throw .training("need at least two labels, found \(labels)") }
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let targets = examples.map { Set($0.labels.compactMap { labelIndex[$0] }) }
        let multiLabel = examples.contains { Set($0.labels).count > 1 }

        let space = FeatureSpace(bucketBits: options.bucketBits, ngrams: options.ngrams)
        let (idf, vectors) = vectorize(examples, space: space, minDocumentFrequency: options.minDocumentFrequency)
        guard idf.contains(where: { $0 > 0 }) else {
            throw .training(
                "no word is in \(options.minDocumentFrequency) or more examples; add examples or lower the minimum")
        }

        let (weights, bias): ([Double], [Double])
        switch options.algorithm {
        case .naiveBayes:
            (weights, bias) = naiveBayes(vectors, targets, labelCount: labels.count, idf: idf, options: options)
        case .logisticRegression, .linearSVM:
            (weights, bias) = sgd(vectors, targets, labelCount: labels.count, buckets: space.buckets, options: options)
        }

        let labelCount = labels.count
        return TextModel(
            algorithm: options.algorithm, labels: labels, multiLabel: multiLabel, documents: examples.count,
            trainedAt: trainedAt, space: space, bias: bias.map { Float($0) }
        ) { setRow in
            for b in 0..<space.buckets where idf[b] > 0 {
                setRow(b, [idf[b]] + (0..<labelCount).map { Float(weights[b * labelCount + $0]) })
            }
        }
    }

    /// Counts every example's n-grams, derives the IDF from document frequencies, and returns each example
    /// as an L2-normalised TF-IDF vector (scikit-learn's `TfidfVectorizer(sublinear_tf=True)` formula).
    static func vectorize(
        _ examples: [Example], space: FeatureSpace, minDocumentFrequency: Int
    ) -> (idf: [Float], vectors: [SparseVector]) {
        var documentFrequency = [Int32](repeating: 0, count: space.buckets)
        let counter = FeatureCounter()
        var counted: [(buckets: [Int32], counts: [UInt32])] = []
        counted.reserveCapacity(examples.count)
        for example in examples {
            example.text.withUnsafeBufferPointer { space.count($0, into: counter) }
            var buckets: [Int32] = []
            var counts: [UInt32] = []
            buckets.reserveCapacity(counter.used)
            counts.reserveCapacity(counter.used)
            counter.forEach { bucket, count in
                buckets.append(Int32(bucket))
                counts.append(count)
                documentFrequency[bucket] += 1
            }
            counted.append((buckets, counts))
        }
        let n = Float(examples.count)
        let floor = Int32(max(1, minDocumentFrequency))
        let idf = documentFrequency.map { df in df >= floor ? logf((1 + n) / (1 + Float(df))) + 1 : 0 }
        let vectors = counted.map { doc in
            var indices: [Int32] = []
            var values: [Float] = []
            var norm2: Float = 0
            for (bucket, count) in zip(doc.buckets, doc.counts) where idf[Int(bucket)] > 0 {
                let x = sublinearTF(count) * idf[Int(bucket)]
                indices.append(bucket)
                values.append(x)
                norm2 += x * x
            }
            let inverse = norm2 > 0 ? 1 / norm2.squareRoot() : 0
            return SparseVector(indices: indices, values: values.map { $0 * inverse })
        }
        return (idf, vectors)
    }

    /// Multinomial naive Bayes over TF-IDF mass, as scikit-learn's `MultinomialNB` on `TfidfVectorizer` output.
    static func naiveBayes(
        _ vectors: [SparseVector], _ targets: [Set<Int>], labelCount: Int, idf: [Float], options: TrainingOptions
    ) -> ([Double], [Double]) {
        let buckets = idf.count
        var mass = [Double](repeating: 0, count: buckets * labelCount)
        var totals = [Double](repeating: 0, count: labelCount)
        var documents = [Double](repeating: 0, count: labelCount)
        for (vector, target) in zip(vectors, targets) {
            for l in target {
                documents[l] += 1
                for (i, x) in zip(vector.indices, vector.values) {
                    mass[Int(i) * labelCount + l] += Double(x)
                    totals[l] += Double(x)
                }
            }
        }
        let vocabulary = Double(idf.lazy.filter { $0 > 0 }.count)
        let alpha = options.smoothing
        var weights = [Double](repeating: 0, count: buckets * labelCount)
        for b in 0..<buckets where idf[b] > 0 {
            for l in 0..<labelCount {
                weights[b * labelCount + l] = log((mass[b * labelCount + l] + alpha) / (totals[l] + alpha * vocabulary))
            }
        }
        let all = documents.reduce(0, +)
        return (weights, documents.map { log(max($0, 1) / all) })
    }

    /// One-vs-rest linear models fitted by stochastic gradient descent with L2 regularisation: hinge loss
    /// (linear SVM) or log loss (logistic regression).
    ///
    /// The schedule is scikit-learn's `SGDClassifier` "optimal" one, η = 1 / (α (t₀ + t)), and the L2 decay
    /// is applied through a scale factor per label so a step costs O(features of the example), not O(buckets).
    static func sgd(
        _ vectors: [SparseVector], _ targets: [Set<Int>], labelCount: Int, buckets: Int, options: TrainingOptions
    ) -> ([Double], [Double]) {
        let alpha = options.regularization
        let hinge = options.algorithm == .linearSVM
        var v = [Double](repeating: 0, count: buckets * labelCount)
        var scale = [Double](repeating: 1, count: labelCount)
        var bias = [Double](repeating: 0, count: labelCount)
        // scikit-learn's heuristic for t₀: the first step is about what a typical weight's gradient asks for.
        let typicalWeight = (1 / alpha.squareRoot()).squareRoot()
        let firstStep = typicalWeight / max(1, lossDerivative(-typicalWeight, 1, hinge: hinge).magnitude)
        let t0 = 1 / (firstStep * alpha)
        var order = Array(vectors.indices)
        var random = SplitMix64(seed: options.seed)
        var t = 0.0
        var margins = [Double](repeating: 0, count: labelCount)
        for _ in 0..<options.epochs {
            random.shuffle(&order)
            for i in order {
                let vector = vectors[i]
                let target = targets[i]
                let eta = 1 / (alpha * (t0 + t))
                t += 1
                for l in 0..<labelCount { margins[l] = 0 }
                v.withUnsafeBufferPointer { v in
                    for (index, x) in zip(vector.indices, vector.values) {
                        let row = Int(index) * labelCount
                        for l in 0..<labelCount { margins[l] += Double(x) * v[row + l] }
                    }
                }
                for l in 0..<labelCount {
                    let y: Double = target.contains(l) ? 1 : -1
                    let margin = margins[l] * scale[l] + bias[l]
                    let g = lossDerivative(margin, y, hinge: hinge)
                    scale[l] *= 1 - eta * alpha
                    if scale[l] < 1e-9 { rescale(&v, &scale, label: l, labelCount: labelCount) }
                    guard g != 0 else { continue }
                    let step = -eta * g / scale[l]
                    v.withUnsafeMutableBufferPointer { v in
                        for (index, x) in zip(vector.indices, vector.values) {
                            v[Int(index) * labelCount + l] += step * Double(x)
                        }
                    }
                    // The bias is not regularised and moves slower, as scikit-learn does for sparse input.
                    bias[l] -= 0.01 * eta * g
                }
            }
        }
        for b in 0..<buckets {
            for l in 0..<labelCount { v[b * labelCount + l] *= scale[l] }
        }
        return (v, bias)
    }

    /// d loss / d margin for label `y` (±1).
    private static func lossDerivative(_ margin: Double, _ y: Double, hinge: Bool) -> Double {
        if hinge { return y * margin < 1 ? -y : 0 }
        let z = y * margin
        // -y σ(-z), written to stay finite for large |z|.
        return z > 18 ? -y * exp(-z) : z < -18 ? -y : -y / (1 + exp(z))
    }

    private static func rescale(_ v: inout [Double], _ scale: inout [Double], label l: Int, labelCount: Int) {
        var i = l
        while i < v.count {
            v[i] *= scale[l]
            i += labelCount
        }
        scale[l] = 1
    }
}

/// A small, seedable random number generator (SplitMix64), so training and fold splits repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return mix64(state)
    }
}

extension SplitMix64 {
    mutating func shuffle(_ items: inout [Int]) {
        items.shuffle(using: &self)
    }
}
