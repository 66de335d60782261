import Foundation
import GRDB
import IngestCore
@testable import IngestStore
import Testing

/// The search index takes new articles in chunks behind a watermark (migration v9, ``SearchIndexRecord``).
@Suite("search index: chunks behind a watermark")
struct SearchIndexTests {
    /// The watermark, and how many rows the index itself holds for `term` (not through `search`, which
    /// catches up first).
    private func indexed(_ path: String, _ term: String) throws -> (watermark: Int64, hits: Int) {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            (
                try Int64.fetchOne(db, sql: "SELECT indexedThrough FROM searchIndexState") ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM articleSearch WHERE articleSearch MATCH ?", arguments: [term]) ?? -1
            )
        }
    }

    private func integrityCheck(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            // FTS5 checks that its index holds exactly the terms of every row of the content table, so the
            // tests run it only when nothing waits behind the watermark.
            try db.execute(sql: "INSERT INTO articleSearch (articleSearch) VALUES ('integrity-check')")
        }
    }

    @Test("a commit leaves a small batch unindexed; the flush indexes it, and a search catches up by itself")
    func smallBatchWaits() throws {
        let db = try TestDatabase()
        let store = try db.openSQLite()
        _ = try store.commit([makeEntry(key: "a", ["Trawlers left the harbour at dawn."]), makeEntry(key: "b", ["Gulls followed the trawlers."])])
        #expect(try indexed(db.path, "trawlers") == (0, 0))
        try store.flushSearchIndex()
        #expect(try indexed(db.path, "trawlers") == (2, 2))
        try integrityCheck(db.path)

        _ = try store.commit([makeEntry(key: "c", ["A walrus slept on the slipway."])])
        #expect(try indexed(db.path, "walrus") == (2, 0))
        #expect(try store.search("walrus", limit: 10).map(\.id) == [3])
        #expect(try indexed(db.path, "walrus") == (3, 1))
        try integrityCheck(db.path)
    }

    @Test("a commit indexes everything waiting once a chunk has gathered")
    func chunkIndexedByCommit() throws {
        let db = try TestDatabase()
        let store = try db.openSQLite()
        let perCommit = 100
        var committed: Int64 = 0
        while committed + Int64(perCommit) < SearchIndexRecord.chunk {
            _ = try store.commit((0..<perCommit).map { makeEntry(key: "k\(committed + Int64($0))", ["lantern \($0)"]) })
            committed += Int64(perCommit)
            #expect(try indexed(db.path, "lantern").watermark == 0)
        }
        _ = try store.commit((0..<perCommit).map { makeEntry(key: "k\(committed + Int64($0))", ["lantern \($0)"]) })
        committed += Int64(perCommit)
        #expect(try indexed(db.path, "lantern") == (committed, Int(committed)))
        try integrityCheck(db.path)
    }

    @Test("changing or deleting an article not indexed yet leaves the index sound; an indexed one is followed")
    func changesBehindTheWatermark() throws {
        let db = try TestDatabase()
        let store = try db.openSQLite()
        _ = try store.commit([makeEntry(key: "a", ["The ferry crossed the bay."])])
        try store.flushSearchIndex()
        _ = try store.commit([makeEntry(key: "b", ["A schooner anchored offshore."]), makeEntry(key: "c", ["Pilots boarded the tanker."])])
        let queue = try DatabaseQueue(path: db.path)
        try queue.write { db in
            // Behind the watermark: the triggers must not send FTS5 a 'delete' for rows it never held.
            try db.execute(sql: "UPDATE article SET text = 'A clipper anchored offshore.' WHERE id = 2")
            try db.execute(sql: "DELETE FROM queueItem WHERE articleId = 3")
            try db.execute(sql: "DELETE FROM article WHERE id = 3")
            // Indexed: the triggers keep the index in step.
            try db.execute(sql: "UPDATE article SET text = 'The hovercraft crossed the bay.' WHERE id = 1")
        }
        try store.flushSearchIndex()
        try integrityCheck(db.path)
        #expect(try store.search("clipper", limit: 10).map(\.id) == [2])
        #expect(try store.search("schooner", limit: 10).isEmpty)
        #expect(try store.search("tanker", limit: 10).isEmpty)
        #expect(try store.search("hovercraft", limit: 10).map(\.id) == [1])
        #expect(try store.search("ferry", limit: 10).isEmpty)
    }

    @Test("migration v9 puts the watermark at the last article, which v7 had indexed")
    func migration() throws {
        let db = try TestDatabase()
        try FileManager.default.createDirectory(
            atPath: (db.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            let queue = try DatabaseQueue(path: db.path)
            try StoreMigrations.migrate(queue, upTo: StoreMigrations.v8)
        }
        do {
            // What a build at v8 did: commit and index in the same transaction.
            let queue = try DatabaseQueue(path: db.path)
            try queue.write { db in
                for (n, text) in ["Lighthouse keeper retires.", "The lamp is automatic now."].enumerated() {
                    try db.execute(sql: """
                        INSERT INTO article (status, title, text, source, originKind, location, receivedAt, format, contentHash, committedAt)
                        VALUES ('queued', NULL, ?, 'inbox', 'folder', ?, 0, 'text', ?, 0)
                        """, arguments: [text, "/inbox/\(n)", String(repeating: "a", count: 64)])
                }
                try db.execute(sql: "INSERT INTO articleSearch (rowid, title, text) SELECT id, title, text FROM article")
            }
        }
        let store = try db.openSQLite()
        #expect(try indexed(db.path, "lamp") == (2, 1))
        try integrityCheck(db.path)
        // The v9 triggers follow a change to an indexed article.
        let queue = try DatabaseQueue(path: db.path)
        try queue.write { db in try db.execute(sql: "UPDATE article SET text = 'The lantern is automatic now.' WHERE id = 2") }
        #expect(try store.search("lantern", limit: 10).map(\.id) == [2])
        #expect(try store.search("lamp", limit: 10).isEmpty)
        try integrityCheck(db.path)
    }
}
