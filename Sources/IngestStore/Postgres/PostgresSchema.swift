/// The PostgreSQL schema: the same tables, columns and meanings as the SQLite one (`Migrations.swift`),
/// so a consumer's SQL reads either, plus what several instances sharing one database need: feed leases
/// and dedupe's unique keys.
///
/// - Important: As with SQLite, never edit a migration that has shipped; append a new one to ``all``.
///
/// Names are written in camelCase without quotes, so PostgreSQL stores them in lower case and both
/// spellings work in a consumer's SQL. Times are `double precision` unix seconds, as SQLite's REAL; JSON
/// columns are text, byte for byte what SQLite holds (`::jsonb` reads them).
enum PostgresSchema {
    /// Every migration, in order, each run in its own transaction.
    static let all: [(id: String, sql: String)] = [
        ("pg1-articles-queue-ledger-feeds-dedupe", v1),
        ("pg2-shared-instances", v2),
        ("pg3-raw-input-lz4", v3),
    ]

    /// Serialises migrations across instances starting at once (an arbitrary constant, "ingestd" in hex).
    static let migrationLockKey: Int64 = 0x696E_6765_7374_64

    /// The SQLite schema up to its migration v6, in PostgreSQL's dialect. Full-text search is a generated
    /// `tsvector` column with a GIN index instead of FTS5.
    static let v1 = """
        CREATE TABLE rawInput (
            id BIGSERIAL PRIMARY KEY,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            format TEXT,
            size BIGINT NOT NULL CHECK (size >= 0),
            compression TEXT NOT NULL CHECK (compression IN ('zlib', 'none')),
            data BYTEA NOT NULL
        );
        CREATE INDEX rawInput_sha256 ON rawInput (sha256);

        CREATE TABLE article (
            id BIGSERIAL PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('queued', 'dropped')),
            dropStage TEXT,
            dropReason TEXT,
            title TEXT,
            text TEXT NOT NULL,
            html TEXT,
            url TEXT,
            published TEXT,
            publishedAt DOUBLE PRECISION,
            authors TEXT NOT NULL DEFAULT '[]',
            language TEXT,
            keywords TEXT NOT NULL DEFAULT '[]',
            entities TEXT NOT NULL DEFAULT '[]',
            labels TEXT NOT NULL DEFAULT '[]',
            -- No foreign key: dedupe may point at an article that was pruned since.
            duplicateOf BIGINT,
            fields TEXT NOT NULL DEFAULT '{}',
            source TEXT NOT NULL,
            originKind TEXT NOT NULL CHECK (originKind IN ('folder', 'feed', 'cli')),
            location TEXT NOT NULL,
            ledgerKey TEXT,
            receivedAt DOUBLE PRECISION NOT NULL,
            format TEXT NOT NULL,
            trace TEXT NOT NULL DEFAULT '[]',
            contentHash TEXT NOT NULL CHECK (length(contentHash) = 64),
            rawInputId BIGINT REFERENCES rawInput (id) ON DELETE SET NULL,
            committedAt DOUBLE PRECISION NOT NULL,
            clusterId TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            search TSVECTOR GENERATED ALWAYS AS (
                setweight(to_tsvector('simple', coalesce(title, '')), 'A') || to_tsvector('simple', text)) STORED,
            CHECK ((status = 'queued' AND dropStage IS NULL AND dropReason IS NULL)
                OR (status = 'dropped' AND dropStage IS NOT NULL AND dropReason IS NOT NULL))
        );
        CREATE INDEX article_contentHash ON article (contentHash);
        CREATE INDEX article_rawInputId ON article (rawInputId);
        CREATE INDEX article_clusterId ON article (clusterId) WHERE clusterId IS NOT NULL;
        CREATE INDEX article_search ON article USING GIN (search);

        CREATE TABLE queueItem (
            id BIGSERIAL PRIMARY KEY,
            articleId BIGINT NOT NULL UNIQUE REFERENCES article (id) ON DELETE CASCADE,
            queue TEXT NOT NULL CHECK (queue <> ''),
            state TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'leased', 'done', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            availableAt DOUBLE PRECISION NOT NULL,
            leaseOwner TEXT,
            leaseExpiresAt DOUBLE PRECISION,
            lastError TEXT,
            createdAt DOUBLE PRECISION NOT NULL,
            updatedAt DOUBLE PRECISION NOT NULL,
            CHECK (state <> 'leased' OR (leaseOwner IS NOT NULL AND leaseExpiresAt IS NOT NULL))
        );
        CREATE INDEX queueItem_claim ON queueItem (queue, state, availableAt);

        CREATE TABLE inputLedger (
            id BIGSERIAL PRIMARY KEY,
            ledgerKey TEXT UNIQUE,
            source TEXT NOT NULL,
            location TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('ingested', 'failed')),
            articleCount INTEGER NOT NULL DEFAULT 0 CHECK (articleCount >= 0),
            reason TEXT,
            at DOUBLE PRECISION NOT NULL,
            CHECK (outcome = 'ingested' OR reason IS NOT NULL)
        );
        CREATE INDEX inputLedger_outcome_at ON inputLedger (outcome, at);

        CREATE TABLE feed (
            name TEXT NOT NULL PRIMARY KEY CHECK (name <> ''),
            url TEXT NOT NULL UNIQUE CHECK (url LIKE 'http://%' OR url LIKE 'https://%'),
            intervalSecs INTEGER NOT NULL CHECK (intervalSecs > 0),
            fetchFullContent BOOLEAN NOT NULL DEFAULT false,
            allowPrivateNetworks BOOLEAN NOT NULL DEFAULT false,
            origin TEXT NOT NULL CHECK (origin IN ('config', 'cli')),
            addedAt DOUBLE PRECISION NOT NULL
        );

        CREATE TABLE feedState (
            name TEXT NOT NULL PRIMARY KEY CHECK (name <> ''),
            url TEXT NOT NULL,
            etag TEXT,
            lastModified TEXT,
            health TEXT NOT NULL DEFAULT 'ok' CHECK (health IN ('ok', 'backing_off', 'failing')),
            lastSuccessAt DOUBLE PRECISION,
            lastAttemptAt DOUBLE PRECISION,
            lastStatus INTEGER,
            lastError TEXT,
            lastErrorAt DOUBLE PRECISION,
            consecutiveErrors INTEGER NOT NULL DEFAULT 0 CHECK (consecutiveErrors >= 0),
            nextPollAt DOUBLE PRECISION,
            warnings TEXT NOT NULL DEFAULT '[]',
            redirectCandidate TEXT,
            redirectCount INTEGER NOT NULL DEFAULT 0 CHECK (redirectCount >= 0),
            configuredURL TEXT,
            ttlMinutes INTEGER CHECK (ttlMinutes IS NULL OR ttlMinutes >= 0),
            updateIntervalSecs INTEGER CHECK (updateIntervalSecs IS NULL OR updateIntervalSecs >= 0)
        );

        CREATE TABLE dedupeFingerprint (
            articleId BIGINT NOT NULL PRIMARY KEY REFERENCES article (id) ON DELETE CASCADE,
            clusterId TEXT NOT NULL,
            textHash TEXT,
            canonicalURL TEXT,
            itemId TEXT,
            minhash BYTEA NOT NULL,
            shingles INTEGER NOT NULL CHECK (shingles >= 0),
            committedAt DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX dedupeFingerprint_textHash ON dedupeFingerprint (textHash) WHERE textHash IS NOT NULL;
        CREATE INDEX dedupeFingerprint_canonicalURL ON dedupeFingerprint (canonicalURL) WHERE canonicalURL IS NOT NULL;
        CREATE INDEX dedupeFingerprint_itemId ON dedupeFingerprint (itemId) WHERE itemId IS NOT NULL;
        CREATE INDEX dedupeFingerprint_clusterId ON dedupeFingerprint (clusterId);
        CREATE INDEX dedupeFingerprint_committedAt ON dedupeFingerprint (committedAt);

        CREATE TABLE dedupeBand (
            band BIGINT NOT NULL,
            articleId BIGINT NOT NULL REFERENCES dedupeFingerprint (articleId) ON DELETE CASCADE,
            PRIMARY KEY (band, articleId)
        );
        CREATE INDEX dedupeBand_articleId ON dedupeBand (articleId);
        """

    /// What instances sharing the database coordinate through.
    ///
    /// - `dedupeKey`: each exact key of an original (its text hash, canonical URL, feed item id), unique.
    ///   Two instances committing copies of one story at the same moment both insert the key; the unique
    ///   constraint makes the second wait for the first and then lose, and the loser's article is stored as
    ///   the winner's duplicate. Near-duplicates (MinHash bands) are compared by the dedupe stage against
    ///   committed fingerprints, which every instance reads here.
    /// - `feedLease`: the instance polling a feed holds its lease for one interval; the others skip it, and
    ///   take it over when a dead holder's lease expires.
    static let v2 = """
        CREATE TABLE dedupeKey (
            key TEXT NOT NULL PRIMARY KEY,
            articleId BIGINT NOT NULL REFERENCES article (id) ON DELETE CASCADE,
            committedAt DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX dedupeKey_articleId ON dedupeKey (articleId);
        CREATE INDEX dedupeKey_committedAt ON dedupeKey (committedAt);

        CREATE TABLE feedLease (
            name TEXT NOT NULL PRIMARY KEY,
            owner TEXT NOT NULL,
            expiresAt DOUBLE PRECISION NOT NULL
        );
        """

    /// `rawInput.compression` may be `'lz4'`, as in SQLite's v13. The constraint is v1's, named by
    /// PostgreSQL's rule (`table_column_check`).
    static let v3 = """
        ALTER TABLE rawInput DROP CONSTRAINT IF EXISTS rawinput_compression_check;
        ALTER TABLE rawInput ADD CONSTRAINT rawinput_compression_check CHECK (compression IN ('lz4', 'zlib', 'none'));
        """
}
