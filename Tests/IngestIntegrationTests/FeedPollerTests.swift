import Foundation
import IngestCore
import IngestDaemon
import IngestSources
import IngestStore
import IngestTestKit
import Logging
import Testing

/// A feed poller and a folder source feeding a real pipeline runner and a real SQLite store, against the
/// local feed server.
struct PollerHarness {
    let dir: TemporaryDirectory
    let store: SQLiteStore
    let runner: PipelineRunner
    let poller: FeedPoller
    let folder: FolderSource?

    static let logger = Logger(label: "ingest.poller.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    init(
        _ feeds: [FeedSourceConfiguration], fetch: FeedFetchConfiguration = FeedFetchConfiguration(),
        withFolder: Bool = false
    ) throws {
        dir = try TemporaryDirectory("poller")
        store = try SQLiteStore(path: dir.file("ingestd.db"))
        var storeConfiguration = StoreConfiguration()
        storeConfiguration.batchDelayMillis = 0
        runner = PipelineRunner(
            // One worker, so the queue order is the order items were handed over (oldest first).
            pipeline: Pipeline(stages: []), store: store, storeConfiguration: storeConfiguration, workers: 1,
            logger: Self.logger)
        var fetcherConfiguration = HTTPFetcher.Configuration()
        fetcherConfiguration.maxBodyBytes = fetch.maxBodyBytes
        fetcherConfiguration.totalTimeout = .seconds(fetch.timeoutSecs)
        poller = FeedPoller(
            configuration: .init(feeds: feeds, fetch: fetch), fetcher: HTTPFetcher(configuration: fetcherConfiguration),
            registry: store, ledger: store, sink: runner, logger: Self.logger)
        if withFolder {
            let section = ConfigSection(
                path: "sources.folders[0]", values: ["name": .string("inbox"), "path": .string(dir.file("inbox")), "settle_ms": .int(0)],
                problems: ConfigProblems())
            folder = FolderSource(
                configuration: FolderSource.Configuration(from: section, daemon: DaemonConfiguration()), sink: runner,
                feeds: poller.fileContext, logger: Self.logger)
        } else {
            folder = nil
        }
    }

    /// Runs the runner, the poller (and the folder) while `body` runs, then stops them as a shutdown would.
    func run(_ body: () async throws -> Void) async throws {
        let services = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await runner.run() }
                group.addTask { try? await poller.run() }
                if let folder { group.addTask { try? await folder.run() } }
            }
        }
        defer { services.cancel() }
        try await body()
        services.cancel()
        await services.value
    }

    func articles() throws -> [Article] {
        try store.peek(queue: "default", state: nil, limit: 1000).compactMap { try store.article(id: $0.articleId)?.article }
    }

    func listing(_ name: String) -> FeedListing? { poller.listings().first { $0.name == name } }
}

func feed(_ name: String, _ path: String, fullContent: Bool = false, allowPrivate: Bool = false) -> FeedSourceConfiguration {
    FeedSourceConfiguration(
        name: name, url: FeedServer.shared.url(path), intervalSecs: 900, fetchFullContent: fullContent,
        allowPrivateNetworks: allowPrivate)
}

@Suite("feed poller against the local feed server", .serialized)
struct FeedPollerTests {
    @Test("items become articles once; the next poll sends the validators, gets 304 and ingests nothing")
    func pollsOnce() async throws {
        let h = try PollerHarness([feed("local", "/feed.xml")])
        try await h.run {
            _ = try await h.poller.pollNow(["local"])
            let articles = try h.articles()
            #expect(articles.map(\.title) == ["First item", "Second item"], "oldest first")
            let first = try #require(articles.first)
            #expect(first.url == "http://127.0.0.1/1")
            #expect(first.published == "Sat, 01 Nov 2025 09:00:00 GMT")
            #expect(first.publishedAt == Date(timeIntervalSince1970: 1_761_987_600))
            #expect(first.text == "One")
            #expect(first.origin.kind == .feed && first.origin.source == "local")
            #expect(first.origin.ledgerKey == "feed:local:item-1")
            #expect(first.fields["feed_title"] == "Local Test Feed")

            let again = try await h.poller.pollNow(["local"])
            #expect(again.map(\.outcome) == [.notModified])
            #expect(again.first?.new == 0)
            #expect(try h.articles().count == 2)
            let listing = try #require(h.listing("local"))
            #expect(listing.health == "ok")
            #expect(listing.lastStatus == 304)
            // Cache-Control: max-age=600 is shorter than the 900 s interval: the interval stands (± jitter).
            let delay = try #require(listing.nextPollAt).timeIntervalSinceNow
            #expect(delay > 700 && delay <= 1000, "\(delay)")
        }
        // The state survives: validators were saved only after the items were committed.
        let saved = try #require(try h.store.feedStates()["local"])
        #expect(saved.etag == "\"feed-v1\"")
        #expect(saved.configuredURL == FeedServer.shared.url("/feed.xml"))
    }

    @Test("every misbehaving server is recorded on its feed, and polling goes on")
    func failures() async throws {
        let cases: [(name: String, path: String, error: String)] = [
            ("429", "/status/429", "HTTP 429 Too Many Requests (Retry-After: 120)"),
            ("503", "/status/503", "HTTP 503 Service Unavailable"),
            ("404", "/status/404", "HTTP 404 Not Found"),
            ("loop", "/redirect/loop", "more than 5 redirects"),
            ("file", "/redirect/file", "refused scheme"),
            ("ftp", "/redirect/ftp", "refused scheme"),
            ("drip", "/drip", "timed out"),
            ("big", "/big", "exceeds 1048576 bytes"),
            ("bomb", "/gzip-bomb", "exceeds 1048576 bytes"),
            ("html", "/page/1", "not a feed: root element is <html>"),
            ("json", "/echo", "not a JSON Feed"),
        ]
        let fetch = FeedFetchConfiguration(maxBodyBytes: 1 << 20, timeoutSecs: 3)
        let h = try PollerHarness(cases.map { feed($0.name, $0.path) } + [feed("good", "/feed.xml")], fetch: fetch)
        try await h.run {
            let reports = try await h.poller.pollNow([])
            for c in cases {
                let report = try #require(reports.first { $0.name == c.name })
                #expect(report.outcome == .failed, "\(c.name)")
                #expect(report.error?.contains(c.error) == true, "\(c.name): \(report.error ?? "no error")")
                let listing = try #require(h.listing(c.name))
                #expect(listing.health == "backing_off", "\(c.name)")
                #expect(listing.consecutiveErrors >= 1, "\(c.name)")
                #expect(listing.lastError?.contains(c.error) == true, "\(c.name)")
            }
            // Retry-After is a minimum for the next poll.
            #expect(try #require(h.listing("429")?.nextPollAt).timeIntervalSinceNow > 110)
            #expect(try #require(h.listing("503")?.nextPollAt).timeIntervalSinceNow > 250)
            // The poller is still working: the good feed was ingested and can be polled again.
            #expect(reports.first { $0.name == "good" }?.outcome != .failed)
            #expect(try await h.poller.pollNow(["good"]).first?.outcome == .notModified)
            #expect(try h.articles().count == 2)
        }
    }

    @Test("hostile and broken XML: nothing expanded, nothing read from disk, recovered content kept with a warning")
    func hostileXML() async throws {
        let h = try PollerHarness([feed("laughs", "/billion-laughs.xml"), feed("xxe", "/xxe.xml"), feed("invalid", "/invalid.xml"), feed("typed-html", "/wrong-type/html")])
        try await h.run {
            let reports = try await h.poller.pollNow([])
            let byName = Dictionary(uniqueKeysWithValues: reports.map { ($0.name, $0) })
            // Served as text/html, but the content is RSS: detection is by content.
            #expect(byName["typed-html"]?.outcome == .fetched)
            #expect(try h.articles().filter { $0.origin.source == "typed-html" }.count == 2)
            let hostname = (try? String(contentsOfFile: "/etc/hostname", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            for article in try h.articles() {
                let all = [article.title ?? "", article.text, article.html ?? ""].joined(separator: "\n")
                #expect(all.count < 10_000, "no entity expansion")
                if hostname.count >= 3 { #expect(!all.contains(hostname), "the XXE target must appear nowhere") }
            }
            // The ill-formed feed either recovers with a warning on the feed or fails with a clear error.
            let invalid = try #require(byName["invalid"])
            if invalid.outcome == .fetched {
                #expect(!(h.listing("invalid")?.warnings.isEmpty ?? true))
            } else {
                #expect(invalid.error?.hasPrefix("feed:") == true)
            }
        }
    }

    @Test("a 301 seen on three polls in a row replaces the feed's URL")
    func permanentRedirect() async throws {
        let h = try PollerHarness([feed("moving", "/moved")])
        try await h.run {
            var moved: [String] = []
            for _ in 0..<3 {
                moved += try await h.poller.pollNow(["moving"]).compactMap(\.movedTo)
                if h.listing("moving")?.url == FeedServer.shared.url("/feed.xml") { break }
            }
            let listing = try #require(h.listing("moving"))
            #expect(listing.url == FeedServer.shared.url("/feed.xml"))
            #expect(listing.configuredURL == FeedServer.shared.url("/moved"))
            #expect(moved == [FeedServer.shared.url("/feed.xml")], "moved once")
            #expect(try h.articles().count == 2, "the items were ingested once, whatever the URL")
        }
    }

    @Test("full content: item pages are fetched, but private addresses only when allowed (SSRF)")
    func fullContent() async throws {
        let h = try PollerHarness([
            feed("guarded", "/fullcontent.xml", fullContent: true),
            feed("open", "/fullcontent.xml?open", fullContent: true, allowPrivate: true),
        ])
        try await h.run {
            _ = try await h.poller.pollNow(["guarded", "open"])
            let articles = try h.articles()
            let guarded = articles.filter { $0.origin.source == "guarded" }
            let open = articles.filter { $0.origin.source == "open" }
            #expect(guarded.count == 2 && open.count == 2)
            for article in guarded {
                #expect(article.text.hasPrefix("Summary"), "the feed's text stands in")
                #expect(article.fields["full_content_error"]?.contains("refused to connect to 127.0.0.1") == true)
            }
            for article in open {
                #expect(article.text.contains("The full text of page"), "\(article.text)")
                #expect(article.html?.contains("<article>") == true)
                #expect(article.title?.hasPrefix("Full content story") == true, "the feed's title, not the page's")
                #expect(article.fields["summary"]?.hasPrefix("Summary") == true)
                #expect(article.fields["full_content_error"] == nil)
            }
        }
    }

    @Test("a feed document dropped in a folder is ingested item by item, sharing the polled feed's ledger")
    func feedFileInFolder() async throws {
        let h = try PollerHarness([feed("selfref", "/selfref.xml")], withFolder: true)
        let fetched = await HTTPFetcher().fetch(FetchRequest(url: FeedServer.shared.url("/selfref.xml")))
        let other = await HTTPFetcher().fetch(FetchRequest(url: FeedServer.shared.url("/fullcontent.xml")))
        let inbox = h.dir.file("inbox")
        try await h.run {
            _ = try await h.poller.pollNow(["selfref"])
            #expect(try h.articles().count == 2)
            // The same document, saved by someone: its self link names our feed, so its items are known.
            try Data(fetched.body).write(to: URL(fileURLWithPath: "\(inbox)/copy.rss"))
            #expect(await waitUntil { FileManager.default.fileExists(atPath: "\(inbox)/done/copy.rss") })
            #expect(try h.articles().count == 2)
            // Another feed's document (no self link): its two items are new, keyed under the folder's name.
            try Data(other.body).write(to: URL(fileURLWithPath: "\(inbox)/other.xml"))
            #expect(await waitUntil { FileManager.default.fileExists(atPath: "\(inbox)/done/other.xml") })
            let keys = try h.articles().compactMap(\.origin.ledgerKey).sorted()
            #expect(keys == ["feed:inbox:Full content-1", "feed:inbox:Full content-2", "feed:selfref:Self-1", "feed:selfref:Self-2"])
            // Dropped again under another name: nothing new.
            try Data(other.body).write(to: URL(fileURLWithPath: "\(inbox)/other-again.xml"))
            #expect(await waitUntil { FileManager.default.fileExists(atPath: "\(inbox)/done/other-again.xml") })
            #expect(try h.articles().count == 4)
            // A broken feed document goes to failed/ with its reason.
            try Data("<rss><channel><title>x</title>".utf8).write(to: URL(fileURLWithPath: "\(inbox)/broken.xml"))
            #expect(await waitUntil { FileManager.default.fileExists(atPath: "\(inbox)/failed/broken.xml.error.json") })
        }
    }

    @Test("an edited item is ignored, or ingested again as a new version, as the feed says")
    func updatedItems() async throws {
        var versions = feed("versions", "/changing.xml?versions")
        versions.updatedItems = .newVersion
        let h = try PollerHarness([feed("ignore", "/changing.xml?ignore"), versions])
        try await h.run {
            for _ in 0..<2 { _ = try await h.poller.pollNow(["ignore", "versions"]) }
            let articles = try h.articles()
            #expect(articles.filter { $0.origin.source == "ignore" }.count == 1)
            let versioned = articles.filter { $0.origin.source == "versions" }
            // The automatic first poll may have added one more edition; at least two polls each brought one.
            #expect(versioned.count >= 2, "\(articles.map { ($0.origin.source, $0.origin.ledgerKey ?? "-", $0.text) }) \(versioned.map(\.text))")
            #expect(Set(versioned.map(\.text)).count == versioned.count, "each version has its own text")
            #expect(versioned.allSatisfy { $0.origin.ledgerKey?.hasPrefix("feed:versions:changing-1#") == true })
        }
    }
}
