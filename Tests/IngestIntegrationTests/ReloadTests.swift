import Foundation
import Glibc
import IngestCore
import IngestDaemon
import IngestSources
import IngestStore
import IngestTestKit
import Testing

/// SIGHUP re-reads the whole config: the real `ingestd`, its config file rewritten between signals, real
/// folders and a local HTTP server.
@Suite("reloading the config on SIGHUP", .serialized)
struct ReloadTests {
    /// The config `DaemonProcess` writes, with `body` instead of its one inbox folder.
    static func config(_ daemon: DaemonProcess, _ body: String) -> String {
        """
        [daemon]
        state_dir = "\(daemon.stateDirectory)"
        log_level = "info"

        \(body)
        """
    }

    static func folder(_ name: String) -> String {
        """

        [[sources.folders]]
        name = "\(name)"
        path = "\(name)"

        """
    }

    static func feed(_ name: String, _ url: String) -> String {
        """

        [[sources.feeds]]
        name = "\(name)"
        url = "\(url)"

        """
    }

    /// Log lines that end a reload, applied or refused.
    static func reloadsDone(_ daemon: DaemonProcess) -> Int {
        daemon.log().split(separator: "\n").filter {
            $0.contains("configuration reloaded") || $0.contains("reload refused; the running configuration stays")
        }.count
    }

    /// The running daemon's status, asked on its socket: the config file may be broken on purpose.
    static func status(_ daemon: DaemonProcess) throws -> StatusReport {
        let result = try runProcess(Executables.path("ingestctl"), ["status", "--json", "--socket", daemon.socketPath])
        return try ControlAPI.decoder().decode(StatusReport.self, from: Data(result.stdout.utf8))
    }

    /// Writes `config`, sends SIGHUP, waits until the reload is done and returns its result.
    static func reload(_ daemon: DaemonProcess, pid: pid_t? = nil, with config: String) async throws -> ReloadResult? {
        _ = try daemon.directory.write("ingestd.toml", config)
        let before = reloadsDone(daemon)
        let pid = try #require(pid ?? daemon.process?.processIdentifier)
        kill(pid, SIGHUP)
        #expect(await waitUntil(timeout: .seconds(30)) { reloadsDone(daemon) > before }, "\(daemon.log())")
        return try status(daemon).lastReload
    }

    static func files(_ path: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { name in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: "\(path)/\(name)", isDirectory: &isDir)
            return !isDir.boolValue
        }.sorted()
    }

    @Test("a folder added to the config is watched after SIGHUP; a removed one is left alone, its files untouched")
    func folders() async throws {
        let dir = try TemporaryDirectory("reload-folders")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir)
        try await daemon.start()
        defer { daemon.stop() }
        let staging = dir.file("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let second = daemon.directory.file("state/second")

        try renameIntoPlace("one.txt", story(1), staging: staging, inbox: daemon.inbox)
        #expect(await waitUntil { queueCount(daemon) == 1 })

        // Added: the second folder is created and watched.
        let added = try await Self.reload(daemon, with: Self.config(daemon, Self.folder("inbox") + Self.folder("second")))
        #expect(added?.ok == true, "\(daemon.log())")
        #expect(added?.summary?.contains("folders +1 -0 ~0") == true, "\(String(describing: added))")
        #expect(await waitUntil { FileManager.default.fileExists(atPath: second) })
        #expect(try Self.status(daemon).sources.filter { $0.kind == .folder }.map(\.name).sorted() == ["inbox", "second"])
        try renameIntoPlace("two.txt", story(2), staging: staging, inbox: second)
        #expect(await waitUntil { queueCount(daemon) == 2 }, "\(daemon.log())")
        #expect(await waitUntil { Self.files(second + "/done") == ["two.txt"] })

        // Removed: the inbox is no longer watched; a file dropped there stays where it is, as it was.
        let removed = try await Self.reload(daemon, with: Self.config(daemon, Self.folder("second")))
        #expect(removed?.ok == true)
        #expect(removed?.summary?.contains("folders +0 -1 ~0") == true, "\(String(describing: removed))")
        #expect(try Self.status(daemon).sources.filter { $0.kind == .folder }.map(\.name) == ["second"])
        try renameIntoPlace("three.txt", story(3), staging: staging, inbox: daemon.inbox)
        // The still-watched folder proves the daemon is taking files meanwhile.
        try renameIntoPlace("four.txt", story(4), staging: staging, inbox: second)
        #expect(await waitUntil { queueCount(daemon) == 3 })
        try await Task.sleep(for: .seconds(2))
        #expect(inboxFiles(daemon) == ["three.txt"])
        #expect(try String(contentsOfFile: daemon.inbox + "/three.txt", encoding: .utf8) == story(3))
        #expect(Self.files(daemon.inbox + "/done") == ["one.txt"])
        #expect(Self.files(daemon.inbox + "/failed").isEmpty)
        #expect(queueCount(daemon) == 3)
        #expect(try storedTitles(daemon).sorted() == [1, 2, 4].map { "Story number \($0) about the harbour" })

        // Added back, the inbox takes the file that waited.
        let back = try await Self.reload(daemon, with: Self.config(daemon, Self.folder("inbox") + Self.folder("second")))
        #expect(back?.ok == true)
        #expect(await waitUntil { queueCount(daemon) == 4 })
        #expect(await waitUntil { inboxFiles(daemon).isEmpty })

        // Changed: the inbox starts again with its new settings (files are deleted once committed).
        let changed = try await Self.reload(
            daemon, with: Self.config(daemon, Self.folder("inbox") + "on_success = \"delete\"\n" + Self.folder("second")))
        #expect(changed?.ok == true)
        #expect(changed?.summary?.contains("folders +0 -0 ~1") == true, "\(String(describing: changed))")
        try renameIntoPlace("five.txt", story(5), staging: staging, inbox: daemon.inbox)
        #expect(await waitUntil { queueCount(daemon) == 5 }, "\(daemon.log())")
        #expect(await waitUntil { inboxFiles(daemon).isEmpty })
        #expect(Self.files(daemon.inbox + "/done") == ["one.txt", "three.txt"])
        #expect(daemon.stop() == 0)
    }

    @Test("a feed added to the config is fetched after SIGHUP; removed, it is not fetched again; added ones stay")
    func feeds() async throws {
        let server = try RequestLogServer()
        defer { server.stop() }
        try server.serve("news.xml", """
            <?xml version="1.0"?><rss version="2.0"><channel><title>Reload news</title>
            <item><guid>reload-1</guid><title>Ferry timetable changes for winter</title>
            <description>The ferry company publishes its winter timetable with fewer crossings.</description></item>
            </channel></rss>
            """)
        let dir = try TemporaryDirectory("reload-feeds")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir)
        try await daemon.start()
        defer { daemon.stop() }
        // A feed added with ingestctl: it must survive every reload.
        let add = try daemon.ctl(["feeds", "add", FeedServer.shared.url("/atom.xml"), "--name", "cli-atom"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(await waitUntil { queueCount(daemon) == 1 })
        #expect(server.requests("/news.xml") == 0)

        let added = try await Self.reload(
            daemon, with: Self.config(daemon, Self.folder("inbox") + Self.feed("news", server.url("/news.xml"))))
        #expect(added?.ok == true, "\(daemon.log())")
        #expect(added?.summary?.contains("feeds +1 -0 ~0") == true, "\(String(describing: added))")
        #expect(await waitUntil { server.requests("/news.xml") == 1 }, "the added feed is polled at once")
        #expect(await waitUntil { queueCount(daemon) == 2 })
        #expect(try storedTitles(daemon).contains("Ferry timetable changes for winter"))
        let names = try FeedDaemonTests.listings(daemon).map(\.name).sorted()
        #expect(names == ["cli-atom", "news"])

        // Changed: a shorter interval brings the next poll forward at once.
        let before = try #require(try FeedDaemonTests.listings(daemon).first { $0.name == "news" })
        let last = try #require(before.lastAttemptAt)
        #expect((before.nextPollAt ?? .distantPast) > last.addingTimeInterval(600), "polled every 900 s ± 10 %")
        let changed = try await Self.reload(
            daemon,
            with: Self.config(daemon, Self.folder("inbox") + Self.feed("news", server.url("/news.xml")) + "interval_secs = 60\n"))
        #expect(changed?.summary?.contains("feeds +0 -0 ~1") == true, "\(String(describing: changed))")
        let after = try #require(try FeedDaemonTests.listings(daemon).first { $0.name == "news" })
        #expect(after.intervalSecs == 60)
        #expect((after.nextPollAt ?? .distantFuture) <= last.addingTimeInterval(61), "\(String(describing: after.nextPollAt)) vs \(last)")
        #expect(server.requests("/news.xml") == 1)

        // Removed: no longer listed, not polled, not even by `feeds poll --all`; its state row stays.
        let removed = try await Self.reload(daemon, with: Self.config(daemon, Self.folder("inbox")))
        #expect(removed?.ok == true)
        #expect(removed?.summary?.contains("feeds +0 -1 ~0") == true, "\(String(describing: removed))")
        #expect(try FeedDaemonTests.listings(daemon).map(\.name) == ["cli-atom"])
        let pollAll = try daemon.ctl(["feeds", "poll", "--all", "--json"])
        #expect(pollAll.status == 0, "\(pollAll.stderr)")
        #expect(!pollAll.stdout.contains("\"news\""))
        #expect(try daemon.ctl(["feeds", "poll", "news"]).stderr.contains("no feed named 'news'"))
        try await Task.sleep(for: .seconds(2))
        #expect(server.requests("/news.xml") == 1, "not fetched again")
        let store = try SQLiteStore(path: daemon.databasePath, createIfMissing: false)
        #expect(try store.feedStates()["news"] != nil, "its state row stays")
        #expect(queueCount(daemon) == 2)
        #expect(daemon.stop() == 0)
    }

    @Test("a changed pipeline applies to articles that start after SIGHUP; files dropped throughout arrive once each")
    func pipelineSwap() async throws {
        let dir = try TemporaryDirectory("reload-pipeline")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir)
        try await daemon.start()
        defer { daemon.stop() }
        let staging = dir.file("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        #expect(try Self.status(daemon).pipeline == ["clean", "dedupe", "extract", "classify"])

        let total = 120
        let inbox = daemon.inbox
        let writer = Task {
            for n in 0..<total {
                try renameIntoPlace(String(format: "f%03d.txt", n), story(n), staging: staging, inbox: inbox)
                try await Task.sleep(for: .milliseconds(25))
            }
        }
        #expect(await waitUntil { queueCount(daemon) >= 10 })
        let swapped = try await Self.reload(
            daemon, with: Self.config(daemon, Self.folder("inbox") + "\n[pipeline]\nstages = [\"clean\", \"dedupe\", \"extract\"]\n"))
        #expect(swapped?.ok == true, "\(daemon.log())")
        #expect(try Self.status(daemon).pipeline == ["clean", "dedupe", "extract"])
        try await writer.value

        #expect(await waitUntil { queueCount(daemon) == total && inboxFiles(daemon).isEmpty }, "\(queueCount(daemon))")
        try await Task.sleep(for: .milliseconds(500))
        let titles = try storedTitles(daemon)
        #expect(titles.count == total, "every file exactly once")
        #expect(Set(titles) == Set((0..<total).map { "Story number \($0) about the harbour" }))
        #expect(Self.files(inbox + "/done").count == total)
        #expect(Self.files(inbox + "/failed").isEmpty)

        // Traces: the first articles went through classify, the last ones did not, and none has half of it.
        let store = try SQLiteStore(path: daemon.databasePath, createIfMissing: false)
        var traces: [String: [String]] = [:]
        for row in try store.peek(queue: "default", state: nil, limit: 1_000) {
            let stored = try #require(try store.article(id: row.articleId))
            traces[stored.article.title ?? ""] = stored.article.trace.map(\.stage)
        }
        #expect(traces["Story number 0 about the harbour"] == ["clean", "dedupe", "extract", "classify"])
        #expect(traces["Story number \(total - 1) about the harbour"] == ["clean", "dedupe", "extract"])
        #expect(Set(traces.values).isSubset(of: [["clean", "dedupe", "extract", "classify"], ["clean", "dedupe", "extract"]]))
        #expect(daemon.stop() == 0)
    }

    @Test("an invalid config on SIGHUP is refused with every problem logged; the old one runs on; a fixed one applies")
    func invalidConfig() async throws {
        let dir = try TemporaryDirectory("reload-invalid")
        defer { dir.remove() }
        let listener = try NotifyListener(path: dir.file("notify.sock"))
        defer { listener.stop() }
        let daemon = try DaemonProcess(directory: dir)
        // Started by hand, as SystemdTests does, to give it a NOTIFY_SOCKET of its own.
        _ = FileManager.default.createFile(atPath: daemon.logPath, contents: nil)
        let process = try daemon.launch(
            environment: ["NOTIFY_SOCKET": listener.path], stderr: try FileHandle(forWritingTo: URL(fileURLWithPath: daemon.logPath)))
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        let pid = process.processIdentifier
        #expect(await waitUntil { listener.kinds.contains("READY") })
        let staging = dir.file("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)

        let broken = Self.config(daemon, Self.folder("inbox") + Self.folder("second") + """

            [feeds]
            max_concurrent = 0

            [pipeline]
            stages = ["clean", "nosuchstage"]
            """)
        let refused = try await Self.reload(daemon, pid: pid, with: broken)
        #expect(refused?.ok == false)
        #expect(refused?.problems.count == 2, "\(String(describing: refused))")
        let log = daemon.log()
        let problemLines = log.split(separator: "\n").filter { $0.contains("reload refused: configuration problem") }
        #expect(problemLines.count == 2, "\(log)")
        #expect(problemLines.contains { $0.contains("feeds.max_concurrent") })
        #expect(problemLines.contains { $0.contains("pipeline.stages[1]") })
        // systemd heard RELOADING=1 and READY=1, with the failure in the status line.
        #expect(await waitUntil { listener.kinds.filter { $0 == "READY" }.count == 2 })
        let ready = try #require(listener.received.last { $0.first == "READY=1" })
        #expect(ready.contains { $0.hasPrefix("STATUS=") && $0.contains("reload failed: 2 problems") }, "\(ready)")

        // The old config keeps running: the same pipeline, the inbox alone, files ingested.
        let status = try Self.status(daemon)
        #expect(status.pipeline == ["clean", "dedupe", "extract", "classify"])
        #expect(status.sources.filter { $0.kind == .folder }.map(\.name) == ["inbox"])
        #expect(!FileManager.default.fileExists(atPath: daemon.directory.file("state/second")))
        try renameIntoPlace("kept.txt", story(1), staging: staging, inbox: daemon.inbox)
        #expect(await waitUntil { queueCount(daemon) == 1 })
        let text = try runProcess(Executables.path("ingestctl"), ["status", "--table", "--socket", daemon.socketPath])
        #expect(text.stdout.contains("last reload: FAILED"), "\(text.stdout)")
        #expect(text.stdout.contains("feeds.max_concurrent"))

        // `ingestctl reload` refuses to signal over a broken config, and reloads a fixed one.
        let refusedCtl = try daemon.ctl(["reload"])
        #expect(refusedCtl.status == 2, "\(refusedCtl.stdout) \(refusedCtl.stderr)")
        let fixed = Self.config(daemon, Self.folder("inbox") + Self.folder("second"))
        _ = try daemon.directory.write("ingestd.toml", fixed)
        let before = Self.reloadsDone(daemon)
        let reload = try daemon.ctl(["reload"])
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(await waitUntil { Self.reloadsDone(daemon) > before })
        let applied = try Self.status(daemon).lastReload
        #expect(applied?.ok == true, "\(daemon.log())")
        #expect(applied?.problems.isEmpty == true)
        #expect(await waitUntil { listener.kinds.filter { $0 == "READY" }.count == 3 })
        let readyAgain = try #require(listener.received.last { $0.first == "READY=1" })
        #expect(!readyAgain.contains { $0.contains("reload failed") }, "\(readyAgain)")
        #expect(await waitUntil { FileManager.default.fileExists(atPath: daemon.directory.file("state/second")) })
        try renameIntoPlace("second.txt", story(2), staging: staging, inbox: daemon.directory.file("state/second"))
        #expect(await waitUntil { queueCount(daemon) == 2 })
        kill(pid, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("TOML that crashes the parser library is refused on SIGHUP and by validate; the daemon runs on")
    func parserCrashOnReload() async throws {
        let dir = try TemporaryDirectory("reload-parser-crash")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir)
        try await daemon.start()
        defer { daemon.stop() }
        let staging = dir.file("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        // toml++ asserts on a value missing before a closing brace instead of reporting it.
        let crashing = Self.config(daemon, Self.folder("inbox") + "\nb = [1, 2.5, }\n")
        let refused = try await Self.reload(daemon, with: crashing)
        #expect(refused?.ok == false)
        #expect(refused?.problems.contains { $0.contains("the TOML parser cannot read this file") } == true, "\(String(describing: refused))")
        #expect(daemon.process?.isRunning == true)
        try renameIntoPlace("after.txt", story(1), staging: staging, inbox: daemon.inbox)
        #expect(await waitUntil { queueCount(daemon) == 1 })
        let validate = try runProcess(Executables.path("ingestctl"), ["validate", "--config", daemon.configPath])
        #expect(validate.status == 2, "\(validate.stdout) \(validate.stderr)")
        #expect((validate.stdout + validate.stderr).contains("the TOML parser cannot read this file"))
    }

    @Test("a folder removed while intake is paused hands over the file it was passing on, and takes no other")
    func removedWhilePaused() async throws {
        let dir = try TemporaryDirectory("reload-paused")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir, extra: Self.folder("second"))
        try await daemon.start()
        defer { daemon.stop() }
        let staging = dir.file("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let second = daemon.directory.file("state/second")

        #expect(try daemon.ctl(["pause"]).status == 0)
        try renameIntoPlace("held.txt", story(1), staging: staging, inbox: daemon.inbox)
        // Read and handed to the intake, where it waits for the resume.
        #expect(await waitUntil {
            (try? Self.status(daemon).sources.first { $0.name == "inbox" }?.counts["in_flight"]) == 1
        })
        let removed = try await Self.reload(daemon, with: Self.config(daemon, Self.folder("second")))
        #expect(removed?.ok == true, "\(daemon.log())")
        #expect(try Self.status(daemon).sources.filter { $0.kind == .folder }.map(\.name) == ["second"])
        try await Task.sleep(for: .milliseconds(500))
        #expect(queueCount(daemon) == 0)
        #expect(inboxFiles(daemon) == ["held.txt"], "still waiting, not released or failed")

        let resumed = try daemon.ctl(["resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(await waitUntil { queueCount(daemon) == 1 }, "\(daemon.log())")
        #expect(await waitUntil { Self.files(daemon.inbox + "/done") == ["held.txt"] })
        #expect(Self.files(daemon.inbox + "/failed").isEmpty)
        // The removed folder takes nothing more; the other one still does, and the intake is open.
        try renameIntoPlace("later.txt", story(2), staging: staging, inbox: daemon.inbox)
        try renameIntoPlace("other.txt", story(3), staging: staging, inbox: second)
        #expect(await waitUntil { queueCount(daemon) == 2 })
        try await Task.sleep(for: .seconds(1))
        #expect(inboxFiles(daemon) == ["later.txt"])
        #expect(queueCount(daemon) == 2)
        #expect(daemon.stop() == 0)
    }

    @Test("settings that need a restart keep their running value and are named in a warning")
    func restartOnly() async throws {
        let dir = try TemporaryDirectory("reload-restart")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir)
        try await daemon.start()
        defer { daemon.stop() }
        let changed = """
            [daemon]
            state_dir = "\(daemon.stateDirectory)"
            log_level = "info"
            workers = 5
            control_socket = "other.sock"

            [store]
            path = "other.db"

            [metrics]
            listen = "127.0.0.1:9999"
            \(Self.folder("inbox"))
            """
        _ = try daemon.directory.write("ingestd.toml", changed)
        let before = Self.reloadsDone(daemon)
        kill(try #require(daemon.process?.processIdentifier), SIGHUP)
        #expect(await waitUntil { Self.reloadsDone(daemon) > before })
        // ingestctl reads the socket's path from the config: give it the running one back.
        _ = try daemon.directory.write("ingestd.toml", Self.config(daemon, Self.folder("inbox")))
        let result = try Self.status(daemon).lastReload
        #expect(result?.ok == true)
        #expect(Set(result?.needsRestart ?? []) == ["daemon.workers", "daemon.control_socket", "store.path", "metrics.listen"])
        let warnings = daemon.log().split(separator: "\n").filter { $0.contains("needs a restart") }
        for key in ["daemon.workers", "daemon.control_socket", "store.path", "metrics.listen"] {
            #expect(warnings.contains { $0.contains(key) }, "\(key): \(warnings)")
        }
        // Still on the old socket and database.
        #expect(try Self.status(daemon).database == daemon.databasePath)
        #expect(!FileManager.default.fileExists(atPath: daemon.directory.file("state/other.db")))
        #expect(daemon.stop() == 0)
    }
}

/// Python's `http.server` serving a temporary folder, with its request log: how many times each path was
/// fetched.
final class RequestLogServer: Sendable {
    let port: Int
    let root: String
    private let process: Process
    private let logPath: String

    init() throws {
        root = NSTemporaryDirectory() + "reload-feeds-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        logPath = root + ".log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", root]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { throw CocoaError(.fileReadUnknown) }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard let i = words.firstIndex(of: "port"), i + 1 < words.count, let port = Int(words[i + 1]) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        self.port = port
        self.process = process
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func serve(_ name: String, _ contents: String) throws {
        try Data(contents.utf8).write(to: URL(fileURLWithPath: root + "/" + name))
    }

    /// GET requests for `path` so far.
    func requests(_ path: String) -> Int {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains("\"GET \(path) ") }.count
    }

    func stop() {
        // SIGKILL: the test process passes SIGTERM on as ignored, and Python keeps that. Then polled, with a
        // bound, rather than `waitUntilExit()`.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for _ in 0..<500 where process.isRunning { usleep(10_000) }
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.removeItem(atPath: logPath)
    }
}
