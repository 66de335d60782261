import Foundation
import IngestCore
import IngestHTML
import Testing

/// Clean hands extract the page's signals read from its tree; extract reads them from the parser's events
/// when it has no tree. Both must give the same signals for any page: the hostile shapes below, and every
/// real page of the evaluation sets when they are on this machine (they are not part of the repository).
@Suite("page signals from the tree")
struct PageSignalsFromTreeTests {
    static func both(_ html: String, cap: Int = 1_048_576) -> (events: PageSignals?, tree: PageSignals?) {
        let events = PageSignals(html: html, maxJSONLDBytes: cap)
        let tree = HTMLDocument.parse(html).map { PageSignals(document: $0, maxJSONLDBytes: html.utf8.count).cappingJSONLD(at: cap) }
        return (events, tree)
    }

    static let shapes: [String] = [
        // Text in pieces (entities, a comment), a valueless attribute, an entity in an attribute.
        "<html lang=en><head><title>Storm &amp; flood<!-- c --> hit</title><meta property='og:title' content='A &quot;B&quot;'></head><body><input disabled><h1>One</h1></body></html>",
        // JSON-LD over and under the cap; a CDATA-looking script body.
        "<head><script type='application/ld+json'>{\"headline\": \"" + String(repeating: "x", count: 3_000) + "\"}</script><script type='application/ld+json'>{\"headline\":\"Short\"}</script><script><![CDATA[var a = 1;]]></script></head>",
        // Bylines: nested, with a script, a <br>, and an author scope with a nested name.
        "<body><div class=byline>By <script>x=1</script>Anna Varga<br>Correspondent<span class=author>Inner Name</span></div><div itemprop=author itemscope><h1>Profile</h1><meta itemprop=name content='Ines Moreau'></div></body>",
        // Times: from the element's class, its parent's, itemprop and pubdate.
        "<div class=updated><time datetime='2024-01-02'>x</time></div><time pubdate datetime='2024-01-01'></time><span itemprop=datePublished content='2024-03-04'></span>",
        // Cut off inside the head; a second root-level element; processing instructions; stray end tags.
        "<html><head><meta name=author content='Tomas Klein'><title>Harbour ferry",
        "<?xml version='1.0'?><html><body><p>One</p></body></html><p>After</p></div></span>",
        "<title>First</title><svg><title>Icon</title></svg><h1>A</h1><h1>B<b>C</b></h1>",
        // Invalid bytes libxml2 replaces, and a NUL.
        "<title>Bad \u{FFFD} bytes\u{0}here</title><h1>\u{1}Ctl</h1>",
        "",
        "no markup at all",
    ]

    @Test("hostile and odd shapes give the same signals both ways")
    func shapesAgree() {
        for (i, page) in Self.shapes.enumerated() {
            let (events, tree) = Self.both(page, cap: 1_024)
            guard let events else { continue }  // nothing to read: clean does not parse such a page either
            #expect(tree == events, "shape \(i)")
        }
    }

    @Test("the shapes do exercise the rules")
    func shapesAreRead() throws {
        let first = try #require(Self.both(Self.shapes[0]).tree)
        #expect(first.title == "Storm & flood hit")
        #expect(first.declaredLanguage == "en")
        #expect(first.meta("og:title") == "A \"B\"")
        let second = try #require(Self.both(Self.shapes[1], cap: 1_024).tree)
        #expect(second.jsonLD == ["{\"headline\":\"Short\"}"])
        #expect(second.skippedJSONLD == 1)
        let third = try #require(Self.both(Self.shapes[2]).tree)
        #expect(third.markedAuthors == ["Ines Moreau"])
        #expect(third.bylineTexts.first == "By Anna Varga")
    }

    /// libxml2 limits nesting when it builds a tree (256 levels), not when it only reports events: the tree
    /// ends where clean's text ends, and so do the signals read from it.
    @Test("a page deeper than libxml2's nesting limit: the tree's signals stop where the tree does")
    func deeperThanTheLimit() throws {
        let page = "<title>Deep page</title>" + String(repeating: "<div class=byline>", count: 300) + "By Anna Varga"
        let document = try #require(HTMLDocument.parse(page))
        #expect(document.stoppedAtDepthLimit)
        let tree = PageSignals(document: document, maxJSONLDBytes: 1_024)
        let events = try #require(PageSignals(html: page, maxJSONLDBytes: 1_024))
        #expect(tree.title == "Deep page" && events.title == "Deep page")
        #expect(tree.bylineTexts.isEmpty)
        #expect(events.bylineTexts.first == "By Anna Varga")
    }

    @Test("every real page gives the same signals both ways")
    func realPages() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/evalsets")
        guard let walker = FileManager.default.enumerator(at: root.standardizedFileURL, includingPropertiesForKeys: nil) else {
            print("skipped: no evaluation sets at \(root.standardizedFileURL.path)")
            return
        }
        var count = 0
        for case let url as URL in walker where ["html", "htm"].contains(url.pathExtension) {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let page = String(decoding: data, as: UTF8.self)
            let (events, tree) = Self.both(page)
            #expect(tree == events, "\(url.path)")
            count += 1
        }
        print("compared \(count) real pages")
    }
}
