import Foundation
import IngestSources
import IngestTestKit
import Testing

/// The real `ingestd` with feeds in its config, driven by the real `ingestctl`, against the local server.
@Suite("ingestd polling feeds")
struct FeedDaemonTests {
    static func config(_ feeds: [(String, String)]) -> String {
        var text = """
            [feeds]
            timeout_secs = 3
            max_body_bytes = 1048576

            """
        for (name, path) in feeds {
            text += """

                [[sources.feeds]]
                name = "\(name)"
                url = "\(FeedServer.shared.url(path))"

                """
        }
        return text
    }

    static func listings(_ daemon: DaemonProcess) throws -> [FeedListing] {
        let result = try daemon.ctl(["feeds", "list", "--json"])
        guard result.status == 0 else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try result.stdout.split(separator: "\n").map { try decoder.decode(FeedListing.self, from: Data($0.utf8)) }
    }

    @Test("the daemon keeps running through every bad server, and feeds list shows each failure")
    func survivesBadServers() async throws {
        let bad = [
            ("rate-limited", "/status/429"), ("loop", "/redirect/loop"), ("to-file", "/redirect/file"),
            ("to-ftp", "/redirect/ftp"), ("drip", "/drip"), ("huge", "/big"), ("bomb", "/gzip-bomb"),
            ("laughs", "/billion-laughs.xml"), ("xxe", "/xxe.xml"), ("missing", "/status/404"),
        ]
        let dir = try TemporaryDirectory("feed-daemon")
        let daemon = try DaemonProcess(directory: dir, extra: Self.config(bad + [("good", "/feed.xml")]))
        try await daemon.start()
        defer { daemon.stop() }

        // Every feed is polled at start; wait until each has been tried.
        let tried = await waitUntil {
            let listings = (try? Self.listings(daemon)) ?? []
            return listings.count == bad.count + 1 && listings.allSatisfy { $0.lastAttemptAt != nil && $0.polling == false }
        }
        #expect(tried, "\(daemon.log())")
        let listings = Dictionary(uniqueKeysWithValues: try Self.listings(daemon).map { ($0.name, $0) })
        let failing = ["rate-limited", "loop", "to-file", "to-ftp", "drip", "huge", "bomb", "missing"]
        for name in failing {
            let listing = try #require(listings[name])
            #expect(listing.health == "backing_off", "\(name)")
            #expect(listing.consecutiveErrors == 1, "\(name)")
            #expect(listing.lastError?.isEmpty == false, "\(name) shows its error")
            #expect(listing.nextPollAt.map { $0 > Date() } == true, "\(name) is still scheduled: never disabled")
        }
        #expect(listings["rate-limited"]?.lastError?.contains("429") == true)
        #expect(listings["huge"]?.lastError?.contains("exceeds") == true)
        #expect(listings["good"]?.health == "ok")
        #expect(daemon.process?.isRunning == true)

        // `feeds poll` polls now and says what happened; a failure makes it exit 1.
        let poll = try daemon.ctl(["feeds", "poll", "good", "missing", "--json"])
        #expect(poll.status == 1)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let reports = try poll.stdout.split(separator: "\n").map { try decoder.decode(FeedPollReport.self, from: Data($0.utf8)) }
        #expect(reports.map(\.name) == ["good", "missing"])
        #expect(reports.map(\.outcome) == [.notModified, .failed])
        #expect(try Self.listings(daemon).first { $0.name == "missing" }?.consecutiveErrors == 2)
        #expect(try daemon.ctl(["feeds", "poll", "nosuch"]).stderr.contains("no feed named 'nosuch'"))

        // Status lists the feeds as sources. In the queue: the good feed's two items and the XXE item, its
        // entity left out ("Secret:"); the billion-laughs item, empty once its entity is not expanded, was
        // rejected with its reason.
        let status = try daemon.ctl(["status", "--json"])
        #expect(status.stdout.contains("\"kind\":\"feed\""))
        #expect(queueCount(daemon) == 3)
        #expect(try storedTitles(daemon).sorted() == ["First item", "Second item", "Secret:"])
        #expect(try Self.listings(daemon).first { $0.name == "laughs" }?.counts?["rejected"] == 1)
        #expect(daemon.stop() == 0, "a clean shutdown after all of it")
    }

    @Test("a feed added with ingestctl is polled by the running daemon, and its state survives a restart")
    func addedAtRuntime() async throws {
        let dir = try TemporaryDirectory("feed-daemon-add")
        let daemon = try DaemonProcess(directory: dir)
        try await daemon.start()
        defer { daemon.stop() }
        let add = try daemon.ctl(["feeds", "add", FeedServer.shared.url("/atom.xml"), "--name", "atom"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("reloaded"))
        #expect(await waitUntil { queueCount(daemon) == 1 })
        let listing = try #require(try Self.listings(daemon).first { $0.name == "atom" })
        #expect(listing.origin == "cli")
        #expect(listing.health == "ok")

        // Restarted, the daemon does not poll before the saved next poll, and re-ingests nothing.
        #expect(daemon.stop() == 0)
        try await daemon.start()
        let after = try #require(try Self.listings(daemon).first { $0.name == "atom" })
        #expect(after.nextPollAt == listing.nextPollAt)
        #expect(after.lastAttemptAt == listing.lastAttemptAt, "not polled again at start")
        let poll = try daemon.ctl(["feeds", "poll", "atom", "--json"])
        #expect(poll.status == 0, "\(poll.stderr)")
        #expect(poll.stdout.contains("\"new\":0"))
        #expect(queueCount(daemon) == 1)
    }

    @Test("feeds parse fetches a URL the way the daemon does, and names the redirects it followed")
    func parseURL() throws {
        let result = try runProcess(Executables.path("ingestctl"), ["feeds", "parse", FeedServer.shared.url("/redirect/chain"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let feed = try decoder.decode(ParsedFeed.self, from: Data(result.stdout.utf8))
        #expect(feed.title == "Local Test Feed")
        #expect(feed.entries.count == 2)
        #expect(result.stderr.contains("redirected: 301"), "\(result.stderr)")

        let refused = try runProcess(Executables.path("ingestctl"), ["feeds", "parse", FeedServer.shared.url("/redirect/file")])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refused scheme"), "\(refused.stderr)")
    }
}
