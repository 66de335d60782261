import Foundation
import GRDB
import IngestCore
@testable import IngestStore
import Synchronization
import Testing

@Suite("concurrency")
struct ConcurrencyTests {
    /// What the daemon and `ingestctl status` do when the daemon creates its database: both open the new
    /// file at once. SQLite answers the loser of the race to WAL mode SQLITE_BUSY without waiting.
    @Test("several stores opening one new file at once all open it, migrated once")
    func openTogether() throws {
        for round in 0..<5 {
            let db = try TestDatabase()
            try FileManager.default.createDirectory(
                atPath: (db.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let errors = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 6) { index in
                do {
                    let store = try SQLiteStore(path: db.path, createIfMissing: index == 0 || round % 2 == 1)
                    _ = try store.totals()
                } catch {
                    // A store that may not create the file can find it missing: that is its answer, not a race.
                    if "\(error)".contains("does not exist") { return }
                    errors.withLock { $0.append("store \(index): \(error)") }
                }
            }
            #expect(errors.withLock { $0 } == [], "round \(round)")
            let applied = try db.inspect { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
            #expect(applied == StoreMigrations.migrator.migrations)
        }
    }

    @Test("four consumers on two store instances ack every row exactly once", arguments: Backend.all)
    func consumersShareQueue(backend: Backend) throws {
        let db = try TestDatabase(backend)
        // Two instances stand for two processes: each has its own connections and locks the file itself.
        let stores = [try db.openWithRealClock(), try db.openWithRealClock()]
        let total = 1_000
        for start in stride(from: 0, to: total, by: 250) {
            let entries = (start..<start + 250).map { makeEntry(key: "item-\($0)", ["article \($0)"]) }
            _ = try stores[start / 250 % 2].commit(entries)
        }
        let ids = try stores[1].peek(queue: "default", state: .ready, limit: total + 1).map(\.id)
        #expect(ids.count == total)

        struct Log {
            var claimed: [String: [Int64]] = [:]
            var acked: [String: [Int64]] = [:]
            var errors: [String] = []
        }
        let log = Mutex(Log())
        let group = DispatchGroup()
        for worker in 0..<4 {
            let store = stores[worker % 2]
            let consumer = "consumer-\(worker)"
            group.enter()
            // Threads, not tasks: the store's calls block, and the cooperative pool has one thread per core.
            let thread = Thread {
                defer { group.leave() }
                do {
                    while true {
                        // Leases far longer than the test: a row claimed twice would be a real double delivery.
                        let batch = try store.claim(queue: "default", consumer: consumer, limit: 7, leaseSecs: 3_600)
                        if batch.isEmpty { break }
                        let batchIds = batch.map(\.item.id)
                        let acked = try store.ack(ids: batchIds, consumer: consumer)
                        log.withLock {
                            $0.claimed[consumer, default: []] += batchIds
                            $0.acked[consumer, default: []] += acked
                        }
                    }
                } catch {
                    log.withLock { $0.errors.append("\(consumer): \(error)") }
                }
            }
            thread.start()
        }
        #expect(group.wait(timeout: .now() + 60) == .success)

        let result = log.withLock { $0 }
        #expect(result.errors == [])
        let claimed = result.claimed.values.flatMap { $0 }
        let acked = result.acked.values.flatMap { $0 }
        #expect(claimed.count == total)
        #expect(Set(claimed) == Set(ids))
        #expect(acked.count == total)
        #expect(Set(acked) == Set(ids))
        // Every consumer acked exactly what it claimed.
        for (consumer, mine) in result.claimed {
            #expect(Set(result.acked[consumer] ?? []).symmetricDifference(mine).isEmpty, "\(consumer)")
        }
        let stats = try stores[0].queueStats()
        #expect(stats == [QueueStats(queue: "default", counts: ["ready": 0, "leased": 0, "done": total, "dead": 0])])
        #expect(try stores[1].peek(queue: "default", state: .done, limit: total + 1).allSatisfy { $0.attempts == 1 })
    }
}
