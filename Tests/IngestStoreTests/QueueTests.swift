import Foundation
import IngestCore
@testable import IngestStore
import Testing

@Suite("queue")
struct QueueTests {
    @Test("claim leases the oldest rows, and two claims never share a row", arguments: Backend.all)
    func claimLeases(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        let ids = try enqueue(store, count: 5)
        let now = db.clock.now

        let first = try store.claim(queue: "default", consumer: "a", limit: 3, leaseSecs: 60)
        #expect(first.map(\.item.id) == Array(ids.prefix(3)))
        for claimed in first {
            #expect(claimed.item.state == .leased)
            #expect(claimed.item.attempts == 1)
            #expect(claimed.item.leaseOwner == "a")
            #expect(claimed.item.leaseExpiresAt == now.addingTimeInterval(60))
            #expect(claimed.article.id == claimed.item.articleId)
        }
        #expect(first.map(\.article.text) == ["article 0", "article 1", "article 2"])

        let second = try store.claim(queue: "default", consumer: "b", limit: 10, leaseSecs: nil)
        #expect(second.map(\.item.id) == Array(ids.suffix(2)))
        // No lease given: the configured one.
        #expect(second.first?.item.leaseExpiresAt == now.addingTimeInterval(300))

        #expect(try store.claim(queue: "default", consumer: "c", limit: 10, leaseSecs: 60).isEmpty)
        #expect(try store.claim(queue: "other", consumer: "c", limit: 10, leaseSecs: 60).isEmpty)
        #expect(try store.claim(queue: "default", consumer: "c", limit: 0, leaseSecs: 60).isEmpty)
    }

    @Test("claim refuses a bad lease or consumer", arguments: Backend.all)
    func claimValidates(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        try enqueue(store, count: 1)
        #expect(throws: StoreError.self) { try store.claim(queue: "default", consumer: "a", limit: 1, leaseSecs: 0) }
        #expect(throws: StoreError.self) { try store.claim(queue: "default", consumer: "", limit: 1, leaseSecs: 10) }
        #expect(try store.peek(queue: "default", state: .ready, limit: 10).count == 1)
    }

    @Test("only the lease owner can ack", arguments: Backend.all)
    func ackByOwner(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        try enqueue(store, count: 3)
        let claimed = try store.claim(queue: "default", consumer: "a", limit: 2, leaseSecs: 60).map(\.item.id)
        let unclaimed = try #require(try store.peek(queue: "default", state: .ready, limit: 1).first?.id)

        #expect(try store.ack(ids: claimed, consumer: "b") == [])
        #expect(try store.ack(ids: [unclaimed], consumer: "a") == [])
        #expect(try store.ack(ids: claimed + [unclaimed, 999], consumer: "a") == claimed)
        // Acknowledging twice acknowledges nothing the second time.
        #expect(try store.ack(ids: claimed, consumer: "a") == [])
        let done = try store.peek(queue: "default", state: .done, limit: 10)
        #expect(done.map(\.id) == claimed)
        #expect(done.allSatisfy { $0.leaseExpiresAt == nil && $0.leaseOwner == "a" })
        #expect(try store.ack(ids: [], consumer: "a") == [])
    }

    @Test("nack makes a row ready after a backoff that doubles, then dead after the last attempt", arguments: Backend.all)
    func nackBackoff(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open(maxAttempts: 3, retryBackoffSecs: 10)
        let id = try #require(try enqueue(store, count: 1).first)

        // Someone else's nack changes nothing.
        _ = try store.claim(queue: "default", consumer: "a", limit: 1, leaseSecs: 60)
        #expect(try store.nack(id: id, consumer: "b", error: "not mine", retryAfterSecs: nil) == nil)

        for (attempt, delay) in [(1, 10.0), (2, 20.0)] {
            let state = try store.nack(id: id, consumer: "a", error: "failed \(attempt)", retryAfterSecs: nil)
            #expect(state == .ready)
            let row = try #require(try store.peek(queue: "default", state: nil, limit: 1).first)
            #expect(row.state == .ready)
            #expect(row.attempts == attempt)
            #expect(row.availableAt == db.clock.now.addingTimeInterval(delay))
            #expect(row.lastError == "failed \(attempt)")
            #expect(row.leaseOwner == nil)
            // Not before its time.
            db.clock.advance(by: delay - 1)
            #expect(try store.claim(queue: "default", consumer: "a", limit: 1, leaseSecs: 60).isEmpty)
            db.clock.advance(by: 1)
            let again = try store.claim(queue: "default", consumer: "a", limit: 1, leaseSecs: 60)
            #expect(again.map(\.item.id) == [id])
            #expect(again.first?.item.attempts == attempt + 1)
        }
        // The third claim was the last attempt.
        #expect(try store.nack(id: id, consumer: "a", error: "failed 3", retryAfterSecs: nil) == .dead)
        let row = try #require(try store.peek(queue: "default", state: .dead, limit: 1).first)
        #expect(row.attempts == 3)
        #expect(row.lastError == "failed 3")
        db.clock.advance(by: 1_000_000)
        #expect(try store.claim(queue: "default", consumer: "a", limit: 1, leaseSecs: 60).isEmpty)
        #expect(try store.nack(id: id, consumer: "a", error: "too late", retryAfterSecs: nil) == nil)
    }

    @Test("backoff doubles per attempt and stays finite")
    func backoffFormula() {
        #expect(SQLiteStore.backoff(attempts: 1, baseSecs: 30) == 30)
        #expect(SQLiteStore.backoff(attempts: 2, baseSecs: 30) == 60)
        #expect(SQLiteStore.backoff(attempts: 4, baseSecs: 30) == 240)
        #expect(SQLiteStore.backoff(attempts: 3, baseSecs: 0) == 0)
        #expect(SQLiteStore.backoff(attempts: 1000, baseSecs: 86_400) == SQLiteStore.maximumBackoffSecs)
    }

    @Test("retryAfterSecs overrides the backoff", arguments: Backend.all)
    func nackRetryAfter(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open(retryBackoffSecs: 30)
        let ids = try enqueue(store, count: 2)
        _ = try store.claim(queue: "default", consumer: "a", limit: 2, leaseSecs: 60)

        #expect(try store.nack(id: ids[0], consumer: "a", error: "later", retryAfterSecs: 100) == .ready)
        #expect(try store.nack(id: ids[1], consumer: "a", error: "now", retryAfterSecs: 0) == .ready)
        let rows = try store.peek(queue: "default", state: .ready, limit: 10)
        #expect(rows.map(\.availableAt) == [db.clock.now.addingTimeInterval(100), db.clock.now])
        // Only the row with no delay is claimable at once.
        #expect(try store.claim(queue: "default", consumer: "b", limit: 10, leaseSecs: 60).map(\.item.id) == [ids[1]])
        #expect(throws: StoreError.self) {
            try store.nack(id: ids[1], consumer: "b", error: "x", retryAfterSecs: -1)
        }
    }

    @Test("an expired lease is claimable again by another consumer", arguments: Backend.all)
    func expiredLeaseReclaimed(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        let id = try #require(try enqueue(store, count: 1).first)
        _ = try store.claim(queue: "default", consumer: "a", limit: 1, leaseSecs: 60)

        db.clock.advance(by: 59)
        #expect(try store.claim(queue: "default", consumer: "b", limit: 1, leaseSecs: 60).isEmpty)
        db.clock.advance(by: 1)
        let reclaimed = try store.claim(queue: "default", consumer: "b", limit: 1, leaseSecs: 60)
        #expect(reclaimed.map(\.item.id) == [id])
        #expect(reclaimed.first?.item.leaseOwner == "b")
        #expect(reclaimed.first?.item.attempts == 2)
        #expect(reclaimed.first?.item.lastError == "lease of a expired")
        // The first consumer lost the row.
        #expect(try store.ack(ids: [id], consumer: "a") == [])
        #expect(try store.nack(id: id, consumer: "a", error: "x", retryAfterSecs: nil) == nil)
        #expect(try store.ack(ids: [id], consumer: "b") == [id])
    }

    @Test("an expired lease that used its last attempt goes dead", arguments: Backend.all)
    func expiredLeaseDies(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open(maxAttempts: 2)
        let ids = try enqueue(store, count: 2)
        _ = try store.claim(queue: "default", consumer: "a", limit: 2, leaseSecs: 10)
        db.clock.advance(by: 10)
        // Attempt 2 of 2 for both.
        #expect(try store.claim(queue: "default", consumer: "b", limit: 2, leaseSecs: 10).count == 2)
        #expect(try store.ack(ids: [ids[1]], consumer: "b") == [ids[1]])
        db.clock.advance(by: 10)

        #expect(try store.claim(queue: "default", consumer: "c", limit: 10, leaseSecs: 10).isEmpty)
        let dead = try store.peek(queue: "default", state: .dead, limit: 10)
        #expect(dead.map(\.id) == [ids[0]])
        #expect(dead.first?.attempts == 2)
        #expect(dead.first?.lastError == "lease expired after 2 attempts")
        #expect(dead.first?.leaseExpiresAt == nil)
        #expect(try store.peek(queue: "default", state: .done, limit: 10).map(\.id) == [ids[1]])
    }

    @Test("a one-second lease expires in real time", arguments: Backend.all)
    func realTimeLease(backend: Backend) async throws {
        let db = try TestDatabase(backend)
        var queue = QueueConfiguration()
        queue.leaseSecs = 1
        let store = try db.openWithRealClock(queue: queue)
        _ = try store.commit([makeEntry(key: "k", ["soon free again"])])
        let first = try store.claim(queue: "default", consumer: "a", limit: 1, leaseSecs: nil)
        #expect(first.count == 1)
        #expect(try store.claim(queue: "default", consumer: "b", limit: 1, leaseSecs: nil).isEmpty)
        try await Task.sleep(for: .milliseconds(1_100))
        let second = try store.claim(queue: "default", consumer: "b", limit: 1, leaseSecs: nil)
        #expect(second.map(\.item.id) == first.map(\.item.id))
    }

    @Test("queue times keep sub-millisecond precision", arguments: Backend.all)
    func timePrecision(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        db.clock.advance(by: 0.000_125)
        let expected = db.clock.now.timeIntervalSince1970
        try enqueue(store, count: 1)
        let item = try #require(try store.peek(queue: "default", state: nil, limit: 1).first)
        #expect(abs(item.createdAt.timeIntervalSince1970 - expected) < 0.000_001)
        #expect(abs(item.createdAt.timeIntervalSince1970 - 1_750_000_000) > 0.000_1)
    }

    @Test("peek lists rows oldest first without claiming them", arguments: Backend.all)
    func peekRows(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        let ids = try enqueue(store, count: 4)
        _ = try store.claim(queue: "default", consumer: "a", limit: 1, leaseSecs: 60)

        #expect(try store.peek(queue: "default", state: nil, limit: 10).map(\.id) == ids)
        #expect(try store.peek(queue: "default", state: nil, limit: 2).map(\.id) == Array(ids.prefix(2)))
        #expect(try store.peek(queue: "default", state: .ready, limit: 10).map(\.id) == Array(ids.dropFirst()))
        #expect(try store.peek(queue: "default", state: .leased, limit: 10).map(\.id) == [ids[0]])
        #expect(try store.peek(queue: "nope", state: nil, limit: 10).isEmpty)
        // Peeking claimed nothing.
        #expect(try store.claim(queue: "default", consumer: "b", limit: 10, leaseSecs: 60).count == 3)
    }

    @Test("queue stats count every state of every queue, zero included", arguments: Backend.all)
    func stats(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open(maxAttempts: 1)
        #expect(try store.queueStats() == [
            QueueStats(queue: "default", counts: ["ready": 0, "leased": 0, "done": 0, "dead": 0])
        ])
        let ids = try enqueue(store, count: 4)
        try enqueue(store, count: 2, queue: "urgent")
        _ = try store.claim(queue: "default", consumer: "a", limit: 3, leaseSecs: 60)
        _ = try store.ack(ids: [ids[0]], consumer: "a")
        _ = try store.nack(id: ids[1], consumer: "a", error: "boom", retryAfterSecs: nil)

        #expect(try store.queueStats() == [
            QueueStats(queue: "default", counts: ["ready": 1, "leased": 1, "done": 1, "dead": 1]),
            QueueStats(queue: "urgent", counts: ["ready": 2, "leased": 0, "done": 0, "dead": 0]),
        ])
    }

    @Test("article(id:) shows the queue row as it changes", arguments: Backend.all)
    func articleShowsQueueRow(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        let articleId = try #require(try store.commit([makeEntry(key: "k", ["text"])])[0].articleIds.first)
        let claimed = try store.claim(queue: "default", consumer: "a", limit: 1, leaseSecs: 60)
        let stored = try #require(try store.article(id: articleId))
        #expect(stored.queueItem == claimed.first?.item)
        #expect(stored.queueItem?.state == .leased)
        _ = try store.ack(ids: claimed.map(\.item.id), consumer: "a")
        #expect(try store.article(id: articleId)?.queueItem?.state == .done)
    }
}
