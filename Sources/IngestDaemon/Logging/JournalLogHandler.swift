import Foundation
import Glibc
public import Logging

/// A swift-log handler that writes to the systemd journal in its native protocol, so every metadata key
/// becomes a field one can filter on: `journalctl -u ingestd FEED=example`, `journalctl STAGE=dedupe -p warning`.
///
/// Each entry is one datagram to `/run/systemd/journal/socket` holding `KEY=value\n` fields; a value with a
/// line feed is written as `KEY\n`, its length as 64-bit little-endian, the bytes and `\n`. Fields:
/// `MESSAGE`, `PRIORITY` (syslog's, from the level), `SYSLOG_IDENTIFIER`, `CODE_FILE`/`CODE_LINE`/`CODE_FUNC`,
/// `LOGGER` (the logger's label), and each metadata key upper-cased with anything but letters and digits
/// turned into `_` (`article.id` → `ARTICLE_ID`, `source` → `SOURCE`, `feed` → `FEED`).
///
/// When the journal cannot be reached (no journald, a full socket buffer), the entry goes to stderr as a
/// readable line instead, so nothing is lost silently.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    private let label: String
    private let identifier: String
    private let socket: JournalSocket
    private let fallback: StreamLogHandler

    /// - Parameters:
    ///   - label: the logger's label, sent as `LOGGER`.
    ///   - identifier: `SYSLOG_IDENTIFIER` (what `journalctl -t` matches).
    ///   - socket: where to send; one shared by every handler of the process.
    public init(label: String, identifier: String = "ingestd", socket: JournalSocket, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.identifier = identifier
        self.socket = socket
        self.metadataProvider = metadataProvider
        fallback = StreamLogHandler.standardError(label: label)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        var fields: [(String, String)] = [
            ("MESSAGE", event.message.description),
            ("PRIORITY", String(Self.priority(event.level))),
            ("SYSLOG_IDENTIFIER", identifier),
            ("CODE_FILE", event.file),
            ("CODE_LINE", String(event.line)),
            ("CODE_FUNC", event.function),
            ("LOGGER", label),
        ]
        if let error = event.error { fields.append(("ERROR", "\(error)")) }
        let taken = Set(fields.map(\.0))
        for key in merged.keys.sorted() {
            var name = Self.fieldName(key)
            // A key that would overwrite one of ours (`message`, `priority`) keeps its value under another name.
            if taken.contains(name) { name = String(("META_" + name).prefix(64)) }
            fields.append((name, Self.text(merged[key]!)))
        }
        if !socket.send(Self.encode(fields)) {
            var copy = fallback
            copy.logLevel = logLevel
            copy.metadata = merged
            copy.log(event: LogEvent(level: event.level, message: event.message, metadata: nil, source: event.source, file: event.file, function: event.function, line: event.line))
        }
    }

    /// syslog's priority for a level: `debug` 7 … `critical` 2 (`trace` is debug too).
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A journal field name for a metadata key: upper-case ASCII letters, digits and `_`, not starting with
    /// `_` (journald keeps those for the fields it adds itself) or a digit, at most 64 characters.
    static func fieldName(_ key: String) -> String {
        var name = String(key.uppercased().unicodeScalars.map { s -> Character in
            (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") ? Character(s) : "_"
        })
        while name.hasPrefix("_") { name.removeFirst() }
        if name.isEmpty || name.first!.isNumber { name = "META_" + name }
        return String(name.prefix(64))
    }

    private static func text(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        default: value.description
        }
    }

    /// The largest value sent whole, in bytes.
    ///
    /// A bigger one is cut there with a note saying how much was left out, rather than sent through a memfd
    /// (what libsystemd does when a datagram is too large): creating and sealing a memfd needs
    /// `memfd_create` and `F_ADD_SEALS`, which Swift's Glibc module does not export, so it would take a C
    /// target of its own. ingestd's entries are short lines with a few metadata fields; the only long
    /// values are error texts and plugins' stderr lines, whose beginning is the useful part. With 48 KiB per
    /// value and the few fields of an entry, every datagram stays well below the socket's limit.
    static let maxValueBytes = 48 * 1024

    /// The datagram for `fields`, in the native protocol.
    static func encode(_ fields: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, value) in fields {
            var bytes = Array(value.utf8)
            if bytes.count > maxValueBytes {
                let left = bytes.count - maxValueBytes
                // Cut on a character boundary: back up over UTF-8 continuation bytes.
                var end = maxValueBytes
                while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
                bytes = Array(bytes[..<end]) + Array(" … [\(left) more bytes not sent to the journal]".utf8)
            }
            out += Array(name.utf8)
            if bytes.contains(UInt8(ascii: "\n")) {
                out.append(UInt8(ascii: "\n"))
                var length = UInt64(bytes.count).littleEndian
                withUnsafeBytes(of: &length) { out += $0 }
                out += bytes
            } else {
                out.append(UInt8(ascii: "="))
                out += bytes
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }
}

/// The process's datagram socket to the journal, shared by every ``JournalLogHandler``.
public final class JournalSocket: Sendable {
    /// Where journald listens for native-protocol entries.
    public static let defaultPath = "/run/systemd/journal/socket"

    private let fd: Int32
    private let address: sockaddr_un
    private let length: socklen_t

    /// Opens an unconnected datagram socket addressed to `path`; `nil` when the path does not fit.
    public init?(path: String = JournalSocket.defaultPath) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        // As libsystemd does: a large send buffer, so a burst of entries does not block the daemon.
        var size: Int32 = 8 * 1024 * 1024
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        self.fd = fd
        self.address = address
        length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
    }

    deinit { close(fd) }

    /// Sends one datagram; whether the journal took it.
    func send(_ datagram: [UInt8]) -> Bool {
        var address = self.address
        while true {
            let sent = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, datagram, datagram.count, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
            if sent >= 0 { return true }
            if errno != EINTR { return false }
        }
    }
}

/// How ingestd logs: to the journal when systemd runs it with stderr connected to the journal, as readable
/// lines on stderr otherwise.
public enum DaemonLogging {
    /// Whether stderr is the journal: systemd sets `JOURNAL_STREAM` to the `device:inode` of the stream it
    /// connected to stdout/stderr (decimal numbers). The descriptor must still be that stream: a program it
    /// started may have redirected stderr and kept the variable.
    ///
    /// - Parameters:
    ///   - environment: the environment to read; the process's when `nil` (a test passes its own).
    ///   - fd: the descriptor to compare (stderr).
    public static func stderrIsJournal(environment: [String: String]? = nil, fd: Int32 = 2) -> Bool {
        let environment = environment ?? ProcessInfo.processInfo.environment
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// The handler factory for `LoggingSystem.bootstrap`: journal handlers when ``stderrIsJournal(environment:fd:)``
    /// and the journal's socket can be opened, ``StderrLogHandler`` otherwise.
    public static func factory(
        level: Logger.Level, environment: [String: String]? = nil, journalPath: String = JournalSocket.defaultPath
    ) -> @Sendable (String) -> any LogHandler {
        if stderrIsJournal(environment: environment), let socket = JournalSocket(path: journalPath) {
            return { label in
                var handler = JournalLogHandler(label: label, socket: socket)
                handler.logLevel = level
                return handler
            }
        }
        return { label in
            var handler = StderrLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
