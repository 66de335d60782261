public import Foundation
public import IngestCore

/// One feed as `ingestctl feeds list` shows it: its definition, its saved state, and (from a running
/// daemon) whether a poll is under way and what its polls did since the start.
public struct FeedListing: Sendable, Codable, Equatable {
    public var name: String
    /// The URL polled now (a consistently seen permanent redirect may have replaced the configured one).
    public var url: String
    /// The URL as configured or added, when it differs from ``url``.
    public var configuredURL: String?
    /// `config` or `cli`.
    public var origin: String
    public var intervalSecs: Int?
    /// `ok`, `backing_off`, `failing`; `nil` for a feed not polled yet.
    public var health: String?
    public var lastSuccessAt: Date?
    public var lastAttemptAt: Date?
    public var lastStatus: Int?
    public var lastError: String?
    public var lastErrorAt: Date?
    public var consecutiveErrors: Int
    public var nextPollAt: Date?
    /// Problems the parser recovered from in the last document, kept on the feed.
    public var warnings: [String]
    /// A poll is running now (live listings only).
    public var polling: Bool?
    /// Counters since the daemon started (live listings only): `polls`, `not_modified`, `failed`,
    /// `items_new`, `enqueued`, `rejected`, `full_content_failed`.
    public var counts: [String: Int]?

    public init(definition: FeedDefinition?, name: String, state: FeedState?) {
        self.name = name
        let url = state?.url ?? definition?.url ?? ""
        self.url = url
        configuredURL = definition.flatMap { $0.url == url ? nil : $0.url }
        origin = (definition?.origin ?? .config).rawValue
        intervalSecs = definition?.intervalSecs
        health = state?.health.rawValue
        lastSuccessAt = state?.lastSuccessAt
        lastAttemptAt = state?.lastAttemptAt
        lastStatus = state?.lastStatus
        lastError = state?.lastError
        lastErrorAt = state?.lastErrorAt
        consecutiveErrors = state?.consecutiveErrors ?? 0
        nextPollAt = state?.nextPollAt
        warnings = state?.warnings ?? []
    }
}

/// What one poll did, as `ingestctl feeds poll` prints it.
public struct FeedPollReport: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        /// A document arrived and parsed.
        case fetched
        /// 304: nothing changed since the last poll.
        case notModified = "not_modified"
        case failed
        /// The daemon stopped during the poll; nothing was recorded.
        case cancelled
        /// Another instance sharing the database holds the feed's lease and polls it this interval.
        case leasedElsewhere = "leased_elsewhere"
    }

    public var name: String
    public var url: String
    public var outcome: Outcome
    /// The final HTTP status, when a response arrived.
    public var status: Int?
    public var error: String?
    /// Entries in the document, after removing repeats of one identity.
    public var items: Int
    /// Entries not in the ledger, handed to the pipeline.
    public var new: Int
    public var enqueued: Int
    public var dropped: Int
    public var rejected: Int
    /// New items the pipeline gave back (shutdown, store outage): offered again at the next poll.
    public var released: Int
    public var warnings: [String]
    /// The feed's URL changed to where a permanent redirect consistently leads.
    public var movedTo: String?
    public var nextPollAt: Date?
    public var millis: Int

    public init(name: String, url: String, outcome: Outcome) {
        self.name = name
        self.url = url
        self.outcome = outcome
        items = 0
        new = 0
        enqueued = 0
        dropped = 0
        rejected = 0
        released = 0
        warnings = []
        millis = 0
    }
}

/// Why `ingestctl feeds poll` could not poll.
public enum FeedPollError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownFeed(String)
    case stopping

    public var description: String {
        switch self {
        case .unknownFeed(let name): "no feed named '\(name)' (see `ingestctl feeds list`)"
        case .stopping: "ingestd is stopping"
        }
    }
}
