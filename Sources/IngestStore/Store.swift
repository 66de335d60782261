public import Foundation
public import IngestCore

/// Everything ingestd persists: articles, the queue consumers read, and the ledger of inputs.
///
/// SQLite (``SQLiteStore``) is the embedded backend; a PostgreSQL backend implements the same protocol
/// as a peer. All methods are synchronous and thread-safe; callers run them off the cooperative pool
/// when they may block.
public protocol ArticleStore: Sendable {
    /// Commits a batch in one transaction: for each input its articles (enqueued or dropped), its raw
    /// bytes, its ledger row and its queue rows. An input whose ledger key is already recorded is skipped
    /// (``CommitResult/alreadyIngested``): this is what makes a restart after a crash enqueue nothing twice.
    func commit(_ batch: [CommitEntry]) throws(StoreError) -> [CommitResult]

    /// Records an input that failed, so `ingestctl status` and the ledger can show it.
    func recordFailure(ledgerKey: String?, source: String, location: String, failure: IngestFailure) throws(StoreError)

    /// Leases up to `limit` claimable rows of `queue` to `consumer` for `leaseSecs` (one atomic statement).
    /// Ready rows whose `availableAt` has come and leased rows whose lease expired are claimable; an expired
    /// lease that used its last attempt goes to `dead` instead.
    func claim(queue: String, consumer: String, limit: Int, leaseSecs: Int?) throws(StoreError) -> [ClaimedArticle]

    /// Marks leased rows done; only rows leased to `consumer` count. Returns the ids acknowledged.
    func ack(ids: [Int64], consumer: String) throws(StoreError) -> [Int64]

    /// Gives a leased row back: `ready` again after a backoff (or `retryAfterSecs`), or `dead` after its
    /// last attempt. Returns the row's new state, or `nil` when it was not leased to `consumer`.
    func nack(id: Int64, consumer: String, error: String, retryAfterSecs: Int?) throws(StoreError) -> QueueState?

    /// Rows of a queue without claiming them, oldest first.
    func peek(queue: String, state: QueueState?, limit: Int) throws(StoreError) -> [QueueRow]

    /// Since when the queue's longest-waiting ready row has been claimable, or `nil` with no ready row.
    func oldestReady(queue: String) throws(StoreError) -> Date?

    /// Row counts per queue and state.
    func queueStats() throws(StoreError) -> [QueueStats]

    /// An article with its queue row, or `nil`.
    func article(id: Int64) throws(StoreError) -> StoredArticle?

    /// Totals for `ingestctl status` when the daemon is down.
    func totals() throws(StoreError) -> StoreTotals

    /// Brings a search index that commits fill in chunks up to date (SQLite); the daemon calls it every
    /// second. A store whose index follows each commit has nothing to do.
    func flushSearchIndex() throws(StoreError)
}

extension ArticleStore {
    public func flushSearchIndex() throws(StoreError) {}
}

/// One input and what the pipeline made of it.
public struct CommitEntry: Sendable {
    /// The ledger key (see ``Origin/ledgerKey``); `nil` for inputs that have no ledger (`ingestctl ingest`).
    public var ledgerKey: String?
    public var source: String
    public var location: String
    /// The input as it arrived, kept compressed for reprocessing when the store is configured so.
    public var raw: [UInt8]?
    /// SHA-256 of ``raw`` when the source computed it (``RawDocument/sha256``); hashed at commit otherwise.
    public var rawSHA256: String?
    public var format: DocumentFormat?
    public var outcomes: [ArticleOutcome]
    /// The rows made ahead of the commit by ``prepare(keepRaw:)``.
    var prepared: PreparedEntry?

    public init(
        ledgerKey: String?, source: String, location: String, raw: [UInt8]?, rawSHA256: String? = nil,
        format: DocumentFormat?, outcomes: [ArticleOutcome]
    ) {
        self.ledgerKey = ledgerKey
        self.source = source
        self.location = location
        self.raw = raw
        self.rawSHA256 = rawSHA256
        self.format = format
        self.outcomes = outcomes
    }

    /// Makes the rows a commit writes now (hashes, JSON, the compressed input), so the commit itself only
    /// inserts them. The daemon calls it on the worker that ran the pipeline: commits run one at a time,
    /// and this part of them (a third of a commit's CPU) then runs on every core instead of one. Changing
    /// the entry afterwards is not allowed: the rows would not follow.
    public mutating func prepare(keepRaw: Bool) throws(StoreError) {
        prepared = try PreparedEntry(self, keepRaw: keepRaw)
    }

    /// The rows for this entry: those made by ``prepare(keepRaw:)`` when it was called with the same
    /// `keepRaw`, or made now.
    func rows(keepRaw: Bool) throws(StoreError) -> PreparedEntry {
        if let prepared, prepared.keepRaw == keepRaw { return prepared }
        return try PreparedEntry(self, keepRaw: keepRaw)
    }
}

/// An article to store: enqueued, or dropped with the stage and reason (kept so users can see why).
public struct ArticleOutcome: Sendable {
    public var article: Article
    /// `nil` when the article passed the pipeline and is enqueued.
    public var drop: Drop?
    /// The named queue; `default` unless a route chose another.
    public var queue: String

    public struct Drop: Sendable, Equatable {
        public var stage: String
        public var reason: String
        public init(stage: String, reason: String) {
            self.stage = stage
            self.reason = reason
        }
    }

    public init(article: Article, drop: Drop? = nil, queue: String = "default") {
        self.article = article
        self.drop = drop
        self.queue = queue
    }
}

public struct CommitResult: Sendable, Equatable {
    /// The ledger already had the input: nothing was written.
    public var alreadyIngested: Bool
    /// Ids of the stored articles, in the order of the entry's outcomes.
    public var articleIds: [Int64]
    public var enqueued: Int
    public var dropped: Int

    public init(alreadyIngested: Bool, articleIds: [Int64], enqueued: Int, dropped: Int) {
        self.alreadyIngested = alreadyIngested
        self.articleIds = articleIds
        self.enqueued = enqueued
        self.dropped = dropped
    }
}

/// The states of a queue row: `ready → leased → done`, or `dead` after its last attempt.
public enum QueueState: String, Sendable, Codable, CaseIterable {
    case ready, leased, done, dead
}

/// A queue row as stored.
public struct QueueRow: Sendable, Codable, Equatable {
    public var id: Int64
    public var articleId: Int64
    public var queue: String
    public var state: QueueState
    public var attempts: Int
    public var availableAt: Date
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var lastError: String?
    public var createdAt: Date

    public init(
        id: Int64, articleId: Int64, queue: String, state: QueueState, attempts: Int, availableAt: Date,
        leaseOwner: String?, leaseExpiresAt: Date?, lastError: String?, createdAt: Date
    ) {
        self.id = id
        self.articleId = articleId
        self.queue = queue
        self.state = state
        self.attempts = attempts
        self.availableAt = availableAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.lastError = lastError
        self.createdAt = createdAt
    }
}

/// What a consumer gets from a claim: the queue row and its article.
public struct ClaimedArticle: Sendable, Codable, Equatable {
    public var item: QueueRow
    public var article: Article

    public init(item: QueueRow, article: Article) {
        self.item = item
        self.article = article
    }
}

/// An article as stored, with its status and queue row.
public struct StoredArticle: Sendable, Codable, Equatable {
    public var article: Article
    /// `queued` or `dropped`.
    public var status: String
    public var dropStage: String?
    public var dropReason: String?
    public var committedAt: Date
    public var queueItem: QueueRow?

    public init(
        article: Article, status: String, dropStage: String?, dropReason: String?, committedAt: Date,
        queueItem: QueueRow?
    ) {
        self.article = article
        self.status = status
        self.dropStage = dropStage
        self.dropReason = dropReason
        self.committedAt = committedAt
        self.queueItem = queueItem
    }
}

public struct QueueStats: Sendable, Codable, Equatable {
    public var queue: String
    /// Count per state; every state is present, zero included.
    public var counts: [String: Int]

    public init(queue: String, counts: [String: Int]) {
        self.queue = queue
        self.counts = counts
    }
}

public struct StoreTotals: Sendable, Codable, Equatable {
    public var articles: Int
    public var dropped: Int
    /// Inputs recorded in the ledger, per source: `ingested` and `failed` counts.
    public var inputsBySource: [String: [String: Int]]
    public var lastFailure: String?

    public init(articles: Int, dropped: Int, inputsBySource: [String: [String: Int]], lastFailure: String?) {
        self.articles = articles
        self.dropped = dropped
        self.inputsBySource = inputsBySource
        self.lastFailure = lastFailure
    }
}

extension QueueConfiguration {
    /// The lease a claim asks for (its own, or the configured one), after checking the claim's
    /// arguments: every backend refuses the same bad claims with the same messages.
    func claimLease(consumer: String, leaseSecs: Int?) throws(StoreError) -> Int {
        guard !consumer.isEmpty else {
            throw StoreError(operation: "claim", message: "the consumer name must not be empty", retryable: false)
        }
        let lease = leaseSecs ?? self.leaseSecs
        guard lease > 0 else {
            throw StoreError(operation: "claim", message: "lease must be at least 1 second, got \(lease)", retryable: false)
        }
        return lease
    }
}

extension StoreError {
    /// The database applied migrations this build does not know: a newer ingestd wrote it.
    static func newerSchema(_ unknown: [String]) -> StoreError {
        StoreError(
            operation: "open",
            message: "the database was written by a newer ingestd (unknown migrations: "
                + unknown.joined(separator: ", ") + "); upgrade ingestd to use it",
            retryable: false)
    }
}

/// A store operation failed. The message names the operation; `retryable` says whether trying again
/// later can help (a busy or full disk) or not (a corrupt file, a schema from a newer version).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var message: String
    public var retryable: Bool
    /// PostgreSQL's SQLSTATE when the error came from its server (`23505`: a unique constraint), so code
    /// can tell a lost race from a failure without reading the message.
    public var sqlState: String?

    public init(operation: String, message: String, retryable: Bool, sqlState: String? = nil) {
        self.operation = operation
        self.message = message
        self.retryable = retryable
        self.sqlState = sqlState
    }

    public var description: String { "store: \(operation): \(message)" }
}
