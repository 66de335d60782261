public import Foundation

/// A feed to poll, from the config (`[[sources.feeds]]`) or added with `ingestctl feeds add`.
public struct FeedDefinition: Sendable, Codable, Equatable {
    public enum Origin: String, Sendable, Codable { case config, cli }

    /// Unique name, shown in `ingestctl feeds list` and stored with each article as its source.
    public var name: String
    /// The URL as configured; a permanent redirect seen consistently replaces it in ``FeedState/url``.
    public var url: String
    /// Seconds between polls when the feed says nothing better (default 15 minutes).
    public var intervalSecs: Int
    /// Fetch each item's link and run its HTML through the pipeline instead of the feed's summary.
    public var fetchFullContent: Bool
    /// Let full-content fetches reach private, loopback and link-local addresses (off: SSRF guard).
    public var allowPrivateNetworks: Bool
    public var origin: Origin

    public init(
        name: String, url: String, intervalSecs: Int = 900, fetchFullContent: Bool = false,
        allowPrivateNetworks: Bool = false, origin: Origin = .config
    ) {
        self.name = name
        self.url = url
        self.intervalSecs = intervalSecs
        self.fetchFullContent = fetchFullContent
        self.allowPrivateNetworks = allowPrivateNetworks
        self.origin = origin
    }
}

/// What ingestd remembers about a feed between polls and restarts: validators, health and schedule.
public struct FeedState: Sendable, Codable, Equatable {
    public enum Health: String, Sendable, Codable {
        /// The last poll worked.
        case ok
        /// The last poll(s) failed; polling goes on with a growing delay.
        case backingOff = "backing_off"
        /// Failing for long (many consecutive errors); still polled at the backoff cap, never disabled.
        case failing
    }

    public var name: String
    /// The URL polled now: the configured one, or where a permanent redirect consistently leads.
    public var url: String
    public var etag: String?
    public var lastModified: String?
    public var health: Health
    public var lastSuccessAt: Date?
    public var lastAttemptAt: Date?
    public var lastStatus: Int?
    public var lastError: String?
    public var lastErrorAt: Date?
    public var consecutiveErrors: Int
    public var nextPollAt: Date?
    /// Recovered parse problems of the last successful poll.
    public var warnings: [String]
    /// A permanent redirect target seen on consecutive polls, and how many times in a row.
    public var redirectCandidate: String?
    public var redirectCount: Int
    /// The URL configured when this state began. When the operator changes a feed's URL, the state (its
    /// validators, a URL taken from a redirect) belongs to the old address and starts afresh.
    public var configuredURL: String?
    /// The feed's own freshness hints from its last full document (RSS `ttl`; `sy:updatePeriod` as seconds),
    /// kept so that a 304, which carries no document, still schedules by them.
    public var ttlMinutes: Int?
    public var updateIntervalSecs: Int?

    public init(name: String, url: String) {
        self.name = name
        self.url = url
        self.configuredURL = url
        self.health = .ok
        self.consecutiveErrors = 0
        self.warnings = []
        self.redirectCount = 0
    }
}

/// Where feeds and their state persist. The store implements it; sources and `ingestctl` use it without
/// knowing the store.
public protocol FeedRegistry: Sendable {
    /// Feeds added with `ingestctl feeds add` / `import` (config feeds are not stored here).
    func addedFeeds() throws -> [FeedDefinition]
    /// Adds a feed; throws when the name or URL is already taken.
    func addFeed(_ feed: FeedDefinition) throws
    /// Removes an added feed and its state; returns whether it existed.
    func removeFeed(named name: String) throws -> Bool
    /// Every stored feed state, by feed name.
    func feedStates() throws -> [String: FeedState]
    func saveFeedState(_ state: FeedState) throws
}

/// Whether inputs were already ingested, by ledger key: how a feed source skips items it has seen, and
/// how a restart after a crash recognises what was committed.
public protocol IngestLedger: Sendable {
    /// The subset of `keys` already recorded as ingested.
    func ingestedKeys(among keys: [String]) throws -> Set<String>
}

/// Feed leases, for a store shared by several ingestd instances (PostgreSQL): the instance about to poll
/// a feed takes its lease for one interval, so each feed is polled once per interval by one of them, and
/// a dead instance's feeds are taken over when its leases expire. A store used by one instance has none.
public protocol FeedLeases: Sendable {
    /// Takes or renews the lease of feed `name` for `owner` until `until`.
    func leaseFeed(_ name: String, owner: String, until: Date) throws -> FeedLease
    /// The stored state of one feed, read fresh: the state another instance saved when it held the lease.
    func feedState(named name: String) throws -> FeedState?
}

/// What a lease request got.
public enum FeedLease: Sendable, Equatable {
    /// The lease is the caller's until the time asked for.
    case granted
    /// Another instance holds it until then.
    case held(by: String, until: Date)
}
