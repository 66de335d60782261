public import Foundation

/// A plugin's state as `ingestctl plugins list` and `ingestctl status` show it (`GET /v1/plugins`).
public struct PluginStatus: Sendable, Codable, Equatable {
    public var name: String
    public var description: String
    public var directory: String
    public var command: [String]
    /// `idle` (not started yet), `starting`, `running`, `restarting` (waiting out its backoff), `failed`
    /// (gave up after repeated failures; tried again now and then, and at SIGHUP), `stopping`, `stopped`.
    public var state: String
    public var pid: Int32?
    public var restarts: Int
    /// Articles sent and not answered yet, and articles waiting for a slot or for the plugin to be up.
    public var inFlight: Int
    public var waiting: Int
    /// `requests`, `continued`, `dropped`, `failed` (the plugin failed the article), `errors` (what
    /// `on_error` decided: timeouts, crashes, bad answers), `timeouts`, `bad_lines`, `unknown_ids`,
    /// `late_answers`, `stderr_lines`.
    public var counts: [String: Int]
    public var onError: String
    public var timeoutMs: Int
    public var maxInFlight: Int
    public var lastError: String?
    public var lastErrorAt: Date?

    public init(
        name: String, description: String, directory: String, command: [String], state: String, pid: Int32?,
        restarts: Int, inFlight: Int, waiting: Int, counts: [String: Int], onError: String, timeoutMs: Int,
        maxInFlight: Int, lastError: String?, lastErrorAt: Date?
    ) {
        self.name = name
        self.description = description
        self.directory = directory
        self.command = command
        self.state = state
        self.pid = pid
        self.restarts = restarts
        self.inFlight = inFlight
        self.waiting = waiting
        self.counts = counts
        self.onError = onError
        self.timeoutMs = timeoutMs
        self.maxInFlight = maxInFlight
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }
}
