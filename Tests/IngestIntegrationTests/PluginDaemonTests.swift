import Foundation
import Glibc
import IngestCore
import IngestDaemon
import IngestPlugins
import IngestStore
import IngestTestKit
import Testing

/// Exec plugins in the real `ingestd`: the examples doing their work, and plugins that misbehave in every
/// way the issue lists. Whatever a plugin does, the daemon keeps running, each article gets what the
/// plugin's `on_error` says, and `ingestctl plugins list` and `ingestctl status` show the plugin's state.
@Suite("ingestd with exec plugins", .serialized)
struct PluginDaemonTests {
    /// The repository's `plugins/examples`.
    static let examples: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("plugins/examples").path
    }()

    /// A daemon whose pipeline is `stages`, with plugins from `folders`.
    static func daemon(_ dir: TemporaryDirectory, stages: [String], folders: [String]) throws -> DaemonProcess {
        try DaemonProcess(
            directory: dir,
            extra: """
                [plugins]
                directories = [\(folders.map { "\"\($0)\"" }.joined(separator: ", "))]

                [pipeline]
                stages = [\(stages.map { "\"\($0)\"" }.joined(separator: ", "))]
                """)
    }

    static func plugins(_ daemon: DaemonProcess) throws -> [PluginStatus] {
        let result = try daemon.ctl(["plugins", "list", "--json"])
        guard result.status == 0 else { throw DaemonProcessError(message: "plugins list: \(result.stderr)") }
        return try result.stdout.split(separator: "\n").map {
            try ControlAPI.decoder().decode(PluginStatus.self, from: Data($0.utf8))
        }
    }

    static func status(_ daemon: DaemonProcess) throws -> StatusReport {
        let result = try daemon.ctl(["status", "--json"])
        guard result.status == 0 else { throw DaemonProcessError(message: "status: \(result.stderr)") }
        return try ControlAPI.decoder().decode(StatusReport.self, from: Data(result.stdout.utf8))
    }

    /// Every queued article, by its title.
    static func queued(_ daemon: DaemonProcess) throws -> [String: Article] {
        let store = try SQLiteStore(path: daemon.databasePath, createIfMissing: false)
        var articles: [String: Article] = [:]
        for row in try store.peek(queue: "default", state: nil, limit: 1_000) {
            if let stored = try store.article(id: row.articleId) {
                articles[stored.article.title ?? ""] = stored.article
            }
        }
        return articles
    }

    /// Drops `name` into the inbox and waits until it left it (done or failed).
    static func drop(_ daemon: DaemonProcess, _ name: String, _ text: String) async throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/\(name)"))
        let left = await waitUntil { !inboxFiles(daemon).contains(name) }
        guard left else { throw DaemonProcessError(message: "\(name) stayed in the inbox; log:\n\(daemon.log())") }
    }

    /// The reason in `failed/NAME.error.json`, if the file failed.
    static func failure(_ daemon: DaemonProcess, _ name: String) -> String? {
        guard let data = FileManager.default.contents(atPath: "\(daemon.inbox)/failed/\(name).error.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["reason"] as? String
    }

    @Test("the examples: redact rewrites, screen drops and marks; both shown running; stopped with the daemon")
    func examplesWork() async throws {
        let dir = try TemporaryDirectory("plugins-daemon")
        let daemon = try Self.daemon(dir, stages: ["redact", "screen"], folders: [Self.examples])
        try await daemon.start()
        defer { daemon.stop() }
        try await Self.drop(
            daemon, "contact.txt", "Contact the desk\n\nWrite to desk@example.org or call +44 20 7946 0958.\n")
        try await Self.drop(daemon, "advert.txt", "Boats for sale\n\nThis advertorial sells boats.\n")
        try await Self.drop(daemon, "plain.txt", "Harbour reopens\n\nFerries sail again.\n")

        let articles = try Self.queued(daemon)
        #expect(articles.keys.sorted() == ["Contact the desk", "Harbour reopens"])
        let contact = try #require(articles["Contact the desk"])
        #expect(contact.text == "Write to [email] or call [phone].")
        #expect(contact.fields["screened"] == "passed")
        #expect(contact.trace.map(\.stage) == ["redact", "screen"])
        #expect(FileManager.default.fileExists(atPath: "\(daemon.inbox)/done/advert.txt"))

        let plugins = try Self.plugins(daemon)
        #expect(plugins.map(\.name) == ["redact", "screen"])
        #expect(plugins.allSatisfy { $0.state == "running" && $0.pid != nil && $0.restarts == 0 })
        #expect(plugins.first { $0.name == "screen" }?.counts["dropped"] == 1)
        #expect(plugins.first { $0.name == "redact" }?.counts["continued"] == 3)
        let status = try Self.status(daemon)
        #expect(status.pipeline == ["redact", "screen"])
        #expect(status.plugins?.map(\.name) == ["redact", "screen"])
        #expect(status.stages.first { $0.name == "screen" }?.dropped == 1)

        let pids = plugins.compactMap(\.pid)
        #expect(daemon.stop() == 0)
        for pid in pids { #expect(processGone(pid), "plugin \(pid) outlived the daemon") }
        #expect(daemon.log().contains("plugin started"))
    }

    @Test("a plugin dies with a daemon killed by SIGKILL")
    func diesWithDaemon() async throws {
        let dir = try TemporaryDirectory("plugins-sigkill")
        let daemon = try Self.daemon(dir, stages: ["screen"], folders: [Self.examples])
        try await daemon.start()
        #expect(await waitUntil { (try? Self.plugins(daemon).first?.state) == "running" })
        let pid = try #require(try Self.plugins(daemon).first?.pid)
        daemon.crash()
        #expect(await waitUntil(timeout: .seconds(20)) { processGone(pid) }, "plugin \(pid) outlived a killed daemon")
    }

    /// A misbehaving plugin, what `on_error` it has, and what must come of it.
    enum Misbehaviour: String, CaseIterable, Sendable {
        case crashOnThird, hang, garbage, unknownId, exitAtStart, flood

        var script: String {
            let prelude = """
                import json, sys, time
                def send(m):
                    sys.stdout.write(json.dumps(m) + "\\n")
                    sys.stdout.flush()
                hello = json.loads(sys.stdin.readline())
                send({"hello": {"protocol": 1}})
                n = 0
                for line in sys.stdin:
                    message = json.loads(line)
                    if "id" not in message:
                        continue
                    n += 1
                    bad = "trouble" in message["article"]["text"]

                """
            let ok = #"    send({"id": message["id"], "action": "continue", "changes": {"fields": {"seen": "yes"}}})"#
            switch self {
            case .crashOnThird: return prelude + "    if n == 3:\n        sys.exit(3)\n" + ok
            case .hang: return prelude + "    if bad:\n        time.sleep(3600)\n" + ok
            case .garbage:
                return prelude + "    if bad:\n        print('<html>oops</html>', flush=True)\n        continue\n" + ok
            case .unknownId:
                return prelude
                    + "    if bad:\n        send({'id': message['id'] + 7, 'action': 'continue'})\n        continue\n"
                    + ok
            case .exitAtStart: return "import sys\nprint('missing model file', file=sys.stderr)\nsys.exit(2)\n"
            case .flood:
                return prelude + "    if bad:\n        while True:\n            sys.stdout.write('x' * 1000 + '\\n')\n"
                    + ok
            }
        }

        var onError: String {
            switch self {
            case .crashOnThird, .garbage, .flood: "skip"
            case .hang, .unknownId, .exitAtStart: "fail"
            }
        }

        /// The flood is caught by its rate over a second; on a loaded machine the plugin may not reach it
        /// within 600 ms, and the timeout would answer first.
        var timeoutMillis: Int { self == .flood ? 5_000 : 600 }

        /// What the error says, in the trace (skip) or in the failed file's reason (fail).
        var error: String {
            switch self {
            case .crashOnThird: "exited with status 3"
            case .hang, .garbage, .unknownId: "timed out after 600 ms"
            case .exitAtStart: "exited with status 2"
            case .flood: "killed for flooding its output"
            }
        }
    }

    @Test(
        "a misbehaving plugin: the daemon keeps running, on_error decides, ingestctl shows it",
        arguments: Misbehaviour.allCases)
    func misbehaving(_ kind: Misbehaviour) async throws {
        let dir = try TemporaryDirectory("plugins-\(kind.rawValue)")
        let name = "bad"
        try dir.write(
            "plugins/\(name)/plugin.toml",
            """
            name = "\(name)"
            command = ["python3", "plugin.py"]
            on_error = "\(kind.onError)"
            timeout_ms = \(kind.timeoutMillis)
            """)
        try dir.write("plugins/\(name)/plugin.py", kind.script)
        let daemon = try Self.daemon(dir, stages: [name], folders: [dir.file("plugins")])
        try await daemon.start()
        defer { daemon.stop() }

        // Articles one at a time, so "the third" is the third; the troubled one is the third too.
        for i in 1...4 {
            let text =
                i == 3 ? "Story \(i)\n\nThis one is trouble.\n" : "Story \(i)\n\nAn ordinary day at the harbour.\n"
            try await Self.drop(daemon, "s\(i).txt", text)
        }
        #expect(daemon.process?.isRunning == true, "the daemon died; log:\n\(daemon.log())")
        let articles = try Self.queued(daemon)
        if kind.onError == "skip" {
            #expect(articles.count == 4)
            let third = try #require(articles["Story 3"])
            #expect(third.fields["seen"] == nil)
            let detail = try #require(third.trace.first { $0.stage == name }?.detail)
            #expect(detail.hasPrefix("skipped: plugin bad "), "\(detail)")
            #expect(detail.contains(kind.error), "\(detail)")
        } else {
            let reason = try #require(
                Self.failure(daemon, "s3.txt"), "s3.txt did not fail; queued: \(articles.keys.sorted())")
            #expect(reason.contains("plugin bad"), "\(reason)")
            #expect(reason.contains(kind.error), "\(reason)")
        }
        if kind != .exitAtStart {
            // The others went through the plugin, the restarted one included.
            for title in ["Story 1", "Story 2", "Story 4"] {
                #expect(
                    articles[title]?.fields["seen"] == "yes",
                    "\(title): \(articles[title].map { "\($0.trace)" } ?? "not queued")")
            }
        }

        let plugin = try #require(try Self.plugins(daemon).first)
        #expect(plugin.name == name)
        #expect(plugin.onError == kind.onError)
        #expect(plugin.lastError != nil)
        switch kind {
        case .crashOnThird:
            #expect(plugin.restarts == 1)
            #expect(plugin.state == "running")
        case .hang:
            #expect(plugin.counts["timeouts"] == 1)
            #expect(plugin.restarts == 1)
        case .garbage:
            #expect(plugin.counts["bad_lines"] == 1)
            #expect(plugin.counts["timeouts"] == 1)
        case .unknownId:
            #expect(plugin.counts["unknown_ids"] == 1)
            #expect(plugin.counts["timeouts"] == 1)
        case .exitAtStart:
            #expect(await waitUntil { (try? Self.plugins(daemon).first?.state) == "failed" })
            #expect(plugin.pid == nil)
            #expect(daemon.log().contains("missing model file"), "the plugin's stderr is not in the log")
        case .flood:
            #expect(plugin.restarts == 1)
            #expect(plugin.lastError?.contains("flooding") == true)
        }
        #expect(plugin.counts["errors"] ?? 0 >= 1)
        let status = try Self.status(daemon)
        #expect(status.plugins?.first?.name == name)
        #expect(
            status.plugins?.first?.restarts
                == (kind == .exitAtStart ? status.plugins?.first?.restarts : plugin.restarts))
        #expect(daemon.stop() == 0)
    }
}

extension PluginDaemonTests {
    @Test("on_error = retry: the article a crash took is tried again and gets through the restarted plugin")
    func retryAfterCrash() async throws {
        let dir = try TemporaryDirectory("plugins-retry")
        try dir.write(
            "plugins/bad/plugin.toml", "name = \"bad\"\ncommand = [\"python3\", \"plugin.py\"]\non_error = \"retry\"\n")
        try dir.write("plugins/bad/plugin.py", Misbehaviour.crashOnThird.script)
        let daemon = try Self.daemon(dir, stages: ["bad"], folders: [dir.file("plugins")])
        try await daemon.start()
        defer { daemon.stop() }
        for i in 1...3 { try await Self.drop(daemon, "s\(i).txt", "Story \(i)\n\nAn ordinary day.\n") }
        let articles = try Self.queued(daemon)
        #expect(articles.keys.sorted() == ["Story 1", "Story 2", "Story 3"])
        #expect(articles.values.allSatisfy { $0.fields["seen"] == "yes" })
        #expect(try Self.plugins(daemon).first?.restarts == 1)
        #expect(Self.failure(daemon, "s3.txt") == nil)
    }

    @Test("SIGHUP starts a failed plugin again once its program is fixed")
    func reloadOnHangup() async throws {
        let dir = try TemporaryDirectory("plugins-hup")
        try dir.write("plugins/late/plugin.toml", "name = \"late\"\ncommand = \"./plugin.sh\"\non_error = \"fail\"\n")
        let script = try dir.write("plugins/late/plugin.sh", "#!/bin/sh\necho 'not configured yet' >&2\nexit 1\n")
        chmod(script, 0o755)
        let daemon = try Self.daemon(dir, stages: ["late"], folders: [dir.file("plugins")])
        try await daemon.start()
        defer { daemon.stop() }
        #expect(await waitUntil { (try? Self.plugins(daemon).first?.state) == "failed" })
        try await Self.drop(daemon, "early.txt", "Early\n\nToo soon.\n")
        #expect(Self.failure(daemon, "early.txt")?.contains("plugin late") == true)

        try dir.write(
            "plugins/late/plugin.sh",
            """
            #!/bin/sh
            read -r hello
            echo '{"hello":{"protocol":1}}'
            while read -r line; do
                id="${line#\\{\\"id\\":}"; id="${id%%,*}"
                echo "{\\"id\\":$id,\\"action\\":\\"continue\\",\\"changes\\":{\\"fields\\":{\\"fixed\\":\\"yes\\"}}}"
            done
            """)
        let pid = try #require(daemon.process?.processIdentifier)
        kill(pid, SIGHUP)
        #expect(await waitUntil { (try? Self.plugins(daemon).first?.state) == "running" }, "log:\n\(daemon.log())")
        try await Self.drop(daemon, "later.txt", "Later\n\nJust right.\n")
        #expect(try Self.queued(daemon)["Later"]?.fields["fixed"] == "yes")
    }
}

/// Whether `pid` is gone: no such process, or a zombie its new parent has yet to reap.
private func processGone(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    let state = stat.split(separator: ")").last?.split(separator: " ").first
    return state == "Z" || state == "X"
}
