public import Foundation

/// A source's state as `ingestctl status` shows it.
public struct SourceStatus: Sendable, Codable, Equatable {
    public var name: String
    public var kind: Origin.Kind
    /// A folder path or a feed URL.
    public var location: String
    /// `running`, `stopped`, or `failing` (with ``lastError``).
    public var state: String
    /// Named counters: `seen`, `done`, `failed`, `already_ingested`, …
    public var counts: [String: Int]
    public var lastError: String?
    public var lastErrorAt: Date?

    public init(
        name: String, kind: Origin.Kind, location: String, state: String, counts: [String: Int],
        lastError: String? = nil, lastErrorAt: Date? = nil
    ) {
        self.name = name
        self.kind = kind
        self.location = location
        self.state = state
        self.counts = counts
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }
}

/// Where sources hand their documents. `submit` suspends while the pipeline's buffer is full, which is
/// how a burst of files costs bounded memory (backpressure).
public protocol DocumentSink: Sendable {
    func submit(_ document: RawDocument) async

    /// Takes `document` only if that needs no waiting (room in the buffer, intake open); false otherwise,
    /// and the caller still holds it. A source that has many documents ready hands them over this way
    /// without a suspension (a trip through the executor's queue) per document.
    func trySubmit(_ document: RawDocument) -> Bool

    /// Returns when ``trySubmit(_:)`` is likely to take documents again (the buffer drained to half), or
    /// at once when waiting would not help (intake paused, shutting down).
    func waitForRoom() async
}

extension DocumentSink {
    public func trySubmit(_ document: RawDocument) -> Bool { false }
    public func waitForRoom() async {}
}
