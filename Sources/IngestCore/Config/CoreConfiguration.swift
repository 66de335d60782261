import Foundation

/// The `[daemon]` section.
///
/// - Configuration keys:
///   - `state_dir` (string, default: "var"): where the database, the inbox and the socket live by default.
///     Relative to the working directory. Every other relative path in the config is relative to it.
///   - `control_socket` (string, default: "control.sock"): the control API's Unix socket (mode 0660).
///   - `workers` (int, default: 2, 1…64): articles processed at the same time.
///   - `log_level` (string, default: "info"): trace, debug, info, notice, warning, error, critical.
public struct DaemonConfiguration: Sendable, Equatable {
    public var stateDirectory = "var"
    public var controlSocket = "control.sock"
    public var workers = 2
    public var logLevel = "info"

    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public init() {}

    public init(from section: ConfigSection) {
        stateDirectory = section.string("state_dir", default: stateDirectory)
        controlSocket = section.string("control_socket", default: controlSocket)
        workers = section.int("workers", default: workers, range: 1...64)
        logLevel = section.choice("log_level", default: logLevel, allowed: Self.logLevels)
        if stateDirectory.isEmpty { section.problem("state_dir", "must not be empty") }
        section.finish()
        controlSocket = resolve(controlSocket)
    }

    /// `path` if absolute, else `path` inside ``stateDirectory``.
    public func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return stateDirectory.hasSuffix("/") ? stateDirectory + path : stateDirectory + "/" + path
    }
}

/// The `[store]` section.
///
/// - Configuration keys:
///   - `backend` (string, default: "sqlite"): `sqlite` (one file, one instance) or `postgres` (one
///     database shared by several instances: shared dedupe, feeds leased to one instance at a time).
///   - `path` (string, default: "ingestd.db"): the SQLite file, relative to `state_dir`.
///   - `url` (string, required with `postgres`): libpq's connection URL, such as
///     `postgresql://ingestd@db.example:5432/ingestd`; a password is better kept in `~/.pgpass` or the
///     `PGPASSWORD` environment variable than here.
///   - `instance` (string, default: the host name): how this instance names itself in feed leases and
///     queue claims; unique among the instances sharing a database.
///   - `batch_size` (int, default: 256, 1…10000): most articles committed in one transaction.
///   - `batch_delay_ms` (int, default: 5, 0…1000): how long a batch waits for more articles before it
///     commits. Short: the queue sees an article within milliseconds of the file being closed.
///   - `keep_raw` (bool, default: true): keep each input, compressed, for reprocessing.
public struct StoreConfiguration: Sendable, Equatable {
    public var backend = "sqlite"
    public var path = "ingestd.db"
    public var batchSize = 256
    public var batchDelayMillis = 5
    public var keepRaw = true
    public var url: String?
    public var instance = StoreConfiguration.hostName

    public init() {}

    public init(from section: ConfigSection, daemon: DaemonConfiguration) {
        backend = section.choice("backend", default: backend, allowed: ["sqlite", "postgres"])
        path = daemon.resolve(section.string("path", default: path))
        url = section.optionalString("url")
        instance = section.string("instance", default: instance)
        if backend == "postgres" && (url ?? "").isEmpty {
            section.problem("url", "the postgres backend needs a connection URL, such as postgresql://user@host/database")
        }
        if instance.isEmpty { section.problem("instance", "must not be empty") }
        batchSize = section.int("batch_size", default: batchSize, range: 1...10_000)
        batchDelayMillis = section.int("batch_delay_ms", default: batchDelayMillis, range: 0...1_000)
        keepRaw = section.bool("keep_raw", default: keepRaw)
        section.finish()
    }
}

extension StoreConfiguration {
    /// The host's name, the default instance name.
    public static var hostName: String {
        ProcessInfo.processInfo.hostName.isEmpty ? "ingestd" : ProcessInfo.processInfo.hostName
    }
}

/// The `[queue]` section: how consumers' leases and retries behave.
///
/// - Configuration keys:
///   - `lease_secs` (int, default: 300, 1…86400): how long a claimed article stays leased before another
///     consumer may claim it (visibility timeout), unless the claim names its own.
///   - `max_attempts` (int, default: 5, 1…1000): claims before an article goes to `dead`.
///   - `retry_backoff_secs` (int, default: 30, 0…86400): delay after the first nack; doubles each time.
public struct QueueConfiguration: Sendable, Equatable {
    public var leaseSecs = 300
    public var maxAttempts = 5
    public var retryBackoffSecs = 30

    public init() {}

    public init(from section: ConfigSection) {
        leaseSecs = section.int("lease_secs", default: leaseSecs, range: 1...86_400)
        maxAttempts = section.int("max_attempts", default: maxAttempts, range: 1...1_000)
        retryBackoffSecs = section.int("retry_backoff_secs", default: retryBackoffSecs, range: 0...86_400)
        section.finish()
    }
}

/// The `[pipeline]` section: the stages every article goes through, in order.
///
/// - Configuration keys:
///   - `stages` ([string], default: every compiled-in stage in its registry order): may be empty.
public struct PipelineConfiguration: Sendable, Equatable {
    public var stages: [String]

    public init(stages: [String]) {
        self.stages = stages
    }

    public init(from section: ConfigSection, defaultStages: [String]) {
        stages = section.strings("stages", default: defaultStages)
        section.finish()
    }
}

/// The `[metrics]` section: the Prometheus endpoint, off by default.
///
/// - Configuration keys:
///   - `enabled` (bool, default: false): serve `GET /metrics` over HTTP on ``listen``.
///   - `listen` (string, default: "127.0.0.1:9464"): `IPv4:port`, `[IPv6]:port` or `localhost:port`.
///   - `allow_non_loopback` (bool, default: false): allow an address other than loopback.
///
/// - Important: The endpoint has no authentication and no TLS, and its labels name every source, feed,
///   stage, plugin and queue, with their error counts. So it listens on loopback only (where the scraper
///   runs on the same host, or reaches it through a tunnel or a proxy that adds both) unless the operator
///   says otherwise with `allow_non_loopback = true`.
public struct MetricsConfiguration: Sendable, Equatable {
    public var enabled = false
    public var listen = "127.0.0.1:9464"
    public var allowNonLoopback = false
    /// ``listen`` parsed: the address's 4 or 16 bytes and the port.
    public var address: [UInt8] = [127, 0, 0, 1]
    public var port = 9464

    public init() {}

    public init(from section: ConfigSection) {
        enabled = section.bool("enabled", default: enabled)
        listen = section.string("listen", default: listen)
        allowNonLoopback = section.bool("allow_non_loopback", default: allowNonLoopback)
        section.finish()
        guard let (address, port) = Self.parse(listen) else {
            section.problem(
                "listen", "'\(listen)' is not IPv4:port, [IPv6]:port or localhost:port with a port from 1 to 65535")
            return
        }
        self.address = address
        self.port = port
        if !Self.isLoopback(address) && !allowNonLoopback {
            section.problem(
                "listen",
                "\(listen) is not a loopback address: the metrics endpoint has no authentication or TLS; set allow_non_loopback = true to serve it there anyway")
        }
    }

    /// `host:port` as address bytes (4 for IPv4, 16 for IPv6) and a port in 1…65535; `nil` when malformed.
    public static func parse(_ text: String) -> ([UInt8], Int)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard portText.allSatisfy(\.isASCII), let port = Int(portText), (1...65_535).contains(port) else { return nil }
        if host == "localhost" { return ([127, 0, 0, 1], port) }
        if text.hasPrefix("[") { return parseIPv6(host).map { ($0, port) } }
        return parseIPv4(host).map { ($0, port) }
    }

    /// Dotted-quad IPv4, four decimal numbers 0…255 (no leading zeros beyond a single 0).
    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part == "0" || !part.hasPrefix("0"), let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// IPv6 text (RFC 4291 §2.2: eight groups of up to four hex digits, one `::` for a run of zeros, an
    /// IPv4 tail); no zone index.
    static func parseIPv6(_ text: Substring) -> [UInt8]? {
        func groups(_ part: Substring) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, field) in fields.enumerated() {
                if i == fields.count - 1, field.contains(".") {
                    guard let v4 = parseIPv4(field) else { return nil }
                    bytes += v4
                    continue
                }
                guard (1...4).contains(field.count), field.allSatisfy(\.isHexDigit), let value = UInt16(field, radix: 16)
                else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        // Where `::` is, if anywhere; a second one is an error.
        var gap: Range<Substring.Index>?
        var i = text.startIndex
        while i < text.endIndex {
            let next = text.index(after: i)
            if text[i] == ":", next < text.endIndex, text[next] == ":" {
                guard gap == nil else { return nil }
                gap = i..<text.index(after: next)
                i = gap!.upperBound
            } else {
                i = next
            }
        }
        guard let gap else {
            guard let bytes = groups(text), bytes.count == 16 else { return nil }
            return bytes
        }
        guard let head = groups(text[..<gap.lowerBound]), let tail = groups(text[gap.upperBound...]),
            head.count + tail.count <= 14
        else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// 127.0.0.0/8, `::1`, and IPv4 loopback mapped into IPv6 (`::ffff:127.x.y.z`).
    public static func isLoopback(_ address: [UInt8]) -> Bool {
        if address.count == 4 { return address[0] == 127 }
        guard address.count == 16 else { return false }
        if address == [UInt8](repeating: 0, count: 15) + [1] { return true }
        return address[0..<10].allSatisfy { $0 == 0 } && address[10] == 0xFF && address[11] == 0xFF && address[12] == 127
    }
}
