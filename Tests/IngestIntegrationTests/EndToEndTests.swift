import Foundation
import IngestStore
import IngestTestKit
import Testing

@Suite("end to end: the real ingestd binary", .serialized)
struct EndToEndTests {
    @Test("1,000 files dropped: each good one once in the queue, each bad one in failed/ with its reason")
    func thousandFiles() async throws {
        let dir = try TemporaryDirectory("e2e")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir, extra: "")
        try daemon.directory.write("ingestd.toml", (try String(contentsOfFile: daemon.configPath, encoding: .utf8)) + "max_file_bytes = 65536\n")
        try await daemon.start()
        let staging = dir.file("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)

        var expected: [String] = []
        var bad: [String: String] = [:]  // file name → a word its reason must contain
        // 700 plain-text files written straight into the inbox.
        for n in 0..<700 {
            try Data(story(n).utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/s\(n).txt"))
            expected.append("Story number \(n) about the harbour")
        }
        // 150 renamed into place: Markdown, HTML, JSON and JSON Lines.
        for n in 700..<740 {
            try renameIntoPlace("m\(n).md", "# Story number \(n) about the harbour\n\nSome *text* here.\n", staging: staging, inbox: daemon.inbox)
            expected.append("Story number \(n) about the harbour")
        }
        for n in 740..<780 {
            try renameIntoPlace("h\(n).html", "<html><head><title>Story number \(n) about the harbour</title></head><body><p>Body \(n)</p></body></html>", staging: staging, inbox: daemon.inbox)
            expected.append("Story number \(n) about the harbour")
        }
        for n in 780..<820 {
            try renameIntoPlace("j\(n).json", #"{"title":"Story number \#(n) about the harbour","text":"Body","url":"https://example.org/\#(n)"}"#, staging: staging, inbox: daemon.inbox)
            expected.append("Story number \(n) about the harbour")
        }
        for n in 820..<850 {
            let lines = (0..<3).map { #"{"title":"Story number \#(n)-\#($0) about the harbour","text":"Body \#($0)"}"# }
            try renameIntoPlace("l\(n).jsonl", lines.joined(separator: "\n") + "\n", staging: staging, inbox: daemon.inbox)
            expected += (0..<3).map { "Story number \(n)-\($0) about the harbour" }
        }
        // 50 written slowly in chunks through one open handle, ten at a time.
        for batch in stride(from: 850, to: 900, by: 10) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in batch..<batch + 10 {
                    group.addTask {
                        // One open(2), many write(2)s with pauses, one close(2): a writer streaming a file.
                        let fd = open("\(daemon.inbox)/slow\(n).txt", O_CREAT | O_WRONLY | O_TRUNC, 0o644)
                        guard fd >= 0 else { throw POSIXError(.EIO) }
                        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
                        for chunk in story(n).split(separator: " ", omittingEmptySubsequences: false).map({ $0 + " " }) {
                            try handle.write(contentsOf: Data(chunk.utf8))
                            try await Task.sleep(for: .milliseconds(10))
                        }
                        try handle.close()
                    }
                }
                try await group.waitForAll()
            }
            expected += (batch..<batch + 10).map { "Story number \($0) about the harbour" }
        }
        // 100 bad files.
        for n in 0..<20 { try Data("%PDF-1.4 \(n)".utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/bad\(n).pdf")); bad["bad\(n).pdf"] = ".txt" }
        for n in 20..<40 { try Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, UInt8(n)]).write(to: URL(fileURLWithPath: "\(daemon.inbox)/bad\(n).txt")); bad["bad\(n).txt"] = "binary" }
        for n in 40..<60 { try Data().write(to: URL(fileURLWithPath: "\(daemon.inbox)/bad\(n).txt")); bad["bad\(n).txt"] = "empty" }
        for n in 60..<80 { try Data("{\"title\": broken \(n)".utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/bad\(n).json")); bad["bad\(n).json"] = "invalid JSON" }
        for n in 80..<100 { try Data(String(repeating: "x", count: 70_000).utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/bad\(n).txt")); bad["bad\(n).txt"] = "limit" }

        let settled = await waitUntil(timeout: .seconds(120)) { inboxFiles(daemon).isEmpty && queueCount(daemon) >= expected.count }
        #expect(settled, "inbox left: \(inboxFiles(daemon).prefix(10)); queued \(queueCount(daemon)) of \(expected.count)")
        try await Task.sleep(for: .milliseconds(300))

        let titles = try storedTitles(daemon)
        #expect(titles.count == expected.count)
        #expect(Set(titles) == Set(expected))
        #expect(Dictionary(grouping: titles, by: { $0 }).filter { $0.value.count > 1 }.isEmpty, "a file was enqueued twice")

        let failed = Set(dir.files(in: "state/inbox/failed"))
        for (name, word) in bad {
            #expect(failed.contains(name), "\(name) not in failed/")
            let errorFile = dir.file("state/inbox/failed/\(name).error.json")
            let reason = (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? ""
            #expect(reason.contains(word), "\(name): reason \(reason) lacks '\(word)'")
        }
        #expect(dir.files(in: "state/inbox/done").count == 900)

        let status = try daemon.ctl(["status", "--json"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("\"name\":\"inbox\""))
        // The control socket is for the daemon's user and group only.
        let mode = try FileManager.default.attributesOfItem(atPath: daemon.socketPath)[.posixPermissions] as? Int
        #expect(mode == 0o660)
        #expect(daemon.stop() == 0, "SIGTERM should end ingestd cleanly; log:\n\(daemon.log().suffix(2000))")
    }

    @Test("kill -9 during an ingest of 3,000 files, restart: every file exactly once, none lost")
    func crashAndRestart() async throws {
        let dir = try TemporaryDirectory("crash")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir)
        let count = 3_000
        try FileManager.default.createDirectory(atPath: daemon.inbox, withIntermediateDirectories: true)
        for n in 0..<count {
            try Data(story(n).utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/c\(n).txt"))
        }
        // Two crashes at different points of the ingest, then a clean run to the end.
        for threshold in [300, 1_500] {
            try await daemon.start()
            _ = await waitUntil(timeout: .seconds(60)) { queueCount(daemon) >= threshold }
            daemon.crash()
        }
        try await daemon.start()
        let done = await waitUntil(timeout: .seconds(120)) { inboxFiles(daemon).isEmpty && queueCount(daemon) >= count }
        #expect(done, "inbox left: \(inboxFiles(daemon).count); queued \(queueCount(daemon))")
        try await Task.sleep(for: .milliseconds(500))
        let titles = try storedTitles(daemon)
        #expect(titles.count == count)
        #expect(Set(titles).count == count)
        #expect(daemon.stop() == 0)
    }

    @Test("SIGTERM during an ingest: exits 0, every file in done/ is committed, a restart finishes the rest once")
    func gracefulStopMidway() async throws {
        let dir = try TemporaryDirectory("sigterm")
        let daemon = try DaemonProcess(directory: dir)
        let count = 2_000
        try FileManager.default.createDirectory(atPath: daemon.inbox, withIntermediateDirectories: true)
        for n in 0..<count {
            try Data(story(n).utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/g\(n).txt"))
        }
        try await daemon.start()
        _ = await waitUntil(timeout: .seconds(60)) { queueCount(daemon) >= 200 }
        #expect(daemon.stop() == 0, "log:\n\(daemon.log().suffix(2000))")
        // What was moved to done/ must be in the store: a file leaves the inbox only after its commit.
        let committed = Set(try storedTitles(daemon))
        let done = dir.files(in: "state/inbox/done")
        #expect(!done.isEmpty)
        for name in done {
            let n = Int(name.dropFirst().dropLast(4))!
            #expect(committed.contains("Story number \(n) about the harbour"), "\(name) in done/ but not committed")
        }
        try await daemon.start()
        #expect(await waitUntil(timeout: .seconds(120)) { inboxFiles(daemon).isEmpty && queueCount(daemon) >= count })
        try await Task.sleep(for: .milliseconds(300))
        let titles = try storedTitles(daemon)
        #expect(titles.count == count)
        #expect(Set(titles).count == count)
        #expect(daemon.stop() == 0)
    }

    @Test("read-only commands fall back to the database when the daemon is down, and say so")
    func fallback() async throws {
        let dir = try TemporaryDirectory("fallback")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir)
        try await daemon.start()
        try Data(story(1).utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/one.txt"))
        #expect(await waitUntil { queueCount(daemon) == 1 })
        #expect(daemon.stop() == 0)

        let stats = try daemon.ctl(["queue", "stats", "--json"])
        #expect(stats.status == 0)
        #expect(stats.stderr.contains("ingestd is not running"))
        #expect(stats.stdout.contains("\"ready\":1"))
        let status = try daemon.ctl(["status", "--json"])
        #expect(status.stdout.contains("\"running\":false"))
        #expect(status.stdout.contains("\"inbox\":{\"failed\":0,\"ingested\":1}"))
        let show = try daemon.ctl(["articles", "show", "1"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("Story number 1 about the harbour"))
    }
}
