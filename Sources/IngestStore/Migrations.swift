import Foundation
import GRDB

/// The SQLite schema, as named, ordered, append-only migrations registered in one place.
///
/// - Important: Never edit a migration that has shipped: databases in the field already ran it. Change the
///   schema by appending a new migration at the end of ``migrator``. The `queueItem` table is a contract
///   with consumers (they may read it with SQL), so a migration that changes it is a breaking change.
///
/// Migrations spell out their SQL instead of using the record types: a migration describes the schema at
/// one point in history, and the record types follow only the latest schema.
enum StoreMigrations {
    /// Articles, the queue, the input ledger and the raw inputs.
    static let v1 = "v1-articles-queue-ledger"
    /// Feeds added with `ingestctl feeds add`/`import`, and every feed's polling state.
    static let v2 = "v2-feeds"
    static let v3 = "v3-feed-state-hints"
    static let v4 = "v4-dedupe"
    static let v5 = "v5-article-metadata"
    /// Full-text search over articles' titles and texts (FTS5), kept in step by triggers.
    static let v6 = "v6-article-search"
    /// New articles are indexed by the commit, one statement per batch, instead of by a trigger per row.
    static let v7 = "v7-article-search-per-batch"
    /// Dedupe band keys packed in their fingerprint's row; `dedupeBand` goes.
    static let v8 = "v8-dedupe-bands-in-row"
    /// New articles are indexed for search in chunks, behind a watermark (``SearchIndex``).
    static let v9 = "v9-article-search-watermark"
    /// Two indexes no query used go.
    static let v10 = "v10-drop-unused-hash-indexes"
    /// Dedupe looks text hashes up in memory, with the band keys; their index goes.
    static let v11 = "v11-dedupe-text-hash-in-memory"
    /// The search index merges its segments 16 at a time instead of 4.
    static let v12 = "v12-article-search-merge-16"
    /// Raw inputs may be stored LZ4-compressed.
    static let v13 = "v13-raw-input-lz4"
    /// The search index writes leaves of 4,000 bytes instead of 1,000.
    static let v14 = "v14-article-search-page-4000"

    /// Every migration this build knows, in order. Each runs in its own transaction.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(v1) { db in
            try db.execute(sql: v1Schema)
        }
        // Add new migrations here, at the end: order is important.
        migrator.registerMigration(v2) { db in
            try db.execute(sql: v2Schema)
        }
        migrator.registerMigration(v3) { db in
            try db.execute(sql: v3Schema)
        }
        migrator.registerMigration(v4) { db in
            try db.execute(sql: v4Schema)
        }
        migrator.registerMigration(v5) { db in
            try db.execute(sql: v5Schema)
        }
        migrator.registerMigration(v6) { db in
            try db.execute(sql: v6Schema)
        }
        migrator.registerMigration(v7) { db in
            try db.execute(sql: v7Schema)
        }
        migrator.registerMigration(v8) { db in
            try migrateToV8(db)
        }
        migrator.registerMigration(v9) { db in
            try db.execute(sql: v9Schema)
        }
        migrator.registerMigration(v10) { db in
            try db.execute(sql: v10Schema)
        }
        migrator.registerMigration(v11) { db in
            try db.execute(sql: v11Schema)
        }
        migrator.registerMigration(v12) { db in
            try db.execute(sql: v12Schema)
        }
        // GRDB runs a migration with foreign keys off and checks them before it commits: dropping the old
        // `rawInput` does not set the articles' `rawInputId` to NULL.
        migrator.registerMigration(v13) { db in
            try migrateToV13(db)
        }
        migrator.registerMigration(v14) { db in
            try db.execute(sql: v14Schema)
        }
        return migrator
    }

    /// Migrates the database to the latest schema, or to `target` (tests use it to stop at a named step).
    ///
    /// Refuses a database that applied migrations this build does not know: it was written by a newer
    /// ingestd, and this one could corrupt data it does not understand.
    static func migrate(_ writer: any DatabaseWriter, upTo target: String? = nil) throws(StoreError) {
        let migrator = self.migrator
        do {
            let applied = try writer.read { db in try migrator.appliedIdentifiers(db) }
            let unknown = applied.subtracting(migrator.migrations).sorted()
            if !unknown.isEmpty {
                throw StoreError.newerSchema(unknown)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(wrapping: error, operation: "open: read migrations")
        }
        // Two processes opening a new database at once both see it unmigrated; the slower one fails
        // creating a table the faster one just created, or finds the file busy while the other sets it up.
        // Once the faster one committed, another pass finds the migrations applied and has nothing to do.
        var attempt = 0
        while true {
            do {
                try run(migrator, writer, upTo: target)
                return
            } catch {
                attempt += 1
                guard attempt < 5 else { throw StoreError(wrapping: error, operation: "open: migrate") }
                usleep(UInt32(50_000 * attempt))
            }
        }
    }

    private static func run(_ migrator: DatabaseMigrator, _ writer: any DatabaseWriter, upTo target: String?) throws {
        if let target {
            try migrator.migrate(writer, upTo: target)
        } else {
            try migrator.migrate(writer)
        }
    }

    // Times are REAL unix seconds: the drop-to-queue latency is measured from `queueItem.createdAt`, and a
    // REAL keeps sub-millisecond precision where GRDB's default text dates keep milliseconds.
    // AUTOINCREMENT keeps ids from ever being reused: consumers hold queue ids across a claim and an ack.
    private static let v1Schema = """
        CREATE TABLE rawInput (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            format TEXT,
            size INTEGER NOT NULL CHECK (size >= 0),
            compression TEXT NOT NULL CHECK (compression IN ('zlib', 'none')),
            data BLOB NOT NULL
        );
        CREATE INDEX rawInput_sha256 ON rawInput(sha256);

        CREATE TABLE article (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            status TEXT NOT NULL CHECK (status IN ('queued', 'dropped')),
            dropStage TEXT,
            dropReason TEXT,
            title TEXT,
            text TEXT NOT NULL,
            html TEXT,
            url TEXT,
            published TEXT,
            publishedAt REAL,
            authors TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(authors)),
            language TEXT,
            keywords TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(keywords)),
            entities TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(entities)),
            labels TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(labels)),
            -- No foreign key: a dedupe stage may point at an article that was pruned since, and that must
            -- not fail the whole batch.
            duplicateOf INTEGER,
            fields TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(fields)),
            source TEXT NOT NULL,
            originKind TEXT NOT NULL CHECK (originKind IN ('folder', 'feed', 'cli')),
            location TEXT NOT NULL,
            ledgerKey TEXT,
            receivedAt REAL NOT NULL,
            -- No CHECK on format: new input formats should not need a table rebuild.
            format TEXT NOT NULL,
            trace TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(trace)),
            contentHash TEXT NOT NULL CHECK (length(contentHash) = 64),
            rawInputId INTEGER REFERENCES rawInput(id) ON DELETE SET NULL,
            committedAt REAL NOT NULL,
            CHECK ((status = 'queued' AND dropStage IS NULL AND dropReason IS NULL)
                OR (status = 'dropped' AND dropStage IS NOT NULL AND dropReason IS NOT NULL))
        );
        CREATE INDEX article_contentHash ON article(contentHash);
        CREATE INDEX article_rawInputId ON article(rawInputId);

        CREATE TABLE queueItem (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            articleId INTEGER NOT NULL UNIQUE REFERENCES article(id) ON DELETE CASCADE,
            queue TEXT NOT NULL CHECK (queue <> ''),
            state TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'leased', 'done', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            availableAt REAL NOT NULL,
            leaseOwner TEXT,
            leaseExpiresAt REAL,
            lastError TEXT,
            createdAt REAL NOT NULL,
            updatedAt REAL NOT NULL,
            CHECK (state <> 'leased' OR (leaseOwner IS NOT NULL AND leaseExpiresAt IS NOT NULL))
        );
        -- Claiming reads ready rows of one queue whose time has come, and expired leases of that queue.
        CREATE INDEX queueItem_claim ON queueItem(queue, state, availableAt);

        CREATE TABLE inputLedger (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            -- NULL for inputs without a ledger (one-shot ingests); NULLs never collide in a UNIQUE column.
            ledgerKey TEXT UNIQUE,
            source TEXT NOT NULL,
            location TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('ingested', 'failed')),
            articleCount INTEGER NOT NULL DEFAULT 0 CHECK (articleCount >= 0),
            reason TEXT,
            at REAL NOT NULL,
            CHECK (outcome = 'ingested' OR reason IS NOT NULL)
        );
        CREATE INDEX inputLedger_outcome_at ON inputLedger(outcome, at);
        """

    // `feedState` has no foreign key to `feed`: feeds from the config are not stored in `feed`, yet their
    // validators, health and schedule must survive restarts too. Removing an added feed deletes its state
    // in the same transaction instead.
    // Booleans are INTEGER 0/1 with a CHECK, so a stray value written by hand with SQL is refused.
    private static let v2Schema = """
        CREATE TABLE feed (
            name TEXT NOT NULL PRIMARY KEY CHECK (name <> ''),
            url TEXT NOT NULL UNIQUE CHECK (url LIKE 'http://%' OR url LIKE 'https://%'),
            intervalSecs INTEGER NOT NULL CHECK (intervalSecs > 0),
            fetchFullContent INTEGER NOT NULL DEFAULT 0 CHECK (fetchFullContent IN (0, 1)),
            allowPrivateNetworks INTEGER NOT NULL DEFAULT 0 CHECK (allowPrivateNetworks IN (0, 1)),
            origin TEXT NOT NULL CHECK (origin IN ('config', 'cli')),
            addedAt REAL NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE feedState (
            name TEXT NOT NULL PRIMARY KEY CHECK (name <> ''),
            url TEXT NOT NULL,
            etag TEXT,
            lastModified TEXT,
            health TEXT NOT NULL DEFAULT 'ok' CHECK (health IN ('ok', 'backing_off', 'failing')),
            lastSuccessAt REAL,
            lastAttemptAt REAL,
            lastStatus INTEGER,
            lastError TEXT,
            lastErrorAt REAL,
            consecutiveErrors INTEGER NOT NULL DEFAULT 0 CHECK (consecutiveErrors >= 0),
            nextPollAt REAL,
            warnings TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings) AND json_type(warnings) = 'array'),
            redirectCandidate TEXT,
            redirectCount INTEGER NOT NULL DEFAULT 0 CHECK (redirectCount >= 0)
        ) WITHOUT ROWID;
        """

    /// What a feed's state needs to survive a restart and a 304: the URL the state was begun for, and the
    /// feed's own ttl / update-period hints from its last full document.
    private static let v3Schema = """
        ALTER TABLE feedState ADD COLUMN configuredURL TEXT;
        ALTER TABLE feedState ADD COLUMN ttlMinutes INTEGER CHECK (ttlMinutes IS NULL OR ttlMinutes >= 0);
        ALTER TABLE feedState ADD COLUMN updateIntervalSecs INTEGER CHECK (updateIntervalSecs IS NULL OR updateIntervalSecs >= 0);
        """

    /// Dedupe: each article's cluster, and the fingerprints of originals with an index per key, so the
    /// dedupe stage's lookups never scan. `dedupeBand` holds the MinHash LSH band keys.
    private static let v4Schema = """
        ALTER TABLE article ADD COLUMN clusterId TEXT;
        CREATE INDEX article_clusterId ON article (clusterId) WHERE clusterId IS NOT NULL;

        CREATE TABLE dedupeFingerprint (
            articleId INTEGER NOT NULL PRIMARY KEY REFERENCES article (id) ON DELETE CASCADE,
            clusterId TEXT NOT NULL,
            textHash TEXT,
            canonicalURL TEXT,
            itemId TEXT,
            minhash BLOB NOT NULL,
            shingles INTEGER NOT NULL CHECK (shingles >= 0),
            committedAt REAL NOT NULL
        );
        CREATE INDEX dedupeFingerprint_textHash ON dedupeFingerprint (textHash) WHERE textHash IS NOT NULL;
        CREATE INDEX dedupeFingerprint_canonicalURL ON dedupeFingerprint (canonicalURL) WHERE canonicalURL IS NOT NULL;
        CREATE INDEX dedupeFingerprint_itemId ON dedupeFingerprint (itemId) WHERE itemId IS NOT NULL;
        CREATE INDEX dedupeFingerprint_clusterId ON dedupeFingerprint (clusterId);
        CREATE INDEX dedupeFingerprint_committedAt ON dedupeFingerprint (committedAt);

        CREATE TABLE dedupeBand (
            band INTEGER NOT NULL,
            articleId INTEGER NOT NULL REFERENCES dedupeFingerprint (articleId) ON DELETE CASCADE,
            PRIMARY KEY (band, articleId)
        ) WITHOUT ROWID;
        CREATE INDEX dedupeBand_articleId ON dedupeBand (articleId);
        """

    /// The extract stage's metadata (site, canonical URL, description, image, modified time, language
    /// confidence, word count, reading time, summary) as one JSON object: `json_extract` reads it.
    private static let v5Schema = """
        ALTER TABLE article ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata));
        """

    /// `articleSearch`: an FTS5 index over `article.title` and `article.text`. It is an external-content
    /// table (the text is stored once, in `article`; `snippet()` reads it from there), kept in step by
    /// triggers on every insert, update of the title or text (reprocessing) and delete, and built from the
    /// existing rows by the `rebuild` command. Entities are not indexed: FTS5 reads an external table's
    /// columns by name, and SQLite 3.40 refuses a view computing them from the `entities` JSON.
    /// `remove_diacritics 2` lets "cafe" find "café".
    private static let v6Schema = """
        CREATE VIRTUAL TABLE articleSearch USING fts5(
            title, text, content = 'article', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');

        CREATE TRIGGER article_search_insert AFTER INSERT ON article BEGIN
            INSERT INTO articleSearch (rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        CREATE TRIGGER article_search_delete AFTER DELETE ON article BEGIN
            INSERT INTO articleSearch (articleSearch, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        END;
        CREATE TRIGGER article_search_update AFTER UPDATE OF title, text ON article BEGIN
            INSERT INTO articleSearch (articleSearch, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO articleSearch (rowid, title, text) VALUES (new.id, new.title, new.text);
        END;

        INSERT INTO articleSearch (articleSearch) VALUES ('rebuild');
        """

    /// The insert trigger of v6 goes: ``SQLiteStore/commit(_:)`` indexes each batch's new articles with one
    /// `INSERT … SELECT` (``ArticleRecord/indexForSearch(_:ids:)``). SQLite 3.40's FTS5 writes its pending
    /// terms out as a new segment at the end of every statement that touched it, so a trigger per article
    /// made one segment per article: flushing them was 7 % of the daemon's CPU in a burst of 2,000
    /// documents. One statement per batch makes one segment per batch. Deletes and updates keep their
    /// triggers (they are rare: pruning, reprocessing).
    /// `IF EXISTS`: two processes opening a new database at once may both run it (see ``migrate(_:upTo:)``).
    private static let v7Schema = """
        DROP TRIGGER IF EXISTS article_search_insert;
        """

    /// The band keys move into `dedupeFingerprint.bands` (little-endian 64-bit values) and `dedupeBand` is
    /// dropped: they are looked up in memory (``FingerprintKeyIndex``), and as rows with random keys they made a
    /// B-tree page dirty per key at every commit. Existing keys are carried over, so no fingerprint loses
    /// its bands.
    /// Each step checks first: two processes opening a new database at once may both run it.
    private static func migrateToV8(_ db: Database) throws {
        guard try db.tableExists("dedupeBand") else { return }
        if try !db.columns(in: "dedupeFingerprint").contains(where: { $0.name == "bands" }) {
            try db.execute(sql: "ALTER TABLE dedupeFingerprint ADD COLUMN bands BLOB NOT NULL DEFAULT x''")
        }
        let rows = try Row.fetchAll(db, sql: "SELECT articleId, band FROM dedupeBand ORDER BY articleId, band")
        var keys: [Int64] = []
        var current: Int64?
        let update = try db.makeStatement(sql: "UPDATE dedupeFingerprint SET bands = ? WHERE articleId = ?")
        func flush() throws {
            if let current, !keys.isEmpty {
                try update.execute(arguments: [DedupeFingerprintRecord.packedBands(keys), current])
            }
            keys.removeAll(keepingCapacity: true)
        }
        for row in rows {
            let id: Int64 = row[0]
            if id != current {
                try flush()
                current = id
            }
            keys.append(row[1])
        }
        try flush()
        try db.execute(sql: "DROP TABLE dedupeBand")
    }

    /// New articles are indexed in chunks of a few hundred (``SearchIndexRecord``), not per commit: FTS5 writes a
    /// segment per statement and merges them again and again, and a burst commits a dozen articles at a
    /// time. `searchIndexState.indexedThrough` is the last article id in the index; every article up to it
    /// is indexed, none after it. Deleting or changing an article not indexed yet must not touch the
    /// index (an external-content FTS5 table is corrupted by a 'delete' of a row it does not hold), so the
    /// triggers now look at the watermark. Every article existing now was indexed by v6/v7.
    /// Idempotent: two processes opening a new database at once may both run it.
    private static let v9Schema = """
        CREATE TABLE IF NOT EXISTS searchIndexState (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            indexedThrough INTEGER NOT NULL);
        INSERT OR IGNORE INTO searchIndexState (id, indexedThrough) SELECT 1, coalesce(max(id), 0) FROM article;

        DROP TRIGGER IF EXISTS article_search_delete;
        CREATE TRIGGER article_search_delete AFTER DELETE ON article
        WHEN old.id <= (SELECT indexedThrough FROM searchIndexState WHERE id = 1) BEGIN
            INSERT INTO articleSearch (articleSearch, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        END;
        DROP TRIGGER IF EXISTS article_search_update;
        CREATE TRIGGER article_search_update AFTER UPDATE OF title, text ON article
        WHEN old.id <= (SELECT indexedThrough FROM searchIndexState WHERE id = 1) BEGIN
            INSERT INTO articleSearch (articleSearch, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO articleSearch (rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        """

    /// `article.contentHash` and `rawInput.sha256` stay, unindexed: no query looks an article or a raw
    /// input up by its hash (dedupe has its own `textHash`), while each index, with random keys, made a
    /// B-tree page dirty per article at every commit, written to the WAL and again at the checkpoint.
    /// A consumer who wants such a lookup can create the index again.
    private static let v10Schema = """
        DROP INDEX IF EXISTS article_contentHash;
        DROP INDEX IF EXISTS rawInput_sha256;
        """

    /// `dedupeFingerprint.textHash` stays, unindexed: ``FingerprintKeyIndex`` holds a key of each text hash in memory
    /// beside the band keys, and its random keys made a B-tree page dirty per article at every commit, 14 %
    /// of what a 20,000-document burst wrote to the WAL.
    private static let v11Schema = """
        DROP INDEX IF EXISTS dedupeFingerprint_textHash;
        """

    /// FTS5 merges a level's segments once `automerge` of them exist (4 by default), so with a segment per
    /// chunk of new articles (``SearchIndexRecord``) each term is rewritten at every fourfold growth. At 16
    /// it is rewritten half as often: indexing 20,000 of the benchmark's articles in chunks of 512 took
    /// 0.097 instead of 0.134 ms of CPU per article (three runs each), while a one-word search over them
    /// went from 0.5 to 0.6 ms. The setting is stored in the index (`articleSearch_config`), so it holds for
    /// every process that opens the file.
    private static let v12Schema = """
        INSERT INTO articleSearch (articleSearch, rank) VALUES ('automerge', 16);
        """

    /// FTS5 cuts each term's list of articles into leaves of `pgsz` bytes, 1,000 by default, each a row of
    /// `articleSearch_data`. With 4,000 a segment is a quarter as many rows to write and to read back when
    /// segments merge: indexing 20,000 of the benchmark's articles in chunks of 512 (with `automerge` 16)
    /// took 0.102 instead of 0.115 ms of CPU per article (median of eight runs each), and one-word, phrase
    /// and prefix searches over them took the same time within the runs' noise (8–9, 4 and 8–10 ms). Four
    /// such leaves fit in one of the file's 16 KiB pages. Stored in `articleSearch_config`, so it holds for
    /// every process; segments written before keep their leaves, which FTS5 reads alike.
    private static let v14Schema = """
        INSERT INTO articleSearch (articleSearch, rank) VALUES ('pgsz', 4000);
        """

    /// `rawInput.compression` may be `'lz4'` (``RawCompression``). SQLite cannot change a CHECK constraint in
    /// place, so the table is copied into a new one with the wider constraint and takes its name. Its
    /// AUTOINCREMENT counter is carried over: an id of a row deleted before never comes back.
    /// Idempotent: two processes opening a database at once may both run it.
    private static func migrateToV13(_ db: Database) throws {
        let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'rawInput'") ?? ""
        guard !sql.contains("'lz4'") else { return }
        let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'rawInput'")
        try db.execute(sql: """
            CREATE TABLE rawInput_v13 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                format TEXT,
                size INTEGER NOT NULL CHECK (size >= 0),
                compression TEXT NOT NULL CHECK (compression IN ('lz4', 'zlib', 'none')),
                data BLOB NOT NULL
            );
            INSERT INTO rawInput_v13 (id, sha256, format, size, compression, data)
                SELECT id, sha256, format, size, compression, data FROM rawInput;
            DROP TABLE rawInput;
            ALTER TABLE rawInput_v13 RENAME TO rawInput;
            """)
        if let sequence {
            try db.execute(sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'rawInput'", arguments: [sequence])
            if db.changesCount == 0 {
                try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('rawInput', ?)", arguments: [sequence])
            }
        }
    }
}
