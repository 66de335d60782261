import Glibc
import Foundation
import IngestTestKit
import Testing

/// The repository root, for the shipped config.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

func ingestctl(_ arguments: [String], stdin: String? = nil, in directory: String? = nil) throws -> ProcessResult {
    try runProcess(Executables.path("ingestctl"), arguments, stdin: stdin, currentDirectory: directory)
}

@Suite("ingestctl command lines")
struct IngestctlTests {
    @Test("validate lists every problem with its key path and exits 2")
    func validateProblems() throws {
        let dir = try TemporaryDirectory("ctl")
        defer { dir.remove() }
        let config = try dir.write("bad.toml", """
            [daemon]
            workers = 100
            [store]
            batch_size = "many"
            [pipeline]
            stages = ["sharpen"]
            [surprise]
            x = 1
            """)
        let result = try ingestctl(["validate", "--config", config])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(result.stderr)")
        #expect(lines.first == "invalid configuration (4 problems):")
        #expect(lines.dropFirst().first == "  - daemon.workers: 100 is out of range 1…64")
        #expect(lines.dropFirst(2).first == "  - store.batch_size: expected an integer, found string")
        // The known stages are listed, so a typo is easy to see.
        #expect(lines.dropFirst(3).first?.hasPrefix("  - pipeline.stages[0]: unknown stage 'sharpen' (known: ") == true)
        #expect(lines.dropFirst(3).first?.contains("dedupe") == true)
        #expect(lines.last == "  - surprise: unknown key")
    }

    @Test("the shipped etc/ingestd.toml is valid")
    func shippedConfig() throws {
        let result = try ingestctl(["validate", "--config", "\(repositoryRoot)/etc/ingestd.toml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("configuration OK (\(repositoryRoot)/etc/ingestd.toml); pipeline: "))
        #expect(result.stdout.contains("dedupe"), "the default pipeline runs every built-in stage")
    }

    @Test("a TOML syntax error names the file, line and column")
    func syntaxError() throws {
        let dir = try TemporaryDirectory("ctl")
        defer { dir.remove() }
        let config = try dir.write("broken.toml", "[daemon\nworkers = 2\n")
        let result = try ingestctl(["validate", "--config", config])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("invalid configuration (1 problem):\n  - \(config): line 1"))
    }

    @Test("run prints what the pipeline makes of a file and stores nothing")
    func runDry() throws {
        let dir = try TemporaryDirectory("ctl")
        defer { dir.remove() }
        let file = try dir.write("story.txt", "Harbour reopens after storm\n\nShips sailed again on Friday.\n")
        let result = try ingestctl(["run", file, "--json"], in: dir.path)
        #expect(result.status == 0, "\(result.stderr)")
        struct Line: Decodable {
            var file: String
            var outcome: String
            struct A: Decodable { var title: String?; var text: String; var format: String }
            var article: A
        }
        let line = try JSONDecoder().decode(Line.self, from: Data(result.stdout.utf8))
        #expect(line.outcome == "enqueue")
        #expect(line.article.title == "Harbour reopens after storm")
        #expect(line.article.text == "Ships sailed again on Friday.")
        #expect(line.article.format == "text")
        #expect(!FileManager.default.fileExists(atPath: dir.file("var")), "run must not create a database")
    }

    @Test("run reports a bad file on stderr and exits non-zero")
    func runBadFile() throws {
        let dir = try TemporaryDirectory("ctl")
        defer { dir.remove() }
        let file = try dir.write("bad.json", "{\"title\": ")
        let result = try ingestctl(["run", file], in: dir.path)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("ingestctl: \(file): decode: invalid JSON"))
    }

    @Test("with no daemon and no database, status says so clearly")
    func noDaemonNoDatabase() throws {
        let dir = try TemporaryDirectory("ctl")
        defer { dir.remove() }
        let result = try ingestctl(["status"], in: dir.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains("ingestd is not running (no answer on var/control.sock); reading the database directly"))
        #expect(result.stderr.contains("does not exist"))
    }

    @Test("bad arguments are refused with a usage message", arguments: [
        (["queue", "peek", "--state", "lost"], "--state must be one of ready, leased, done, dead"),
        (["queue", "claim", "--limit", "0"], "--limit must be within 1…10000"),
        (["queue", "ack", "abc"], "'abc' is not a queue row id"),
    ])
    func badArguments(arguments: [String], message: String) throws {
        let dir = try TemporaryDirectory("ctl")
        defer { dir.remove() }
        let result = try ingestctl(arguments, in: dir.path)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message))
    }

    @Test("a socket that is not ingestd's is named as such")
    func wrongPeer() throws {
        let dir = try TemporaryDirectory("ctl")
        defer { dir.remove() }
        // A plain file where the socket should be: connecting fails with a clear message, not a hang.
        try dir.write("var/control.sock", "not a socket")
        let result = try ingestctl(["queue", "stats", "--socket", dir.file("var/control.sock")], in: dir.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains("control.sock"))
    }
}

/// A Unix socket that answers every connection with one fixed HTTP response, then closes: a stand-in
/// for a daemon of another version.
final class FixedAnswerServer: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init(path: String, response: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        let listener = fd
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = read(client, &buffer, buffer.count)
                let bytes = Array(response.utf8)
                _ = write(client, bytes, bytes.count)
                close(client)
            }
        }
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        unlink(path)
    }
}

@Suite("ingestctl against a peer that is not this version of ingestd")
struct PeerTests {
    @Test("a daemon of another API version is refused with a clear message")
    func otherVersion() throws {
        let dir = try TemporaryDirectory("peer")
        defer { dir.remove() }
        let body = #"{"version":"9.0.0","api":"2"}"#
        let server = try FixedAnswerServer(
            path: dir.file("ctl.sock"),
            response: "HTTP/1.1 200 OK\r\nIngestd-Api: 2\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let result = try ingestctl(["queue", "stats", "--socket", server.path], in: dir.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("the daemon speaks control API v2; this ingestctl speaks v1"))
    }

    @Test("a socket that does not answer like ingestd is named as such")
    func notIngestd() throws {
        let dir = try TemporaryDirectory("peer")
        defer { dir.remove() }
        let server = try FixedAnswerServer(path: dir.file("web.sock"), response: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
        let result = try ingestctl(["status", "--socket", server.path], in: dir.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("does not answer like ingestd (no Ingestd-Api header)"))
    }
}

@Suite("ingestd command line")
struct IngestdCommandTests {
    @Test("--check-config prints every problem with its key path and exits non-zero")
    func checkConfigProblems() throws {
        let dir = try TemporaryDirectory("ingestd-cli")
        let config = try dir.write("bad.toml", """
            [queue]
            lease_secs = -1
            [[sources.folders]]
            path = "in"
            on_success = "keep"
            """)
        let result = try runProcess(Executables.path("ingestd"), ["--check-config", "--config", config])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("ingestd: invalid configuration (3 problems):\n"))
        #expect(result.stderr.contains("  - queue.lease_secs: -1 is out of range 1…86400\n"))
        #expect(result.stderr.contains("  - sources.folders[0].name: "))
        #expect(result.stderr.contains("  - sources.folders[0].on_success: 'keep' is not one of 'move', 'delete'\n"))
    }

    @Test("--check-config accepts the embedded defaults and names the pipeline")
    func checkConfigDefaults() throws {
        let dir = try TemporaryDirectory("ingestd-cli")
        let result = try runProcess(Executables.path("ingestd"), ["--check-config"], currentDirectory: dir.path)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("configuration OK (embedded defaults); pipeline: "))
        #expect(result.stdout.contains("dedupe"), "the default pipeline runs every built-in stage")
    }
}
