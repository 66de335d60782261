import Foundation
import GRDB
@testable import IngestStore
import Testing

@Suite("migrations")
struct MigrationTests {
    @Test("migrates an empty database to the latest schema")
    func migratesFromEmpty() throws {
        let db = try TestDatabase()
        _ = try db.open()
        let (tables, applied) = try db.inspect { db in
            (
                try String.fetchSet(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"),
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            )
        }
        #expect(tables == [
            "article", "queueItem", "inputLedger", "rawInput", "feed", "feedState", "dedupeFingerprint",
            "grdb_migrations",
            // The FTS5 index (v6) and its shadow tables.
            "articleSearch", "articleSearch_data", "articleSearch_idx", "articleSearch_docsize", "articleSearch_config",
            // Its watermark (v9).
            "searchIndexState",
        ])
        #expect(applied == StoreMigrations.migrator.migrations)
        #expect(applied.first == "v1-articles-queue-ledger")
        let journal = try db.inspect { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        // Each index costs every commit a page per article when its keys are random: only those a query uses.
        let indexes = try db.inspect { db in
            try String.fetchSet(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'")
        }
        #expect(indexes == [
            "article_rawInputId", "article_clusterId", "queueItem_claim", "inputLedger_outcome_at",
            "dedupeFingerprint_canonicalURL", "dedupeFingerprint_itemId", "dedupeFingerprint_clusterId",
            "dedupeFingerprint_committedAt",
        ])
    }

    @Test("the search index writes 4,000-byte leaves, on a new file and on one migrated from v13, and still finds what it held")
    func searchPageSizeSetting() throws {
        let fresh = try TestDatabase()
        _ = try fresh.open()
        let setting = "SELECT v FROM articleSearch_config WHERE k = 'pgsz'"
        #expect(try fresh.inspect { db in try Int.fetchOne(db, sql: setting) } == 4000)

        let old = try TestDatabase()
        let queue = try old.migrated(upTo: StoreMigrations.v13)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: setting) } == nil, "FTS5's default, 1,000, is not stored")
        // Terms indexed with 1,000-byte leaves stay findable next to ones written after the change.
        let words = (0..<400).map { "word\($0)" }.joined(separator: " ")
        let insert = """
            INSERT INTO article (status, title, text, source, originKind, location, receivedAt, format, contentHash, committedAt)
            VALUES ('queued', ?, ?, 'inbox', 'folder', ?, 0, 'text', printf('%064d', 0), 0)
            """
        let index = "INSERT INTO articleSearch (rowid, title, text) SELECT id, title, text FROM article WHERE id = ?"
        try queue.write { db in
            try db.execute(sql: insert, arguments: ["Before", "ferry " + words, "a.txt"])
            try db.execute(sql: index, arguments: [db.lastInsertedRowID])
        }
        try StoreMigrations.migrate(queue)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: setting) } == 4000)
        try queue.write { db in
            try db.execute(sql: insert, arguments: ["After", "ferry " + words, "b.txt"])
            try db.execute(sql: index, arguments: [db.lastInsertedRowID])
        }
        let found = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT title FROM articleSearch WHERE articleSearch MATCH 'ferry' ORDER BY rowid")
        }
        #expect(found == ["Before", "After"])
    }

    @Test("the search index merges 16 segments at a time, on a new file and on one migrated from v11")
    func searchMergeSetting() throws {
        let fresh = try TestDatabase()
        _ = try fresh.open()
        let setting = "SELECT v FROM articleSearch_config WHERE k = 'automerge'"
        #expect(try fresh.inspect { db in try Int.fetchOne(db, sql: setting) } == 16)

        let old = try TestDatabase()
        let queue = try old.migrated(upTo: StoreMigrations.v11)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: setting) } == nil, "FTS5's default, 4, is not stored")
        try StoreMigrations.migrate(queue)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: setting) } == 16)
    }

    /// v13 copies `rawInput` into a table whose CHECK allows LZ4: the rows, the articles' links to them and
    /// the AUTOINCREMENT counter survive, and what was stored with zlib still reads back.
    @Test("v13 keeps every raw input, its article's link and the id counter; zlib rows still read")
    func rawInputLZ4Migration() throws {
        let db = try TestDatabase()
        let queue = try db.migrated(upTo: StoreMigrations.v12)
        let page = Array(String(repeating: "<p>Harbour news.</p>\n", count: 50).utf8)
        let deflated = zlibCompressed(page)
        let hash = String(repeating: "ab", count: 32)
        try queue.write { db in
            for _ in 0..<3 {
                try db.execute(
                    sql: "INSERT INTO rawInput (sha256, format, size, compression, data) VALUES (?, 'html', ?, 'zlib', ?)",
                    arguments: [hash, page.count, Data(deflated)])
            }
            try db.execute(sql: "DELETE FROM rawInput WHERE id = 3")
            try db.execute(sql: """
                INSERT INTO article (status, text, source, originKind, location, receivedAt, format, contentHash, rawInputId, committedAt)
                VALUES ('queued', 'Harbour news.', 'inbox', 'folder', '/in/a.html', 0, 'html', ?, 2, 0)
                """, arguments: [hash])
        }
        #expect(throws: (any Error).self) {
            try queue.write { db in
                try db.execute(sql: "INSERT INTO rawInput (sha256, size, compression, data) VALUES (?, 1, 'lz4', x'00')", arguments: [hash])
            }
        }
        try StoreMigrations.migrate(queue)
        let (ids, link, counter) = try queue.read { db in
            (
                try Int64.fetchAll(db, sql: "SELECT id FROM rawInput ORDER BY id"),
                try Int64.fetchOne(db, sql: "SELECT rawInputId FROM article"),
                try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'rawInput'")
            )
        }
        #expect(ids == [1, 2])
        #expect(link == 2)
        #expect(counter == 3, "the deleted row's id is not handed out again")
        let store = try db.openSQLite()
        #expect(try store.rawInput(articleId: 1) == page)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO rawInput (sha256, size, compression, data) VALUES (?, 1, 'lz4', x'00')", arguments: [hash])
            #expect(db.lastInsertedRowID == 4)
        }
    }

    @Test("migrates up to a named step")
    func migratesUpToStep() throws {
        let db = try TestDatabase()
        let queue = try db.migrated(upTo: StoreMigrations.v1)
        let applied = try queue.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
        #expect(applied == [StoreMigrations.v1])
        let columns = try queue.read { db in try db.columns(in: "queueItem").map(\.name) }
        #expect(columns == [
            "id", "articleId", "queue", "state", "attempts", "availableAt", "leaseOwner", "leaseExpiresAt",
            "lastError", "createdAt", "updatedAt",
        ])
    }

    @Test("opening twice applies nothing twice")
    func reopens() throws {
        let db = try TestDatabase()
        let first = try db.open()
        _ = try first.commit([makeEntry(key: "k", ["kept across opens"])])
        let second = try db.open()
        #expect(try second.totals().articles == 1)
    }

    @Test("refuses a database migrated by a newer version")
    func refusesNewerDatabase() throws {
        let db = try TestDatabase()
        _ = try db.open()
        try db.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: ["v99-from-the-future"])
        }
        let error = #expect(throws: StoreError.self) { try db.open() }
        #expect(error?.retryable == false)
        #expect(error?.message.contains("newer") == true)
        #expect(error?.message.contains("v99-from-the-future") == true)
    }

    @Test("refuses a missing database when creating is not allowed")
    func refusesMissing() throws {
        let db = try TestDatabase()
        let error = #expect(throws: StoreError.self) { try db.open(createIfMissing: false) }
        #expect(error?.message.contains("does not exist") == true)
        #expect(!FileManager.default.fileExists(atPath: db.path))
        // Creating makes the missing folder too; afterwards the read-only kind of open works.
        _ = try db.open()
        #expect(FileManager.default.fileExists(atPath: db.path))
        _ = try db.open(createIfMissing: false)
    }

    @Test("refuses a file that is not a database")
    func refusesGarbage() throws {
        let db = try TestDatabase()
        try FileManager.default.createDirectory(
            atPath: (db.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: db.path))
        let error = #expect(throws: StoreError.self) { try db.open() }
        #expect(error?.retryable == false)
    }
}
