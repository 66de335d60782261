import Foundation
import IngestCore
import XCTest

@testable import IngestSources

final class RSSParserTests: XCTestCase {
    func testRSS20WithModules() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
                 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"
                 xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" xmlns:media="http://search.yahoo.com/mrss/">
            <channel xml:base="http://news.example/">
              <title>News</title><link>/</link><description>All the news</description>
              <language>en-us</language><lastBuildDate>Mon, 02 Jan 2006 15:04:05 GMT</lastBuildDate>
              <ttl>30</ttl><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>
              <atom:link rel="self" href="http://news.example/rss.xml" type="application/rss+xml"/>
              <item>
                <guid isPermaLink="false">id-1</guid><link>stories/1.html</link><title>First</title>
                <description>&lt;p&gt;short&lt;/p&gt;</description>
                <content:encoded><![CDATA[<p>full <b>text</b></p>]]></content:encoded>
                <dc:creator>Ann</dc:creator><author>bob@example.com (Bob)</author>
                <pubDate>Tue, 3 Jan 2006 10:00 +0100</pubDate>
                <category>World</category><dc:subject>Politics</dc:subject>
                <enclosure url="audio/1.mp3" type="audio/mpeg" length="1234"/>
                <media:content url="http://cdn.example/ignored.jpg"/>
              </item>
              <item>
                <guid>http://news.example/permalink/2</guid><title>Second</title>
                <dc:date>2006-01-04T08:00:00Z</dc:date><pubDate>yesterday-ish</pubDate>
                <media:group><media:content url="http://cdn.example/2.jpg" type="image/jpeg" fileSize="99"/></media:group>
              </item>
              <item><title>Third</title><pubDate>sometime soon</pubDate>
                <media:thumbnail url="thumb.jpg"/></item>
            </channel></rss>
            """
        let feed = try FeedParser.parse(Array(xml.utf8), url: "http://news.example/rss.xml")
        XCTAssertEqual(feed.kind, .rss20)
        XCTAssertEqual(feed.title, "News")
        XCTAssertEqual(feed.link, "http://news.example/")
        XCTAssertEqual(feed.feedURL, "http://news.example/rss.xml")
        XCTAssertEqual(feed.description, "All the news")
        XCTAssertEqual(feed.language, "en-us")
        XCTAssertEqual(feed.updatedAt, Date(timeIntervalSince1970: 1_136_214_245))
        XCTAssertEqual(feed.ttlMinutes, 30)
        XCTAssertEqual(feed.updateIntervalSecs, 1800)
        XCTAssertEqual(feed.entries.count, 3)

        let first = feed.entries[0]
        XCTAssertEqual(first.id, "id-1")
        XCTAssertEqual(first.link, "http://news.example/stories/1.html")
        XCTAssertEqual(first.summary, "<p>short</p>")
        XCTAssertEqual(first.content, "<p>full <b>text</b></p>")
        XCTAssertEqual(first.authors, ["bob@example.com (Bob)", "Ann"])
        XCTAssertEqual(first.published, "Tue, 3 Jan 2006 10:00 +0100")
        XCTAssertEqual(first.publishedAt, Date(timeIntervalSince1970: 1_136_278_800))
        XCTAssertEqual(first.categories, ["World", "Politics"])
        XCTAssertEqual(first.enclosures, [.init(url: "http://news.example/audio/1.mp3", type: "audio/mpeg", length: 1234)])

        let second = feed.entries[1]
        XCTAssertEqual(second.link, "http://news.example/permalink/2", "a permalink guid is the link")
        XCTAssertEqual(second.published, "yesterday-ish")
        XCTAssertNil(second.publishedAt, "an unparseable date is kept as text, never invented")
        XCTAssertEqual(second.enclosures, [.init(url: "http://cdn.example/2.jpg", type: "image/jpeg", length: 99)])

        let third = feed.entries[2]
        XCTAssertNil(third.id)
        XCTAssertEqual(third.published, "sometime soon")
        XCTAssertNil(third.publishedAt)
        XCTAssertEqual(third.enclosures.map(\.url), ["http://news.example/thumb.jpg"])
    }

    func testRSS10RDF() throws {
        let xml = """
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                     xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="http://rdf.example/"><title>RDF</title><link>http://rdf.example/</link>
                <description>d</description><dc:language>de</dc:language><dc:date>2004-05-06T07:08:09+02:00</dc:date>
              </channel>
              <item rdf:about="http://rdf.example/a"><title>A</title><link>http://rdf.example/a</link>
                <dc:creator>Carl</dc:creator><dc:date>2004-05-06T07:08:09+02:00</dc:date><dc:subject>s</dc:subject></item>
              <item rdf:about="http://rdf.example/b"><title>B</title></item>
            </rdf:RDF>
            """
        let feed = try FeedParser.parse(Array(xml.utf8))
        XCTAssertEqual(feed.kind, .rss10)
        XCTAssertEqual(feed.title, "RDF")
        XCTAssertEqual(feed.language, "de")
        XCTAssertEqual(feed.updatedAt, Date(timeIntervalSince1970: 1_083_820_089))
        XCTAssertEqual(feed.entries.map(\.title), ["A", "B"])
        XCTAssertEqual(feed.entries[0].authors, ["Carl"])
        XCTAssertEqual(feed.entries[0].categories, ["s"])
        XCTAssertEqual(feed.entries[1].link, "http://rdf.example/b", "rdf:about stands in for a missing link")
    }

    func testRSS090And091And092Versions() throws {
        let rss090 = """
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
            <channel><title>Old</title><link>http://old.example/</link></channel>
            <item><title>I</title><link>http://old.example/i</link></item></rdf:RDF>
            """
        let feed = try FeedParser.parse(Array(rss090.utf8))
        XCTAssertEqual(feed.kind, .rss090)
        XCTAssertEqual(feed.entries.first?.link, "http://old.example/i")
        for (version, kind) in [("0.91", ParsedFeed.Kind.rss091), ("0.92", .rss092), ("2.0", .rss20)] {
            let xml = "<rss version=\"\(version)\"><channel><title>T&nbsp;x</title><item><title>i</title></item></channel></rss>"
            let parsed = try FeedParser.parse(Array(xml.utf8))
            XCTAssertEqual(parsed.kind, kind)
            XCTAssertEqual(parsed.title, "T x")
        }
    }

    func testRelativeLinksAgainstDocumentURL() throws {
        let xml = "<rss version=\"2.0\"><channel><link>../home</link><item><link>p?id=1</link></item></channel></rss>"
        let feed = try FeedParser.parse(Array(xml.utf8), url: "https://site.example/feeds/rss.xml")
        XCTAssertEqual(feed.link, "https://site.example/home")
        XCTAssertEqual(feed.entries.first?.link, "https://site.example/feeds/p?id=1")
    }

    func testUnescapedMarkupInDescriptionIsKept() throws {
        let xml = "<rss version=\"2.0\"><channel><item><description>Hi <b>there</b> &amp; <br/>you</description></item></channel></rss>"
        let feed = try FeedParser.parse(Array(xml.utf8))
        XCTAssertEqual(feed.entries.first?.summary, "Hi <b>there</b> &amp; <br />you")
    }
}
