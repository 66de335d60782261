import Foundation
import IngestCore
import IngestSources
@testable import IngestStore
import IngestTestKit
import Testing

/// Three real `ingestd` instances sharing one PostgreSQL database (issue 11): each has its own inbox,
/// all three have the same 100 feeds on the local server. Copies arrive in different inboxes and in
/// different feeds at the same moment, and one instance is killed with SIGKILL midway and started again.
///
/// Runs when `INGESTD_TEST_POSTGRES_URL` names a server (`make test` starts one); `INGESTD_SHARED_DOCS`
/// changes the number of documents (default 10,000: 9,000 files and 100 feeds of 10 items).
@Suite("instances sharing a PostgreSQL store", .serialized)
struct SharedStoreTests {
    static let feeds = 100
    static let intervalSecs = 60

    /// Folder stories use numbers from 100,000 on; the feed server's stories are 0…899. Made-up words,
    /// two or three syllables each, from splitmix64 of the story and word number (the feed server's recipe).
    static func folderStory(_ n: Int) -> String {
        let syllables = ["ka", "to", "ri", "mu", "sen", "dor", "ve", "lin", "pa", "sho", "ne", "gu", "bar", "tel", "mi", "os"]
        func mix(_ value: UInt64) -> UInt64 {
            var x = value &+ 0x9E37_79B9_7F4A_7C15
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        let words = (0..<70).map { i in
            let h = mix(UInt64(n) &* 1_000_003 &+ UInt64(i))
            return (0..<(2 + Int(h % 2))).map { j in syllables[Int((h >> (8 + 4 * UInt64(j))) & 15)] }.joined()
        }
        return "Story \(n)\n\nStory \(n) " + words.joined(separator: " ") + ".\n"
    }

    @Test("three instances: every unique article once, every feed fetched once per interval, a SIGKILL loses nothing")
    func threeInstances() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let server = environment["INGESTD_TEST_POSTGRES_URL"], !server.isEmpty else {
            #expect(environment["INGESTD_REQUIRE_POSTGRES"] != "1", "INGESTD_TEST_POSTGRES_URL is not set")
            print("skipped: no PostgreSQL server (INGESTD_TEST_POSTGRES_URL); `make test` starts one")
            return
        }
        let totalDocs = Int(environment["INGESTD_SHARED_DOCS"] ?? "") ?? 10_000
        let feedItems = Self.feeds * 10
        let files = max(totalDocs - feedItems, 30)

        // A schema of its own, so the test starts from an empty database.
        let schema = "shared_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let admin = try PGConnection(url: server)
        try admin.run("CREATE SCHEMA \(schema)", operation: "test")
        defer { try? admin.run("DROP SCHEMA \(schema) CASCADE", operation: "test") }
        let url = server + (server.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"

        var feedConfig = "[feeds]\ntimeout_secs = 10\n"
        for k in 0..<Self.feeds {
            feedConfig += """

                [[sources.feeds]]
                name = "multi-\(k)"
                url = "\(FeedServer.shared.url("/multi/\(k).xml"))"
                interval_secs = \(Self.intervalSecs)

                """
        }
        var daemons: [DaemonProcess] = []
        for i in 0..<3 {
            let dir = try TemporaryDirectory("shared-\(i)")
            let extra = """
                [store]
                backend = "postgres"
                url = "\(url)"
                instance = "instance-\(i)"

                \(feedConfig)
                """
            daemons.append(try DaemonProcess(directory: dir, extra: extra))
        }
        let started = Date()
        for daemon in daemons { try await daemon.start() }
        defer { for daemon in daemons { daemon.stop() } }

        // Files: every tenth is a copy of the one before, which went to another instance's inbox.
        var expected = Set((0..<900).map { "Story \($0)" })
        var staging: [String] = []
        for daemon in daemons {
            let folder = daemon.directory.file("staging")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            staging.append(folder)
        }
        for i in 0..<files {
            let story = i % 10 == 9 ? 100_000 + i - 1 : 100_000 + i
            expected.insert("Story \(story)")
            let target = i % 3
            try renameIntoPlace(
                "f\(i).txt", Self.folderStory(story), staging: staging[target], inbox: daemons[target].inbox)
            if i == files / 2 {
                // Midway: instance 1 dies without warning while it works. Its files wait in its inbox.
                try await Task.sleep(for: .seconds(2))
                daemons[1].crash()
            }
            if i % 500 == 499 { try await Task.sleep(for: .milliseconds(200)) }
        }

        // The feeds instance 1 was polling are taken over by the others once its leases expire (within
        // one interval); then it comes back and works off its inbox.
        let lookup = try PGConnection(url: url)
        let takenOver = await waitUntil(timeout: .seconds(Self.intervalSecs * 3)) {
            let held = try? lookup.execute(
                "SELECT count(*) FROM feedLease WHERE owner = 'instance-1'", [], operation: "test").strings().first
            let total = try? lookup.execute("SELECT count(*) FROM feedLease", [], operation: "test").strings().first
            return held == "0" && total == String(Self.feeds)
        }
        #expect(takenOver, "instance 1's feed leases were not taken over")
        try await daemons[1].start()

        let store = try PostgresStore(url: url)
        func queuedTitles() throws -> [String] {
            try PGConnection(url: url).execute(
                "SELECT a.title FROM queueItem q JOIN article a ON a.id = q.articleId", [], operation: "test"
            ).strings()
        }
        let finished = await waitUntil(timeout: .seconds(900)) {
            let left = daemons.reduce(0) { $0 + inboxFiles($1).count }
            return left == 0 && (try? queuedTitles().count) == expected.count
        }
        let titles = try queuedTitles()
        #expect(finished, "queued \(titles.count) of \(expected.count); inbox files left: \(daemons.map { inboxFiles($0).count })\n\(daemons[1].log().suffix(3000))")
        #expect(titles.count == Set(titles).count, "a story was queued twice: \(titles.count - Set(titles).count) extra rows")
        #expect(Set(titles) == expected, "missing: \(expected.subtracting(titles).sorted().prefix(10)); unexpected: \(Set(titles).subtracting(expected).sorted().prefix(10))")
        for daemon in daemons {
            #expect(inboxFiles(daemon).isEmpty)
            #expect(daemon.directory.files(in: "state/inbox/failed").filter { !$0.hasSuffix(".reason") }.isEmpty)
        }
        // Copies were stored as dropped duplicates, each with its reason.
        let totals = try store.totals()
        #expect(totals.articles - totals.dropped == expected.count)
        #expect(totals.dropped >= (files / 10) + Self.feeds - 5, "copies are kept as dropped rows: \(totals.dropped)")

        // `ingestctl` on any instance sees the shared queue.
        let claim = try daemons[2].ctl(["queue", "claim", "--consumer", "check", "--limit", "3", "--json"])
        #expect(claim.status == 0 && claim.stdout.split(separator: "\n").count == 3, "\(claim.stdout)\(claim.stderr)")

        // Each feed fetched in every interval by one instance only: at least twice over two intervals and
        // more, never twice within one interval (the schedule's jitter is ±10 %).
        let twoIntervals = started.addingTimeInterval(Double(Self.intervalSecs) * 2.2)
        if twoIntervals > Date() { try await Task.sleep(for: .seconds(twoIntervals.timeIntervalSinceNow)) }
        let answer = await HTTPFetcher().fetch(FetchRequest(url: FeedServer.shared.url("/multi-hits")))
        let hits = try JSONDecoder().decode([String: [Double]].self, from: Data(answer.body))
        let elapsed = Date().timeIntervalSince(started)
        for k in 0..<Self.feeds {
            let times = (hits["/multi/\(k).xml"] ?? []).filter { $0 >= started.timeIntervalSince1970 }.sorted()
            #expect(times.count >= 2, "feed \(k) was fetched \(times.count) times in \(Int(elapsed)) s")
            #expect(times.count <= Int(elapsed / Double(Self.intervalSecs) / 0.9) + 1, "feed \(k): \(times.count) fetches in \(Int(elapsed)) s")
            for (a, b) in zip(times, times.dropFirst()) {
                #expect(b - a >= Double(Self.intervalSecs) * 0.85, "feed \(k) fetched twice within \(b - a) s")
            }
        }
        for daemon in daemons { #expect(daemon.process?.isRunning == true) }
    }
}
