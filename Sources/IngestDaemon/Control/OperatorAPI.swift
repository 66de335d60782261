public import Foundation
public import IngestStore

// Request and answer types of the operator's routes (see ``OperatorRoutes``): reprocess, search, queue
// retry and purge, pausing intake.

/// `POST /v1/reprocess`: which stored articles to run through the current pipeline again. `ids` wins;
/// otherwise `source` and `since` (commit time) narrow every stored article, and at least one is needed.
public struct ReprocessRequest: Sendable, Codable {
    public var ids: [Int64]
    public var source: String?
    public var since: Date?
    /// Reload the stages' files (classify rules and model) first, as SIGHUP does. Default: true.
    public var reload: Bool?

    public init(ids: [Int64], source: String?, since: Date?, reload: Bool? = nil) {
        self.ids = ids
        self.source = source
        self.since = since
        self.reload = reload
    }
}

/// `POST /v1/reprocess` answer.
public struct ReprocessReport: Sendable, Codable, Equatable {
    /// Articles selected.
    public var selected: Int
    /// Articles the pipeline changed: rewritten in place, their queue row `ready` again.
    public var reprocessed: Int
    /// Articles the pipeline left as they were (the trace aside): not touched.
    public var unchanged: Int
    /// Articles whose input failed to decode, or that a stage failed; they keep their stored version.
    public var failed: Int
    /// Articles whose raw input was not kept (`store.keep_raw = false`), so they cannot be reprocessed.
    public var missingRaw: Int
    /// Requested ids that name no article.
    public var unknown: [Int64]
    /// The ids rewritten.
    public var changedIds: [Int64]
    /// Why each failed article failed, by id.
    public var failures: [String: String]
    /// The stages whose files were reloaded first.
    public var reloaded: [String]

    public init(
        selected: Int = 0, reprocessed: Int = 0, unchanged: Int = 0, failed: Int = 0, missingRaw: Int = 0,
        unknown: [Int64] = [], changedIds: [Int64] = [], failures: [String: String] = [:], reloaded: [String] = []
    ) {
        self.selected = selected
        self.reprocessed = reprocessed
        self.unchanged = unchanged
        self.failed = failed
        self.missingRaw = missingRaw
        self.unknown = unknown
        self.changedIds = changedIds
        self.failures = failures
        self.reloaded = reloaded
    }
}

/// `POST /v1/articles/search`.
public struct SearchRequest: Sendable, Codable {
    public var query: String
    public var limit: Int
    /// Pass `query` to FTS5 as is (its syntax: OR, NOT, "phrases", prefix*).
    public var raw: Bool

    public init(query: String, limit: Int, raw: Bool) {
        self.query = query
        self.limit = limit
        self.raw = raw
    }
}

/// `POST /v1/queue/retry`.
public struct RetryRequest: Sendable, Codable {
    public var ids: [Int64]
    public var allDead: Bool
    /// With `allDead`, only this queue's dead rows.
    public var queue: String?

    public init(ids: [Int64], allDead: Bool, queue: String?) {
        self.ids = ids
        self.allDead = allDead
        self.queue = queue
    }
}

/// `POST /v1/queue/purge`.
public struct PurgeRequest: Sendable, Codable {
    public var queue: String?
    /// Dead rows too, not only acknowledged ones.
    public var dead: Bool
    /// Only rows last changed more than this many seconds ago.
    public var olderThanSecs: Int?

    public init(queue: String?, dead: Bool, olderThanSecs: Int?) {
        self.queue = queue
        self.dead = dead
        self.olderThanSecs = olderThanSecs
    }
}

/// `GET /v1/intake`, and the answer of `POST /v1/intake/pause|resume`.
public struct IntakeState: Sendable, Codable, Equatable {
    public var paused: Bool
    /// Documents the sources hold at the gate, waiting for `resume`.
    public var waiting: Int

    public init(paused: Bool, waiting: Int) {
        self.paused = paused
        self.waiting = waiting
    }
}
