import Foundation
import Glibc
import IngestCore
@testable import IngestDaemon
import IngestStore
import IngestTestKit
import Logging
import Synchronization
import Testing

/// A journal of our own: a Unix datagram socket bound in a temp folder, read by the test.
final class JournalListener {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var size: Int32 = 4 * 1024 * 1024
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The next datagram, raw.
    func receive() throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return Array(buffer[0..<n])
    }

    deinit {
        close(fd)
        unlink(path)
    }
}

/// Reads a native-protocol datagram as journald does: `NAME=value\n`, or `NAME\n` + 64-bit little-endian
/// length + value + `\n`. Throws on anything else.
func parseJournalEntry(_ data: [UInt8]) throws -> [(String, String)] {
    struct Malformed: Error {}
    var fields: [(String, String)] = []
    var i = 0
    while i < data.count {
        guard let end = data[i...].firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\n") }) else { throw Malformed() }
        let name = String(decoding: data[i..<end], as: UTF8.self)
        guard !name.isEmpty, name.utf8.count <= 64, !name.hasPrefix("_"),
            name.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        else { throw Malformed() }
        if data[end] == UInt8(ascii: "=") {
            guard let lineEnd = data[(end + 1)...].firstIndex(of: UInt8(ascii: "\n")) else { throw Malformed() }
            fields.append((name, String(decoding: data[(end + 1)..<lineEnd], as: UTF8.self)))
            i = lineEnd + 1
        } else {
            guard end + 9 <= data.count else { throw Malformed() }
            var length: UInt64 = 0
            for k in 0..<8 { length |= UInt64(data[end + 1 + k]) << (8 * UInt64(k)) }
            let start = end + 9
            guard start + Int(length) < data.count, data[start + Int(length)] == UInt8(ascii: "\n") else { throw Malformed() }
            fields.append((name, String(decoding: data[start..<(start + Int(length))], as: UTF8.self)))
            i = start + Int(length) + 1
        }
    }
    return fields
}

@Suite("journal: structured logs in systemd's native protocol", .serialized)
struct JournalLogTests {
    let dir: TemporaryDirectory
    let listener: JournalListener
    let socket: JournalSocket

    init() throws {
        dir = try TemporaryDirectory("journal")
        listener = try JournalListener(path: dir.file("journal.sock"))
        socket = try #require(JournalSocket(path: listener.path))
    }

    func logger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "ingestd") { [socket] label in JournalLogHandler(label: label, socket: socket) }
        logger.logLevel = level
        return logger
    }

    func entry() throws -> [String: String] {
        let fields = try parseJournalEntry(try listener.receive())
        var dict: [String: String] = [:]
        for (name, value) in fields {
            #expect(dict[name] == nil, "\(name) sent twice")
            dict[name] = value
        }
        return dict
    }

    @Test("an entry carries MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, CODE_* and the metadata as upper-case fields")
    func fields() throws {
        var logger = logger()
        logger[metadataKey: "source"] = "inbox"
        let line = #line + 1
        logger.warning("input failed", metadata: ["article.id": "42", "stage": "dedupe", "feed": "example", "plugin": "shout"])
        let e = try entry()
        #expect(e["MESSAGE"] == "input failed")
        #expect(e["PRIORITY"] == "4")
        #expect(e["SYSLOG_IDENTIFIER"] == "ingestd")
        #expect(e["CODE_FILE"]?.hasSuffix("JournalLogTests.swift") == true, "\(e)")
        #expect(e["CODE_LINE"] == "\(line)")
        #expect(e["CODE_FUNC"] == "fields()")
        #expect(e["LOGGER"] == "ingestd")
        #expect(e["ARTICLE_ID"] == "42")
        #expect(e["SOURCE"] == "inbox")
        #expect(e["STAGE"] == "dedupe")
        #expect(e["FEED"] == "example")
        #expect(e["PLUGIN"] == "shout")
        #expect(e.count == 12, "\(e.keys.sorted())")
    }

    @Test("values with line feeds use the length-prefixed form and arrive whole")
    func multiline() throws {
        let text = "plugin said:\nTraceback (most recent call last):\n  File \"x.py\"\n\nend=1"
        logger().error("\(text)", metadata: ["detail": "a\nb"])
        let raw = try listener.receive()
        #expect(raw.starts(with: Array("MESSAGE\n".utf8)), "MESSAGE is binary-framed")
        let fields = Dictionary(try parseJournalEntry(raw), uniquingKeysWith: { a, _ in a })
        #expect(fields["MESSAGE"] == text)
        #expect(fields["DETAIL"] == "a\nb")
        #expect(fields["PRIORITY"] == "3")
    }

    @Test("levels map to syslog priorities", arguments: [
        (Logger.Level.trace, "7"), (.debug, "7"), (.info, "6"), (.notice, "5"), (.warning, "4"), (.error, "3"), (.critical, "2"),
    ])
    func priorities(level: Logger.Level, priority: String) throws {
        logger(level: .trace).log(level: level, "m")
        #expect(try entry()["PRIORITY"] == priority)
    }

    @Test("below the logger's level nothing is sent")
    func levelFilter() throws {
        let logger = logger(level: .notice)
        logger.info("quiet")
        logger.notice("loud")
        #expect(try entry()["MESSAGE"] == "loud")
    }

    @Test("metadata keys become valid field names; one that would replace ours keeps its value under META_")
    func fieldNames() throws {
        logger().info("m", metadata: ["feed.url": "https://e/", "_cursor": "x", "2nd": "y", "message": "mine", "näme-x": "z"])
        let e = try entry()
        #expect(e["MESSAGE"] == "m")
        #expect(e["META_MESSAGE"] == "mine")
        #expect(e["FEED_URL"] == "https://e/")
        #expect(e["CURSOR"] == "x", "journald reserves names starting with _")
        #expect(e["META_2ND"] == "y")
        #expect(e["N_ME_X"] == "z")
    }

    @Test("a message too large for one datagram is cut with a note, and the entry still arrives")
    func large() throws {
        let big = String(repeating: "é", count: 200_000)  // 400,000 bytes
        logger().info("\(big)", metadata: ["source": "inbox"])
        let e = try entry()
        let message = try #require(e["MESSAGE"])
        #expect(message.hasPrefix("éé"))
        #expect(message.hasSuffix("more bytes not sent to the journal]"), "\(message.suffix(80))")
        #expect(message.utf8.count < JournalLogHandler.maxValueBytes + 100)
        #expect(!message.contains("\u{FFFD}"), "cut on a character boundary")
        #expect(e["SOURCE"] == "inbox")
    }

    @Test("JOURNAL_STREAM is trusted only when it names stderr's device and inode")
    func journalStreamDetection() throws {
        let path = try dir.write("stream", "")
        let fd = open(path, O_WRONLY)
        defer { close(fd) }
        var info = stat()
        try #require(fstat(fd, &info) == 0)
        let same = "\(info.st_dev):\(info.st_ino)"
        #expect(DaemonLogging.stderrIsJournal(environment: ["JOURNAL_STREAM": same], fd: fd))
        #expect(!DaemonLogging.stderrIsJournal(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino + 1)"], fd: fd))
        #expect(!DaemonLogging.stderrIsJournal(environment: ["JOURNAL_STREAM": "\(info.st_dev + 1):\(info.st_ino)"], fd: fd))
        #expect(!DaemonLogging.stderrIsJournal(environment: [:], fd: fd))
        for garbage in ["", "12", "a:b", "1:2:3", ":\(info.st_ino)"] {
            #expect(!DaemonLogging.stderrIsJournal(environment: ["JOURNAL_STREAM": garbage], fd: fd), "\(garbage)")
        }
        // A redirected stderr: the variable names another stream than the descriptor now holds.
        let other = open(try dir.write("other", ""), O_WRONLY)
        defer { close(other) }
        #expect(!DaemonLogging.stderrIsJournal(environment: ["JOURNAL_STREAM": same], fd: other))
    }

    /// The next entry whose MESSAGE is `message` (others are skipped).
    func entry(message: String) throws -> [String: String] {
        while true {
            let e = try entry()
            if e["MESSAGE"] == message { return e }
        }
    }

    @Test("the pipeline runner's entries name the article, its source, location and stage")
    func runnerFields() async throws {
        let store = try SQLiteStore(path: dir.file("ingestd.db"))
        let runner = PipelineRunner(
            pipeline: Pipeline(stages: []), store: store, storeConfiguration: StoreConfiguration(), workers: 1,
            logger: logger(level: .debug))
        let task = Task { try await runner.run() }
        defer { task.cancel() }
        func document(_ name: String, _ text: String, _ receipt: RecordingReceipt) -> RawDocument {
            RawDocument(
                bytes: Array(text.utf8), format: name.hasSuffix(".json") ? .json : .text,
                origin: Origin(source: "inbox", kind: .folder, location: "/in/\(name)", receivedAt: Date(), ledgerKey: name),
                receipt: receipt)
        }
        let good = RecordingReceipt()
        await runner.submit(document("a.txt", "Harbour reopens\n\nShips sailed again on Friday.\n", good))
        #expect(await waitUntil { good.outcome == "acknowledged" })
        let enqueued = try entry(message: "article enqueued")
        #expect(enqueued["ARTICLE_ID"] == "1")
        #expect(enqueued["SOURCE"] == "inbox")
        #expect(enqueued["LOCATION"] == "/in/a.txt")
        #expect(enqueued["QUEUE"] == "default")
        #expect(enqueued["PRIORITY"] == "7")

        let bad = RecordingReceipt()
        await runner.submit(document("b.json", #"{"title": "#, bad))
        #expect(await waitUntil { bad.outcome == "rejected" })
        let failed = try entry(message: "input failed")
        #expect(failed["STAGE"] == "decode")
        #expect(failed["SOURCE"] == "inbox")
        #expect(failed["LOCATION"] == "/in/b.json")
        #expect(failed["REASON"]?.hasPrefix("invalid JSON") == true, "\(failed)")
        #expect(failed["PRIORITY"] == "4")
    }

    @Test("ingestd told its stderr is the journal, with no journald to take entries, still writes its lines to stderr")
    func daemonFallback() async throws {
        // Where a journald listens, the entries go to it instead; nothing to check on stderr then.
        guard !FileManager.default.fileExists(atPath: JournalSocket.defaultPath) else { return }
        let daemon = try DaemonProcess(directory: dir)
        let logPath = dir.file("stderr.log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        var info = stat()
        try #require(fstat(handle.fileDescriptor, &info) == 0)
        let process = try daemon.launch(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"], stderr: handle)
        let log = { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        #expect(await waitUntil { log().contains("control socket listening") }, "\(log())")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(log().contains("ingestd stopped"))
    }

    @Test("the daemon's handler: the journal's when stderr is the journal, readable lines otherwise")
    func factoryChoice() throws {
        // This process's own stderr, whatever it is, named as the journal stream.
        var info = stat()
        try #require(fstat(2, &info) == 0)
        let journal = DaemonLogging.factory(
            level: .debug, environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"], journalPath: listener.path)("ingestd")
        #expect(journal is JournalLogHandler)
        #expect(journal.logLevel == .debug)
        Logger(label: "ingestd", factory: { _ in journal }).debug("through the factory", metadata: ["stage": "clean"])
        let e = try entry()
        #expect(e["MESSAGE"] == "through the factory" && e["STAGE"] == "clean")

        let plain = DaemonLogging.factory(level: .info, environment: [:], journalPath: listener.path)("ingestd")
        #expect(plain is StderrLogHandler)
        #expect(plain.logLevel == .info)
    }

    @Test("off the journal, a line on stderr carries the metadata set on the logger and the message's own")
    func stderrLineMetadata() throws {
        let path = dir.file("stderr.log")
        let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(file >= 0)
        fflush(nil)
        let saved = dup(2)
        dup2(file, 2)
        var logger = Logger(label: "ingestd", factory: DaemonLogging.factory(level: .info, environment: [:], journalPath: listener.path))
        logger[metadataKey: "source"] = "inbox"
        logger[metadataKey: "location"] = "a.txt"
        logger.info("skipped", metadata: ["stage": "clean"])
        logger.debug("below the level")
        fflush(nil)
        dup2(saved, 2)
        close(saved)
        close(file)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // Other suites may write to stderr meanwhile: only this test's lines are looked at.
        #expect(!text.contains("below the level"))
        let line = String(try #require(text.split(separator: "\n").first { $0.contains("skipped") }))
        #expect(line.contains("info ingestd:") && line.hasSuffix("skipped"))
        #expect(line.contains("location=a.txt") && line.contains("source=inbox") && line.contains("stage=clean"))
        #expect(logger[metadataKey: "source"] == "inbox")
    }
}

/// A receipt that remembers how it was answered.
final class RecordingReceipt: Receipt {
    private let state = Mutex<String?>(nil)
    var outcome: String? { state.withLock { $0 } }
    func acknowledge(_ summary: IngestSummary) async { state.withLock { $0 = "acknowledged" } }
    func reject(_ failure: IngestFailure) async { state.withLock { $0 = "rejected" } }
    func release() async { state.withLock { $0 = "released" } }
}
