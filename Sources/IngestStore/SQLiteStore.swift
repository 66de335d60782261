public import Foundation
import CSQLite
import GRDB
public import IngestCore

/// The embedded ``ArticleStore``: one SQLite file in WAL mode, shared by the daemon and any number of
/// consumers (`ingestctl queue claim`, other programs using SQL).
///
/// Every write is one IMMEDIATE transaction, so a writer takes SQLite's write lock before it reads what it
/// will change; other writers, in this process or another, wait up to ``busyTimeout`` for it. Readers never
/// wait (WAL).
///
/// Semantics beyond the protocol's:
/// - ``ack(ids:consumer:)`` and ``nack(id:consumer:error:retryAfterSecs:)`` accept a row while it is still
///   leased to `consumer`, even when the lease expired, as long as no other consumer claimed it since: the
///   work is done, and accepting spares a duplicate delivery.
/// - Expired leases that used their last attempt go to `dead` at the next claim on their queue;
///   ``queueStats()`` shows them as `leased` until then.
/// - ``queueStats()`` always lists the `default` queue, so an empty database still shows where articles go.
/// - ``totals()``: `articles` counts every stored article, `dropped` those of them that were dropped.
public final class SQLiteStore: ArticleStore {
    /// How long a write waits for another connection's write lock before failing with a retryable error.
    public static let busyTimeout: TimeInterval = 10

    /// SQLite's memory statistics off for the process, before its first connection (see the shim): every
    /// allocation of every connection took one mutex for them, and nothing here reads them.
    static let withoutMemoryStatistics: Int32 = ingest_sqlite_without_memory_statistics()

    /// The name of the queue that is always listed by ``queueStats()``.
    public static let defaultQueue = "default"

    /// The most a nack's backoff grows to: doubling per attempt would otherwise overflow.
    static let maximumBackoffSecs: Double = 30 * 86_400

    /// The database file.
    public let path: String
    private let pool: DatabasePool
    let queueConfiguration: QueueConfiguration
    private let keepRaw: Bool
    /// The dedupe band keys and text-hash keys of the stored fingerprints, in memory.
    let keyIndex = FingerprintKeyIndex()
    /// Dedupe's lookups, on connections of their own (see ``FingerprintReader``).
    let fingerprintReader: FingerprintReader
    // Internal, not private: the feed extension (SQLiteStore+Feeds.swift) stamps and writes with them.
    let clock: @Sendable () -> Date

    /// Opens the database at `path`, creating it (and its folder) when allowed, and migrates it.
    ///
    /// - Parameters:
    ///   - path: The SQLite file.
    ///   - queue: Lease length, attempts and backoff for the queue operations.
    ///   - keepRaw: Whether ``commit(_:)`` keeps each input's bytes (compressed) for reprocessing.
    ///   - createIfMissing: `false` to refuse a missing file instead of creating an empty database; for
    ///     readers such as `ingestctl status` when the daemon is down, where an empty new file would hide a
    ///     wrong path.
    /// - Throws: ``StoreError`` when the file is missing (and may not be created), is not a database, or
    ///   was migrated by a newer ingestd.
    public convenience init(
        path: String, queue: QueueConfiguration = .init(), keepRaw: Bool = true, createIfMissing: Bool = true
    ) throws(StoreError) {
        try self.init(path: path, queue: queue, keepRaw: keepRaw, createIfMissing: createIfMissing, clock: { Date() })
    }

    /// As the public initializer, with the clock every time-dependent operation reads (tests move it).
    init(
        path: String, queue: QueueConfiguration, keepRaw: Bool, createIfMissing: Bool,
        clock: @escaping @Sendable () -> Date
    ) throws(StoreError) {
        self.path = path
        self.queueConfiguration = queue
        self.keepRaw = keepRaw
        self.clock = clock

        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: path) {
            guard createIfMissing else {
                throw StoreError(operation: "open", message: "database \(path) does not exist", retryable: false)
            }
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                do {
                    try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw StoreError(
                        operation: "open", message: "cannot create folder \(folder): \(error.localizedDescription)",
                        retryable: false)
                }
            }
        }

        _ = Self.withoutMemoryStatistics
        var configuration = Configuration()
        configuration.label = "ingestd.store"
        // Several processes share the file: wait for a writer instead of failing at once.
        configuration.busyMode = .timeout(Self.busyTimeout)
        // GRDB enables foreign keys by default; the schema relies on them (cascades, SET NULL), so say so.
        configuration.foreignKeysEnabled = true
        // 16 KiB pages for a new file (an existing one keeps its size): an article row is ~20 KB (the page's
        // HTML and its text), an overflow chain of five 4 KiB pages but of one or two of these, each a WAL
        // frame written at the commit and copied at the checkpoint. Inserting 20,000 of the benchmark's
        // articles with their raw inputs and search index took 4.5 s of CPU against 5.7 s with 4 KiB pages.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = 16384") }
        // Two processes opening a new file at once (the daemon creating it, `ingestctl status` polling it)
        // race to put it in WAL mode, and SQLite answers the loser SQLITE_BUSY at once, without waiting
        // (the busy timeout covers locks, not that): try again for as long as a lock would be waited for.
        let deadline = Date().addingTimeInterval(Self.busyTimeout)
        var opened: DatabasePool?
        while opened == nil {
            do {
                opened = try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError
                where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && Date() < deadline
            {
                usleep(20_000)
            } catch {
                throw StoreError(wrapping: error, operation: "open \(path)")
            }
        }
        pool = opened!
        // synchronous = FULL on the writer: a source moves its file to done/ right after the commit returns,
        // so the commit must survive a power loss, not only a crash of the process. GRDB puts a pool's
        // writer in WAL mode with synchronous = NORMAL, which syncs the WAL only at checkpoints: a power
        // loss could take the last commits while their files sat in done/. Set after the pool is open,
        // since GRDB sets NORMAL when it opens it.
        do {
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        } catch {
            throw StoreError(wrapping: error, operation: "open \(path)")
        }
        try StoreMigrations.migrate(pool)
        fingerprintReader = try FingerprintReader(path: path)
    }

    /// A pragma's value as the writer connection sees it (`synchronous`, `page_size`), for tests.
    func writerPragma(_ name: String) throws(StoreError) -> Int {
        try write("read \(name)") { db in try Int.fetchOne(db, sql: "PRAGMA \(name)") ?? -1 }
    }

    // MARK: - Commit and ledger

    public func commit(_ batch: [CommitEntry]) throws(StoreError) -> [CommitResult] {
        guard !batch.isEmpty else { return [] }
        // Hashing, JSON and compression happen before the transaction, so the write lock is held only for
        // the inserts. An entry that turns out to be already ingested wasted this work, which is rare.
        let prepared = try batch.map { entry throws(StoreError) in try entry.rows(keepRaw: keepRaw) }
        let (results, fingerprintsBefore, committed) = try write("commit") { db in
            let now = clock().timeIntervalSince1970
            // What the key index may absorb once the transaction has committed (see ``FingerprintKeyIndex/absorb(after:_:)``).
            var fingerprintsBefore: Int64?
            var committed: [FingerprintKeyIndex.Committed] = []
            var results: [CommitResult] = []
            results.reserveCapacity(prepared.count)
            var insertedAny = false
            for entry in prepared {
                // The check sees rows inserted earlier in this transaction, so a key that appears twice
                // in one batch is stored once.
                if let key = entry.ledgerKey, try InputLedgerRecord.isIngested(db, ledgerKey: key) {
                    results.append(CommitResult(alreadyIngested: true, articleIds: [], enqueued: 0, dropped: 0))
                    continue
                }
                let rawInputId = try entry.raw.map { raw in try RawInputRecord.insert(db, raw) }
                var ids: [Int64] = []
                ids.reserveCapacity(entry.articles.count)
                var enqueued = 0
                for (var record, queue, fingerprint) in entry.articles {
                    // A copy whose original was committed earlier points at it now; one committed first is
                    // pointed at its original when that commits (below).
                    if record.duplicateOf == nil, fingerprint == nil, let cluster = record.clusterId {
                        record.duplicateOf = try DedupeFingerprintRecord.original(db, clusterId: cluster)
                    }
                    let id = try ArticleRecord.insert(db, record, rawInputId: rawInputId, committedAt: now)
                    insertedAny = true
                    ids.append(id)
                    if let queue {
                        try QueueItemRecord.enqueue(db, articleId: id, queue: queue, now: now)
                        enqueued += 1
                        if let fingerprint {
                            if fingerprintsBefore == nil { fingerprintsBefore = try DedupeFingerprintRecord.lastArticleId(db) }
                            try DedupeFingerprintRecord.insert(db, articleId: id, fingerprint, at: now)
                            committed.append(.init(articleId: id, bands: fingerprint.bands, textHash: fingerprint.textHash))
                            try DedupeFingerprintRecord.resolveCopies(db, clusterId: fingerprint.clusterId, originalId: id)
                        }
                    }
                }
                try InputLedgerRecord.recordIngested(
                    db, ledgerKey: entry.ledgerKey, source: entry.source, location: entry.location,
                    articleCount: ids.count, at: now)
                results.append(
                    CommitResult(alreadyIngested: false, articleIds: ids, enqueued: enqueued, dropped: ids.count - enqueued))
            }
            // The search index takes new articles a chunk at a time (see ``SearchIndexRecord``).
            if insertedAny { try SearchIndexRecord.catchUp(db, minimumBacklog: SearchIndexRecord.chunk) }
            return (results, fingerprintsBefore, committed)
        }
        if let fingerprintsBefore { keyIndex.absorb(after: fingerprintsBefore, committed) }
        return results
    }

    /// Indexes for search every article committed since the last chunk (the daemon calls it every second,
    /// a search before it runs). Takes the write lock only when there is something to index.
    public func flushSearchIndex() throws(StoreError) {
        guard try readStatement("search index backlog", { db in try SearchIndexRecord.hasBacklog(db) }) else { return }
        try write("index for search") { db in _ = try SearchIndexRecord.catchUp(db, minimumBacklog: 1) }
    }

    public func recordFailure(
        ledgerKey: String?, source: String, location: String, failure: IngestFailure
    ) throws(StoreError) {
        try write("record failure") { db in
            try InputLedgerRecord.recordFailure(
                db, ledgerKey: ledgerKey, source: source, location: location, reason: failure.description,
                at: clock().timeIntervalSince1970)
        }
    }

    // MARK: - Queue

    public func claim(
        queue: String, consumer: String, limit: Int, leaseSecs: Int?
    ) throws(StoreError) -> [ClaimedArticle] {
        guard limit > 0 else { return [] }
        let lease = try queueConfiguration.claimLease(consumer: consumer, leaseSecs: leaseSecs)
        let maxAttempts = queueConfiguration.maxAttempts
        return try write("claim") { db throws -> [ClaimedArticle] in
            let now = clock().timeIntervalSince1970
            try QueueItemRecord.buryExpiredLeases(db, queue: queue, maxAttempts: maxAttempts, now: now)
            let items = try QueueItemRecord.claim(
                db, queue: queue, consumer: consumer, limit: limit, maxAttempts: maxAttempts, now: now,
                leaseExpiresAt: now + Double(lease))
            let articles = try ArticleRecord.fetch(db, ids: items.map(\.articleId))
            return try items.map { item throws(StoreError) in
                guard let article = articles[item.articleId] else {
                    throw StoreError.internal("claim", "queue item \(item.id ?? 0) has no article")
                }
                return ClaimedArticle(item: try item.row(), article: try article.article())
            }
        }
    }

    public func ack(ids: [Int64], consumer: String) throws(StoreError) -> [Int64] {
        guard !ids.isEmpty else { return [] }
        return try write("ack") { db in
            try QueueItemRecord.ack(db, ids: ids, consumer: consumer, now: clock().timeIntervalSince1970)
        }
    }

    public func nack(id: Int64, consumer: String, error: String, retryAfterSecs: Int?) throws(StoreError) -> QueueState? {
        if let retryAfterSecs, retryAfterSecs < 0 {
            throw StoreError(operation: "nack", message: "retryAfterSecs must not be negative", retryable: false)
        }
        let configuration = queueConfiguration
        return try write("nack") { db -> QueueState? in
            guard let item = try QueueItemRecord.leased(db, id: id, consumer: consumer) else { return nil }
            let now = clock().timeIntervalSince1970
            if item.attempts >= configuration.maxAttempts {
                try QueueItemRecord.release(db, id: id, to: .dead, availableAt: nil, error: error, now: now)
                return .dead
            }
            let delay = retryAfterSecs.map(Double.init)
                ?? Self.backoff(attempts: item.attempts, baseSecs: configuration.retryBackoffSecs)
            try QueueItemRecord.release(db, id: id, to: .ready, availableAt: now + delay, error: error, now: now)
            return .ready
        }
    }

    /// The delay before a nacked row is claimable again: `baseSecs × 2^(attempts−1)`, capped at
    /// ``maximumBackoffSecs``.
    static func backoff(attempts: Int, baseSecs: Int) -> Double {
        let exponent = Double(max(attempts - 1, 0))
        return min(Double(baseSecs) * pow(2, exponent), maximumBackoffSecs)
    }

    public func peek(queue: String, state: QueueState?, limit: Int) throws(StoreError) -> [QueueRow] {
        guard limit > 0 else { return [] }
        return try read("peek") { db in
            try QueueItemRecord.peek(db, queue: queue, state: state, limit: limit).map { item throws(StoreError) in
                try item.row()
            }
        }
    }

    public func oldestReady(queue: String) throws(StoreError) -> Date? {
        try read("oldest ready") { db in
            try QueueItemRecord.oldestReady(db, queue: queue).map { Date(timeIntervalSince1970: $0) }
        }
    }

    public func queueStats() throws(StoreError) -> [QueueStats] {
        let counts = try read("queue stats") { db in try QueueItemRecord.counts(db) }
        let zero = Dictionary(uniqueKeysWithValues: QueueState.allCases.map { ($0.rawValue, 0) })
        var byQueue: [String: [String: Int]] = [Self.defaultQueue: zero]
        for (queue, state, count) in counts {
            byQueue[queue, default: zero][state] = count
        }
        return byQueue.keys.sorted().map { QueueStats(queue: $0, counts: byQueue[$0] ?? zero) }
    }

    // MARK: - Reading

    public func article(id: Int64) throws(StoreError) -> StoredArticle? {
        try read("article \(id)") { db -> StoredArticle? in
            guard let record = try ArticleRecord.fetchOne(db, key: id) else { return nil }
            let item = try QueueItemRecord.forArticle(db, articleId: id)
            return StoredArticle(
                article: try record.article(), status: record.status, dropStage: record.dropStage,
                dropReason: record.dropReason, committedAt: Date(timeIntervalSince1970: record.committedAt),
                queueItem: try item?.row())
        }
    }

    public func totals() throws(StoreError) -> StoreTotals {
        try read("totals") { db in
            let articles = try ArticleRecord.counts(db)
            return StoreTotals(
                articles: articles.total, dropped: articles.dropped,
                inputsBySource: try InputLedgerRecord.countsBySource(db),
                lastFailure: try InputLedgerRecord.lastFailure(db))
        }
    }

    /// The bytes of the input an article was made from, as they arrived; `nil` when the article is unknown
    /// or its input was not kept (`keepRaw: false`, or an entry without raw bytes).
    public func rawInput(articleId: Int64) throws(StoreError) -> [UInt8]? {
        try read("raw input of article \(articleId)") { db -> [UInt8]? in
            guard let rawId = try ArticleRecord.rawInputId(db, articleId: articleId),
                let raw = try RawInputRecord.fetchOne(db, key: rawId)
            else { return nil }
            return try raw.bytes()
        }
    }

    // MARK: - Access

    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            // GRDB opens an IMMEDIATE transaction for writes: the lock is taken before the first read, so
            // a transaction never fails half-way because another process wrote in between.
            return try pool.write(body)
        } catch {
            throw StoreError(wrapping: error, operation: operation)
        }
    }

    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError(wrapping: error, operation: operation)
        }
    }

    /// For a `body` that runs one statement: without the transaction ``read(_:_:)`` wraps around it (a
    /// savepoint opened and released per call), since one statement reads one
    /// snapshot anyway.
    func readStatement<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.unsafeRead(body)
        } catch {
            throw StoreError(wrapping: error, operation: operation)
        }
    }
}

/// A ``CommitEntry`` turned into rows, before the transaction. Internal so the prepare benchmark can time it.
struct PreparedEntry: Sendable {
    /// Whether the raw input was considered (see ``CommitEntry/rows(keepRaw:)``).
    var keepRaw: Bool
    var ledgerKey: String?
    var source: String
    var location: String
    var raw: RawInputRecord?
    /// Each article's row, its queue (`nil` when dropped) and its dedupe fingerprint (originals only).
    var articles: [(ArticleRecord, String?, ArticleFingerprint?)]

    init(_ entry: CommitEntry, keepRaw: Bool) throws(StoreError) {
        self.keepRaw = keepRaw
        ledgerKey = entry.ledgerKey
        source = entry.source
        location = entry.location
        raw = nil
        if keepRaw, let bytes = entry.raw {
            raw = try RawInputRecord(bytes: bytes, sha256: entry.rawSHA256, format: entry.format)
        }
        articles = try entry.outcomes.map { outcome throws(StoreError) in
            (
                try ArticleRecord(outcome.article, drop: outcome.drop), outcome.drop == nil ? outcome.queue : nil,
                outcome.article.fingerprint
            )
        }
    }
}

extension StoreError {
    /// `error` from SQLite or GRDB, with the operation that failed.
    ///
    /// Busy, locked, full and I/O errors are retryable (another process holds the lock, the disk filled
    /// up); everything else (a constraint, a corrupt file, a bug) is not.
    init(wrapping error: any Error, operation: String) {
        if let error = error as? StoreError {
            self = error
            return
        }
        guard let databaseError = error as? DatabaseError else {
            self.init(operation: operation, message: "\(error)", retryable: false)
            return
        }
        let primary = databaseError.resultCode
        let retryable = [ResultCode.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR].contains(primary)
        // The statement's arguments are left out: they may hold whole articles.
        var message = databaseError.message ?? "SQLite error"
        message += " (SQLite code \(databaseError.extendedResultCode.rawValue))"
        self.init(operation: operation, message: message, retryable: retryable)
    }

    /// A state the store's own code should never reach.
    static func `internal`(_ operation: String, _ message: String) -> StoreError {
        StoreError(operation: operation, message: "internal error: \(message)", retryable: false)
    }
}
