import Foundation
import Glibc
import GRDB
import IngestCore
import IngestDaemon
import IngestSources
import IngestStore
import IngestTestKit
import Testing

/// `ingestctl reprocess|articles search|articles trace|queue retry|queue purge|pause|resume|reload|stages
/// list|folders list|config check`, run as command lines against a real ingestd in a temporary folder.
@Suite("operator commands against a running ingestd", .serialized)
struct OperatorCommandTests {
    /// One topic at first; the edited taxonomy adds a second.
    static let taxonomyBefore = """
        [labels.maritime]
        description = "Ships and harbours."
        [labels.maritime.terms]
        3 = ["harbour", "ship*", "ferry"]
        """
    static let taxonomyAfter = taxonomyBefore + """

        [labels.civic]
        description = "Councils and residents."
        [labels.civic.terms]
        3 = ["council", "residents"]
        """

    /// Four articles that share no text: two files and a JSON Lines file of two.
    static let inputs: [(String, String)] = [
        ("one.txt", "Harbour reopens after the storm\n\nShips sailed again on Friday. The council thanked the residents who cleared the quay.\n"),
        ("two.txt", "Ferry timetable changes in spring\n\nThe morning ferry leaves ten minutes earlier from April, the operator said.\n"),
        ("three.jsonl", """
            {"title": "Residents object to harbour car park", "text": "Residents told the council that the new car park would block the view of the harbour wall."}
            {"title": "Lighthouse repainted", "text": "Volunteers spent a week repainting the lighthouse in red and white stripes."}
            """),
    ]

    static func labels(_ store: SQLiteStore, _ id: Int64) throws -> [String] {
        try store.article(id: id)?.article.labels.map(\.name).sorted() ?? []
    }

    static func allRows(_ store: SQLiteStore) throws -> [QueueRow] {
        try store.peek(queue: "default", state: nil, limit: 1000)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ line: some StringProtocol) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(line.utf8))
    }

    static func start(_ dir: TemporaryDirectory, extra: String = "") async throws -> DaemonProcess {
        let taxonomy = try dir.write("taxonomy.toml", taxonomyBefore)
        let daemon = try DaemonProcess(directory: dir, extra: """
            [stages.classify]
            taxonomy = "\(taxonomy)"
            \(extra)
            """)
        try await daemon.start()
        return daemon
    }

    /// Ingests ``inputs`` one after the other, so the article ids follow their order: 1 and 2 from the
    /// text files, 3 and 4 from the JSON Lines file.
    static func ingest(_ daemon: DaemonProcess) async throws {
        for ((name, contents), expected) in zip(inputs, [1, 2, 4]) {
            try renameIntoPlace(name, contents, staging: daemon.directory.path, inbox: daemon.inbox)
            #expect(await waitUntil { queueCount(daemon) == expected }, "\(daemon.log())")
        }
    }

    @Test("reprocess after a rule change: new labels in the queue, same ids, no new rows")
    func reprocessAfterRuleChange() async throws {
        let dir = try TemporaryDirectory("reprocess")
        defer { dir.remove() }
        let daemon = try await Self.start(dir)
        try await Self.ingest(daemon)
        let store = try SQLiteStore(path: daemon.databasePath, createIfMissing: false)
        let before = try Self.allRows(store)
        #expect(before.map(\.articleId) == [1, 2, 3, 4])
        for id in Int64(1)...4 { #expect(!(try Self.labels(store, id)).contains("civic")) }
        #expect(try Self.labels(store, 1) == ["maritime"])

        // A consumer already took article 1: reprocessing must hand it out again.
        let claimed = try daemon.ctl(["queue", "claim", "--consumer", "c", "--limit", "1", "--json"])
        #expect(claimed.status == 0)
        #expect(try daemon.ctl(["queue", "ack", "--consumer", "c", "-"], stdin: claimed.stdout).status == 0)
        #expect(try store.article(id: 1)?.queueItem?.state == .done)

        // The rule change: a new topic. The daemon picks it up when asked to reprocess.
        try dir.write("taxonomy.toml", Self.taxonomyAfter)
        let result = try daemon.ctl(["reprocess", "--source", "inbox", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.decode(ReprocessReport.self, result.stdout)
        #expect(report.selected == 4)
        #expect(report.reprocessed == 2, "articles 1 and 3 mention the council")
        #expect(report.unchanged == 2)
        #expect(report.failed == 0 && report.missingRaw == 0)
        #expect(report.changedIds == [1, 3])
        #expect(report.reloaded == ["classify"])

        #expect(try Self.labels(store, 1) == ["civic", "maritime"])
        #expect(try Self.labels(store, 3) == ["civic", "maritime"])
        #expect(try Self.labels(store, 2) == ["maritime"])
        #expect(try Self.labels(store, 4) == [])
        let after = try Self.allRows(store)
        #expect(after.count == 4, "no duplicate rows")
        #expect(after.map(\.id) == before.map(\.id), "the same queue rows")
        #expect(after.map(\.articleId) == [1, 2, 3, 4], "the same article ids")
        #expect(after.allSatisfy { $0.state == .ready && $0.attempts == 0 }, "article 1 is ready again")
        #expect(try store.totals() == StoreTotals(articles: 4, dropped: 0, inputsBySource: try store.totals().inputsBySource, lastFailure: nil))
        // Dedupe did not take any article for a copy of itself.
        for id in Int64(1)...4 { #expect(try store.article(id: id)?.article.duplicateOf == nil) }

        // The consumer sees the new labels in the queue.
        let again = try daemon.ctl(["queue", "claim", "--consumer", "c", "--limit", "10", "--json"])
        struct Claimed: Decodable {
            struct A: Decodable { var id: Int64?; var labels: [Label] }
            var article: A
        }
        let handed = try again.stdout.split(separator: "\n").map { try Self.decode(Claimed.self, $0) }
        #expect(handed.map(\.article.id) == [1, 2, 3, 4])
        #expect(handed.first?.article.labels.map(\.name).sorted() == ["civic", "maritime"])

        // Once more, by id: nothing changes, nothing is handed out again.
        let byId = try daemon.ctl(["reprocess", "1", "3", "--json"])
        #expect(byId.status == 0, "\(byId.stderr)")
        let second = try Self.decode(ReprocessReport.self, byId.stdout)
        #expect(second.selected == 2 && second.unchanged == 2 && second.reprocessed == 0)
        #expect(try store.article(id: 1)?.queueItem?.state == .leased)

        let table = try daemon.ctl(["reprocess", "2", "--table"])
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(Array(lines.prefix(6)) == ["reloaded: classify", "RESULT ARTICLES", "selected 1", "changed 0", "unchanged 1", "failed 0"], "\(table.stdout)")

        let unknown = try daemon.ctl(["reprocess", "2", "99"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no article 99"))
        let noSource = try daemon.ctl(["reprocess", "--source", "nowhere"])
        #expect(noSource.status == 1)
        #expect(noSource.stderr.contains("no stored article matches source 'nowhere'"))
        #expect(daemon.stop() == 0)
    }

    @Test("reprocess keeps dedupe as it was: a copy stays a copy of its original, the original stays one")
    func reprocessDuplicates() async throws {
        let dir = try TemporaryDirectory("reprocess-dedupe")
        defer { dir.remove() }
        let daemon = try await Self.start(dir)
        let story = Self.inputs[0].1
        try renameIntoPlace("first.txt", story, staging: dir.path, inbox: daemon.inbox)
        #expect(await waitUntil { queueCount(daemon) == 1 })
        try renameIntoPlace("again.txt", story, staging: dir.path, inbox: daemon.inbox)
        let store = try SQLiteStore(path: daemon.databasePath, createIfMissing: false)
        #expect(await waitUntil { (try? store.article(id: 2)) != nil })
        #expect(try store.article(id: 2)?.status == "dropped")
        #expect(try store.article(id: 2)?.article.duplicateOf == 1)

        try dir.write("taxonomy.toml", Self.taxonomyAfter)
        let result = try daemon.ctl(["reprocess", "--since", "1h", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.decode(ReprocessReport.self, result.stdout)
        #expect(report.selected == 2)
        #expect(report.changedIds == [1], "the original has a new label; the dropped copy is unchanged")
        #expect(report.unchanged == 1)
        let original = try #require(try store.article(id: 1))
        let copy = try #require(try store.article(id: 2))
        #expect(original.status == "queued" && original.article.duplicateOf == nil)
        #expect(copy.status == "dropped" && copy.article.duplicateOf == 1)
        #expect(copy.article.clusterId == original.article.clusterId, "the original kept its cluster")
        #expect(try Self.allRows(store).map(\.articleId) == [1])
        let cluster = try daemon.ctl(["articles", "duplicates", "1", "--json"])
        #expect(cluster.stdout.split(separator: "\n").count == 2, "\(cluster.stdout)")

        let future = try daemon.ctl(["reprocess", "--since", "2999-01-01"])
        #expect(future.status == 1)
        #expect(future.stderr.contains("no stored article matches since 2999-01-01"))
        let badTime = try daemon.ctl(["reprocess", "--since", "yesterday-ish"])
        #expect(badTime.status == 64)
        #expect(try daemon.ctl(["reprocess"]).status == 64)
        #expect(daemon.stop() == 0)
    }

    @Test("reprocess counts articles whose raw input was not kept, and exits 1")
    func reprocessWithoutRaw() async throws {
        let dir = try TemporaryDirectory("reprocess-noraw")
        defer { dir.remove() }
        let daemon = try await Self.start(dir, extra: "[store]\nkeep_raw = false")
        try renameIntoPlace("one.txt", Self.inputs[0].1, staging: dir.path, inbox: daemon.inbox)
        #expect(await waitUntil { queueCount(daemon) == 1 })
        let result = try daemon.ctl(["reprocess", "1", "--json"])
        #expect(result.status == 1)
        let report = try Self.decode(ReprocessReport.self, result.stdout)
        #expect(report.selected == 1 && report.missingRaw == 1 && report.reprocessed == 0)
        #expect(result.stderr.contains("1 article(s) have no kept raw input (store.keep_raw was off)"))
        #expect(daemon.stop() == 0)
    }

    @Test("search finds an article by a word of its text, not by an absent word; trace shows each stage")
    func searchAndTrace() async throws {
        let dir = try TemporaryDirectory("search")
        defer { dir.remove() }
        let daemon = try await Self.start(dir)
        try await Self.ingest(daemon)
        // The daemon indexes what its commits left for the next chunk about a second later, unasked.
        let database = try DatabaseQueue(path: daemon.databasePath, configuration: { var c = Configuration(); c.readonly = true; return c }())
        #expect(await waitUntil(timeout: .seconds(20)) {
            (try? database.read { db in try Int64.fetchOne(db, sql: "SELECT indexedThrough FROM searchIndexState") }) == 4
        })

        let found = try daemon.ctl(["articles", "search", "lighthouse", "--json"])
        #expect(found.status == 0, "\(found.stderr)")
        let hits = try found.stdout.split(separator: "\n").map { try Self.decode(SearchHit.self, $0) }
        #expect(hits.map(\.id) == [4])
        #expect(hits.first?.title == "Lighthouse repainted")
        #expect(hits.first?.snippet.lowercased().contains("[lighthouse]") == true)
        let two = try daemon.ctl(["articles", "search", "harbour", "--json"])
        #expect(Set(try two.stdout.split(separator: "\n").map { try Self.decode(SearchHit.self, $0).id }) == [1, 3], "\(two.stdout)")

        let absent = try daemon.ctl(["articles", "search", "zeppelin", "--json"])
        #expect(absent.status == 1)
        #expect(absent.stdout.isEmpty)
        #expect(absent.stderr.contains("no article matches 'zeppelin'"))

        let trace = try daemon.ctl(["articles", "trace", "1", "--json"])
        #expect(trace.status == 0)
        struct Trace: Decodable {
            var id: Int64
            var status: String
            var trace: [TraceEntry]
        }
        let parsed = try Self.decode(Trace.self, trace.stdout)
        #expect(parsed.status == "queued")
        #expect(parsed.trace.map(\.stage) == ["clean", "dedupe", "extract", "classify"])
        #expect(parsed.trace.allSatisfy { $0.outcome == .continue })
        let table = try daemon.ctl(["articles", "trace", "1", "--table"])
        #expect(table.stdout.hasPrefix("article 1: queued\nSTAGE     OUTCOME   TIME"), "\(table.stdout)")
        #expect(table.stdout.contains("\nclassify  continue  "))
        let missing = try daemon.ctl(["articles", "trace", "77"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no article 77"))

        // The database alone answers too.
        #expect(daemon.stop() == 0)
        let offline = try daemon.ctl(["articles", "search", "ferry", "--json"])
        #expect(offline.status == 0)
        #expect(try offline.stdout.split(separator: "\n").map { try Self.decode(SearchHit.self, $0).id } == [2], "\(offline.stdout)")
    }

    @Test("retry puts dead rows back to ready; purge removes done rows, and dead ones with --dead")
    func retryAndPurge() async throws {
        let dir = try TemporaryDirectory("retry")
        defer { dir.remove() }
        let daemon = try await Self.start(dir, extra: "[queue]\nmax_attempts = 1")
        try await Self.ingest(daemon)
        let store = try SQLiteStore(path: daemon.databasePath, createIfMissing: false)

        #expect(try daemon.ctl(["queue", "claim", "--consumer", "c", "--limit", "2", "--json"]).status == 0)
        let nack = try daemon.ctl(["queue", "nack", "1", "--consumer", "c", "--error", "cannot parse", "--json"])
        #expect(nack.stdout.contains("\"state\":\"dead\""), "\(nack.stdout)\(nack.stderr)")
        #expect(try daemon.ctl(["queue", "ack", "2", "--consumer", "c"]).status == 0)

        // Dead rows show in stats and peek.
        let stats = try daemon.ctl(["queue", "stats", "--json"])
        #expect(stats.stdout.contains("\"dead\":1") && stats.stdout.contains("\"done\":1"), "\(stats.stdout)")
        let peek = try daemon.ctl(["queue", "peek", "--state", "dead", "--json"])
        #expect(try peek.stdout.split(separator: "\n").map { try Self.decode(QueueRow.self, $0).id } == [1])

        let refused = try daemon.ctl(["queue", "retry", "2", "55"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not retried, only dead or nacked rows are: 2 (done), 55 (no such row)"), "\(refused.stderr)")

        let retry = try daemon.ctl(["queue", "retry", "--all-dead", "--json"])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(try Self.decode(RetryReport.self, retry.stdout).retried == [1])
        let row = try #require(try store.article(id: 1)?.queueItem)
        #expect(row.state == .ready && row.attempts == 0 && row.lastError == "cannot parse")
        let human = try daemon.ctl(["queue", "retry", "--all-dead", "--table"])
        #expect(human.stdout == "retried 0 rows\n")

        // Row 1 dead again, then purged with the done row.
        #expect(try daemon.ctl(["queue", "claim", "--consumer", "c", "--limit", "1", "--json"]).status == 0)
        #expect(try daemon.ctl(["queue", "nack", "1", "--consumer", "c"]).status == 0)
        let keepRecent = try daemon.ctl(["queue", "purge", "--dead", "--older-than", "1h", "--json"])
        #expect(try Self.decode(PurgeReport.self, keepRecent.stdout) == PurgeReport(done: 0, dead: 0))
        let doneOnly = try daemon.ctl(["queue", "purge", "--table"])
        #expect(doneOnly.stdout == "purged 1 done row\n")
        #expect(try Self.allRows(store).map(\.id) == [1, 3, 4])
        let withDead = try daemon.ctl(["queue", "purge", "--dead", "--json"])
        #expect(try Self.decode(PurgeReport.self, withDead.stdout) == PurgeReport(done: 0, dead: 1))
        #expect(try Self.allRows(store).map(\.id) == [3, 4])
        #expect(try store.totals().articles == 4, "purging rows keeps the articles")
        #expect(daemon.stop() == 0)
    }

    @Test("pause holds new files in the inbox and status says paused; resume ingests them")
    func pauseAndResume() async throws {
        let dir = try TemporaryDirectory("pause")
        defer { dir.remove() }
        let daemon = try await Self.start(dir)
        let pause = try daemon.ctl(["pause", "--json"])
        #expect(pause.status == 0, "\(pause.stderr)")
        #expect(try Self.decode(IntakeState.self, pause.stdout).paused)
        let status = try daemon.ctl(["status", "--json"])
        #expect(status.stdout.contains("\"state\":\"paused\""), "\(status.stdout)")
        let folders = try daemon.ctl(["folders", "list", "--table"])
        #expect(folders.stdout.hasPrefix("NAME   PATH"), "\(folders.stdout)")
        #expect(folders.stdout.contains("  paused  "), "\(folders.stdout)")

        try renameIntoPlace("held.txt", Self.inputs[0].1, staging: dir.path, inbox: daemon.inbox)
        try await Task.sleep(for: .seconds(2))
        #expect(inboxFiles(daemon) == ["held.txt"], "nothing leaves the inbox while paused")
        #expect(queueCount(daemon) == 0)

        let resume = try daemon.ctl(["resume", "--table"])
        #expect(resume.status == 0)
        #expect(resume.stdout == "intake resumed (1 document(s) were waiting)\n", "\(resume.stdout)")
        #expect(await waitUntil { queueCount(daemon) == 1 && inboxFiles(daemon).isEmpty })
        let running = try daemon.ctl(["folders", "list", "--json"])
        #expect(try Self.decode(SourceStatus.self, running.stdout).state == "running")

        // Stopping while paused loses nothing: the held file stays in the inbox and the next start takes it.
        #expect(try daemon.ctl(["pause"]).status == 0)
        try renameIntoPlace("later.txt", Self.inputs[1].1, staging: dir.path, inbox: daemon.inbox)
        // `pause` again changes nothing and says how many documents wait at the gate.
        #expect(await waitUntil(timeout: .seconds(10)) {
            (try? Self.decode(IntakeState.self, daemon.ctl(["pause", "--json"]).stdout).waiting) == 1
        })
        let clock = ContinuousClock()
        let stopStarted = clock.now
        #expect(daemon.stop() == 0)
        #expect(clock.now - stopStarted < .seconds(15), "a held document does not keep the daemon from stopping")
        #expect(inboxFiles(daemon) == ["later.txt"])
        try await daemon.start()
        #expect(await waitUntil { queueCount(daemon) == 2 && inboxFiles(daemon).isEmpty }, "intake is open after a restart")
        #expect(daemon.stop() == 0)
    }

    @Test("no feed is polled while intake is paused; resume polls what came due")
    func pausedFeeds() async throws {
        let dir = try TemporaryDirectory("pause-feeds")
        defer { dir.remove() }
        let daemon = try await Self.start(dir)
        #expect(try daemon.ctl(["pause"]).status == 0)
        let add = try daemon.ctl(["feeds", "add", FeedServer.shared.url("/feed.xml"), "--name", "paused-feed"])
        #expect(add.status == 0, "\(add.stderr)")
        func listing() throws -> FeedListing? {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try daemon.ctl(["feeds", "list", "--json"]).stdout.split(separator: "\n")
                .map { try decoder.decode(FeedListing.self, from: Data($0.utf8)) }.first { $0.name == "paused-feed" }
        }
        #expect(await waitUntil(timeout: .seconds(10)) { (try? listing()) != nil }, "the added feed is loaded")
        try await Task.sleep(for: .seconds(2))
        // Without the pause the poll would have started at once (and then waited at the gate, `polling`).
        let held = try #require(try listing())
        #expect(held.lastAttemptAt == nil && held.polling == false, "not polled while paused")
        #expect(queueCount(daemon) == 0)

        #expect(try daemon.ctl(["resume"]).status == 0)
        #expect(await waitUntil(timeout: .seconds(20)) { (try? listing())?.lastAttemptAt != nil && queueCount(daemon) > 0 }, "\(daemon.log())")
        #expect(daemon.stop() == 0)
    }

    @Test("stages list, reload and config check")
    func stagesReloadConfig() async throws {
        let dir = try TemporaryDirectory("stages")
        defer { dir.remove() }
        let daemon = try await Self.start(dir)
        try await Self.ingest(daemon)
        struct Row: Decodable {
            var position: Int
            var name: String
            var kind: String
            var processed: Int
        }
        let stages = try daemon.ctl(["stages", "list", "--json"])
        #expect(stages.status == 0, "\(stages.stderr)")
        let rows = try stages.stdout.split(separator: "\n").map { try Self.decode(Row.self, $0) }
        #expect(rows.map(\.name) == ["clean", "dedupe", "extract", "classify"])
        #expect(rows.map(\.position) == [1, 2, 3, 4])
        #expect(rows.allSatisfy { $0.kind == "built-in" && $0.processed == 4 })
        let table = try daemon.ctl(["stages", "list", "--table"])
        #expect(table.stdout.hasPrefix("#  STAGE     KIND      PROCESSED  DROPPED  FAILED\n1  clean     built-in  4          0        0\n"), "\(table.stdout)")

        let reload = try daemon.ctl(["reload", "--json"])
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(reload.stdout.contains("\"signal\":\"SIGHUP\""))
        #expect(await waitUntil(timeout: .seconds(10)) { daemon.log().contains("reloading on SIGHUP") })

        // A broken taxonomy: reload refuses to signal, config check lists the problem.
        try dir.write("taxonomy.toml", "[labels.Bad]\n")
        let refused = try daemon.ctl(["reload"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("not reloading: fix the configuration first"), "\(refused.stderr)")
        let paused = try daemon.ctl(["pause"])
        #expect(paused.status == 2, "\(paused.stderr)")
        #expect(paused.stderr.contains("fix the configuration, or name the daemon's socket with --socket"))
        // Through the socket alone, reprocess reaches the daemon, which refuses to run on a taxonomy it cannot load.
        let reprocess = try daemon.ctl(["reprocess", "1", "--socket", daemon.socketPath])
        #expect(reprocess.status == 1)
        #expect(reprocess.stderr.contains("stage classify cannot reload its files"), "\(reprocess.stderr)")
        let check = try runProcess(Executables.path("ingestctl"), ["config", "check", daemon.configPath, "--json"])
        #expect(check.status == 2)
        #expect(check.stdout.contains("\"valid\":false"), "\(check.stdout)")
        #expect(daemon.stop() == 0)

        let bad = try dir.write("bad.toml", "[daemon]\nworkers = 100\n[surprise]\nx = 1\n")
        let human = try runProcess(Executables.path("ingestctl"), ["config", "check", bad])
        #expect(human.status == 2)
        #expect(human.stderr == "invalid configuration (2 problems):\n  - daemon.workers: 100 is out of range 1…64\n  - surprise: unknown key\n", "\(human.stderr)")
        let good = try runProcess(Executables.path("ingestctl"), ["config", "check", "\(repositoryRootPath)/etc/ingestd.toml"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.hasPrefix("configuration OK"))
    }

    @Test("commands that need the daemon say how to start it, and exit 69")
    func daemonNotRunning() throws {
        let dir = try TemporaryDirectory("down")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir)
        for command in [["reprocess", "1"], ["pause"], ["resume"], ["reload"], ["stages", "list"], ["folders", "list"]] {
            let result = try daemon.ctl(command)
            #expect(result.status == 69, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("is ingestd running? nothing answers on \(daemon.socketPath). Start it with `ingestd --config \(daemon.configPath)`"), "\(command): \(result.stderr)")
        }
    }

    @Test("a socket this user may not use is named as such, with exit 77")
    func permissionDenied() async throws {
        let dir = try TemporaryDirectory("perm")
        defer { dir.remove() }
        let daemon = try await Self.start(dir)
        let ctl = Executables.path("ingestctl")
        let result: ProcessResult
        if getuid() == 0 {
            // Root ignores file modes: ask as nobody, who is neither the socket's owner nor in its group.
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
            result = try runProcess(
                "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", ctl, "pause", "--socket", daemon.socketPath])
        } else {
            chmod(daemon.socketPath, 0)
            result = try runProcess(ctl, ["pause", "--socket", daemon.socketPath])
            chmod(daemon.socketPath, 0o660)
        }
        #expect(result.status == 77, "\(result.stderr)")
        #expect(result.stderr.contains("permission denied on \(daemon.socketPath)"), "\(result.stderr)")
        // Commands that could read the database instead say the same: the daemon runs, the user may not ask it.
        let stats: ProcessResult
        if getuid() == 0 {
            stats = try runProcess(
                "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", ctl, "queue", "stats", "--socket", daemon.socketPath])
        } else {
            chmod(daemon.socketPath, 0)
            stats = try runProcess(ctl, ["queue", "stats", "--socket", daemon.socketPath])
            chmod(daemon.socketPath, 0o660)
        }
        #expect(stats.status == 77, "\(stats.stderr)")
        #expect(daemon.stop() == 0)
    }
}

/// The repository root, for the shipped config.
private let repositoryRootPath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
