import Foundation
import IngestCore
@testable import IngestStore
import Synchronization
import Testing

/// What only a store shared by several instances does: copies committed at the same moment by two
/// instances, and feed leases. PostgreSQL only (runs when the store tests have a server, see TestSupport).
@Suite("PostgreSQL shared by instances")
struct PostgresSharingTests {
    static var backends: [Backend] { Backend.all.filter { $0 == .postgres } }

    static func copy(_ story: Int, instance: String) -> CommitEntry {
        var article = makeArticle("Story \(story), as instance \(instance) received it.", ledgerKey: "\(instance)-\(story)")
        article.clusterId = "\(instance)-cluster-\(story)"
        article.fingerprint = ArticleFingerprint(
            textHash: "hash-of-story-\(story)", canonicalURL: nil, itemId: "urn:story:\(story)", minhash: [1, 2, 3],
            bands: [Int64(story)], shingles: 40, clusterId: article.clusterId!)
        return CommitEntry(
            ledgerKey: "\(instance)-\(story)", source: "inbox", location: "/inbox/\(story)", raw: nil, format: .text,
            outcomes: [ArticleOutcome(article: article)])
    }

    /// Each store commits `entry(storeIndex, story)` for every story, one thread per store, all at once;
    /// returns the errors.
    static func concurrently(
        _ stores: [any StoreBackend], _ stories: Int, _ entry: @escaping @Sendable (Int, Int) -> CommitEntry
    ) -> [String] {
        let errors = Mutex<[String]>([])
        let group = DispatchGroup()
        for (index, store) in stores.enumerated() {
            group.enter()
            Thread {
                defer { group.leave() }
                for story in 0..<stories {
                    do {
                        _ = try store.commit([entry(index, story)])
                    } catch {
                        errors.withLock { $0.append("\(error)") }
                    }
                }
            }.start()
        }
        group.wait()
        return errors.withLock { $0 }
    }

    @Test("two instances committing copies of one story at the same moment: one original, one duplicate of it", arguments: backends)
    func simultaneousCopies(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let stores = [try db.openWithRealClock(), try db.openWithRealClock()]
        let stories = 300
        // Both walk the same stories in the same order, so most pairs really meet in the database.
        let errors = Self.concurrently(stores, stories) { index, story in Self.copy(story, instance: "i\(index)") }
        #expect(errors.isEmpty, "\(errors.prefix(3))")

        let queued = try db.query("SELECT a.text FROM queueItem q JOIN article a ON a.id = q.articleId")
        #expect(queued.count == stories, "each story once in the queue")
        let copies = try db.query(
            "SELECT a.id || ' ' || a.duplicateOf || ' ' || a.dropStage FROM article a WHERE a.status = 'dropped'")
        #expect(copies.count == stories, "the other copy of each is stored, dropped")
        for row in copies {
            let fields = (row ?? "").split(separator: " ")
            #expect(fields.count == 3 && fields[2] == "dedupe", "\(row ?? "")")
            guard fields.count == 3, let original = Int64(fields[1]) else { continue }
            let stored = try #require(try stores[0].article(id: original))
            #expect(stored.status == "queued", "a copy points at the queued original")
            let copy = try #require(try stores[0].article(id: Int64(fields[0]) ?? 0))
            #expect(copy.article.clusterId == stored.article.clusterId, "the copy joins the original's cluster")
            #expect(copy.dropReason?.contains("another instance committed it first") == true)
            #expect(copy.article.trace.last?.stage == "dedupe", "the trace says why it was dropped")
        }
        // Every original is one dedupe would find by its keys.
        let found = try stores[1].candidates(
            textHash: "hash-of-story-7", canonicalURL: nil, itemId: nil, bands: [], since: .distantPast)
        #expect(found.count == 1)
    }

    @Test("near-copies committed at the same moment by two instances: one original, one duplicate of it", arguments: backends)
    func simultaneousNearCopies(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let stores = [try db.openWithRealClock(), try db.openWithRealClock()]
        let stories = 200
        let errors = Self.concurrently(stores, stories) { index, story in
            // Different texts (no exact key in common), signatures agreeing in 60 of 63 values, one band
            // shared: what two syndicated versions of one story look like to dedupe.
            var entry = Self.copy(story, instance: "i\(index)")
            var minhash = (0..<63).map { UInt16(truncatingIfNeeded: story &* 131 &+ $0) }
            for i in 0..<3 { minhash[i * 20 + index] &+= 1 }
            entry.outcomes[0].article.fingerprint?.textHash = "text-\(story)-\(index)"
            entry.outcomes[0].article.fingerprint?.itemId = nil
            entry.outcomes[0].article.fingerprint?.minhash = minhash
            entry.outcomes[0].article.fingerprint?.shingles = 60
            entry.outcomes[0].article.fingerprint?.nearThreshold = 0.7
            return entry
        }
        #expect(errors.isEmpty, "\(errors.prefix(3))")
        #expect(try db.query("SELECT COUNT(*) FROM queueItem") == [String(stories)], "each story once in the queue")
        let reasons = try db.query("SELECT dropReason FROM article WHERE status = 'dropped'")
        #expect(reasons.count == stories)
        #expect(reasons.allSatisfy { $0?.contains("near-duplicate, similarity") == true }, "\(reasons.prefix(2))")
    }

    @Test("a feed lease is one instance's until it expires, then another's", arguments: backends)
    func feedLeases(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let a = try #require(try db.open().feedLeases)
        let b = try #require(try db.open().feedLeases)
        let now = db.clock.now
        #expect(try a.leaseFeed("harbour", owner: "a", until: now.addingTimeInterval(60)) == .granted)
        #expect(try b.leaseFeed("harbour", owner: "b", until: now.addingTimeInterval(60))
            == .held(by: "a", until: now.addingTimeInterval(60)))
        // The holder renews; another feed is free.
        #expect(try a.leaseFeed("harbour", owner: "a", until: now.addingTimeInterval(120)) == .granted)
        #expect(try b.leaseFeed("tides", owner: "b", until: now.addingTimeInterval(60)) == .granted)
        db.clock.advance(by: 119)
        #expect(try b.leaseFeed("harbour", owner: "b", until: now.addingTimeInterval(200)) != .granted)
        // The holder stopped renewing (it died): once the lease ends, another instance takes the feed.
        db.clock.advance(by: 1)
        #expect(try b.leaseFeed("harbour", owner: "b", until: now.addingTimeInterval(200)) == .granted)
        #expect(try a.leaseFeed("harbour", owner: "a", until: now.addingTimeInterval(300))
            == .held(by: "b", until: now.addingTimeInterval(200)))

        // Two instances asking at the same moment: exactly one gets it.
        let granted = Mutex(0)
        let group = DispatchGroup()
        for owner in ["x", "y", "z"] {
            group.enter()
            Thread {
                defer { group.leave() }
                for feed in 0..<50 {
                    if (try? a.leaseFeed("feed-\(feed)", owner: owner, until: now.addingTimeInterval(1_000))) == .granted {
                        granted.withLock { $0 += 1 }
                    }
                }
            }.start()
        }
        group.wait()
        #expect(granted.withLock { $0 } == 50)
    }

    @Test("a server that does not answer is a clear, retryable error, not a crash")
    func unreachableServer() throws {
        // Port 1 on loopback: nothing listens there; no server is needed for this test.
        do {
            _ = try PostgresStore(url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
            Issue.record("opening a store on a closed port succeeded")
        } catch {
            #expect(error.operation == "connect")
            #expect(error.message.contains("cannot connect to PostgreSQL"), "\(error.message)")
            #expect(error.retryable)
        }
    }

    @Test("SQLite has no feed leases: one instance owns its file")
    func sqliteHasNoLeases() throws {
        #expect(try TestDatabase(.sqlite).open().feedLeases == nil)
    }
}
