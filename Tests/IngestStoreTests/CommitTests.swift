import Foundation
import GRDB
import IngestCore
@testable import IngestStore
import Testing

@Suite("commit and ledger")
struct CommitTests {
    /// GRDB opens a pool's writer with synchronous = NORMAL (no sync at commit in WAL mode); a commit whose
    /// file then moves to done/ must survive a power loss, so the store sets FULL. Readers' setting does
    /// not matter: they write nothing.
    @Test("the writer syncs every commit: synchronous is FULL, also on a file opened again")
    func writerSynchronousIsFull() throws {
        let db = try TestDatabase()
        let store = try SQLiteStore(path: db.path)
        #expect(try store.writerPragma("synchronous") == 2)
        let again = try SQLiteStore(path: db.path, createIfMissing: false)
        #expect(try again.writerPragma("synchronous") == 2)
    }

    @Test("a new file gets 16 KiB pages; a file made with 4 KiB pages keeps them and takes commits")
    func pageSize() throws {
        let fresh = try TestDatabase()
        let store = try SQLiteStore(path: fresh.path)
        #expect(try store.writerPragma("page_size") == 16_384)
        _ = try store.commit([makeEntry(key: "k1", ["fresh"], raw: Array("raw".utf8))])
        #expect(try store.totals().articles == 1)

        let old = try TestDatabase()
        try FileManager.default.createDirectory(
            atPath: (old.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = 4096") }
        try DatabasePool(path: old.path, configuration: configuration).write { db in
            try db.execute(sql: "CREATE TABLE earlier (x)")
        }
        let reopened = try SQLiteStore(path: old.path, createIfMissing: false)
        #expect(try reopened.writerPragma("page_size") == 4_096)
        _ = try reopened.commit([makeEntry(key: "k2", [String(repeating: "long text ", count: 3_000)])])
        #expect(try reopened.totals().articles == 1)
    }

    /// An article with every field set, to check that each one round-trips.
    static func fullArticle() -> Article {
        var article = Article(
            text: "First paragraph.\n\nSecond paragraph with ünïcødé and \"quotes\".",
            title: "A full article", html: "<p>First paragraph.</p>", url: "https://example.org/a?b=c",
            published: "Tue, 10 Jun 2025 10:00:00 +0200", publishedAt: Date(timeIntervalSince1970: 1_749_542_400),
            authors: ["Ada", "Grace"], fields: ["feed.category": "science", "x": ""],
            origin: Origin(
                source: "inbox", kind: .folder, location: "/srv/inbox/a.html",
                receivedAt: Date(timeIntervalSince1970: 1_750_000_000.25), ledgerKey: "file:a.html:123"),
            format: .html)
        article.language = "en"
        article.keywords = ["paragraph", "quotes"]
        article.entities = [Entity(kind: .person, name: "Ada", count: 2)]
        article.labels = [Label(name: "science", score: 0.875)]
        article.duplicateOf = 42
        article.trace = [
            TraceEntry(stage: "clean", outcome: .continue, micros: 120),
            TraceEntry(stage: "classify", outcome: .continue, micros: 3_400, detail: "science 0.875"),
        ]
        return article
    }

    @Test("commits enqueued and dropped articles", arguments: Backend.all)
    func commitsBatch(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        let full = Self.fullArticle()
        let raw = Array(String(repeating: "<p>First paragraph.</p>\n", count: 200).utf8)
        let dropped = makeArticle("too short", location: "/srv/inbox/a.html")
        let routed = makeArticle("an article routed to another queue", source: "feed-x", location: "https://x/1")
        let batch = [
            CommitEntry(
                ledgerKey: "file:a.html:123", source: "inbox", location: "/srv/inbox/a.html", raw: raw, format: .html,
                outcomes: [
                    ArticleOutcome(article: full),
                    ArticleOutcome(article: dropped, drop: .init(stage: "dedupe", reason: "duplicate of 7")),
                ]),
            CommitEntry(
                ledgerKey: "feed:x:1", source: "feed-x", location: "https://x/1", raw: nil, format: nil,
                outcomes: [ArticleOutcome(article: routed, queue: "urgent")]),
        ]
        let results = try store.commit(batch)
        #expect(results.count == 2)
        #expect(results[0].alreadyIngested == false)
        #expect(results[0].articleIds.count == 2)
        #expect(results[0].enqueued == 1)
        #expect(results[0].dropped == 1)
        #expect(results[1].articleIds.count == 1)
        #expect(results[1].enqueued == 1)
        #expect(results[1].dropped == 0)
        let ids = results.flatMap(\.articleIds)
        #expect(Set(ids).count == 3)
        #expect(ids == ids.sorted())

        // The enqueued article: every field back, with its id, and a ready queue row.
        let stored = try #require(try store.article(id: ids[0]))
        var expected = full
        expected.id = ids[0]
        #expect(stored.article == expected)
        #expect(stored.status == "queued")
        #expect(stored.dropStage == nil)
        #expect(stored.dropReason == nil)
        #expect(stored.committedAt == db.clock.now)
        let item = try #require(stored.queueItem)
        #expect(item.articleId == ids[0])
        #expect(item.queue == "default")
        #expect(item.state == .ready)
        #expect(item.attempts == 0)
        #expect(item.availableAt == db.clock.now)
        #expect(item.createdAt == db.clock.now)
        #expect(item.leaseOwner == nil)

        // The dropped article: its reason, and no queue row.
        let drop = try #require(try store.article(id: ids[1]))
        #expect(drop.status == "dropped")
        #expect(drop.dropStage == "dedupe")
        #expect(drop.dropReason == "duplicate of 7")
        #expect(drop.queueItem == nil)
        #expect(drop.article.text == "too short")

        // The routed article is in its own queue.
        #expect(try store.article(id: ids[2])?.queueItem?.queue == "urgent")
        #expect(try db.query("SELECT COUNT(*) FROM queueItem") == ["2"])

        // The raw input comes back byte for byte; it was stored compressed, shared by the entry's articles.
        #expect(try store.rawInput(articleId: ids[0]) == raw)
        #expect(try store.rawInput(articleId: ids[1]) == raw)
        #expect(try store.rawInput(articleId: ids[2]) == nil)
        let rawRow = try #require(
            try db.query("SELECT sha256 || ' ' || size || ' ' || compression || ' ' || length(data) || ' ' || format FROM rawInput")
                .first??.split(separator: " ").map(String.init))
        #expect(rawRow.count == 5)
        #expect(rawRow[0] == IngestCore.SHA256.hex(raw))
        #expect(rawRow[1] == String(raw.count))
        #expect(rawRow[2] == "lz4")
        #expect(Int(rawRow[3]) ?? .max < raw.count / 4)
        #expect(rawRow[4] == "html")

        // The content hash is the SHA-256 of the text.
        #expect(try db.query("SELECT contentHash FROM article WHERE id = \(ids[0])") == [IngestCore.SHA256.hex(full.text.utf8)])

        let totals = try store.totals()
        #expect(totals.articles == 3)
        #expect(totals.dropped == 1)
        #expect(totals.inputsBySource["inbox"] == ["ingested": 1, "failed": 0])
        #expect(totals.inputsBySource["feed-x"] == ["ingested": 1, "failed": 0])
        #expect(totals.lastFailure == nil)
    }

    @Test("keeps a raw input that does not compress as it is", arguments: Backend.all)
    func storesIncompressibleRaw(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        let raw: [UInt8] = Array("tiny".utf8)
        let ids = try store.commit([makeEntry(key: "k", ["tiny"], raw: raw)])[0].articleIds
        #expect(try store.rawInput(articleId: ids[0]) == raw)
        #expect(try db.query("SELECT compression FROM rawInput") == ["none"])
    }

    @Test("keeps the raw input's hash the source computed, and computes it when none was given", arguments: Backend.all)
    func rawHash(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        let given = String(repeating: "ab", count: 32)
        _ = try store.commit([
            CommitEntry(
                ledgerKey: "hashed", source: "inbox", location: "/inbox/hashed", raw: Array("hashed".utf8),
                rawSHA256: given, format: .text, outcomes: [ArticleOutcome(article: makeArticle("hashed"))]),
            makeEntry(key: "plain", ["plain"], raw: Array("plain".utf8)),
        ])
        #expect(try db.query("SELECT sha256 FROM rawInput ORDER BY id") == [given, IngestCore.SHA256.hex(Array("plain".utf8))])
    }

    @Test("keeps no raw input when told not to", arguments: Backend.all)
    func skipsRaw(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open(keepRaw: false)
        let ids = try store.commit([makeEntry(key: "k", ["text"], raw: Array("text".utf8))])[0].articleIds
        #expect(try store.rawInput(articleId: ids[0]) == nil)
        #expect(try db.query("SELECT COUNT(*) FROM rawInput") == ["0"])
    }

    @Test("a ledger key committed twice is ingested once", arguments: Backend.all)
    func ledgerKeyTwice(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        let first = try store.commit([makeEntry(key: "file:a", ["one"], raw: [1, 2, 3])])
        #expect(first[0].alreadyIngested == false)
        let second = try store.commit([makeEntry(key: "file:a", ["one again"], raw: [1, 2, 3])])
        #expect(second == [CommitResult(alreadyIngested: true, articleIds: [], enqueued: 0, dropped: 0)])
        #expect(try store.totals().articles == 1)
        #expect(try store.queueStats().first { $0.queue == "default" }?.counts["ready"] == 1)
        #expect(try db.query("SELECT COUNT(*) FROM inputLedger") == ["1"])
        #expect(try db.query("SELECT COUNT(*) FROM rawInput") == ["1"])
        #expect(try db.query("SELECT COUNT(*) FROM queueItem") == ["1"])
    }

    @Test("two entries with the same ledger key in one batch keep the first", arguments: Backend.all)
    func ledgerKeyTwiceInOneBatch(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        let results = try store.commit([
            makeEntry(key: "file:b", ["the first"]),
            makeEntry(key: "file:b", ["the second"]),
            makeEntry(key: nil, ["no ledger"]),
            makeEntry(key: nil, ["no ledger either"]),
        ])
        #expect(results.map(\.alreadyIngested) == [false, true, false, false])
        let first = try #require(results[0].articleIds.first)
        #expect(try store.article(id: first)?.article.text == "the first")
        #expect(try store.totals().articles == 3)
        #expect(try store.peek(queue: "default", state: nil, limit: 10).count == 3)
        // Inputs without a key are still counted.
        #expect(try store.totals().inputsBySource["inbox"]?["ingested"] == 3)
    }

    @Test("a batch that fails stores nothing", arguments: Backend.all)
    func failedBatchRollsBack(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        // An empty queue name breaks a CHECK constraint in the second entry.
        let error = #expect(throws: StoreError.self) {
            try store.commit([makeEntry(key: "ok", ["fine"]), makeEntry(key: "bad", ["bad"], queue: "")])
        }
        #expect(error?.operation == "commit")
        #expect(error?.retryable == false)
        #expect(try store.totals().articles == 0)
        #expect(try store.totals().inputsBySource.isEmpty)
        // Nothing was recorded, so the good entry commits later.
        #expect(try store.commit([makeEntry(key: "ok", ["fine"])])[0].alreadyIngested == false)
    }

    @Test("a recorded failure shows in the totals", arguments: Backend.all)
    func recordsFailure(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        _ = try store.commit([makeEntry(key: "file:ok", ["fine"])])
        try store.recordFailure(
            ledgerKey: "file:bad", source: "inbox", location: "/inbox/bad.bin",
            failure: IngestFailure(stage: "decode", reason: "binary file"))
        db.clock.advance(by: 1)
        try store.recordFailure(
            ledgerKey: nil, source: "cli", location: "stdin", failure: IngestFailure(stage: "clean", reason: "empty"))
        let totals = try store.totals()
        #expect(totals.inputsBySource["inbox"] == ["ingested": 1, "failed": 1])
        #expect(totals.inputsBySource["cli"] == ["ingested": 0, "failed": 1])
        #expect(totals.lastFailure == "cli: stdin: clean: empty")
        #expect(totals.articles == 1)
    }

    @Test("a failed input does not block a later success, which replaces it", arguments: Backend.all)
    func failureThenSuccess(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        try store.recordFailure(
            ledgerKey: "file:c", source: "inbox", location: "/inbox/c.txt",
            failure: IngestFailure(stage: "store", reason: "disk full", retryable: true))
        try store.recordFailure(
            ledgerKey: "file:c", source: "inbox", location: "/inbox/c.txt",
            failure: IngestFailure(stage: "store", reason: "disk still full", retryable: true))
        #expect(try store.totals().inputsBySource["inbox"] == ["ingested": 0, "failed": 1])
        #expect(try store.totals().lastFailure == "inbox: /inbox/c.txt: store: disk still full")
        let result = try store.commit([makeEntry(key: "file:c", ["finally"])])
        #expect(result[0].alreadyIngested == false)
        #expect(try store.totals().inputsBySource["inbox"] == ["ingested": 1, "failed": 0])
        // A failure of a repeat does not undo the success.
        try store.recordFailure(
            ledgerKey: "file:c", source: "inbox", location: "/inbox/c.txt",
            failure: IngestFailure(stage: "decode", reason: "late"))
        #expect(try store.totals().inputsBySource["inbox"] == ["ingested": 1, "failed": 0])
        #expect(try store.commit([makeEntry(key: "file:c", ["again"])])[0].alreadyIngested)
    }

    @Test("an unknown article is nil", arguments: Backend.all)
    func unknownArticle(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        #expect(try store.article(id: 12345) == nil)
        #expect(try store.rawInput(articleId: 12345) == nil)
        #expect(try store.commit([]) == [])
    }
}
