/// One HTTP GET for ``HTTPFetcher``.
public struct FetchRequest: Sendable, Equatable {
    /// The URL to fetch; only `http` and `https` are accepted, for redirects too.
    public var url: String
    /// The validator from the previous response, sent as `If-None-Match`.
    public var etag: String?
    /// The `Last-Modified` value from the previous response, sent as `If-Modified-Since`.
    public var lastModified: String?
    /// Whether the fetch may connect to loopback, private and link-local addresses.
    ///
    /// Feed URLs are written by the operator, so they may point at an intranet (`true`, the default). Links
    /// found inside feeds are written by whoever publishes the feed: the full-content fetcher passes `false`
    /// so a feed cannot make ingestd read internal services (SSRF).
    public var allowPrivateNetworks: Bool
    /// Overrides the fetcher's size cap (decoded bytes) for this request.
    public var maxBodyBytes: Int?
    /// Overrides the fetcher's total timeout for this request.
    public var totalTimeout: Duration?
    /// Overrides the fetcher's low-speed abort for this request: slower than `bytesPerSecond` for `duration`.
    public var lowSpeedLimit: LowSpeedLimit?

    public init(
        url: String, etag: String? = nil, lastModified: String? = nil, allowPrivateNetworks: Bool = true,
        maxBodyBytes: Int? = nil, totalTimeout: Duration? = nil, lowSpeedLimit: LowSpeedLimit? = nil
    ) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.allowPrivateNetworks = allowPrivateNetworks
        self.maxBodyBytes = maxBodyBytes
        self.totalTimeout = totalTimeout
        self.lowSpeedLimit = lowSpeedLimit
    }
}

/// A transfer slower than `bytesPerSecond` for `duration` is aborted as a timeout.
public struct LowSpeedLimit: Sendable, Equatable {
    public var bytesPerSecond: Int
    public var duration: Duration

    public init(bytesPerSecond: Int, duration: Duration) {
        self.bytesPerSecond = bytesPerSecond
        self.duration = duration
    }
}
