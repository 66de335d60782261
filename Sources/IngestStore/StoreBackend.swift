public import Foundation
public import IngestCore

/// Everything the daemon and `ingestctl` ask of a store, whichever backend holds it: the queue contract
/// (``ArticleStore``), dedupe's index, feeds and the ledger, and the operator's commands. ``SQLiteStore``
/// and ``PostgresStore`` implement it; the daemon holds an `any StoreBackend`.
public protocol StoreBackend: ArticleStore, DuplicateIndex, FeedRegistry, IngestLedger {
    /// Where the data lives, for messages: the SQLite file, or the PostgreSQL URL without its password.
    var location: String { get }
    /// Feed leases when several instances share the store; `nil` for a store only one instance uses.
    var feedLeases: (any FeedLeases)? { get }

    func rawInput(articleId: Int64) throws(StoreError) -> [UInt8]?
    func cluster(of articleId: Int64) throws(StoreError) -> [StoredArticle]
    func retry(ids: [Int64], allDead: Bool, queue: String?) throws(StoreError) -> RetryReport
    func purge(queue: String?, dead: Bool, olderThan: Date?) throws(StoreError) -> PurgeReport
    func search(_ query: String, limit: Int, raw: Bool) throws(StoreError) -> [SearchHit]
    func reprocessSelection(ids: [Int64], source: String?, since: Date?) throws(StoreError) -> (found: [Int64], unknown: [Int64])
    func reprocessInputs(articleIds: [Int64]) throws(StoreError) -> [ReprocessInput]
    func replace(_ outcome: ArticleOutcome) throws(StoreError) -> ReplaceOutcome
}

extension SQLiteStore: StoreBackend {
    public var location: String { path }
    public var feedLeases: (any FeedLeases)? { nil }
}

extension PostgresStore: StoreBackend {
    public var location: String { displayURL }
    public var feedLeases: (any FeedLeases)? { self }
}

/// Opens the store the `[store]` section names.
public enum StoreOpener {
    /// - Parameter createIfMissing: for SQLite, `false` refuses a missing file (readers such as
    ///   `ingestctl status`); a PostgreSQL database always exists or fails to connect.
    public static func open(
        _ configuration: StoreConfiguration, queue: QueueConfiguration, createIfMissing: Bool = true
    ) throws(StoreError) -> any StoreBackend {
        switch configuration.backend {
        case "postgres":
            guard let url = configuration.url, !url.isEmpty else {
                throw StoreError(operation: "open", message: "[store] url is required with backend = \"postgres\"", retryable: false)
            }
            return try PostgresStore(url: url, queue: queue, keepRaw: configuration.keepRaw)
        default:
            return try SQLiteStore(
                path: configuration.path, queue: queue, keepRaw: configuration.keepRaw, createIfMissing: createIfMissing)
        }
    }
}

extension StoreBackend {
    /// Articles matching all the words of `query`, best first.
    public func search(_ query: String, limit: Int) throws(StoreError) -> [SearchHit] {
        try search(query, limit: limit, raw: false)
    }
}
