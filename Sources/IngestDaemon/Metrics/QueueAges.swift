import Foundation
import IngestStore

/// How long each queue's longest-waiting `ready` row has been claimable, in seconds: what a consumer that
/// stopped claiming looks like. One read down the claim index (queue, state, availableAt) per queue with
/// ready rows, so it stays cheap at any depth; a row waiting out a retry backoff counts from when it may
/// be claimed again.
func oldestReadyAges(store: any ArticleStore, queues: [QueueStats], now: Date = Date()) -> [String: Int] {
    var ages: [String: Int] = [:]
    for q in queues where (q.counts[QueueState.ready.rawValue] ?? 0) > 0 {
        guard let since = try? store.oldestReady(queue: q.queue) else { continue }
        ages[q.queue] = max(0, Int(now.timeIntervalSince(since)))
    }
    return ages
}
