import Foundation

/// How long one stage took per article: a histogram cheap enough to update under a lock for every article.
///
/// It keeps two sets of buckets. The fine ones are log-scale, eight per doubling (each about 9 % wide), from
/// 1 µs to about 4.5 minutes: quantiles read from them are within a few percent of the true value, whatever
/// the stage's speed, in constant memory. The coarse ones are the fixed bounds of ``bounds``, which the
/// Prometheus histogram exposes (a scrape must see the same buckets every time).
struct LatencyHistogram: Sendable, Equatable {
    /// The Prometheus bucket bounds, in seconds (`le`), from 100 µs to 30 s; `+Inf` is implied.
    static let bounds: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
    ]
    private static let boundsMicros: [Int64] = bounds.map { Int64(($0 * 1_000_000).rounded()) }
    static let perOctave = 8
    static let fineCount = perOctave * 28

    /// Per fine bucket: bucket `i` holds durations in [2^(i/8), 2^((i+1)/8)) µs; bucket 0 also holds 0 µs.
    private var fine = [Int](repeating: 0, count: fineCount)
    /// Per bound of ``bounds`` (not cumulative): durations above the previous bound and up to this one.
    private(set) var coarse = [Int](repeating: 0, count: bounds.count)
    private(set) var count = 0
    private(set) var sumMicros: Int64 = 0

    init() {}

    mutating func record(micros: Int64) {
        let micros = max(micros, 0)
        count += 1
        sumMicros += micros
        fine[Self.fineIndex(micros)] += 1
        if let i = Self.boundsMicros.firstIndex(where: { micros <= $0 }) { coarse[i] += 1 }
    }

    static func fineIndex(_ micros: Int64) -> Int {
        guard micros > 1 else { return 0 }
        let i = Int((log2(Double(micros)) * Double(perOctave)).rounded(.down))
        return min(max(i, 0), fineCount - 1)
    }

    /// The lower bound of fine bucket `i`, in microseconds.
    private static func lower(_ i: Int) -> Double {
        i == 0 ? 0 : pow(2, Double(i) / Double(perOctave))
    }

    /// The duration below which a fraction `q` (0…1) of the recorded ones fall, in microseconds, interpolated
    /// inside its bucket; `nil` when nothing was recorded.
    func quantileMicros(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = min(max(q, 0), 1) * Double(count)
        var below = 0
        for (i, n) in fine.enumerated() where n > 0 {
            if Double(below + n) >= rank {
                let within = max(rank - Double(below), 0) / Double(n)
                let low = Self.lower(i)
                return low + (Self.lower(i + 1) - low) * within
            }
            below += n
        }
        return Self.lower(Self.fineCount)
    }

    /// ``quantileMicros(_:)`` in milliseconds, rounded to the microsecond (for `/v1/status`).
    func quantileMillis(_ q: Double) -> Double? {
        quantileMicros(q).map { ($0).rounded() / 1_000 }
    }
}
