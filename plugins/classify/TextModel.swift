import Glibc
import Synchronization

/// Which linear learner produced a model. All three share the same features (hashed word n-grams, TF-IDF)
/// and the same prediction code; they differ in how the weights were fitted and how scores become 0…1.
public enum Algorithm: String, Sendable, Codable, CaseIterable {
    /// Multinomial naive Bayes on TF-IDF mass: one pass, no tuning, a little behind the other two.
    case naiveBayes = "nb"
    /// One-vs-rest logistic regression fitted by SGD on the log loss.
    case logisticRegression = "logreg"
    /// One-vs-rest linear SVM fitted by SGD on the hinge loss (the default: see README, "Choosing the model").
    case linearSVM = "svm"
}

/// A trained topic model: an IDF and one weight per label for each hash bucket, and a bias per label.
///
/// Immutable once built, so one instance is shared by every concurrent ``ClassifyStage/process(_:logger:)``
/// call; a reload swaps the whole instance.
public final class TextModel: @unchecked Sendable {
    // @unchecked: the table is raw memory written only in init and freed in deinit; never mutated in between.
    public let algorithm: Algorithm
    public let labels: [String]
    /// Trained on examples with several labels each: scores are independent, several labels may pass.
    public let multiLabel: Bool
    /// How many examples the model was trained on, and when (ISO 8601): shown by `ingestctl` and in logs.
    public let documents: Int
    public let trainedAt: String
    let space: FeatureSpace
    /// Floats per row of ``table``: the IDF, one weight per label, padding to a multiple of 8 so that a row
    /// never straddles two cache lines (prediction is bound by fetching one row per n-gram).
    let rowStride: Int
    /// One row of ``rowStride`` floats per bucket seen in training, in bucket order: the IDF, then the label
    /// weights. Only seen buckets have a row (a model keeps some 15,000 of 2^18 buckets), so the table is
    /// about 500 KB instead of 8 MB and the rows a text needs come from the L2 cache, not from memory.
    private let table: UnsafeMutablePointer<Float>
    /// One bit per bucket seen in training: most n-grams of a new text that were never seen are skipped
    /// from this small bitmap (32 KiB for 2^18 buckets) without touching the table.
    private let seen: [UInt64]
    /// Per 64-bit word of ``seen``: how many buckets before it were seen. A seen bucket's row is
    /// `rank[word] + popcount(bits of its word below it)`.
    private let rank: [UInt32]
    let bias: [Float]

    /// `rows(bucket)` gives the IDF followed by one weight per label, for each bucket.
    init(
        algorithm: Algorithm, labels: [String], multiLabel: Bool, documents: Int, trainedAt: String,
        space: FeatureSpace, bias: [Float], fill: (_ setRow: (_ bucket: Int, _ values: [Float]) -> Void) -> Void
    ) {
        precondition(bias.count == labels.count)
        self.algorithm = algorithm
        self.labels = labels
        self.multiLabel = multiLabel
        self.documents = documents
        self.trainedAt = trainedAt
        self.space = space
        self.bias = bias
        let rowStride = (labels.count + 1 + 7) / 8 * 8
        self.rowStride = rowStride
        // Rows arrive in any order: collect them, then lay them out in bucket order.
        var rows: [Int: [Float]] = [:]
        var seen = [UInt64](repeating: 0, count: (space.buckets + 63) / 64)
        fill { bucket, values in
            precondition(values.count == labels.count + 1 && bucket < space.buckets)
            guard values[0] > 0 else { return }
            rows[bucket] = values
            seen[bucket >> 6] |= 1 << UInt64(bucket & 63)
        }
        var rank = [UInt32](repeating: 0, count: seen.count)
        var total: UInt32 = 0
        for (i, word) in seen.enumerated() {
            rank[i] = total
            total += UInt32(word.nonzeroBitCount)
        }
        let count = max(1, Int(total)) * rowStride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
        let table = raw.bindMemory(to: Float.self, capacity: count)
        table.initialize(repeating: 0, count: count)
        for (bucket, values) in rows {
            let row = Self.rowIndex(bucket, seen: seen, rank: rank)
            for (i, v) in values.enumerated() { table[row * rowStride + i] = v }
        }
        self.table = table
        self.seen = seen
        self.rank = rank
    }

    deinit {
        UnsafeMutableRawPointer(table).deallocate()
    }

    /// The row of a seen bucket.
    @inline(__always)
    private static func rowIndex(_ bucket: Int, seen: UnsafePointer<UInt64>, rank: UnsafePointer<UInt32>) -> Int {
        let below = seen[bucket >> 6] & ((1 << UInt64(bucket & 63)) &- 1)
        return Int(rank[bucket >> 6]) + below.nonzeroBitCount
    }

    private static func rowIndex(_ bucket: Int, seen: [UInt64], rank: [UInt32]) -> Int {
        seen.withUnsafeBufferPointer { s in
            rank.withUnsafeBufferPointer { r in rowIndex(bucket, seen: s.baseAddress!, rank: r.baseAddress!) }
        }
    }

    /// The buckets seen in training, ascending.
    var seenBuckets: [Int] {
        (0..<space.buckets).filter { seen[$0 >> 6] & (1 << UInt64($0 & 63)) != 0 }
    }

    /// The IDF and the label weights of `bucket`.
    func row(_ bucket: Int) -> [Float] {
        guard seen[bucket >> 6] & (1 << UInt64(bucket & 63)) != 0 else {
            return [Float](repeating: 0, count: labels.count + 1)
        }
        let row = Self.rowIndex(bucket, seen: seen, rank: rank)
        return Array(UnsafeBufferPointer(start: table + row * rowStride, count: labels.count + 1))
    }

    /// The raw linear scores (margins, or log-probabilities for naive Bayes) of `text`, one per label.
    ///
    /// `counter` is scratch space the caller keeps between calls so the hot path does not allocate.
    func decisionScores(_ text: UnsafeBufferPointer<UInt8>, counter: FeatureCounter, into scores: inout [Float]) {
        space.count(text, into: counter)
        score(counter, into: &scores)
    }

    /// ``decisionScores(_:counter:into:)`` of words tokenised already (the classify stage shares them with
    /// the rules).
    func decisionScores(_ tokens: TokenBuffer, counter: FeatureCounter, into scores: inout [Float]) {
        space.count(tokens, into: counter)
        score(counter, into: &scores)
    }

    /// The linear scores of the features counted in `counter`.
    private func score(_ counter: FeatureCounter, into scores: inout [Float]) {
        let labelCount = labels.count
        let rowStride = rowStride
        let table = table
        var norm2: Float = 0
        seen.withUnsafeBufferPointer { seen in
            rank.withUnsafeBufferPointer { rank in
                scores.withUnsafeMutableBufferPointer { scores in
                    let seen = seen.baseAddress!
                    let rank = rank.baseAddress!
                    if rowStride == 8 {
                        // Up to 7 labels (the usual case): the IDF and the weights are one 8-float row, summed
                        // in a register. Summing into `scores` in memory would chain every feature's additions
                        // through a store and a load.
                        var sums = SIMD8<Float>()
                        let rows = UnsafeRawPointer(table)
                        counter.forEach { bucket, count in
                            guard seen[bucket >> 6] & (1 << UInt64(bucket & 63)) != 0 else { return }
                            let row = rows.load(
                                fromByteOffset: Self.rowIndex(bucket, seen: seen, rank: rank) * 32, as: SIMD8<Float>.self)
                            let x = sublinearTF(count) * row[0]
                            norm2 += x * x
                            sums += SIMD8(repeating: x) * row
                        }
                        for l in 0..<labelCount { scores[l] = sums[1 + l] }
                    } else {
                        for l in 0..<labelCount { scores[l] = 0 }
                        counter.forEach { bucket, count in
                            guard seen[bucket >> 6] & (1 << UInt64(bucket & 63)) != 0 else { return }
                            let row = table + Self.rowIndex(bucket, seen: seen, rank: rank) * rowStride
                            let x = sublinearTF(count) * row[0]
                            norm2 += x * x
                            for l in 0..<labelCount { scores[l] += x * row[1 + l] }
                        }
                    }
                }
            }
        }
        // The weights were fitted on L2-normalised vectors: divide once here instead of per feature.
        let inverseNorm: Float = norm2 > 0 ? 1 / norm2.squareRoot() : 0
        for l in 0..<labelCount { scores[l] = scores[l] * inverseNorm + bias[l] }
    }

    /// Scores in 0…1 from raw scores: a softmax for naive Bayes (its scores are log-probabilities), a
    /// logistic per label for the SGD models (their scores are one-vs-rest margins).
    func probabilities(_ scores: [Float]) -> [Double] {
        switch algorithm {
        case .naiveBayes:
            let top = scores.max() ?? 0
            let e = scores.map { exp(Double($0 - top)) }
            let sum = e.reduce(0, +)
            return e.map { $0 / sum }
        case .logisticRegression:
            return scores.map { 1 / (1 + exp(-Double($0))) }
        case .linearSVM:
            // A margin of 1 (the hinge) reads as about 0.9; 0 (the boundary) as 0.5.
            return scores.map { 1 / (1 + exp(-2.2 * Double($0))) }
        }
    }

    /// Scores `text` and returns each label with its 0…1 score, best first.
    public func classify(_ text: String) -> [(label: String, score: Double)] {
        let counter = scratch.take()
        defer { scratch.give(counter) }
        return classify(text, counter: counter)
    }

    /// Counters kept between calls: a warm counter has grown to fit an article, a fresh one would allocate.
    private let scratch = ScratchPool()

    func classify(_ text: String, counter: FeatureCounter) -> [(label: String, score: Double)] {
        var scores = [Float](repeating: 0, count: labels.count)
        var text = text
        text.withUTF8 { decisionScores($0, counter: counter, into: &scores) }
        return zip(labels, probabilities(scores)).map { (label: $0, score: $1) }.sorted { $0.score > $1.score }
    }

    /// ``classify(_:)`` of words tokenised already, with scratch space from the caller.
    func classify(
        _ tokens: TokenBuffer, counter: FeatureCounter, scores: inout [Float]
    ) -> [(label: String, score: Double)] {
        decisionScores(tokens, counter: counter, into: &scores)
        return zip(labels, probabilities(scores)).map { (label: $0, score: $1) }.sorted { $0.score > $1.score }
    }

    /// The index of the best label for `text` (evaluation and benchmarks: no allocation per call once warm).
    func bestLabel(_ text: UnsafeBufferPointer<UInt8>, counter: FeatureCounter, scores: inout [Float]) -> Int {
        decisionScores(text, counter: counter, into: &scores)
        var best = 0
        for l in 1..<labels.count where scores[l] > scores[best] { best = l }
        return best
    }
}

/// A few ``FeatureCounter``s shared by concurrent callers: each call takes one and gives it back.
final class ScratchPool: Sendable {
    private let counters = Mutex<[FeatureCounter]>([])

    func take() -> FeatureCounter {
        counters.withLock { $0.popLast() } ?? FeatureCounter()
    }

    func give(_ counter: FeatureCounter) {
        counters.withLock { pool in
            // As many as there were concurrent calls, bounded: the pipeline runs a handful of workers.
            if pool.count < 16 { pool.append(counter) }
        }
    }
}
