import Foundation
import IngestCore
import Testing

@testable import IngestSources

@Suite struct RSSParserTests {
    @Test func rSS20WithModules() throws {
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
        #expect(feed.kind == .rss20)
        #expect(feed.title == "News")
        #expect(feed.link == "http://news.example/")
        #expect(feed.feedURL == "http://news.example/rss.xml")
        #expect(feed.description == "All the news")
        #expect(feed.language == "en-us")
        #expect(feed.updatedAt == Date(timeIntervalSince1970: 1_136_214_245))
        #expect(feed.ttlMinutes == 30)
        #expect(feed.updateIntervalSecs == 1800)
        #expect(feed.entries.count == 3)

        let first = feed.entries[0]
        #expect(first.id == "id-1")
        #expect(first.link == "http://news.example/stories/1.html")
        #expect(first.summary == "<p>short</p>")
        #expect(first.content == "<p>full <b>text</b></p>")
        #expect(first.authors == ["bob@example.com (Bob)", "Ann"])
        #expect(first.published == "Tue, 3 Jan 2006 10:00 +0100")
        #expect(first.publishedAt == Date(timeIntervalSince1970: 1_136_278_800))
        #expect(first.categories == ["World", "Politics"])
        #expect(first.enclosures == [.init(url: "http://news.example/audio/1.mp3", type: "audio/mpeg", length: 1234)])

        let second = feed.entries[1]
        #expect(second.link == "http://news.example/permalink/2", "a permalink guid is the link")
        #expect(second.published == "yesterday-ish")
        #expect(second.publishedAt == nil, "an unparseable date is kept as text, never invented")
        #expect(second.enclosures == [.init(url: "http://cdn.example/2.jpg", type: "image/jpeg", length: 99)])

        let third = feed.entries[2]
        #expect(third.id == nil)
        #expect(third.published == "sometime soon")
        #expect(third.publishedAt == nil)
        #expect(third.enclosures.map(\.url) == ["http://news.example/thumb.jpg"])
    }

    @Test func rSS10RDF() throws {
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
        #expect(feed.kind == .rss10)
        #expect(feed.title == "RDF")
        #expect(feed.language == "de")
        #expect(feed.updatedAt == Date(timeIntervalSince1970: 1_083_820_089))
        #expect(feed.entries.map(\.title) == ["A", "B"])
        #expect(feed.entries[0].authors == ["Carl"])
        #expect(feed.entries[0].categories == ["s"])
        #expect(feed.entries[1].link == "http://rdf.example/b", "rdf:about stands in for a missing link")
    }

    @Test func rSS090And091And092Versions() throws {
        let rss090 = """
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
            <channel><title>Old</title><link>http://old.example/</link></channel>
            <item><title>I</title><link>http://old.example/i</link></item></rdf:RDF>
            """
        let feed = try FeedParser.parse(Array(rss090.utf8))
        #expect(feed.kind == .rss090)
        #expect(feed.entries.first?.link == "http://old.example/i")
        for (version, kind) in [("0.91", ParsedFeed.Kind.rss091), ("0.92", .rss092), ("2.0", .rss20)] {
            let xml = "<rss version=\"\(version)\"><channel><title>T&nbsp;x</title><item><title>i</title></item></channel></rss>"
            let parsed = try FeedParser.parse(Array(xml.utf8))
            #expect(parsed.kind == kind)
            #expect(parsed.title == "T x")
        }
    }

    @Test func relativeLinksAgainstDocumentURL() throws {
        let xml = "<rss version=\"2.0\"><channel><link>../home</link><item><link>p?id=1</link></item></channel></rss>"
        let feed = try FeedParser.parse(Array(xml.utf8), url: "https://site.example/feeds/rss.xml")
        #expect(feed.link == "https://site.example/home")
        #expect(feed.entries.first?.link == "https://site.example/feeds/p?id=1")
    }

    @Test func unescapedMarkupInDescriptionIsKept() throws {
        let xml = "<rss version=\"2.0\"><channel><item><description>Hi <b>there</b> &amp; <br/>you</description></item></channel></rss>"
        let feed = try FeedParser.parse(Array(xml.utf8))
        #expect(feed.entries.first?.summary == "Hi <b>there</b> &amp; <br />you")
    }

    @Test("dc:date is the update date when nothing more specific is given, atom:published a publication date")
    func itemDatesFromDublinCoreAndAtom() throws {
        let xml = """
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
            <channel>
              <item><title>only dc</title><dc:date>2007-02-03T10:20:30Z</dc:date></item>
              <item><title>both</title><pubDate>Fri, 02 Feb 2007 09:00:00 GMT</pubDate>
                <dc:date>2007-02-03T10:20:30Z</dc:date></item>
              <item><title>atom updated wins</title><dc:date>2007-02-03T10:20:30Z</dc:date>
                <atom:updated>2007-02-04T00:00:00Z</atom:updated></item>
              <item><title>atom published</title><atom:published>2019-01-02T15:04:05Z</atom:published></item>
              <item><title>pubDate only</title><pubDate>Fri, 02 Feb 2007 09:00:00 GMT</pubDate></item>
            </channel></rss>
            """
        let entries = try FeedParser.parse(Array(xml.utf8)).entries
        let dcDate = Date(timeIntervalSince1970: 1_170_498_030)
        let pubDate = Date(timeIntervalSince1970: 1_170_406_800)
        #expect(entries[0].publishedAt == dcDate)
        #expect(entries[0].updatedAt == dcDate)
        #expect(entries[1].publishedAt == pubDate)
        #expect(entries[1].updatedAt == dcDate)
        #expect(entries[2].updatedAt == Date(timeIntervalSince1970: 1_170_547_200))
        #expect(entries[3].published == "2019-01-02T15:04:05Z")
        #expect(entries[3].publishedAt == Date(timeIntervalSince1970: 1_546_441_445))
        #expect(entries[3].updatedAt == nil)
        #expect(entries[4].updated == nil, "pubDate is not copied into the update date")
    }

    @Test("content:encoded, else a bare <content>, else atom:content")
    func itemContentSources() throws {
        let xml = """
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
                 xmlns:atom="http://www.w3.org/2005/Atom">
            <channel>
              <item><title>bare</title><content>&lt;p&gt;bare body&lt;/p&gt;</content></item>
              <item><title>atom</title><atom:content type="html">&lt;p&gt;Body&lt;/p&gt;</atom:content></item>
              <item><title>atom xhtml</title>
                <atom:content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div></atom:content>
              </item>
              <item><title>all three</title><atom:content type="html">atom</atom:content><content>bare</content>
                <content:encoded><![CDATA[<p>encoded</p>]]></content:encoded></item>
            </channel></rss>
            """
        let entries = try FeedParser.parse(Array(xml.utf8)).entries
        #expect(entries.map(\.content) == ["<p>bare body</p>", "<p>Body</p>", "<p>x</p>", "<p>encoded</p>"])
    }

    @Test("a module prefix the feed never declared is read as the module")
    func undeclaredWellKnownPrefixes() throws {
        let xml = """
            <rss version="0.91"><channel><title>t</title>
              <item><title>i</title><content:encoded><![CDATA[<img src="http://a.example/c.png">]]></content:encoded>
                <dc:creator>Ann</dc:creator><dc:date>2007-02-03T10:20:30Z</dc:date></item>
            </channel></rss>
            """
        let feed = try FeedParser.parse(Array(xml.utf8))
        let entry = try #require(feed.entries.first)
        #expect(entry.content == "<img src=\"http://a.example/c.png\">")
        #expect(entry.authors == ["Ann"])
        #expect(entry.publishedAt == Date(timeIntervalSince1970: 1_170_498_030))
        #expect(feed.warnings.contains { $0.contains("Namespace prefix content") }, "still reported: \(feed.warnings)")
    }

    @Test("of several <link> elements in an item the first is the link")
    func repeatedItemLinkTakesTheFirst() throws {
        let xml = """
            <rss version="2.0"><channel><item>
              <link>http://example.org</link><link>http://example2.org</link><link href="http://example3.org"/>
            </item></channel></rss>
            """
        #expect(try FeedParser.parse(Array(xml.utf8)).entries.first?.link == "http://example.org")
    }

    @Test("the channel title falls back to dc:title")
    func channelTitleFromDublinCore() throws {
        let xml = """
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel><dc:title>DC Title</dc:title></channel></rss>
            """
        #expect(try FeedParser.parse(Array(xml.utf8)).title == "DC Title")
        let both = """
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel><dc:title>DC Title</dc:title><title>RSS Title</title></channel></rss>
            """
        #expect(try FeedParser.parse(Array(both.utf8)).title == "RSS Title")
    }

    @Test("a < that opens no tag stays in a title")
    func lessThanThatIsNotATag() throws {
        let cases = [
            ("Fish & Chips &amp; more &lt;3", "Fish & Chips & more <3"),
            ("a &lt; b and &lt;b&gt;bold&lt;/b&gt;", "a < b and bold"),
            ("x &lt;!-- note --&gt; y", "x y"),
            ("cut &lt;i", "cut"),
        ]
        for (raw, title) in cases {
            let xml = "<rss version=\"2.0\"><channel><title>\(raw)</title></channel></rss>"
            #expect(try FeedParser.parse(Array(xml.utf8)).title == title, "\(raw)")
        }
    }
}
