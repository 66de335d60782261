import Foundation

/// What a fetch produced: the final response, the redirects on the way, or why it failed.
///
/// A failed fetch still carries what was learnt before the failure (the redirect hops, the last status
/// line), which helps when the error is reported on the feed.
public struct FetchResult: Sendable {
    /// The URL that was asked for.
    public var requestURL: String
    /// The status of the last response received, 0 when none arrived.
    public var status: Int
    /// The URL of the last request made (after redirects).
    public var effectiveURL: String
    /// Each redirect followed, in order.
    public var redirects: [RedirectHop]
    /// The last response's headers.
    public var headers: HTTPHeaders
    /// The body, decoded (gzip, deflate, br), empty on 304 or error.
    public var body: [UInt8]
    /// Time from start to the end of the transfer, as libcurl measured it.
    public var totalTime: Duration
    /// Why the fetch failed; `nil` when a response arrived (whatever its status).
    public var error: FetchError?

    public init(
        requestURL: String, status: Int = 0, effectiveURL: String? = nil, redirects: [RedirectHop] = [],
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], totalTime: Duration = .zero,
        error: FetchError? = nil
    ) {
        self.requestURL = requestURL
        self.status = status
        self.effectiveURL = effectiveURL ?? requestURL
        self.redirects = redirects
        self.headers = headers
        self.body = body
        self.totalTime = totalTime
        self.error = error
    }

    /// `304 Not Modified`: the conditional request matched, the stored copy is current.
    public var isNotModified: Bool { error == nil && status == 304 }

    /// A 2xx response arrived.
    public var isSuccess: Bool { error == nil && (200..<300).contains(status) }

    /// Where the chain of permanent redirects (301, 308) at the start of the redirects leads, if any.
    ///
    /// A temporary hop (302, 303, 307) ends the chain: only what the server declared permanent may replace
    /// a stored feed URL. The caller decides when it has been seen consistently enough to do so.
    public var permanentRedirectURL: String? {
        var target: String?
        for hop in redirects {
            guard hop.isPermanent, let next = hop.location else { break }
            target = next
        }
        return target
    }
}

/// One redirect response on the way to the final one.
public struct RedirectHop: Sendable, Equatable, CustomStringConvertible {
    /// The URL that answered with a redirect.
    public var url: String
    /// Its status (301, 302, 303, 307, 308).
    public var status: Int
    /// Where it pointed (absolute when libcurl followed it; the raw `Location` value otherwise).
    public var location: String?

    public init(url: String, status: Int, location: String?) {
        self.url = url
        self.status = status
        self.location = location
    }

    /// 301 and 308 say the resource moved for good.
    public var isPermanent: Bool { status == 301 || status == 308 }

    public var description: String { "\(status) \(url) -> \(location ?? "?")" }
}

/// Response headers, looked up case-insensitively. A repeated header keeps every value, in order.
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    private var fields: [(name: String, value: String)] = []

    public init() {}

    public init(_ fields: [(String, String)]) {
        for (name, value) in fields { append(name: name, value: value) }
    }

    public mutating func append(name: String, value: String) {
        fields.append((name, value))
    }

    /// The first value of `name`, compared case-insensitively.
    public subscript(name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name.lowercased() == key }?.value
    }

    /// Every value of `name`, in the order received.
    public func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name.lowercased() == key }.map(\.value)
    }

    public var count: Int { fields.count }

    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> {
        fields.makeIterator()
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public var etag: String? { self["ETag"] }
    public var lastModified: String? { self["Last-Modified"] }
    public var cacheControl: String? { self["Cache-Control"] }
    public var expires: String? { self["Expires"] }
    public var retryAfter: String? { self["Retry-After"] }
    public var contentType: String? { self["Content-Type"] }

    /// The `charset` parameter of `Content-Type`, unquoted; `nil` when absent or empty.
    public var charset: String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].feedTrimmed().lowercased() == "charset" else { continue }
            let value = parts[1].feedTrimmed().trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            return value.isEmpty ? nil : value
        }
        return nil
    }
}

/// Why a fetch produced no usable response.
public enum FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connect timeout, the total timeout or the low-speed limit was hit.
    case timeout(String)
    /// The decoded body grew past the cap (bytes); the download was stopped there.
    case tooLarge(limit: Int)
    /// The URL, or a redirect, used a scheme other than http or https.
    case refusedScheme(String)
    /// The connection went to a loopback/private/link-local address while private networks are not allowed.
    case refusedAddress(ip: String, category: AddressPolicy.Category)
    /// More than the allowed number of redirects (a loop, usually).
    case tooManyRedirects(limit: Int)
    /// The TLS handshake or certificate verification failed.
    case tls(String)
    /// The host name did not resolve.
    case dns(String)
    /// Connecting, sending or receiving failed.
    case connection(String)
    /// The fetcher was shut down or the calling task was cancelled.
    case cancelled
    /// Any other libcurl error, with its code.
    case other(code: Int, message: String)

    public var description: String {
        switch self {
        case .timeout(let message): return "fetch: timed out: \(message)"
        case .tooLarge(let limit): return "fetch: body exceeds \(limit) bytes (after decompression)"
        case .refusedScheme(let message): return "fetch: refused scheme (only http and https): \(message)"
        case .refusedAddress(let ip, let category):
            return "fetch: refused to connect to \(ip) (\(category) address; private networks are not allowed)"
        case .tooManyRedirects(let limit): return "fetch: more than \(limit) redirects"
        case .tls(let message): return "fetch: TLS: \(message)"
        case .dns(let message): return "fetch: DNS: \(message)"
        case .connection(let message): return "fetch: connection: \(message)"
        case .cancelled: return "fetch: cancelled"
        case .other(let code, let message): return "fetch: libcurl error \(code): \(message)"
        }
    }
}
