import Foundation
import IngestCore
import Synchronization

/// Counts per stage, as `ingestctl status` shows them.
public struct StageCounts: Sendable, Codable, Equatable {
    public var name: String
    public var processed = 0
    public var dropped = 0
    public var failed = 0
    /// The median and 99th percentile of the stage's time per article since the start, in milliseconds;
    /// absent before the stage's first article (and from older daemons).
    public var p50Ms: Double?
    public var p99Ms: Double?

    public init(name: String) {
        self.name = name
    }
}

/// The daemon's live counters: what went through each stage and how long it took, what each source brought
/// and what was committed, why articles were dropped, the last store error. Shared by the pipeline runner
/// (writes), the control API and the metrics endpoint (reads).
///
/// Every update takes the lock once and does a few additions under it.
final class RuntimeStats: Sendable {
    /// Articles per source: decoded from its inputs (`in`) and enqueued (`out`).
    struct SourceCounts: Sendable, Equatable {
        var articlesIn = 0
        var articlesOut = 0
    }

    /// A drop's stage and its reason reduced to a class (see ``reasonClass(_:)``).
    struct DropKey: Sendable, Hashable {
        var stage: String
        var reason: String
    }

    private struct State {
        var stages: [StageCounts]
        var latency: [LatencyHistogram]
        var sources: [String: SourceCounts] = [:]
        var drops: [DropKey: Int] = [:]
        var enqueued = 0
        var droppedTotal = 0
        var alreadyIngested = 0
        var lastStoreError: String?
        var lastStoreErrorAt: Date?
        /// Set by the first store error after a successful commit, cleared by the next commit: while it is
        /// set, intake is waiting on the store (a full disk, a lock held elsewhere) and retrying.
        var storeWaitingSince: Date?
        /// Articles enqueued per second over the last minute, as a ring of 60 buckets.
        var perSecond = [Int](repeating: 0, count: 60)
        var bucketSecond = 0
    }

    /// Distinct drop reasons kept per stage; more are counted as `other`. Reasons come from stages and exec
    /// plugins, so this bounds the metric's label values whatever they write.
    static let maxReasonsPerStage = 16

    private let state: Mutex<State>

    /// `stageNames` in pipeline order; `decode` is always first.
    init(stageNames: [String]) {
        let names = ["decode"] + stageNames
        state = Mutex(
            State(
                stages: names.map(StageCounts.init(name:)),
                latency: [LatencyHistogram](repeating: LatencyHistogram(), count: names.count)))
    }

    /// One input decoded (or not) into `articles` articles, taking `micros`.
    func recordDecode(ok: Bool, source: String = "", articles: Int = 0, micros: Int64? = nil) {
        state.withLock { s in
            s.stages[0].processed += 1
            if !ok { s.stages[0].failed += 1 }
            if let micros { s.latency[0].record(micros: micros) }
            if ok && !source.isEmpty { s.sources[source, default: SourceCounts()].articlesIn += articles }
        }
    }

    /// Counts every step of an article's trace against its stage, with its time and, for a drop, its reason.
    func record(trace: [TraceEntry]) {
        state.withLock { s in
            for entry in trace {
                guard let i = s.stages.firstIndex(where: { $0.name == entry.stage }) else { continue }
                s.stages[i].processed += 1
                s.latency[i].record(micros: entry.micros)
                if entry.outcome == .drop {
                    s.stages[i].dropped += 1
                    var key = DropKey(stage: entry.stage, reason: Self.reasonClass(entry.detail ?? ""))
                    if s.drops[key] == nil
                        && s.drops.keys.filter({ $0.stage == key.stage }).count >= Self.maxReasonsPerStage
                    {
                        key.reason = "other"
                    }
                    s.drops[key, default: 0] += 1
                }
                if entry.outcome == .fail { s.stages[i].failed += 1 }
            }
        }
    }

    func recordCommit(source: String = "", enqueued: Int, dropped: Int, alreadyIngested: Bool, now: Date = Date()) {
        state.withLock { s in
            s.enqueued += enqueued
            s.droppedTotal += dropped
            if alreadyIngested { s.alreadyIngested += 1 }
            if !source.isEmpty { s.sources[source, default: SourceCounts()].articlesOut += enqueued }
            Self.advance(&s, to: Int(now.timeIntervalSince1970))
            s.perSecond[s.bucketSecond % 60] += enqueued
            s.storeWaitingSince = nil
        }
    }

    func recordStoreError(_ message: String) {
        state.withLock { s in
            s.lastStoreError = message
            s.lastStoreErrorAt = Date()
            if s.storeWaitingSince == nil { s.storeWaitingSince = s.lastStoreErrorAt }
        }
    }

    struct Snapshot: Sendable {
        /// With each stage's p50 and p99 filled in.
        var stages: [StageCounts]
        /// Per stage, in the order of ``stages``.
        var latency: [LatencyHistogram]
        var sources: [String: SourceCounts]
        var drops: [DropKey: Int]
        var enqueued: Int
        var dropped: Int
        var alreadyIngested: Int
        var articlesLastMinute: Int
        var lastStoreError: String?
        var lastStoreErrorAt: Date?
    }

    /// The last store error, saying so first when intake is still waiting on the store: files stay in the
    /// inbox and commits are retried until it answers again (what `ingestctl status` shows on a full disk).
    private static func storeErrorLine(_ s: State) -> String? {
        guard let error = s.lastStoreError else { return nil }
        guard let since = s.storeWaitingSince else { return error }
        return "intake waiting on the store since \(since.formatted(.iso8601)), retrying: \(error)"
    }

    func snapshot(now: Date = Date()) -> Snapshot {
        let snapshot = state.withLock { s in
            Self.advance(&s, to: Int(now.timeIntervalSince1970))
            return Snapshot(
                stages: s.stages, latency: s.latency, sources: s.sources, drops: s.drops, enqueued: s.enqueued,
                dropped: s.droppedTotal, alreadyIngested: s.alreadyIngested,
                articlesLastMinute: s.perSecond.reduce(0, +), lastStoreError: Self.storeErrorLine(s),
                lastStoreErrorAt: s.lastStoreErrorAt)
        }
        // Quantiles are read outside the lock, from the copy.
        var result = snapshot
        for i in result.stages.indices {
            result.stages[i].p50Ms = result.latency[i].quantileMillis(0.5)
            result.stages[i].p99Ms = result.latency[i].quantileMillis(0.99)
        }
        return result
    }

    /// A drop reason without what differs from one article to the next, for use as a metric label: a
    /// duplicate is `duplicate: same text` (not which article it duplicates); otherwise the reason up to its
    /// first `:`, `(` or `,`, without words holding digits, at most 60 characters. `unspecified` when empty.
    static func reasonClass(_ reason: String) -> String {
        var text = Substring(reason)
        var prefix = ""
        if text.hasPrefix("duplicate of "), let colon = text.range(of: ": ") {
            prefix = "duplicate: "
            text = text[colon.upperBound...]
        }
        if let cut = text.firstIndex(where: { ":(,;\n".contains($0) }) { text = text[..<cut] }
        let words = text.split(whereSeparator: \.isWhitespace).filter { !$0.contains(where: \.isNumber) }
        let label = String((prefix + words.joined(separator: " ")).prefix(60))
        return label.isEmpty || label == prefix ? (prefix.isEmpty ? "unspecified" : "duplicate") : label
    }

    /// Clears the buckets of the seconds that passed since the last update.
    private static func advance(_ s: inout State, to second: Int) {
        if s.bucketSecond == 0 { s.bucketSecond = second }
        guard second > s.bucketSecond else { return }
        for t in (s.bucketSecond + 1)...min(second, s.bucketSecond + 60) { s.perSecond[t % 60] = 0 }
        s.bucketSecond = second
    }
}
