import IngestCore
import Synchronization

/// What became of one feed item handed to the pipeline.
enum ItemOutcome: Sendable, Equatable {
    case acknowledged(IngestSummary)
    case rejected(IngestFailure)
    /// Not processed (shutdown, store outage): the item is not in the ledger and will be offered again.
    case released
}

/// The receipts of the items one feed document was split into, gathered into one answer.
///
/// A feed document becomes one ``RawDocument`` per new item, each with its own receipt, so every item has
/// its own ledger key. Whoever split the document (a poll, a dropped file) needs the outcome of the whole:
/// it hands out a receipt per item, calls ``seal()`` once it has submitted the last one, and is called back
/// once every item was answered.
final class ItemReceiptGroup: Sendable {
    private struct State {
        var issued = 0
        var outcomes: [(key: String, outcome: ItemOutcome)] = []
        var sealed = false
        var completed = false
    }

    private let state = Mutex(State())
    private let onComplete: @Sendable ([(key: String, outcome: ItemOutcome)]) async -> Void

    init(onComplete: @escaping @Sendable ([(key: String, outcome: ItemOutcome)]) async -> Void) {
        self.onComplete = onComplete
    }

    /// A receipt for the item recorded under `ledgerKey`. Must be called before ``seal()``.
    func receipt(for ledgerKey: String) -> any Receipt {
        state.withLock { $0.issued += 1 }
        return ItemReceipt(key: ledgerKey, group: self)
    }

    /// No more receipts will be issued; the callback runs once the issued ones are all answered (at once
    /// when none were).
    func seal() async {
        let outcomes = state.withLock { s -> [(key: String, outcome: ItemOutcome)]? in
            s.sealed = true
            return Self.takeIfComplete(&s)
        }
        if let outcomes { await onComplete(outcomes) }
    }

    fileprivate func answer(_ key: String, _ outcome: ItemOutcome) async {
        let outcomes = state.withLock { s -> [(key: String, outcome: ItemOutcome)]? in
            s.outcomes.append((key, outcome))
            return Self.takeIfComplete(&s)
        }
        if let outcomes { await onComplete(outcomes) }
    }

    private static func takeIfComplete(_ s: inout State) -> [(key: String, outcome: ItemOutcome)]? {
        guard s.sealed, !s.completed, s.outcomes.count == s.issued else { return nil }
        s.completed = true
        return s.outcomes
    }

    /// Runs `body` with a new group, seals it, and waits until every receipt `body` issued was answered.
    static func collect(_ body: (ItemReceiptGroup) async -> Void) async -> [(key: String, outcome: ItemOutcome)] {
        let (stream, continuation) = AsyncStream<[(key: String, outcome: ItemOutcome)]>.makeStream(
            bufferingPolicy: .bufferingNewest(1))
        let group = ItemReceiptGroup { outcomes in
            continuation.yield(outcomes)
            continuation.finish()
        }
        await body(group)
        await group.seal()
        for await outcomes in stream { return outcomes }
        return []
    }
}

/// One item's receipt; the first answer counts, later ones are ignored.
private final class ItemReceipt: Receipt {
    let key: String
    let group: ItemReceiptGroup
    private let used = Atomic<Bool>(false)

    init(key: String, group: ItemReceiptGroup) {
        self.key = key
        self.group = group
    }

    func acknowledge(_ summary: IngestSummary) async {
        guard claim() else { return }
        await group.answer(key, .acknowledged(summary))
    }

    func reject(_ failure: IngestFailure) async {
        guard claim() else { return }
        await group.answer(key, .rejected(failure))
    }

    func release() async {
        guard claim() else { return }
        await group.answer(key, .released)
    }

    private func claim() -> Bool {
        used.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}

/// The outcomes of one document's items, counted.
struct ItemTally: Sendable, Equatable {
    var enqueued = 0
    var dropped = 0
    var alreadyIngested = 0
    var rejected = 0
    var released = 0
    /// The first few rejections, `key: reason`, for error messages.
    var failures: [String] = []

    init(_ outcomes: [(key: String, outcome: ItemOutcome)]) {
        for (key, outcome) in outcomes {
            switch outcome {
            case .acknowledged(let summary):
                enqueued += summary.enqueued
                dropped += summary.dropped
                if summary.alreadyIngested { alreadyIngested += 1 }
            case .rejected(let failure):
                rejected += 1
                if failures.count < 5 { failures.append("\(key): \(failure)") }
            case .released:
                released += 1
            }
        }
    }
}
