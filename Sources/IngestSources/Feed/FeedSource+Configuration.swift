import Foundation
public import IngestCore

/// One polled feed, a `[[sources.feeds]]` table.
///
/// - Configuration keys:
///   - `name` (string, required): the feed's name, in `ingestctl feeds list` and every article's source.
///     Unique among sources (the daemon checks that).
///   - `url` (string, required): the feed's address; `http` or `https` only.
///   - `interval_secs` (int, default: 900, 60…86400): seconds between polls when the feed and the server say
///     nothing longer; see ``FeedSchedule``.
///   - `fetch_full_content` (bool, default: false): fetch each item's link and ingest its HTML instead of the
///     feed's summary.
///   - `allow_private_networks` (bool, default: false): let those full-content fetches reach private, loopback
///     and link-local addresses (off, they are refused: SSRF guard).
///   - `updated_items` (string, default: "ignore"): `ignore` an item seen before whose content changed, or
///     ingest it as a `new_version`; see ``FeedItemKeys``.
public struct FeedSourceConfiguration: Sendable, Equatable {
    public var name: String
    public var url: String
    public var intervalSecs: Int
    public var fetchFullContent: Bool
    public var allowPrivateNetworks: Bool
    public var updatedItems: UpdatedItemsPolicy

    public static let defaultIntervalSecs = 900
    public static let intervalRange = 60...86_400

    public init(
        name: String, url: String, intervalSecs: Int = Self.defaultIntervalSecs, fetchFullContent: Bool = false,
        allowPrivateNetworks: Bool = false, updatedItems: UpdatedItemsPolicy = .ignore
    ) {
        self.name = name
        self.url = url
        self.intervalSecs = intervalSecs
        self.fetchFullContent = fetchFullContent
        self.allowPrivateNetworks = allowPrivateNetworks
        self.updatedItems = updatedItems
    }

    /// Reads a `[[sources.feeds]]` table; problems are added to the section's problem list with their key
    /// paths, and the defaults stand in for wrong values.
    public init(from section: ConfigSection, daemon: DaemonConfiguration) {
        let name = section.optionalString("name")
        if name == nil, !section.has("name") { section.problem("name", "is required") }
        if let name, let problem = Self.nameProblem(name) { section.problem("name", problem) }

        let url = section.optionalString("url")
        if url == nil, !section.has("url") { section.problem("url", "is required") }
        if let url, let problem = Self.urlProblem(url) { section.problem("url", problem) }

        let interval = section.int("interval_secs", default: Self.defaultIntervalSecs, range: Self.intervalRange)
        let fullContent = section.bool("fetch_full_content", default: false)
        let allowPrivate = section.bool("allow_private_networks", default: false)
        let updated = section.choice(
            "updated_items", default: UpdatedItemsPolicy.ignore.rawValue,
            allowed: UpdatedItemsPolicy.allCases.map(\.rawValue))
        section.finish()

        self.init(
            name: name ?? "", url: url?.feedTrimmed() ?? "", intervalSecs: interval, fetchFullContent: fullContent,
            allowPrivateNetworks: allowPrivate, updatedItems: UpdatedItemsPolicy(rawValue: updated) ?? .ignore)
    }

    /// The feed as the rest of ingestd knows it (a config feed).
    public var definition: FeedDefinition {
        FeedDefinition(
            name: name, url: url, intervalSecs: intervalSecs, fetchFullContent: fetchFullContent,
            allowPrivateNetworks: allowPrivateNetworks, origin: .config)
    }

    /// Why `name` cannot name a feed, or `nil`. A feed's name is part of its items' ledger keys
    /// (`feed:<name>:<id>`), so it may not contain the `:` that separates them, nor control characters.
    public static func nameProblem(_ name: String) -> String? {
        if name.feedTrimmed().isEmpty { return "must not be empty" }
        if name.contains(":") { return "must not contain ':' (it separates the parts of the feed's ledger keys)" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "must not contain control characters"
        }
        if name.count > 200 { return "must be at most 200 characters" }
        return nil
    }

    /// Why `url` cannot be polled, or `nil`. Also for `ingestctl feeds add`, which takes URLs from the
    /// command line.
    public static func urlProblem(_ url: String) -> String? {
        let trimmed = url.feedTrimmed()
        if trimmed.isEmpty { return "must not be empty" }
        guard let sep = trimmed.range(of: "://") else { return "'\(url)' is not an absolute http or https URL" }
        let scheme = trimmed[..<sep.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            return "scheme '\(scheme)' is not supported (http or https only)"
        }
        guard let parsed = URL(string: trimmed), let host = parsed.host, !host.isEmpty else {
            return "'\(url)' is not a valid URL"
        }
        return nil
    }
}

/// Global fetch settings for every feed, the `[feeds]` section.
///
/// - Configuration keys:
///   - `max_concurrent` (int, default: 8, 1…256): most polls in flight at once.
///   - `per_host` (int, default: 2, 1…64): most polls in flight to one host, so a site hosting many feeds
///     is not hit by all of them at once.
///   - `max_body_bytes` (int, default: 16777216, 1024…1073741824): largest feed body, counted after
///     decompression and enforced while downloading.
///   - `backoff_cap_secs` (int, default: 86400, 60…604800): longest delay the error backoff reaches; a failing
///     feed is still polled this often.
///   - `timeout_secs` (int, default: 60, 1…3600): longest a whole poll may take.
public struct FeedFetchConfiguration: Sendable, Equatable {
    public var maxConcurrent: Int
    public var perHost: Int
    public var maxBodyBytes: Int
    public var backoffCapSecs: Int
    public var timeoutSecs: Int

    public static let defaultMaxBodyBytes = 16 << 20

    public init(
        maxConcurrent: Int = 8, perHost: Int = 2, maxBodyBytes: Int = Self.defaultMaxBodyBytes,
        backoffCapSecs: Int = 86_400, timeoutSecs: Int = 60
    ) {
        self.maxConcurrent = maxConcurrent
        self.perHost = perHost
        self.maxBodyBytes = maxBodyBytes
        self.backoffCapSecs = backoffCapSecs
        self.timeoutSecs = timeoutSecs
    }

    /// Reads the `[feeds]` section; problems go to the section's problem list with their key paths, and the
    /// defaults stand in for wrong values.
    public init(from section: ConfigSection) {
        let d = FeedFetchConfiguration()
        self.init(
            maxConcurrent: section.int("max_concurrent", default: d.maxConcurrent, range: 1...256),
            perHost: section.int("per_host", default: d.perHost, range: 1...64),
            maxBodyBytes: section.int("max_body_bytes", default: d.maxBodyBytes, range: 1024...(1 << 30)),
            backoffCapSecs: section.int("backoff_cap_secs", default: d.backoffCapSecs, range: 60...604_800),
            timeoutSecs: section.int("timeout_secs", default: d.timeoutSecs, range: 1...3600))
        section.finish()
    }

    /// The schedule these settings imply (the backoff cap; the other bounds are ``FeedSchedule``'s defaults).
    public var schedule: FeedSchedule { FeedSchedule(backoffCapSecs: backoffCapSecs) }
}
