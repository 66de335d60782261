import Foundation
import IngestCore
import Synchronization

/// Counts per stage, as `ingestctl status` shows them.
public struct StageCounts: Sendable, Codable, Equatable {
    public var name: String
    public var processed = 0
    public var dropped = 0
    public var failed = 0

    public init(name: String) {
        self.name = name
    }
}

/// The daemon's live counters: what went through each stage, what was committed, the last store error.
/// Shared by the pipeline runner (writes) and the control API (reads).
final class RuntimeStats: Sendable {
    private struct State {
        var stages: [StageCounts]
        var enqueued = 0
        var droppedTotal = 0
        var alreadyIngested = 0
        var lastStoreError: String?
        var lastStoreErrorAt: Date?
        /// Articles enqueued per second over the last minute, as a ring of 60 buckets.
        var perSecond = [Int](repeating: 0, count: 60)
        var bucketSecond = 0
    }

    private let state: Mutex<State>

    /// `stageNames` in pipeline order; `decode` is always first.
    init(stageNames: [String]) {
        state = Mutex(State(stages: (["decode"] + stageNames).map(StageCounts.init(name:))))
    }

    func recordDecode(ok: Bool) {
        state.withLock { s in
            s.stages[0].processed += 1
            if !ok { s.stages[0].failed += 1 }
        }
    }

    /// Counts every step of an article's trace against its stage.
    func record(trace: [TraceEntry]) {
        state.withLock { s in
            for entry in trace {
                guard let i = s.stages.firstIndex(where: { $0.name == entry.stage }) else { continue }
                s.stages[i].processed += 1
                if entry.outcome == .drop { s.stages[i].dropped += 1 }
                if entry.outcome == .fail { s.stages[i].failed += 1 }
            }
        }
    }

    func recordCommit(enqueued: Int, dropped: Int, alreadyIngested: Bool, now: Date = Date()) {
        state.withLock { s in
            s.enqueued += enqueued
            s.droppedTotal += dropped
            if alreadyIngested { s.alreadyIngested += 1 }
            Self.advance(&s, to: Int(now.timeIntervalSince1970))
            s.perSecond[s.bucketSecond % 60] += enqueued
        }
    }

    func recordStoreError(_ message: String) {
        state.withLock { s in
            s.lastStoreError = message
            s.lastStoreErrorAt = Date()
        }
    }

    struct Snapshot: Sendable {
        var stages: [StageCounts]
        var enqueued: Int
        var dropped: Int
        var alreadyIngested: Int
        var articlesLastMinute: Int
        var lastStoreError: String?
        var lastStoreErrorAt: Date?
    }

    func snapshot(now: Date = Date()) -> Snapshot {
        state.withLock { s in
            Self.advance(&s, to: Int(now.timeIntervalSince1970))
            return Snapshot(
                stages: s.stages, enqueued: s.enqueued, dropped: s.droppedTotal, alreadyIngested: s.alreadyIngested,
                articlesLastMinute: s.perSecond.reduce(0, +), lastStoreError: s.lastStoreError,
                lastStoreErrorAt: s.lastStoreErrorAt)
        }
    }

    /// Clears the buckets of the seconds that passed since the last update.
    private static func advance(_ s: inout State, to second: Int) {
        if s.bucketSecond == 0 { s.bucketSecond = second }
        guard second > s.bucketSecond else { return }
        for t in (s.bucketSecond + 1)...min(second, s.bucketSecond + 60) { s.perSecond[t % 60] = 0 }
        s.bucketSecond = second
    }
}
