public import Foundation
public import IngestCore

/// The ``ArticleStore`` on PostgreSQL, for several ingestd instances sharing one database
/// (`[store] backend = "postgres"`). Same tables, same queue contract and same semantics as
/// ``SQLiteStore``; what differs is how concurrent writers are kept apart:
///
/// - A claim picks rows with `FOR UPDATE SKIP LOCKED`: consumers of one queue never wait for each other
///   and never get the same row.
/// - The ledger key is written first in a commit (`INSERT … ON CONFLICT`), so two instances committing the
///   same input serialise on the unique key and the second stores nothing.
/// - An original's exact dedupe keys (text hash, canonical URL, feed item id) are unique in `dedupeKey`:
///   of two instances committing copies of one story at the same moment, the second waits for the first
///   and is stored as its duplicate. A unique constraint decides, not timing. Near-copies (similar, not
///   equal) are serialised by locks on their MinHash bands and compared again at commit.
/// - Feeds are leased (``leaseFeed(_:owner:until:)``), so each is polled by one instance per interval.
///
/// libpq is used directly (a C module, as libcurl and libxml2 are): the store protocol is synchronous, and
/// a blocking client needs no event loop; see BENCHMARKS.md for the build cost that PostgresNIO would add.
public final class PostgresStore: @unchecked Sendable {
    // @unchecked: every stored property is immutable or Sendable; the pool guards the connections.

    /// The connection URL with any password removed, for messages.
    public let displayURL: String
    let pool: PGPool
    let queueConfiguration: QueueConfiguration
    private let keepRaw: Bool
    let clock: @Sendable () -> Date

    /// Connects to `url` (`postgresql://user@host:port/database`, or libpq's key=value form) and migrates
    /// the schema, waiting for another instance that is migrating it at the same moment.
    public convenience init(url: String, queue: QueueConfiguration = .init(), keepRaw: Bool = true) throws(StoreError) {
        try self.init(url: url, queue: queue, keepRaw: keepRaw, clock: { Date() })
    }

    /// As the public initializer, with the clock every time-dependent operation reads (tests move it).
    init(url: String, queue: QueueConfiguration, keepRaw: Bool, clock: @escaping @Sendable () -> Date) throws(StoreError) {
        displayURL = Self.redacted(url)
        pool = PGPool(url: url)
        queueConfiguration = queue
        self.keepRaw = keepRaw
        self.clock = clock
        try migrate()
    }

    /// `postgresql://user:secret@host/db` → `postgresql://user:***@host/db`.
    public static func redacted(_ url: String) -> String {
        guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at,
            let colon = url[scheme.upperBound..<at].firstIndex(of: ":")
        else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }

    // MARK: - Schema

    private func migrate() throws(StoreError) {
        try pool.withConnection { connection throws(StoreError) in
            // A session lock, so instances starting together migrate one after the other.
            try connection.execute("SELECT pg_advisory_lock($1)", [PostgresSchema.migrationLockKey], operation: "open: lock")
            defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [PostgresSchema.migrationLockKey], operation: "open") }
            try connection.run(
                "CREATE TABLE IF NOT EXISTS ingestdMigration (id TEXT PRIMARY KEY, appliedAt DOUBLE PRECISION NOT NULL)",
                operation: "open: migrations table")
            let applied = Set(
                try connection.execute("SELECT id FROM ingestdMigration", [], operation: "open: read migrations")
                    .strings())
            let known = Set(PostgresSchema.all.map(\.id))
            let unknown = applied.subtracting(known).sorted()
            if !unknown.isEmpty {
                throw StoreError.newerSchema(unknown)
            }
            for migration in PostgresSchema.all where !applied.contains(migration.id) {
                try connection.run("BEGIN", operation: "open: migrate")
                do throws(StoreError) {
                    try connection.run(migration.sql, operation: "open: migrate \(migration.id)")
                    try connection.execute(
                        "INSERT INTO ingestdMigration (id, appliedAt) VALUES ($1, $2)",
                        [migration.id, Date().timeIntervalSince1970], operation: "open: migrate")
                    try connection.run("COMMIT", operation: "open: migrate")
                } catch {
                    try? connection.run("ROLLBACK", operation: "open: migrate")
                    throw error
                }
            }
        }
    }

    // MARK: - Access

    func write<T>(_ operation: String, _ body: (PGConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        try pool.transaction(operation, body)
    }

    /// Reads run outside an explicit transaction when they are one statement; several statements that
    /// must agree use ``write(_:_:)`` (a transaction) instead.
    func read<T>(_ operation: String, _ body: (PGConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        try pool.withConnection(body)
    }
}

extension PostgresStore: ArticleStore {
    // MARK: - Commit and ledger

    public func commit(_ batch: [CommitEntry]) throws(StoreError) -> [CommitResult] {
        guard !batch.isEmpty else { return [] }
        let prepared = try batch.map { entry throws(StoreError) in try entry.rows(keepRaw: keepRaw) }
        return try write("commit") { c throws(StoreError) -> [CommitResult] in
            let now = clock().timeIntervalSince1970
            var results: [CommitResult] = []
            results.reserveCapacity(prepared.count)
            for entry in prepared {
                // The ledger row first: its unique key is what makes a second instance committing the same
                // input wait, then find it ingested. Every outcome becomes an article row, so the count is
                // known now. (A NULL key never conflicts.)
                let ledger = try c.execute(
                    """
                    INSERT INTO inputLedger (ledgerKey, source, location, outcome, articleCount, reason, at)
                    VALUES ($1, $2, $3, 'ingested', $4, NULL, $5)
                    ON CONFLICT (ledgerKey) DO UPDATE SET
                        source = excluded.source, location = excluded.location, outcome = 'ingested',
                        articleCount = excluded.articleCount, reason = NULL, at = excluded.at
                    WHERE inputLedger.outcome <> 'ingested'
                    RETURNING id
                    """, [entry.ledgerKey, entry.source, entry.location, entry.articles.count, now],
                    operation: "commit: ledger")
                guard ledger.count == 1 else {
                    results.append(CommitResult(alreadyIngested: true, articleIds: [], enqueued: 0, dropped: 0))
                    continue
                }
                var rawInputId: Int64?
                if let raw = entry.raw {
                    rawInputId = try c.execute(
                        "INSERT INTO rawInput (sha256, format, size, compression, data) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        [raw.sha256, raw.format, raw.size, raw.compression, [UInt8](raw.data)],
                        operation: "commit: raw input"
                    ).int64(0, "id")
                }
                var ids: [Int64] = []
                var enqueued = 0
                for (var record, queue, fingerprint) in entry.articles {
                    if record.duplicateOf == nil, fingerprint == nil, let cluster = record.clusterId {
                        record.duplicateOf = try Self.original(c, clusterId: cluster)
                    }
                    let inserted = try Self.insertArticle(
                        c, record, rawInputId: rawInputId, now: now, queue: queue, fingerprint: fingerprint)
                    ids.append(inserted.id)
                    guard let queue, let fingerprint else {
                        if queue != nil { enqueued += 1 }
                        continue
                    }
                    var winner = inserted.keyWinner
                    if winner == nil { winner = try Self.nearWinner(c, fingerprint, articleId: inserted.id, now: now) }
                    if let winner {
                        guard fingerprint.keepsCopies else {
                            try Self.storeAsCopy(c, id: inserted.id, record: record, of: winner)
                            continue
                        }
                        // Dedupe marks copies instead of dropping them: enqueued, pointing at the winner.
                        try c.execute(
                            """
                            WITH marked AS (UPDATE article SET duplicateOf = $1, clusterId = $2 WHERE id = $3)
                            INSERT INTO queueItem (articleId, queue, state, attempts, availableAt, createdAt, updatedAt)
                            VALUES ($3, $4, 'ready', 0, $5, $5, $5)
                            """, [winner.articleId, winner.clusterId, inserted.id, queue, now], operation: "commit: mark copy")
                    } else {
                        try Self.commitOriginal(c, articleId: inserted.id, fingerprint, queue: queue, now: now)
                    }
                    enqueued += 1
                }
                results.append(
                    CommitResult(alreadyIngested: false, articleIds: ids, enqueued: enqueued, dropped: ids.count - enqueued))
            }
            return results
        }
    }

    public func recordFailure(
        ledgerKey: String?, source: String, location: String, failure: IngestFailure
    ) throws(StoreError) {
        try write("record failure") { c throws(StoreError) in
            try c.execute(
                """
                INSERT INTO inputLedger (ledgerKey, source, location, outcome, articleCount, reason, at)
                VALUES ($1, $2, $3, 'failed', 0, $4, $5)
                ON CONFLICT (ledgerKey) DO UPDATE SET
                    source = excluded.source, location = excluded.location, reason = excluded.reason, at = excluded.at
                WHERE inputLedger.outcome = 'failed'
                """, [ledgerKey, source, location, failure.description, clock().timeIntervalSince1970],
                operation: "record failure")
        }
    }

    // MARK: - Queue

    public func claim(
        queue: String, consumer: String, limit: Int, leaseSecs: Int?
    ) throws(StoreError) -> [ClaimedArticle] {
        guard limit > 0 else { return [] }
        let lease = try queueConfiguration.claimLease(consumer: consumer, leaseSecs: leaseSecs)
        let maxAttempts = queueConfiguration.maxAttempts
        return try write("claim") { c throws(StoreError) -> [ClaimedArticle] in
            let now = clock().timeIntervalSince1970
            try c.execute(
                """
                UPDATE queueItem
                SET state = 'dead', leaseExpiresAt = NULL, updatedAt = $1,
                    lastError = 'lease expired after ' || attempts || ' attempts'
                WHERE queue = $2 AND state = 'leased' AND leaseExpiresAt <= $1 AND attempts >= $3
                """, [now, queue, maxAttempts], operation: "claim: expired leases")
            // SKIP LOCKED: rows another consumer is claiming right now are passed over, not waited for.
            let rows = try c.execute(
                """
                UPDATE queueItem q
                SET state = 'leased',
                    attempts = q.attempts + 1,
                    lastError = CASE WHEN q.state = 'leased'
                        THEN 'lease of ' || q.leaseOwner || ' expired' ELSE q.lastError END,
                    leaseOwner = $1, leaseExpiresAt = $2, updatedAt = $3
                FROM (
                    SELECT id FROM queueItem
                    WHERE queue = $4
                      AND ((state = 'ready' AND availableAt <= $3)
                        OR (state = 'leased' AND leaseExpiresAt <= $3 AND attempts < $5))
                    ORDER BY id
                    LIMIT $6
                    FOR UPDATE SKIP LOCKED) picked
                WHERE q.id = picked.id
                RETURNING q.*
                """, [consumer, now + Double(lease), now, queue, maxAttempts, limit], operation: "claim")
            let items = try QueueItemRecord.all(pg: rows).sorted { $0.id < $1.id }
            let articles = try Self.articles(c, ids: items.map(\.articleId))
            return try items.map { item throws(StoreError) in
                guard let article = articles[item.articleId] else {
                    throw StoreError.internal("claim", "queue item \(item.id) has no article")
                }
                return ClaimedArticle(item: item, article: try article.article())
            }
        }
    }

    public func ack(ids: [Int64], consumer: String) throws(StoreError) -> [Int64] {
        guard !ids.isEmpty else { return [] }
        return try write("ack") { c throws(StoreError) in
            try c.execute(
                """
                UPDATE queueItem SET state = 'done', leaseExpiresAt = NULL, updatedAt = $1
                WHERE state = 'leased' AND leaseOwner = $2 AND id = ANY($3::bigint[])
                RETURNING id
                """, [clock().timeIntervalSince1970, consumer, Self.array(ids)], operation: "ack"
            ).int64s().sorted()
        }
    }

    public func nack(id: Int64, consumer: String, error: String, retryAfterSecs: Int?) throws(StoreError) -> QueueState? {
        if let retryAfterSecs, retryAfterSecs < 0 {
            throw StoreError(operation: "nack", message: "retryAfterSecs must not be negative", retryable: false)
        }
        let configuration = queueConfiguration
        return try write("nack") { c throws(StoreError) -> QueueState? in
            let rows = try c.execute(
                "SELECT attempts FROM queueItem WHERE id = $1 AND state = 'leased' AND leaseOwner = $2 FOR UPDATE",
                [id, consumer], operation: "nack")
            guard rows.count == 1, let attempts = rows.int(0, "attempts") else { return nil }
            let now = clock().timeIntervalSince1970
            let dead = attempts >= configuration.maxAttempts
            let delay = retryAfterSecs.map(Double.init)
                ?? SQLiteStore.backoff(attempts: attempts, baseSecs: configuration.retryBackoffSecs)
            // A ready row has no owner (the next claim sets one); a dead row keeps its last owner.
            try c.execute(
                """
                UPDATE queueItem
                SET state = $1, availableAt = COALESCE($2, availableAt), lastError = $3, leaseExpiresAt = NULL,
                    leaseOwner = CASE WHEN $1 = 'ready' THEN NULL ELSE leaseOwner END, updatedAt = $4
                WHERE id = $5
                """, [dead ? "dead" : "ready", dead ? nil : now + delay, error, now, id], operation: "nack")
            return dead ? .dead : .ready
        }
    }

    public func peek(queue: String, state: QueueState?, limit: Int) throws(StoreError) -> [QueueRow] {
        guard limit > 0 else { return [] }
        return try read("peek") { c throws(StoreError) in
            let rows = try c.execute(
                "SELECT * FROM queueItem WHERE queue = $1 AND ($2::text IS NULL OR state = $2) ORDER BY id LIMIT $3",
                [queue, state?.rawValue, limit], operation: "peek")
            return try QueueItemRecord.all(pg: rows)
        }
    }

    public func oldestReady(queue: String) throws(StoreError) -> Date? {
        try read("oldest ready") { c throws(StoreError) in
            try c.execute(
                "SELECT MIN(availableAt) AS oldest FROM queueItem WHERE queue = $1 AND state = 'ready'", [queue],
                operation: "oldest ready"
            ).double(0, "oldest").map { Date(timeIntervalSince1970: $0) }
        }
    }

    public func queueStats() throws(StoreError) -> [QueueStats] {
        let rows = try read("queue stats") { c throws(StoreError) in
            try c.execute(
                "SELECT queue, state, COUNT(*) AS n FROM queueItem GROUP BY queue, state ORDER BY queue", [],
                operation: "queue stats")
        }
        let zero = Dictionary(uniqueKeysWithValues: QueueState.allCases.map { ($0.rawValue, 0) })
        var byQueue: [String: [String: Int]] = [SQLiteStore.defaultQueue: zero]
        for row in 0..<rows.count {
            guard let queue = rows.string(row, "queue"), let state = rows.string(row, "state") else { continue }
            byQueue[queue, default: zero][state] = rows.int(row, "n") ?? 0
        }
        return byQueue.keys.sorted().map { QueueStats(queue: $0, counts: byQueue[$0] ?? zero) }
    }

    // MARK: - Reading

    public func article(id: Int64) throws(StoreError) -> StoredArticle? {
        try read("article \(id)") { c throws(StoreError) -> StoredArticle? in
            guard let record = try Self.articles(c, ids: [id])[id] else { return nil }
            let item = try c.execute("SELECT * FROM queueItem WHERE articleId = $1", [id], operation: "article \(id)")
            return StoredArticle(
                article: try record.article(), status: record.status, dropStage: record.dropStage,
                dropReason: record.dropReason, committedAt: Date(timeIntervalSince1970: record.committedAt),
                queueItem: try QueueItemRecord.all(pg: item).first)
        }
    }

    public func totals() throws(StoreError) -> StoreTotals {
        try write("totals") { c throws(StoreError) in
            let articles = try c.execute(
                "SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE status = 'dropped') AS dropped FROM article", [],
                operation: "totals")
            let ledger = try c.execute(
                "SELECT source, outcome, COUNT(*) AS n FROM inputLedger GROUP BY source, outcome", [], operation: "totals")
            var bySource: [String: [String: Int]] = [:]
            for row in 0..<ledger.count {
                guard let source = ledger.string(row, "source"), let outcome = ledger.string(row, "outcome") else { continue }
                if bySource[source] == nil { bySource[source] = ["ingested": 0, "failed": 0] }
                bySource[source]?[outcome] = ledger.int(row, "n") ?? 0
            }
            let failure = try c.execute(
                """
                SELECT source, location, reason FROM inputLedger WHERE outcome = 'failed'
                ORDER BY at DESC, id DESC LIMIT 1
                """, [], operation: "totals")
            let lastFailure = failure.count == 0 ? nil
                : "\(failure.string(0, "source") ?? ""): \(failure.string(0, "location") ?? ""): \(failure.string(0, "reason") ?? "")"
            return StoreTotals(
                articles: articles.int(0, "total") ?? 0, dropped: articles.int(0, "dropped") ?? 0,
                inputsBySource: bySource, lastFailure: lastFailure)
        }
    }

    /// The bytes of the input an article was made from; `nil` when unknown or not kept.
    public func rawInput(articleId: Int64) throws(StoreError) -> [UInt8]? {
        try read("raw input of article \(articleId)") { c throws(StoreError) -> [UInt8]? in
            let rows = try c.execute(
                "SELECT r.* FROM rawInput r JOIN article a ON a.rawInputId = r.id WHERE a.id = $1", [articleId],
                operation: "raw input")
            guard rows.count == 1 else { return nil }
            return try RawInputRecord(pg: rows, 0).bytes()
        }
    }

    // MARK: - Shared statements

    /// Articles by id, read in one statement.
    static func articles(_ c: PGConnection, ids: [Int64]) throws(StoreError) -> [Int64: ArticleRecord] {
        guard !ids.isEmpty else { return [:] }
        let rows = try c.execute(
            "SELECT \(ArticleRecord.pgColumns) FROM article WHERE id = ANY($1::bigint[])", [array(ids)],
            operation: "read articles")
        var byId: [Int64: ArticleRecord] = [:]
        for row in 0..<rows.count {
            let record = ArticleRecord(pg: rows, row)
            if let id = record.id { byId[id] = record }
        }
        return byId
    }

    /// A PostgreSQL array literal of integers, bound as text and cast in the statement (`$1::bigint[]`).
    static func array(_ values: [Int64]) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }
}
