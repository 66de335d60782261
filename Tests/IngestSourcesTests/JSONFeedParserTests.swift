import Foundation
import Testing

@testable import IngestSources

@Suite("JSON Feed parser")
struct JSONFeedParserTests {
    private func parse(_ json: String, url: String? = nil) throws(FeedParseError) -> ParsedFeed {
        try JSONFeedParser.parse(Array(json.utf8), url: url)
    }

    @Test("a JSON Feed 1.1 document maps every field")
    func full11() throws {
        let feed = try parse("""
            {
              "version": "https://jsonfeed.org/version/1.1",
              "title": "Harbour News",
              "home_page_url": "https://harbour.example/",
              "feed_url": "https://harbour.example/feed.json",
              "description": "Ships and tides",
              "language": "en-GB",
              "items": [{
                "id": "tag:harbour.example,2026:1",
                "url": "https://harbour.example/storm",
                "external_url": "https://elsewhere.example/storm",
                "title": "Harbour reopens after storm",
                "content_html": "<p>Ships sailed again.</p>",
                "content_text": "Ships sailed again.",
                "summary": "Reopened",
                "date_published": "2026-03-01T08:30:00+01:00",
                "date_modified": "2026-03-01T09:00:00Z",
                "authors": [{"name": "Ada Quay", "url": "https://harbour.example/ada"}, {"url": "https://x.example"}],
                "tags": ["weather", "shipping"],
                "attachments": [{"url": "https://harbour.example/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 1024}]
              }]
            }
            """)
        #expect(feed.kind == .json11)
        #expect(feed.title == "Harbour News")
        #expect(feed.link == "https://harbour.example/")
        #expect(feed.feedURL == "https://harbour.example/feed.json")
        #expect(feed.description == "Ships and tides")
        #expect(feed.language == "en-GB")
        #expect(feed.warnings == [])
        let entry = try #require(feed.entries.first)
        #expect(entry.id == "tag:harbour.example,2026:1")
        #expect(entry.link == "https://harbour.example/storm")
        #expect(entry.title == "Harbour reopens after storm")
        #expect(entry.content == "<p>Ships sailed again.</p>")
        #expect(entry.summary == "Reopened")
        #expect(entry.published == "2026-03-01T08:30:00+01:00")
        #expect(entry.publishedAt == Date(timeIntervalSince1970: 1_772_350_200))
        #expect(entry.updated == "2026-03-01T09:00:00Z")
        #expect(entry.updatedAt == Date(timeIntervalSince1970: 1_772_355_600))
        #expect(entry.authors == ["Ada Quay"])
        #expect(entry.categories == ["weather", "shipping"])
        #expect(entry.enclosures == [.init(url: "https://harbour.example/a.mp3", type: "audio/mpeg", length: 1024)])
    }

    @Test("JSON Feed 1.0: author object, content_text as content, external_url as link, numeric id")
    func version10() throws {
        let feed = try parse("""
            {"version": "https://jsonfeed.org/version/1", "title": "Old",
             "author": {"name": "Feed Writer"},
             "items": [
               {"id": 42, "external_url": "https://elsewhere.example/x", "content_text": "plain", "author": {"name": "Item Writer"}},
               {"id": "b", "date_published": "last Tuesday"}
             ]}
            """)
        #expect(feed.kind == .json10)
        #expect(feed.entries.count == 2)
        #expect(feed.entries[0].id == "42")
        #expect(feed.entries[0].link == "https://elsewhere.example/x")
        #expect(feed.entries[0].content == "plain")
        #expect(feed.entries[0].summary == nil)
        #expect(feed.entries[0].authors == ["Item Writer"])
        // An item without its own author is written by the feed's author.
        #expect(feed.entries[1].authors == ["Feed Writer"])
        // An unparseable date is kept as text, never invented.
        #expect(feed.entries[1].published == "last Tuesday")
        #expect(feed.entries[1].publishedAt == nil)
    }

    @Test("the version decides the kind", arguments: [
        ("https://jsonfeed.org/version/1", ParsedFeed.Kind.json10),
        ("http://jsonfeed.org/version/1.1", .json11),
        ("https://jsonfeed.org/version/1.1/", .json11),
        ("1.0", .json10),
        ("1.1", .json11),
    ])
    func versions(version: String, kind: ParsedFeed.Kind) throws {
        #expect(try parse(#"{"version": "\#(version)", "items": []}"#).kind == kind)
    }

    @Test("relative URLs are resolved against the document URL")
    func relativeURLs() throws {
        let feed = try parse("""
            {"version": "https://jsonfeed.org/version/1.1", "home_page_url": "/", "feed_url": "feed.json",
             "items": [{"id": "1", "url": "posts/1", "attachments": [{"url": "../media/1.mp3"}]}]}
            """, url: "https://harbour.example/blog/feed.json")
        #expect(feed.link == "https://harbour.example/")
        #expect(feed.feedURL == "https://harbour.example/blog/feed.json")
        #expect(feed.entries[0].link == "https://harbour.example/blog/posts/1")
        #expect(feed.entries[0].enclosures.map(\.url) == ["https://harbour.example/media/1.mp3"])
    }

    @Test("without a document URL, relative URLs stay as given")
    func relativeWithoutBase() throws {
        let feed = try parse(#"{"version": "1.1", "items": [{"id": "1", "url": "posts/1"}]}"#)
        #expect(feed.entries[0].link == "posts/1")
    }

    @Test("fields of the wrong type are skipped with a warning, the rest is kept")
    func wrongTypes() throws {
        let feed = try parse("""
            {"version": "https://jsonfeed.org/version/1.1", "title": 7,
             "items": [{"id": "1", "title": ["x"], "tags": ["a", 3]}, "junk", {"id": "2", "title": "fine"}]}
            """)
        #expect(feed.title == nil)
        #expect(feed.entries.map(\.id) == ["1", "2"])
        #expect(feed.entries[0].categories == ["a"])
        #expect(feed.entries[1].title == "fine")
        #expect(feed.warnings == [
            "title is a number, not a string; ignored",
            "items[0].title is an array, not a string; ignored",
            "items[0].tags holds a number, not only strings; ignored",
            "items[1] is a string, not an object; skipped",
        ])
    }

    @Test("a byte order mark before the JSON is accepted")
    func byteOrderMark() throws {
        let feed = try JSONFeedParser.parse([0xEF, 0xBB, 0xBF] + Array(#"{"version": "1.1", "items": []}"#.utf8), url: nil)
        #expect(feed.kind == .json11)
    }

    @Test("documents that are not JSON Feeds fail with a clear message", arguments: [
        ("{\"title\": ", "not valid JSON"),
        ("[1, 2]", "JSON Feed: the top level is an array, not an object"),
        (#"{"title": "x", "items": []}"#, "JSON without a \"version\" is not a JSON Feed"),
        (#"{"version": "https://jsonfeed.org/version/1.1", "title": "x"}"#, "JSON Feed without an \"items\" array"),
        (#"{"version": "https://jsonfeed.org/version/1.1", "items": {}}"#, "JSON Feed: \"items\" is an object, not an array"),
        (#"{"version": "https://example.com/v2", "items": []}"#, "JSON Feed: unknown version \"https://example.com/v2\""),
    ])
    func notAFeed(json: String, message: String) {
        #expect {
            try parse(json)
        } throws: { error in
            guard let error = error as? FeedParseError else { return false }
            return error.message.hasPrefix(message)
        }
    }

    /// StrictJSONReader is a fast path in front of JSONDecoder: what it reads must equal JSONDecoder's
    /// reading, and what it cannot read exactly must come back nil so that JSONDecoder reads it.
    @Test("the strict JSON reader reads as JSONDecoder does, or leaves the document to it")
    func strictReaderAgreesWithJSONDecoder() throws {
        let readable = [
            #"{}"#, #"[]"#, #"{"a": [1, -2, 0, 9223372036854775807, -9223372036854775808]}"#,
            #" { "s" : "plain", "e": "q\"b\\s\/n\n\r\t\b\f", "u": "\u00e9\u20AC\ud83d\ude00\u0000" } "#,
            #"{"t": true, "f": false, "n": null, "nested": {"x": [[], {}, [{"y": "z"}]]}}"#,
            #"{"utf8": "Grüße — 日本語 🚢", "key with \"quote\"": 1}"#, #""just a string""#, "42", "null",
            "{\"version\": \"https://jsonfeed.org/version/1.1\",\n\t\"items\": []\r\n}",
        ]
        for text in readable {
            let body = Array(text.utf8)[...]
            let fast = try #require(StrictJSONReader.read(body), "\(text)")
            let reference = try JSONFeedParser.decodeWithJSONDecoder(body)
            #expect(fast == reference, "\(text)")
        }
        let leftToJSONDecoder = [
            "1.5", "1e3", "-0", "01", "9223372036854775808", #"{"a": 1, "a": 2}"#, #""\ud83d""#, #""\ude00x""#,
            #""\x""#, "\"tab\there\"", "[1,]", #"{"a": 1,}"#, "{'a': 1}", "", "  ", "[1] [2]", "tru", "nul",
            "[" + String(repeating: "[", count: 200) + String(repeating: "]", count: 201),
        ]
        for text in leftToJSONDecoder { #expect(StrictJSONReader.read(Array(text.utf8)[...]) == nil, "\(text)") }
        // Invalid UTF-8 in a string.
        #expect(StrictJSONReader.read([0x22, 0xC3, 0x28, 0x22][...]) == nil)
    }

    @Test("a document the strict reader leaves alone parses as before: fractional ids, duplicate keys")
    func fallbackDocumentsStillParse() throws {
        let feed = try parse("""
            {"version": "https://jsonfeed.org/version/1", "title": "T", "title": "T2",
             "items": [{"id": 1.5, "url": "https://a.example/1"}, {"id": 1e3}]}
            """)
        #expect(feed.entries.map(\.id) == ["1.5", "1000"])
        #expect(feed.entries.first?.link == "https://a.example/1")
    }
}
