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
///   - `backend` (string, default: "sqlite"): the only backend so far.
///   - `path` (string, default: "ingestd.db"): the SQLite file, relative to `state_dir`.
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

    public init() {}

    public init(from section: ConfigSection, daemon: DaemonConfiguration) {
        backend = section.choice("backend", default: backend, allowed: ["sqlite"])
        path = daemon.resolve(section.string("path", default: path))
        batchSize = section.int("batch_size", default: batchSize, range: 1...10_000)
        batchDelayMillis = section.int("batch_delay_ms", default: batchDelayMillis, range: 0...1_000)
        keepRaw = section.bool("keep_raw", default: keepRaw)
        section.finish()
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
