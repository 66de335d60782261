import Foundation
import GRDB
import IngestCore
@testable import IngestStore
import Testing

@Suite("operator operations: search, retry, purge, replace")
struct OperatorTests {
    @Test("the search migration indexes the articles stored before it")
    func backfill() throws {
        let db = try TestDatabase()
        let queue = try db.migrated(upTo: StoreMigrations.v5)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO article (status, title, text, source, originKind, location, receivedAt, format, contentHash, committedAt)
                VALUES ('queued', 'Lighthouse keeper retires', 'After forty winters the keeper hands over the lamp.',
                        'inbox', 'folder', '/inbox/old.txt', 0, 'text', ?, 0)
                """, arguments: [String(repeating: "a", count: 64)])
        }
        let store = try db.open()
        let hits = try store.search("winters", limit: 10)
        #expect(hits.map(\.id) == [1])
        #expect(hits.first?.snippet.contains("[winters]") == true)
        #expect(try store.search("summers", limit: 10).isEmpty)
    }

    /// New articles are indexed by one statement per commit (migration v7), not by a trigger per row.
    @Test("every article of a batch is searchable, prepared ahead or not, and the index matches the table")
    func batchIndexed() throws {
        let db = try TestDatabase()
        let store = try db.openSQLite()
        _ = try store.commit([makeEntry(key: "first", ["The harbour master counted twelve trawlers."])])
        var prepared = makeEntry(key: "second", ["Gulls followed the trawlers home.", "A second story of gulls."], raw: Array("gulls".utf8))
        try prepared.prepare(keepRaw: true)
        let results = try store.commit([
            makeEntry(key: "first", ["Already ingested, so never stored or indexed: walrus."]),
            prepared,
            makeEntry(key: "third", ["No trawlers, only a walrus on the slipway."]),
        ])
        #expect(results.map(\.alreadyIngested) == [true, false, false])
        #expect(try store.search("trawlers", limit: 10).count == 3)
        #expect(Set(try store.search("gulls", limit: 10).map(\.id)) == Set(results[1].articleIds))
        #expect(results[1].articleIds.count == 2)
        #expect(try store.search("walrus", limit: 10).map(\.id) == results[2].articleIds)
        let queue = try DatabaseQueue(path: db.path)
        try queue.write { db in
            // FTS5 checks that its index holds exactly the terms of the content table's rows.
            try db.execute(sql: "INSERT INTO articleSearch (articleSearch) VALUES ('integrity-check')")
            let triggers = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            #expect(triggers == ["article_search_delete", "article_search_update"])
        }
    }

    @Test("search ranks a title match first, finds new and replaced text, and takes any text as a query", arguments: Backend.all)
    func search(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        _ = try store.commit([
            makeEntry(key: "a", ["The ferry crossed the bay twice before noon."]),
            CommitEntry(
                ledgerKey: "b", source: "inbox", location: "/inbox/b", raw: nil, format: .text,
                outcomes: [ArticleOutcome(article: makeArticle("Nothing about boats here.", title: "Ferry strike ends"))]),
        ])
        #expect(try store.search("ferry", limit: 10).map(\.id) == [2, 1])
        #expect(try store.search("ferry bay", limit: 10).map(\.id) == [1], "every word must appear")
        #expect(try store.search("FERRY-\"bay\" OR", limit: 10).isEmpty, "punctuation and keywords are plain words")
        #expect(try store.search("ferry OR boats", limit: 10, raw: true).count == 2)

        var changed = makeArticle("The hovercraft crossed the bay.")
        changed.id = 1
        #expect(try store.replace(ArticleOutcome(article: changed)) == .changed)
        #expect(try store.search("hovercraft", limit: 10).map(\.id) == [1])
        #expect(try store.search("ferry", limit: 10).map(\.id) == [2], "the replaced text is out of the index")
    }

    @Test("replace keeps the id, puts the queue row back to ready, and adds no rows", arguments: Backend.all)
    func replace(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        _ = try store.commit([makeEntry(key: "a", ["Tides were higher than forecast."])])
        let claimed = try store.claim(queue: "default", consumer: "c", limit: 1, leaseSecs: 60)
        #expect(try store.ack(ids: claimed.map(\.item.id), consumer: "c") == [1])

        var same = makeArticle("Tides were higher than forecast.", ledgerKey: "a")
        same.id = 1
        #expect(try store.replace(ArticleOutcome(article: same)) == .unchanged)
        #expect(try store.article(id: 1)?.queueItem?.state == .done, "an unchanged article is left alone")

        var labelled = same
        labelled.labels = [Label(name: "weather", score: 0.9)]
        #expect(try store.replace(ArticleOutcome(article: labelled, queue: "weather")) == .changed)
        let stored = try #require(try store.article(id: 1))
        #expect(stored.article.labels.map(\.name) == ["weather"])
        #expect(stored.queueItem?.state == .ready)
        #expect(stored.queueItem?.attempts == 0)
        #expect(stored.queueItem?.queue == "weather")
        #expect(stored.queueItem?.id == claimed.first?.item.id, "the same row")
        #expect(try store.totals().articles == 1)
        #expect(try store.queueStats().reduce(0) { $0 + $1.counts.values.reduce(0, +) } == 1)

        var dropped = same
        dropped.id = 1
        #expect(try store.replace(ArticleOutcome(article: dropped, drop: .init(stage: "clean", reason: "empty"))) == .changed)
        #expect(try store.article(id: 1)?.status == "dropped")
        #expect(try store.article(id: 1)?.queueItem == nil)

        var unknown = same
        unknown.id = 99
        #expect(try store.replace(ArticleOutcome(article: unknown)) == .missing)
    }

    @Test("retry brings dead and nacked rows back; purge removes done rows, and dead ones when asked", arguments: Backend.all)
    func retryAndPurge(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open(maxAttempts: 1)
        _ = try store.commit([makeEntry(key: "a", ["one story", "two story", "three story"])])
        let claimed = try store.claim(queue: "default", consumer: "c", limit: 3, leaseSecs: 60)
        #expect(try store.nack(id: claimed[0].item.id, consumer: "c", error: "boom", retryAfterSecs: nil) == .dead)
        #expect(try store.ack(ids: [claimed[1].item.id], consumer: "c") == [2])

        let retried = try store.retry(ids: [1, 2, 3, 42], allDead: false, queue: nil)
        #expect(retried.retried == [1])
        #expect(retried.skipped == ["2": "done", "3": "leased", "42": "no such row"])
        let row = try #require(try store.article(id: 1)?.queueItem)
        #expect(row.state == .ready && row.attempts == 0 && row.lastError == "boom")

        // The lease of row 3 expires on its last attempt: retry --all-dead buries it first, then retries it.
        db.clock.advance(by: 120)
        #expect(try store.retry(ids: [], allDead: true, queue: nil).retried == [3])

        #expect(try store.purge(queue: nil, dead: false, olderThan: nil) == PurgeReport(done: 1, dead: 0))
        let again = try store.claim(queue: "default", consumer: "c", limit: 1, leaseSecs: 60)
        #expect(try store.nack(id: again[0].item.id, consumer: "c", error: "boom", retryAfterSecs: nil) == .dead)
        #expect(try store.purge(queue: nil, dead: false, olderThan: nil) == PurgeReport(done: 0, dead: 0))
        #expect(
            try store.purge(queue: nil, dead: true, olderThan: db.clock.now.addingTimeInterval(-60)) == PurgeReport(done: 0, dead: 0),
            "too recent")
        #expect(try store.purge(queue: nil, dead: true, olderThan: nil) == PurgeReport(done: 0, dead: 1))
        #expect(try store.totals().articles == 3, "articles stay")
    }
}
