import IngestCore
import Testing

@testable import IngestSources

@Suite("FeedSourceConfiguration")
struct FeedConfigurationTests {
    private func parse(_ values: [String: ConfigValue]) -> (FeedSourceConfiguration, [String]) {
        let problems = ConfigProblems()
        let section = ConfigSection(path: "sources.feeds[0]", values: values, problems: problems)
        let configuration = FeedSourceConfiguration(from: section, daemon: DaemonConfiguration())
        return (configuration, problems.items.map(\.description))
    }

    private func parseFetch(_ values: [String: ConfigValue]) -> (FeedFetchConfiguration, [String]) {
        let problems = ConfigProblems()
        let section = ConfigSection(path: "feeds", values: values, problems: problems)
        return (FeedFetchConfiguration(from: section), problems.items.map(\.description))
    }

    @Test("defaults apply when only name and url are given")
    func defaults() {
        let (c, problems) = parse(["name": .string("news"), "url": .string("https://example.org/feed.xml")])
        #expect(problems.isEmpty)
        #expect(c == FeedSourceConfiguration(name: "news", url: "https://example.org/feed.xml"))
        #expect(c.intervalSecs == 900)
        #expect(!c.fetchFullContent)
        #expect(!c.allowPrivateNetworks)
        #expect(c.updatedItems == .ignore)
        #expect(
            c.definition
                == FeedDefinition(name: "news", url: "https://example.org/feed.xml", intervalSecs: 900, origin: .config))
    }

    @Test("every key is read")
    func allKeys() {
        let (c, problems) = parse([
            "name": .string("news"), "url": .string("http://example.org/rss"), "interval_secs": .int(60),
            "fetch_full_content": .bool(true), "allow_private_networks": .bool(true),
            "updated_items": .string("new_version"),
        ])
        #expect(problems.isEmpty)
        #expect(c.intervalSecs == 60)
        #expect(c.fetchFullContent)
        #expect(c.allowPrivateNetworks)
        #expect(c.updatedItems == .newVersion)
        let d = c.definition
        #expect(d.intervalSecs == 60 && d.fetchFullContent && d.allowPrivateNetworks && d.origin == .config)
    }

    @Test("problems are reported with their key paths")
    func problems() {
        let (c, problems) = parse([
            "interval_secs": .int(59), "fetch_full_content": .string("yes"), "updated_items": .string("replace"),
            "colour": .string("blue"),
        ])
        #expect(problems.contains("sources.feeds[0].name: is required"))
        #expect(problems.contains("sources.feeds[0].url: is required"))
        #expect(problems.contains { $0.hasPrefix("sources.feeds[0].interval_secs: 59 is out of range") })
        #expect(problems.contains("sources.feeds[0].fetch_full_content: expected true or false, found string"))
        #expect(problems.contains { $0.hasPrefix("sources.feeds[0].updated_items: 'replace' is not one of") })
        #expect(problems.contains("sources.feeds[0].colour: unknown key"))
        #expect(problems.count == 6)
        #expect(c.intervalSecs == 900)
        #expect(c.updatedItems == .ignore)
    }

    @Test(
        "url must be an absolute http or https URL",
        arguments: [
            ("https://example.org/feed", nil), ("HTTP://Example.org/feed?x=1", nil), (" https://example.org/ ", nil),
            ("ftp://example.org/feed", "scheme 'ftp' is not supported (http or https only)"),
            ("file:///etc/passwd", "scheme 'file' is not supported (http or https only)"),
            ("example.org/feed", "'example.org/feed' is not an absolute http or https URL"),
            ("", "must not be empty"),
            ("https://", "'https://' is not a valid URL"),
        ] as [(String, String?)])
    func url(value: String, problem: String?) {
        let (_, problems) = parse(["name": .string("n"), "url": .string(value)])
        #expect(problems == (problem.map { ["sources.feeds[0].url: \($0)"] } ?? []))
    }

    @Test("an empty name or a wrongly typed url is a problem")
    func emptyName() {
        let (_, problems) = parse(["name": .string(" "), "url": .int(3)])
        #expect(problems == ["sources.feeds[0].name: must not be empty", "sources.feeds[0].url: expected a string, found integer"])
    }

    @Test("[feeds] defaults")
    func fetchDefaults() {
        let (c, problems) = parseFetch([:])
        #expect(problems.isEmpty)
        #expect(c == FeedFetchConfiguration())
        #expect(c.maxConcurrent == 8)
        #expect(c.perHost == 2)
        #expect(c.maxBodyBytes == 16 * 1024 * 1024)
        #expect(c.backoffCapSecs == 86_400)
        #expect(c.timeoutSecs == 60)
        #expect(c.schedule.backoffCapSecs == 86_400)
    }

    @Test("[feeds] keys and problems")
    func fetchKeys() {
        let (c, problems) = parseFetch([
            "max_concurrent": .int(16), "per_host": .int(4), "max_body_bytes": .int(1 << 20),
            "backoff_cap_secs": .int(3600), "timeout_secs": .int(30),
        ])
        #expect(problems.isEmpty)
        #expect(c == FeedFetchConfiguration(maxConcurrent: 16, perHost: 4, maxBodyBytes: 1 << 20, backoffCapSecs: 3600, timeoutSecs: 30))
        #expect(c.schedule.backoffCapSecs == 3600)

        let (bad, badProblems) = parseFetch([
            "max_concurrent": .int(0), "per_host": .string("2"), "backoff_cap_secs": .int(10), "user_agent": .string("x"),
        ])
        #expect(badProblems.contains { $0.hasPrefix("feeds.max_concurrent: 0 is out of range") })
        #expect(badProblems.contains("feeds.per_host: expected an integer, found string"))
        #expect(badProblems.contains { $0.hasPrefix("feeds.backoff_cap_secs: 10 is out of range") })
        #expect(badProblems.contains("feeds.user_agent: unknown key"))
        #expect(badProblems.count == 4)
        #expect(bad == FeedFetchConfiguration())
    }
}
