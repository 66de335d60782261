import Foundation
import IngestTestKit
import Testing

@Suite("ingestctl feeds parse")
struct FeedsCommandTests {
    /// The fields of `ParsedFeed` these tests look at, decoded on their own so the test reads the JSON
    /// exactly as a user's script would.
    struct Output: Decodable {
        var kind: String
        var title: String?
        var link: String?
        var language: String?
        var warnings: [String]
        struct Entry: Decodable {
            var id: String?
            var link: String?
            var title: String?
            var published: String?
            var publishedAt: String?
            var content: String?
            var summary: String?
        }
        var entries: [Entry]
    }

    static let rss = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
          <channel>
            <title>Harbour News</title>
            <link>https://harbour.example/</link>
            <language>en-gb</language>
            <item>
              <guid isPermaLink="false">storm-1</guid>
              <title>Harbour reopens after storm</title>
              <link>https://harbour.example/storm</link>
              <pubDate>Sun, 01 Mar 2026 08:30:00 +0100</pubDate>
              <description>Reopened.</description>
              <content:encoded><![CDATA[<p>Ships sailed again.</p>]]></content:encoded>
            </item>
          </channel>
        </rss>
        """

    @Test("--json prints the parsed feed as one JSON object")
    func parseJSON() throws {
        let dir = try TemporaryDirectory("ctl-feeds")
        defer { dir.remove() }
        let file = try dir.write("harbour.rss", Self.rss)
        let result = try ingestctl(["feeds", "parse", file, "--json"], in: dir.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("}\n"))
        #expect(result.stdout.filter { $0 == "\n" }.count == 1, "one JSON object on one line")
        let feed = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        #expect(feed.kind == "rss2.0")
        #expect(feed.title == "Harbour News")
        #expect(feed.link == "https://harbour.example/")
        #expect(feed.language == "en-gb")
        #expect(feed.warnings == [])
        let entry = try #require(feed.entries.first)
        #expect(feed.entries.count == 1)
        #expect(entry.id == "storm-1")
        #expect(entry.title == "Harbour reopens after storm")
        #expect(entry.link == "https://harbour.example/storm")
        #expect(entry.published == "Sun, 01 Mar 2026 08:30:00 +0100")
        #expect(entry.publishedAt == "2026-03-01T07:30:00Z")
        #expect(entry.summary == "Reopened.")
        #expect(entry.content == "<p>Ships sailed again.</p>")
    }

    @Test("a JSON Feed file is recognised by its content, whatever its name")
    func parseJSONFeed() throws {
        let dir = try TemporaryDirectory("ctl-feeds")
        defer { dir.remove() }
        let file = try dir.write("feed.xml", #"{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": 7}]}"#)
        let result = try ingestctl(["feeds", "parse", file], in: dir.path)
        #expect(result.status == 0, "\(result.stderr)")
        let feed = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        #expect(feed.kind == "json1.1")
        #expect(feed.entries.map(\.id) == ["7"])
    }

    @Test("a document that is not a feed exits 1 naming the file")
    func parseError() throws {
        let dir = try TemporaryDirectory("ctl-feeds")
        defer { dir.remove() }
        let file = try dir.write("notes.json", #"{"title": "not a feed"}"#)
        let result = try ingestctl(["feeds", "parse", file, "--json"], in: dir.path)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "ingestctl: \(file): feed: JSON without a \"version\" is not a JSON Feed\n")
    }

    @Test("a missing file exits 1 naming the file")
    func missingFile() throws {
        let dir = try TemporaryDirectory("ctl-feeds")
        defer { dir.remove() }
        let result = try ingestctl(["feeds", "parse", dir.file("absent.xml")], in: dir.path)
        #expect(result.status == 1)
        #expect(result.stderr == "ingestctl: \(dir.file("absent.xml")): cannot read the file\n")
    }

    @Test("a URL that cannot be fetched exits 1 with the fetcher's reason")
    func urlUnreachable() throws {
        // Port 9 (discard) on loopback: nothing listens there, so the connection is refused at once.
        let result = try ingestctl(["feeds", "parse", "http://127.0.0.1:9/feed.xml"])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("ingestctl: http://127.0.0.1:9/feed.xml: fetch: connection"), "\(result.stderr)")
    }
}
