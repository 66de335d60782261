import Foundation
import Glibc
@testable import IngestDaemon
import IngestTestKit
import Testing

/// What `make reliability` (scripts/reliability.py) found, kept as tests: the status while the store
/// refuses writes, and a full disk under a running daemon.
@Suite("reliability: a store that refuses writes", .serialized)
struct ReliabilityTests {
    @Test("status says intake is waiting on the store until the next commit succeeds")
    func waitingOnTheStore() {
        let stats = RuntimeStats(stageNames: [])
        #expect(stats.snapshot().lastStoreError == nil)
        stats.recordStoreError("store: commit: database or disk is full (SQLite code 13)")
        stats.recordStoreError("store: commit: database or disk is full (SQLite code 13)")
        let waiting = stats.snapshot().lastStoreError ?? ""
        #expect(waiting.hasPrefix("intake waiting on the store since "))
        #expect(waiting.hasSuffix("retrying: store: commit: database or disk is full (SQLite code 13)"))
        stats.recordCommit(source: "inbox", enqueued: 1, dropped: 0, alreadyIngested: false)
        // The error stays visible, no longer as a wait.
        #expect(stats.snapshot().lastStoreError == "store: commit: database or disk is full (SQLite code 13)")
    }

    @Test("a full disk: files wait in the inbox, status says why, and all get in once when space returns")
    func diskFull() async throws {
        let dir = try TemporaryDirectory("disk-full")
        defer { dir.remove() }
        let mountpoint = dir.file("small")
        try FileManager.default.createDirectory(atPath: mountpoint, withIntermediateDirectories: true)
        let mounted = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", mountpoint])
        guard mounted.status == 0 else {
            print("skipped: cannot mount a tmpfs here (\(mounted.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
            return
        }
        defer { _ = try? runProcess("/bin/umount", ["-l", mountpoint]) }
        let daemon = try DaemonProcess(directory: dir)
        let state = mountpoint + "/state"
        let config = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
            .replacingOccurrences(of: "state_dir = \"\(daemon.stateDirectory)\"", with: "state_dir = \"\(state)\"\ncontrol_socket = \"\(dir.file("control.sock"))\"")
        try config.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let inbox = state + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try await daemon.start()
        try Data(story(0).utf8).write(to: URL(fileURLWithPath: inbox + "/first.txt"))
        #expect(await waitUntil(timeout: .seconds(30)) { (try? FileManager.default.contentsOfDirectory(atPath: inbox + "/done"))?.count == 1 })

        // Files written while intake is paused, then the rest of the disk filled: the first commit meets it.
        _ = try daemon.ctl(["pause"])
        let count = 150
        for n in 1...count {
            // Words of its own for each file, so dedupe keeps every one (a shared body reads as a near-duplicate).
            let words = (0..<300).map { "w\((n &* 7_919 &+ $0 &* 104_729) % 1_000_003)" }
            let text = story(n) + words.joined(separator: " ") + ".\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: inbox + "/f\(n).txt"))
        }
        let filler = mountpoint + "/filler"
        let fd = open(filler, O_CREAT | O_WRONLY, 0o644)
        let block = [UInt8](repeating: 0, count: 4096)
        while write(fd, block, block.count) > 0 {}
        close(fd)
        _ = try daemon.ctl(["resume"])

        let said = await waitUntil(timeout: .seconds(40)) {
            let status = try? daemon.ctl(["status", "--json"])
            return status?.stdout.contains("intake waiting on the store") == true
        }
        #expect(said, "status never said intake waits on the store; log:\n\(daemon.log().suffix(2000))")
        #expect(daemon.process?.isRunning == true)
        let failed = (try? FileManager.default.contentsOfDirectory(atPath: inbox + "/failed")) ?? []
        #expect(failed.isEmpty, "files failed on a full disk: \(failed.prefix(5))")

        try FileManager.default.removeItem(atPath: filler)
        let finished = await waitUntil(timeout: .seconds(120)) {
            ((try? FileManager.default.contentsOfDirectory(atPath: inbox + "/done"))?.count ?? 0) == count + 1
        }
        #expect(finished, "log:\n\(daemon.log().suffix(2000))")
        let queue = try daemon.ctl(["queue", "stats", "--json"])
        #expect(queue.stdout.contains("\"ready\":\(count + 1)"), "queue: \(queue.stdout)")
        let status = try daemon.ctl(["status", "--json"])
        #expect(!status.stdout.contains("intake waiting on the store"))
        #expect(daemon.stop() == 0)
    }
}
