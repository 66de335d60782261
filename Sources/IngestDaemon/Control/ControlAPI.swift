public import Foundation
public import IngestCore
public import IngestPlugins
public import IngestStore

/// The control API's version, sent as the `Ingestd-Api` header on every response. `ingestctl` refuses to
/// talk to a daemon that speaks another one.
public enum ControlAPI {
    public static let version = "1"
    public static let header = "Ingestd-Api"
    public static let ingestdVersion = "0.1.0"

    /// JSON as the API writes it: ISO 8601 dates, sorted keys (stable for tests and diffs).
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}

/// `GET /v1/status`.
public struct StatusReport: Sendable, Codable, Equatable {
    public var version: String
    public var pid: Int32
    public var startedAt: Date
    public var uptimeSecs: Int
    public var config: String
    public var database: String
    public var pipeline: [String]
    public var sources: [SourceStatus]
    public var stages: [StageCounts]
    public var queues: [QueueStats]
    public var articlesLastMinute: Int
    public var enqueuedSinceStart: Int
    public var droppedSinceStart: Int
    public var lastStoreError: String?
    /// The exec plugins in the pipeline (`GET /v1/plugins` has the same); absent from older daemons.
    public var plugins: [PluginStatus]?
    /// Per queue with `ready` rows, how long the oldest of them has waited since it was enqueued, in
    /// seconds; absent from older daemons.
    public var oldestReadySecs: [String: Int]?
    /// What the last reload (SIGHUP, `ingestctl reload`) did; absent before the first one (and from older
    /// daemons).
    public var lastReload: ReloadResult?
}

/// One reload of the configuration, as `ingestctl status` shows it.
public struct ReloadResult: Sendable, Codable, Equatable {
    public var at: Date
    /// Whether the new configuration was applied; when not, the old one keeps running.
    public var ok: Bool
    /// Why it was refused: each problem with its key path.
    public var problems: [String]
    /// Settings that changed but only take effect at the next start (their old values stay meanwhile).
    public var needsRestart: [String]
    /// What was applied, e.g. "folders +1 -1 ~0, feeds +1 -0 ~0, pipeline changed".
    public var summary: String?

    public init(at: Date, ok: Bool, problems: [String] = [], needsRestart: [String] = [], summary: String? = nil) {
        self.at = at
        self.ok = ok
        self.problems = problems
        self.needsRestart = needsRestart
        self.summary = summary
    }
}

/// `POST /v1/queue/claim`.
public struct ClaimRequest: Sendable, Codable {
    public var queue: String
    public var consumer: String
    public var limit: Int
    public var leaseSecs: Int?

    public init(queue: String, consumer: String, limit: Int, leaseSecs: Int?) {
        self.queue = queue
        self.consumer = consumer
        self.limit = limit
        self.leaseSecs = leaseSecs
    }
}

/// `POST /v1/queue/ack`.
public struct AckRequest: Sendable, Codable {
    public var ids: [Int64]
    public var consumer: String

    public init(ids: [Int64], consumer: String) {
        self.ids = ids
        self.consumer = consumer
    }
}

/// `POST /v1/queue/ack` answer.
public struct AckResponse: Sendable, Codable {
    public var acknowledged: [Int64]
    public var notLeased: [Int64]

    public init(acknowledged: [Int64], notLeased: [Int64]) {
        self.acknowledged = acknowledged
        self.notLeased = notLeased
    }
}

/// `POST /v1/queue/nack`.
public struct NackRequest: Sendable, Codable {
    public var id: Int64
    public var consumer: String
    public var error: String
    public var retryAfterSecs: Int?

    public init(id: Int64, consumer: String, error: String, retryAfterSecs: Int?) {
        self.id = id
        self.consumer = consumer
        self.error = error
        self.retryAfterSecs = retryAfterSecs
    }
}

/// `POST /v1/queue/nack` answer: the row's new state, `null` when it was not leased to the consumer.
public struct NackResponse: Sendable, Codable {
    public var id: Int64
    public var state: QueueState?

    public init(id: Int64, state: QueueState?) {
        self.id = id
        self.state = state
    }
}

/// `POST /v1/feeds/poll`: the feeds to poll now, all of them when empty. The answer is one
/// `FeedPollReport` per feed, once every poll finished.
public struct FeedPollRequest: Sendable, Codable {
    public var names: [String]

    public init(names: [String]) {
        self.names = names
    }
}

/// Any error answer.
public struct ErrorResponse: Sendable, Codable {
    public var error: String

    public init(error: String) {
        self.error = error
    }
}
