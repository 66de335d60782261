import Foundation
import Glibc
import IngestCore
@testable import IngestDaemon
import IngestTestKit
import Testing

/// A TCP port free right now on 127.0.0.1 (the kernel picks it; the socket is closed before it is used).
func freeLocalPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard ok else { throw POSIXError(.EADDRNOTAVAIL) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// One HTTP/1.1 request over a plain TCP socket to 127.0.0.1:`port`; the status code and body.
func httpRequest(port: Int, _ method: String, _ path: String) throws -> (status: Int, headers: String, body: String) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var tv = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    address.sin_port = UInt16(port).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED) }
    let request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/plain\r\n\r\n".utf8)
    guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { throw POSIXError(.EIO) }
    var data = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        data += buffer[0..<n]
    }
    let text = String(decoding: data, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { throw POSIXError(.EPROTO) }
    let head = String(text[..<split.lowerBound])
    let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    let body = String(text[split.upperBound...])
    if let length = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }) {
        #expect(Int(length.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) == body.utf8.count, "Content-Length")
    }
    return (status, head, body)
}

/// The inodes of the TCP sockets in LISTEN state on this host (IPv4 and IPv6), from /proc/net.
func listeningTCPInodes() -> Set<String> {
    var inodes: Set<String> = []
    for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            // sl local_address rem_address st … inode: st 0A is LISTEN, the inode is the 10th field.
            if fields.count > 9 && fields[3] == "0A" { inodes.insert(String(fields[9])) }
        }
    }
    return inodes
}

/// The inodes of every socket process `pid` holds open.
func socketInodes(pid: Int32) -> Set<String> {
    let dir = "/proc/\(pid)/fd"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    var inodes: Set<String> = []
    for name in names {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(dir)/\(name)"),
            target.hasPrefix("socket:[")
        else { continue }
        inodes.insert(String(target.dropFirst("socket:[".count).dropLast()))
    }
    return inodes
}

@Suite("metrics: the Prometheus endpoint of the real ingestd", .serialized)
struct MetricsTests {
    @Test("GET /metrics: a valid 0.0.4 exposition whose counts match what was ingested, dropped and failed")
    func scrapeAfterIngest() async throws {
        let dir = try TemporaryDirectory("metrics")
        defer { dir.remove() }
        let port = try freeLocalPort()
        // A feed nothing answers: its health shows in the feed families.
        let daemon = try DaemonProcess(
            directory: dir,
            extra: "[[sources.feeds]]\nname = \"unreachable\"\nurl = \"http://127.0.0.1:1/feed.xml\"\n\n[metrics]\nenabled = true\nlisten = \"127.0.0.1:\(port)\"\n")
        try await daemon.start()
        defer { daemon.stop() }

        // Nothing ingested yet: the endpoint answers, every stage has its (empty) histogram.
        let empty = try httpRequest(port: port, "GET", "/metrics")
        #expect(empty.status == 200)
        #expect(empty.headers.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8"))
        let before = try Exposition(empty.body)
        #expect(before.value("ingestd_stage_duration_seconds_count", ["stage": "clean"]) == 0)
        #expect(before.value("ingestd_queue_rows", ["queue": "default", "state": "ready"]) == 0)

        // Three stories, one exact copy of the first (dedupe drops it), one file that cannot be decoded.
        for n in 1...3 { try Data(story(n).utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/s\(n).txt")) }
        #expect(await waitUntil { queueCount(daemon) == 3 && inboxFiles(daemon).isEmpty })
        try Data(story(1).utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/copy.txt"))
        try Data(#"{"title": "cut short", "text": "#.utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/bad.json"))
        #expect(await waitUntil { inboxFiles(daemon).isEmpty && dir.files(in: "state/inbox/failed").contains("bad.json") })

        var metrics = try Exposition("")
        let settled = try await waitUntil {
            let response = try httpRequest(port: port, "GET", "/metrics")
            guard response.status == 200 else { return false }
            metrics = try Exposition(response.body)
            return metrics.value("ingestd_stage_articles_failed_total", ["stage": "decode"]) == 1
                && metrics.value("ingestd_articles_dropped_total", ["stage": "dedupe", "reason": "duplicate: same text"]) == 1
                && metrics.value("ingestd_feed_up", ["feed": "unreachable"]) == 0
        }
        #expect(settled, "\(metrics.families.keys.sorted())")

        #expect(metrics.value("ingestd_source_articles_in_total", ["source": "inbox"]) == 4)
        #expect(metrics.value("ingestd_source_articles_out_total", ["source": "inbox"]) == 3)
        #expect(metrics.value("ingestd_stage_articles_in_total", ["stage": "decode"]) == 5, "inputs, the bad one included")
        #expect(metrics.value("ingestd_stage_articles_out_total", ["stage": "decode"]) == 4)
        #expect(metrics.value("ingestd_stage_articles_in_total", ["stage": "clean"]) == 4)
        #expect(metrics.value("ingestd_stage_articles_in_total", ["stage": "dedupe"]) == 4)
        #expect(metrics.value("ingestd_stage_articles_out_total", ["stage": "dedupe"]) == 3)
        #expect(metrics.value("ingestd_stage_articles_in_total", ["stage": "classify"]) == 3)
        #expect(metrics.value("ingestd_stage_articles_out_total", ["stage": "classify"]) == 3)
        #expect(metrics.value("ingestd_commits_enqueued_total") == 3)
        #expect(metrics.samples("ingestd_articles_dropped_total").map(\.value).reduce(0, +) == 1)
        // One histogram per stage, decode included, each counting what the stage saw.
        for (stage, count) in [("decode", 5.0), ("clean", 4), ("dedupe", 4), ("extract", 3), ("classify", 3)] {
            #expect(metrics.value("ingestd_stage_duration_seconds_count", ["stage": stage]) == count, "\(stage)")
            #expect((metrics.value("ingestd_stage_duration_seconds_sum", ["stage": stage]) ?? -1) >= 0, "\(stage)")
            let buckets = metrics.samples("ingestd_stage_duration_seconds_bucket", ["stage": stage])
            #expect(buckets.count == 18, "17 fixed bounds and +Inf for \(stage)")
        }
        #expect(metrics.value("ingestd_queue_rows", ["queue": "default", "state": "ready"]) == 3)
        #expect(metrics.value("ingestd_queue_rows", ["queue": "default", "state": "done"]) == 0)
        #expect((metrics.value("ingestd_queue_oldest_ready_age_seconds", ["queue": "default"]) ?? -1) >= 0)
        #expect(metrics.families["ingestd_feed_up"]?.type == "gauge")
        #expect(metrics.value("ingestd_feed_up", ["feed": "unreachable"]) == 0)
        #expect((metrics.value("ingestd_feed_consecutive_errors", ["feed": "unreachable"]) ?? 0) >= 1)
        #expect(metrics.value("ingestd_feed_failing", ["feed": "unreachable"]) == 0, "failing from 5 errors in a row")
        #expect(metrics.samples("ingestd_feed_last_success_timestamp_seconds").isEmpty, "never polled successfully")
        #expect(metrics.families["ingestd_plugin_restarts_total"]?.type == "counter")
        #expect(metrics.value("ingestd_build_info", ["version": ControlAPI.ingestdVersion]) == 1)

        // Only GET /metrics is served.
        #expect(try httpRequest(port: port, "GET", "/").status == 404)
        #expect(try httpRequest(port: port, "POST", "/metrics").status == 405)

        // ingestctl status shows each stage's p50/p99 and the oldest ready row's age.
        let status = try daemon.ctl(["status", "--table"])
        #expect(status.status == 0, "\(status.stderr)")
        let header = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix("STAGE ") }, "\(status.stdout)")
        #expect(header.contains("P50") && header.contains("P99"), "\(status.stdout)")
        let clean = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix("clean ") })
        #expect(clean.split(separator: " ").filter { $0.hasSuffix("ms") || $0.hasSuffix("s") }.count == 2, "\(clean)")
        #expect(status.stdout.contains("OLDEST READY"), "\(status.stdout)")
        // Sources in trouble first: the feed backing off comes before the inbox, listed first by the daemon.
        let lines = status.stdout.split(separator: "\n")
        let sourcesHeader = try #require(lines.firstIndex { $0.hasPrefix("NAME ") })
        #expect(lines[sourcesHeader + 1].hasPrefix("unreachable "), "\(status.stdout)")
        #expect(lines[sourcesHeader + 2].hasPrefix("inbox "), "\(status.stdout)")
        let json = try daemon.ctl(["status", "--json"])
        let report = try ControlAPI.decoder().decode(StatusReport.self, from: Data(json.stdout.utf8))
        let cleanCounts = try #require(report.stages.first { $0.name == "clean" })
        let p50 = try #require(cleanCounts.p50Ms)
        let p99 = try #require(cleanCounts.p99Ms)
        #expect(p50 > 0 && p50 <= p99)
        #expect(report.oldestReadySecs?["default"] != nil)
    }

    @Test("off by default: the daemon opens no TCP listening socket")
    func offByDefault() async throws {
        let (configuration, _) = try ConfigLoader.parse("")
        #expect(configuration.metrics.enabled == false)
        #expect(configuration.metrics.listen == "127.0.0.1:9464")

        let dir = try TemporaryDirectory("metrics-off")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir)
        try await daemon.start()
        defer { daemon.stop() }
        let pid = try #require(daemon.process?.processIdentifier)
        let sockets = socketInodes(pid: pid)
        #expect(!sockets.isEmpty, "the control socket at least")
        #expect(sockets.isDisjoint(with: listeningTCPInodes()), "no TCP listener in the daemon")
        #expect(!daemon.log().contains("metrics listening"))
    }

    @Test("a port in use stops the start with the reason")
    func portInUse() async throws {
        let dir = try TemporaryDirectory("metrics-busy")
        defer { dir.remove() }
        // Hold a port: bind and listen on it for the length of the test.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound && listen(fd, 1) == 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let daemon = try DaemonProcess(directory: dir, extra: "[metrics]\nenabled = true\nlisten = \"127.0.0.1:\(port)\"\n")
        let result = try runProcess(Executables.path("ingestd"), ["--config", daemon.configPath])
        #expect(result.status != 0)
        #expect(result.stderr.contains("metrics: bind 127.0.0.1:\(port)"), "\(result.stderr)")
    }

    @Test("[metrics] is validated: loopback only unless allowed, a well-formed listen address, no unknown keys")
    func configuration() throws {
        func problems(_ toml: String) -> [String] {
            do {
                _ = try ConfigLoader.parse(toml)
                return []
            } catch {
                return error.problems.map { "\($0.keyPath): \($0.message)" }
            }
        }
        let enabled = try ConfigLoader.parse("[metrics]\nenabled = true\nlisten = \"[::1]:9100\"\n").0.metrics
        #expect(enabled.enabled && enabled.port == 9100 && enabled.address == [UInt8](repeating: 0, count: 15) + [1])
        #expect(try ConfigLoader.parse("[metrics]\nlisten = \"localhost:9464\"\n").0.metrics.address == [127, 0, 0, 1])
        #expect(try ConfigLoader.parse("[metrics]\nlisten = \"127.0.0.2:80\"\n").0.metrics.address == [127, 0, 0, 2])

        let remote = problems("[metrics]\nenabled = true\nlisten = \"0.0.0.0:9464\"\n")
        #expect(remote.count == 1 && remote[0].hasPrefix("metrics.listen: 0.0.0.0:9464 is not a loopback address"), "\(remote)")
        #expect(problems("[metrics]\nlisten = \"[::]:9464\"\n").count == 1)
        #expect(problems("[metrics]\nenabled = true\nlisten = \"0.0.0.0:9464\"\nallow_non_loopback = true\n").isEmpty)
        #expect(problems("[metrics]\nlisten = \"[2001:db8::1]:9464\"\nallow_non_loopback = true\n").isEmpty)

        for bad in ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.256:80", "example.org:80", "[::1]9464", "[1::2::3]:80", ":9464", "127.1:80"] {
            let found = problems("[metrics]\nlisten = \"\(bad)\"\n")
            #expect(found.count == 1 && found[0].hasPrefix("metrics.listen: "), "\(bad): \(found)")
        }
        #expect(problems("[metrics]\nport = 9464\n") == ["metrics.port: unknown key"])
        #expect(problems("[metrics]\nenabled = \"yes\"\n") == ["metrics.enabled: expected true or false, found string"])
    }

    @Test("the exposition reader rejects what a scraper would")
    func strictReader() throws {
        let good = "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"q\\\"\\\\\\n\"} 3\n"
        #expect(try Exposition(good).value("a_total", ["x": "q\"\\\n"]) == 3)
        for bad in [
            "a_total 3\n",  // no HELP/TYPE
            "# HELP a_total A.\n# TYPE a_total counter\na_total 3",  // no final line feed
            "# HELP a_total A.\n# TYPE a_total counter\nb_total 3\n",  // outside its family
            "# HELP a A.\n# TYPE a counter\na 3\n",  // counter without _total
            "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\",x=\"2\"} 3\n",  // repeated label
            "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"\\t\"} 3\n",  // bad escape
            "# HELP h A.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",  // not cumulative
            "# HELP h A.\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",  // +Inf ≠ count
            "# HELP g A.\n# TYPE g gauge\ng 1\n# HELP k A.\n# TYPE k gauge\nk 1\n# HELP g A.\n",  // family comes back
        ] {
            #expect(throws: Exposition.Problem.self, "\(bad)") { try Exposition(bad) }
        }
    }
}
