import Foundation
import IngestCore
import Synchronization

/// The poller's shared state: every feed with its definition, saved state, whether a poll runs, and who
/// waits for the next one. Guarded by one lock; no method blocks or awaits while holding it.
final class FeedPollerState: Sendable {
    /// One feed.
    struct Slot {
        var definition: FeedDefinition
        var policy: UpdatedItemsPolicy
        var state: FeedState
        var polling = false
        /// Polls started so far; a waiter wants one numbered above what it saw.
        var pollsStarted = 0
        /// `ingestctl feeds poll` asked: due now whatever the schedule says.
        var forced = false
        var waiters: [(after: Int, continuation: CheckedContinuation<FeedPollReport?, Never>)] = []
        var counts: [String: Int] = [:]
        /// Items the pipeline rejected since the start. They are recorded in the store as failed (with the
        /// reason) but not as ingested, so the ledger would offer them again at every poll; this keeps them
        /// out until the next start, when one more try is cheap and may succeed after an upgrade.
        var rejectedKeys: Set<String> = []
    }

    /// A poll to run: a copy of what it needs, taken when it was started.
    struct Job: Sendable {
        var definition: FeedDefinition
        var policy: UpdatedItemsPolicy
        var state: FeedState
        var rejectedKeys: Set<String>
        var number: Int
    }

    private struct Shared {
        var slots: [String: Slot] = [:]
        var stopping = false
    }

    private let shared = Mutex(Shared())

    /// Makes the feeds `definitions` (with their policies), keeping the state and counters of feeds that
    /// stay. A feed whose configured URL changed starts a fresh state: its validators and any adopted
    /// redirect belong to the old address.
    func replaceFeeds(_ definitions: [(FeedDefinition, UpdatedItemsPolicy)], savedStates: [String: FeedState]) {
        let removed = shared.withLock { s -> [CheckedContinuation<FeedPollReport?, Never>] in
            var slots: [String: Slot] = [:]
            for (definition, policy) in definitions {
                var slot = s.slots[definition.name] ?? Slot(
                    definition: definition, policy: policy,
                    state: savedStates[definition.name] ?? FeedState(name: definition.name, url: definition.url))
                if slot.definition.intervalSecs > definition.intervalSecs, slot.state.health == .ok,
                    let last = slot.state.lastAttemptAt, let next = slot.state.nextPollAt
                {
                    // A shorter interval (a reload) applies now, not after the poll scheduled by the old one.
                    slot.state.nextPollAt = min(next, last.addingTimeInterval(TimeInterval(definition.intervalSecs)))
                }
                slot.definition = definition
                slot.policy = policy
                if slot.state.configuredURL == nil {
                    // Saved before the configured URL was recorded: take it as this one.
                    slot.state.configuredURL = definition.url
                } else if slot.state.configuredURL != definition.url {
                    slot.state = FeedState(name: definition.name, url: definition.url)
                }
                slots[definition.name] = slot
            }
            let gone = s.slots.filter { slots[$0.key] == nil }.flatMap { $0.value.waiters.map(\.continuation) }
            s.slots = slots
            return gone
        }
        for continuation in removed { continuation.resume(returning: nil) }
    }

    var names: Set<String> { shared.withLock { Set($0.slots.keys) } }

    /// Starts every feed due at `now` that is not already polling; returns their jobs.
    func takeDue(now: Date, forcedOnly: Bool = false) -> [Job] {
        shared.withLock { s in
            guard !s.stopping else { return [] }
            var jobs: [Job] = []
            for (name, var slot) in s.slots where !slot.polling {
                let due = slot.forced || (!forcedOnly && (slot.state.nextPollAt ?? .distantPast) <= now)
                guard due else { continue }
                slot.polling = true
                slot.forced = false
                slot.pollsStarted += 1
                jobs.append(Job(
                    definition: slot.definition, policy: slot.policy, state: slot.state,
                    rejectedKeys: slot.rejectedKeys, number: slot.pollsStarted))
                s.slots[name] = slot
            }
            // Oldest due first, so a backlog after a pause is worked off in schedule order.
            return jobs.sorted { ($0.state.nextPollAt ?? .distantPast) < ($1.state.nextPollAt ?? .distantPast) }
        }
    }

    /// How long until the next feed is due (`nil`: none is scheduled, e.g. all are polling). With
    /// `forcedOnly` (intake paused) only polls asked for with `ingestctl feeds poll` count.
    func untilNextDue(now: Date, forcedOnly: Bool = false) -> TimeInterval? {
        shared.withLock { s in
            s.slots.values.filter { !$0.polling && (!forcedOnly || $0.forced) }.map { slot in
                slot.forced ? 0 : max(0, (slot.state.nextPollAt ?? .distantPast).timeIntervalSince(now))
            }.min()
        }
    }

    /// Records a finished poll and wakes whoever waited for it.
    func finish(_ job: Job, state: FeedState, report: FeedPollReport, rejected: Set<String>) {
        let waiters = shared.withLock { s -> [CheckedContinuation<FeedPollReport?, Never>] in
            guard var slot = s.slots[job.definition.name] else { return [] }
            slot.polling = false
            // A removed-and-re-added feed, or one whose URL changed meanwhile, keeps its new state.
            if slot.state.configuredURL == state.configuredURL { slot.state = state }
            slot.rejectedKeys.formUnion(rejected)
            slot.counts["polls", default: 0] += 1
            switch report.outcome {
            case .notModified: slot.counts["not_modified", default: 0] += 1
            case .failed: slot.counts["failed", default: 0] += 1
            case .leasedElsewhere: slot.counts["leased_elsewhere", default: 0] += 1
            case .fetched, .cancelled: break
            }
            slot.counts["items_new", default: 0] += report.new
            slot.counts["enqueued", default: 0] += report.enqueued
            slot.counts["rejected", default: 0] += report.rejected
            let ready = slot.waiters.filter { $0.after < job.number }.map(\.continuation)
            slot.waiters.removeAll { $0.after < job.number }
            s.slots[job.definition.name] = slot
            return ready
        }
        for waiter in waiters { waiter.resume(returning: report) }
    }

    func count(_ name: String, _ key: String, by n: Int = 1) {
        shared.withLock { $0.slots[name]?.counts[key, default: 0] += n }
    }

    /// Marks `name` due now and waits for a poll that starts after this call; `nil` when there is no such
    /// feed or the poller is stopping.
    func requestPoll(_ name: String, doorbell: () -> Void) async -> FeedPollReport? {
        await withCheckedContinuation { continuation in
            let accepted = shared.withLock { s -> Bool in
                guard !s.stopping, var slot = s.slots[name] else { return false }
                slot.forced = true
                slot.waiters.append((after: slot.pollsStarted, continuation: continuation))
                s.slots[name] = slot
                return true
            }
            if accepted { doorbell() } else { continuation.resume(returning: nil) }
        }
    }

    /// Stops starting polls and answers every waiter with `nil`.
    func stop() {
        let waiters = shared.withLock { s -> [CheckedContinuation<FeedPollReport?, Never>] in
            s.stopping = true
            var all: [CheckedContinuation<FeedPollReport?, Never>] = []
            for name in s.slots.keys {
                all += s.slots[name]!.waiters.map(\.continuation)
                s.slots[name]!.waiters = []
            }
            return all
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    /// The feed polled at `url` (its configured URL or the one it moved to), compared as normalised links.
    func feed(at url: String) -> (name: String, policy: UpdatedItemsPolicy)? {
        let wanted = ItemIdentity.normalizedLink(url)
        return shared.withLock { s in
            s.slots.values.first { slot in
                ItemIdentity.normalizedLink(slot.definition.url) == wanted || ItemIdentity.normalizedLink(slot.state.url) == wanted
            }.map { ($0.definition.name, $0.policy) }
        }
    }

    var isStopping: Bool { shared.withLock { $0.stopping } }

    func listings() -> [FeedListing] {
        shared.withLock { s in
            s.slots.values.sorted { $0.definition.name < $1.definition.name }.map { slot in
                var listing = FeedListing(definition: slot.definition, name: slot.definition.name, state: slot.state)
                // A feed not polled yet has no health to show; `nil` reads as "new".
                if slot.state.lastAttemptAt == nil { listing.health = nil }
                listing.polling = slot.polling
                listing.counts = slot.counts
                return listing
            }
        }
    }

    func statuses() -> [SourceStatus] {
        shared.withLock { s in
            s.slots.values.sorted { $0.definition.name < $1.definition.name }.map { slot in
                let state: String
                switch slot.state.health {
                case .ok: state = "running"
                case .backingOff: state = "backing_off"
                case .failing: state = "failing"
                }
                return SourceStatus(
                    name: slot.definition.name, kind: .feed, location: slot.state.url, state: state,
                    counts: slot.counts, lastError: slot.state.lastError, lastErrorAt: slot.state.lastErrorAt)
            }
        }
    }
}
