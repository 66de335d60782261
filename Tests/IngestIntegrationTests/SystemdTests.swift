import Foundation
import Glibc
import IngestTestKit
import Synchronization
import Testing

/// A notify socket of our own, as systemd would hold it: collects every datagram the daemon sends.
final class NotifyListener: Sendable {
    let path: String
    private let fd: Int32
    private let messages = Mutex<[String]>([])
    private let stopped = Atomic<Bool>(false)

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
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var tv = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !stopped.load(ordering: .relaxed) {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n > 0 { messages.withLock { $0.append(String(decoding: buffer[0..<n], as: UTF8.self)) } }
            }
        }
        thread.start()
    }

    /// Every message so far, split into its `KEY=value` lines.
    var received: [[String]] { messages.withLock { $0.map { $0.split(separator: "\n").map(String.init) } } }

    /// The state changes in order (`READY`, `WATCHDOG`, `RELOADING`, `STOPPING`), without the messages that
    /// only update `STATUS=`.
    var kinds: [String] {
        received.compactMap { $0.first?.split(separator: "=").first.map(String.init) }.filter { $0 != "STATUS" }
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        close(fd)
        unlink(path)
    }
}

@Suite("systemd integration")
struct SystemdTests {
    @Test("ingestd says READY=1, beats WATCHDOG=1 at half WATCHDOG_USEC, RELOADING=1 on SIGHUP, and STOPPING=1 on SIGTERM")
    func notifyProtocol() async throws {
        let dir = try TemporaryDirectory("notify")
        let listener = try NotifyListener(path: dir.file("notify.sock"))
        defer { listener.stop() }
        let daemon = try DaemonProcess(directory: dir)
        let process = try daemon.launch(environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "1000000"])
        #expect(await waitUntil { listener.kinds.filter { $0 == "WATCHDOG" }.count >= 2 })
        kill(process.processIdentifier, SIGHUP)
        #expect(await waitUntil { listener.kinds.filter { $0 == "READY" }.count == 2 }, "READY=1 again after the reload")
        #expect(process.isRunning, "SIGHUP reloads, it does not stop the daemon")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(await waitUntil { listener.kinds.contains("STOPPING") })
        let kinds = listener.kinds
        #expect(kinds.first == "READY", "\(kinds)")
        #expect(kinds.last == "STOPPING", "\(kinds)")
        let reloading = try #require(kinds.firstIndex(of: "RELOADING"), "\(kinds)")
        // The watchdog keeps beating while the stages reload (more so on a loaded machine): the next other
        // message is READY=1.
        #expect(kinds[(reloading + 1)...].first { $0 != "WATCHDOG" } == "READY", "RELOADING=1, then READY=1: \(kinds)")
        #expect(Set(kinds.dropFirst().dropLast()).subtracting(["RELOADING", "READY"]) == ["WATCHDOG"], "\(kinds)")
        let reloadMessage = try #require(listener.received.first { $0.first == "RELOADING=1" })
        #expect(reloadMessage.contains { $0.hasPrefix("MONOTONIC_USEC=") }, "systemd orders reloads by it")
        // The status line tells an operator what the daemon does.
        let ready = try #require(listener.received.first)
        #expect(ready.contains { $0.hasPrefix("STATUS=") && $0.contains("articles/min") })
    }

    @Test("the unit passes systemd-analyze verify and its security exposure is 2.0 or lower")
    func unitFile() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else {
            Issue.record("systemd-analyze is missing; `make deps` installs systemd")
            return
        }
        let unit = "\(repositoryRoot)/systemd/ingestd.service"
        let security = try runProcess(analyze, ["security", "--offline=true", "--no-pager", unit])
        let line = security.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") } ?? ""
        let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(score != nil, "\(security.stdout) \(security.stderr)")
        #expect((score ?? 10) <= 2.0, "\(line)")
        // verify checks the unit's syntax, that its binaries exist and its man page opens; neither is
        // installed here (`make install` does that), so only other problems count.
        let verify = try runProcess(analyze, ["verify", unit])
        let problems = (verify.stdout + verify.stderr).split(separator: "\n").filter {
            !$0.contains("/usr/bin/ingestd is not executable") && !$0.contains("Command 'man ") && !$0.isEmpty
        }
        #expect(problems.isEmpty, "\(problems)")
    }
}

/// The repository's root, from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
