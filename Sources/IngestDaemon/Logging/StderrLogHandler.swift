public import Logging

/// swift-log's `StreamLogHandler` on stderr, with its metadata kept aside until a message is written.
///
/// Why: `StreamLogHandler` formats its whole metadata again each time a key is set. The daemon sets two keys
/// on a logger for every document (its source and location, for whatever the stages log about it), and
/// almost no document logs anything: that formatting was 0.7 % of the daemon's CPU in a burst when not
/// under systemd. Here a key is one dictionary write; the formatting happens when a message is written.
struct StderrLogHandler: LogHandler {
    private var stream: StreamLogHandler
    var metadata: Logger.Metadata = [:]

    init(label: String) {
        stream = StreamLogHandler.standardError(label: label)
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var writer = stream
        if !metadata.isEmpty { writer.metadata = metadata }
        writer.log(event: event)
    }
}
