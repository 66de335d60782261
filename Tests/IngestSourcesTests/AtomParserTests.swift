import Foundation
import IngestCore
import Testing

@testable import IngestSources

@Suite struct AtomParserTests {
    @Test func atom10WithXMLBaseAndTextConstructs() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://blog.example/" xml:lang="en">
              <title type="html">Tom &amp;amp; &lt;b&gt;Jerry&lt;/b&gt;</title>
              <subtitle type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A <em>fine</em> blog</div></subtitle>
              <link rel="self" href="/atom.xml"/><link href="/"/><link rel="alternate" type="application/json" href="/j"/>
              <updated>2005-07-31T12:29:29Z</updated><id>tag:blog.example,2005:feed</id>
              <entry xml:base="2005/07/">
                <id>tag:blog.example,2005:1</id>
                <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Post <b>one</b></div></title>
                <link rel="alternate" type="text/html" href="post.html"/>
                <link rel="enclosure" type="audio/mpeg" length="1337" href="audio.mp3"/>
                <author><name>Mark</name></author><author><name>Sam</name></author>
                <published>2003-12-13T08:29:29-04:00</published><updated>2005-07-31T12:29:29Z</updated>
                <summary>Short</summary>
                <content type="xhtml" xml:base="/other/"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <a href="x">x</a></p></div></content>
                <category term="tech" label="Technology"/><category term="misc"/>
              </entry>
              <entry>
                <id>tag:blog.example,2005:2</id><title>Two</title><link href="two"/>
                <content type="html">&lt;p&gt;escaped&lt;/p&gt;</content><updated>not a date</updated>
              </entry>
            </feed>
            """
        let feed = try FeedParser.parse(Array(xml.utf8))
        #expect(feed.kind == .atom10)
        #expect(feed.title == "Tom & Jerry")
        #expect(feed.description == "A fine blog")
        #expect(feed.link == "http://blog.example/")
        #expect(feed.feedURL == "http://blog.example/atom.xml")
        #expect(feed.language == "en")
        #expect(feed.updatedAt == Date(timeIntervalSince1970: 1_122_812_969))

        let first = feed.entries[0]
        #expect(first.id == "tag:blog.example,2005:1")
        #expect(first.title == "Post one")
        #expect(first.link == "http://blog.example/2005/07/post.html")
        #expect(first.authors == ["Mark", "Sam"])
        #expect(first.publishedAt == Date(timeIntervalSince1970: 1_071_318_569))
        #expect(first.summary == "Short")
        #expect(first.content == "<p>Hello <a href=\"x\">x</a></p>")
        #expect(first.categories == ["Technology", "misc"])
        #expect(first.enclosures == [.init(url: "http://blog.example/2005/07/audio.mp3", type: "audio/mpeg", length: 1337)])

        let second = feed.entries[1]
        #expect(second.link == "http://blog.example/two")
        #expect(second.content == "<p>escaped</p>")
        #expect(second.updated == "not a date")
        #expect(second.updatedAt == nil)
    }

    @Test func atom03() throws {
        let xml = """
            <feed version="0.3" xmlns="http://purl.org/atom/ns#">
              <title>Old Atom</title><tagline>tag</tagline><link rel="alternate" type="text/html" href="http://old.example/"/>
              <modified>2004-01-01T00:00:00Z</modified>
              <entry><id>e1</id><title>E</title><link rel="alternate" href="http://old.example/e"/>
                <issued>2003-12-31T10:00:00Z</issued><modified>2004-01-01T00:00:00Z</modified>
                <author><name>Old</name></author>
                <content type="text/html" mode="escaped">&lt;p&gt;c&lt;/p&gt;</content>
                <summary mode="base64">SGVsbG8=</summary></entry>
            </feed>
            """
        let feed = try FeedParser.parse(Array(xml.utf8))
        #expect(feed.kind == .atom03)
        #expect(feed.title == "Old Atom")
        #expect(feed.description == "tag")
        #expect(feed.link == "http://old.example/")
        let e = try #require(feed.entries.first)
        #expect(e.published == "2003-12-31T10:00:00Z")
        #expect(e.publishedAt != nil)
        #expect(e.updated == "2004-01-01T00:00:00Z", "0.3 modified is the update date")
        #expect(e.updatedAt != nil)
        #expect(e.content == "<p>c</p>")
        #expect(e.summary == "Hello")
        #expect(e.authors == ["Old"])
    }

    @Test func atomRelativeToDocumentURL() throws {
        let xml = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><link href=\"index.html\"/><entry><link href=\"e/1\"/></entry></feed>"
        let feed = try FeedParser.parse(Array(xml.utf8), url: "https://x.example/blog/atom.xml")
        #expect(feed.link == "https://x.example/blog/index.html")
        #expect(feed.entries.first?.link == "https://x.example/blog/e/1")
    }

    @Test("an entry with only an update date has no publication date")
    func updatedIsNotCopiedIntoPublished() throws {
        let xml = """
            <feed version="0.3" xmlns="http://purl.org/atom/ns#">
              <entry><modified>Thu, 01 Jan 2004 19:48:21 GMT</modified></entry>
            </feed>
            """
        let e = try #require(try FeedParser.parse(Array(xml.utf8)).entries.first)
        #expect(e.updatedAt == Date(timeIntervalSince1970: 1_072_986_501))
        #expect(e.published == nil)
        #expect(e.publishedAt == nil)
    }

    @Test("an id is kept as given, never resolved against xml:base")
    func idIsNotResolved() throws {
        let xml = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.com/test/">
              <entry><id>relative/link</id><link href="relative/link"/></entry>
            </feed>
            """
        let e = try #require(try FeedParser.parse(Array(xml.utf8), url: "https://feeds.example/atom.xml").entries.first)
        #expect(e.id == "relative/link")
        #expect(e.link == "http://example.com/test/relative/link", "links are resolved, ids are not")
    }

    @Test("Base64 is decoded only when it decodes to UTF-8 text")
    func base64OnlyWhenItIsText() throws {
        // "<p>Entry Title</p>" in Base64; "test" is valid Base64 too, of three bytes that are not UTF-8.
        let xml = """
            <feed xmlns="http://www.w3.org/2005/Atom">
              <entry><title type="application/octet-stream">PHA+RW50cnkgVGl0bGU8L3A+</title></entry>
              <entry><title type="application/x-custom">test</title>
                <content type="image/png">iVBORw0KGgo=</content></entry>
              <entry><title>c</title><content type="text/plain">plain</content></entry>
            </feed>
            """
        let entries = try FeedParser.parse(Array(xml.utf8)).entries
        #expect(entries.map(\.title) == ["Entry Title", "test", "c"])
        #expect(entries[1].content == nil, "a binary payload is no text content")
        #expect(entries[2].content == "plain")
    }

    @Test("a bare entry document is a feed of one entry")
    func entryDocument() throws {
        let xml = """
            <?xml version="1.0"?>
            <entry xmlns="http://www.w3.org/2005/Atom" xml:base="http://e.example/">
              <title>Only</title><id>urn:uuid:1</id><updated>2009-08-31T18:55:12Z</updated>
              <link href="only.html"/><content type="text">Body</content>
            </entry>
            """
        let feed = try FeedParser.parse(Array(xml.utf8))
        #expect(feed.kind == .atom10)
        #expect(feed.title == nil)
        #expect(feed.entries.count == 1)
        #expect(feed.entries.first?.id == "urn:uuid:1")
        #expect(feed.entries.first?.link == "http://e.example/only.html")
        #expect(feed.entries.first?.updatedAt == Date(timeIntervalSince1970: 1_251_744_912))
        #expect(feed.entries.first?.content == "Body")
    }
}
