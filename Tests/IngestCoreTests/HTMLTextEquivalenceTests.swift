import Foundation
import Testing

@testable import IngestCore

/// `HTMLText.extract` reads bytes; it must give what the scalar reader it replaced (`HTMLTextReference`)
/// gave, byte for byte, for any input.
@Suite("HTML text on bytes is the same as on scalars")
struct HTMLTextEquivalenceTests {
    /// Pieces of pages, chosen for the corners of the reader: every kind of tag the reader knows, in any
    /// case, unclosed and stray ones, comments, entities good and bad, white space of all kinds, non-ASCII
    /// letters in and out of tag names, and scalars that join the `&` or `;` next to them into one Character.
    static let pieces: [String] = [
        "<p>", "</p>", "<P class=\"x\">", "<div>", "</div >", "<br/>", "<br>", "<hr />", "<li>", "<ul>", "<td>",
        "<title>", "</title>", "<TITLE >", "</Title>", "<h1>", "</h1>", "<H1 id=a>", "</H1>", "<h2>", "<h1x>",
        "<script>", "</script>", "<SCRIPT type='x'>", "</scripts>", "<style>", "</STYLE>", "<svg>", "</svg>",
        "<noscript>", "</noscript>", "<template>", "</template>", "<iframe>", "</iframe>", "<object>", "</object>",
        "<span>", "</span>", "<a href='x'>", "</a>", "<b>", "<em>", "<blockquote>", "</blockquote>",
        "<figcaption>", "<figCaption>", "<FIGCAPTION>", "<address>", "<section>", "<customelement>",
        "<bloc\u{212A}quote>", "<\u{212A}bd>", "<t\u{130}tle>", "<caf\u{E9}>", "<\u{E9}>", "<\u{65E5}\u{672C}>",
        "<p\u{301}>", "<h\u{661}>", "<p1>", "<123>", "<-p>", "<!-- c -->", "<!--", "-->", "<!-->", "<!--->",
        "<!DOCTYPE html>", "<?xml?>", "<", ">", "< p>", "</>", "<>", "</ p>", "<p<p>", "a<b", "x > y",
        "&amp;", "&AMP;", "&nbsp;", "&#8220;", "&#x41;", "&#X1F600;", "&#65;", "&#0;", "&#x110000;", "&bogus;",
        "&", ";", "&amp", "&#;", "&#x;", "&#xZZ;", "&#+65;", "&#-0;", "&;", "&&amp;", "&lt;p&gt;", "&#32;",
        "&#x20;", "&#10;", "&thinsp;", "&ensp;", "&shy;", "&verylongentityname;", "&#00000000065;",
        "&\r\nlt;", "&l\r\nt;", "\u{37E}", "&amp\u{37E}", "&lt\u{37E}x", "&amp;\u{301}", "&\u{301}amp;",
        "\u{600}&amp;", "&amp;\u{200D}", "&nbsp;\u{2014}", "&#8217;\u{E9}", "&r\u{E9}sum\u{E9};", "&#x\u{661};",
        "Hello", "world", "Storm", " ", "  ", "\n", "\r\n", "\r", "\t", "\u{B}", "\u{C}", "\u{85}", "\u{A0}",
        "\u{1680}", "\u{2003}", "\u{200A}", "\u{2028}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{200B}",
        "\u{E9}", "e\u{301}", "\u{65E5}\u{672C}\u{8A9E}", "\u{1F600}", "\u{1F44D}\u{1F3FD}", "\u{200D}",
        "\u{1F1EB}\u{1F1F7}", "\u{3A9}", "\u{2014}", "\u{201C}quoted\u{201D}", "\u{FEFF}", "\u{10FFFF}",
    ]

    static func randomPage(_ rng: inout SplitMix64) -> String {
        var page = ""
        for _ in 0..<Int(rng.next() % 60) {
            if rng.next() % 8 == 0 {
                // Loose characters make tags and entities of their own.
                let loose = Array("<>/!-&;#xX1a \u{E9}")
                page.append(loose[Int(rng.next() % UInt64(loose.count))])
            } else {
                page += pieces[Int(rng.next() % UInt64(pieces.count))]
            }
        }
        return page
    }

    @Test("random HTML-ish pages")
    func randomPages() {
        var rng = SplitMix64(seed: 2026)
        var differences = 0
        for _ in 0..<20_000 {
            let page = Self.randomPage(&rng)
            let new = HTMLText.extract(page)
            let old = HTMLTextReference.extract(page)
            if new.title != old.title || Array(new.text.utf8) != Array(old.text.utf8) {
                differences += 1
                if differences <= 5 { Issue.record("differs for \(page.debugDescription)") }
            }
        }
        #expect(differences == 0)
    }

    @Test("the title read alone is the title extract finds, when the page has a title element")
    func titleAlone() {
        var rng = SplitMix64(seed: 2027)
        var titled = 0
        for _ in 0..<20_000 {
            let page = Self.randomPage(&rng)
            let whole = HTMLText.extract(page)
            if let title = HTMLText.title(page) {
                titled += 1
                #expect(title == whole.title, "\(page.debugDescription)")
            }
            if !page.lowercased().contains("<title") {
                #expect(HTMLText.title(page) == nil, "\(page.debugDescription)")
            }
        }
        #expect(titled > 100)
    }

    @Test("hand-picked corners")
    func corners() {
        let pages = [
            "", "<", "<<<<", "a<", "<title>T</title><p>x", "<h1>A</h1><h1>B</h1>", "<title></title><h1> H </h1>",
            "<title>a<h1>b</title>c</h1>", "<script>x</style>y</script>z", "<script><!-- </script> -->w",
            "<!-- unclosed", "x<!-->y", "p&amp;q", "&nbsp;a&nbsp;", "&amp\u{37E}x", "a\u{600}&amp;b",
            "<p>\u{A0}\u{2003}</p>", String(repeating: "a < b ", count: 300), "<div>\r\n  text\r\n</div>",
        ]
        for page in pages {
            let new = HTMLText.extract(page)
            let old = HTMLTextReference.extract(page)
            #expect(new.title == old.title, "\(page.debugDescription)")
            #expect(Array(new.text.utf8) == Array(old.text.utf8), "\(page.debugDescription)")
        }
    }

    @Test("entities decoded on bytes agree with the String code whenever the bytes decide")
    func entities() {
        var rng = SplitMix64(seed: 7)
        let entityPieces = Self.pieces.filter { !$0.hasPrefix("<") } + ["a", "b", "#", "x", "1"]
        var decidedOnBytes = 0
        for _ in 0..<20_000 {
            let text = (0..<Int(rng.next() % 10)).map { _ in entityPieces[Int(rng.next() % UInt64(entityPieces.count))] }.joined()
            var decoded: [UInt8] = []
            let decided = Array(text.utf8).withUnsafeBufferPointer { HTMLByteReader.decodeEntities($0, into: &decoded) }
            if decided {
                decidedOnBytes += 1
                #expect(decoded == Array(HTMLText.decodeEntities(text).utf8), "\(text.debugDescription)")
            }
        }
        #expect(decidedOnBytes > 5_000)
    }

    @Test("the white space bytes are Unicode White_Space, for every scalar")
    func whiteSpaceTable() {
        var wrong: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let bytes = Array(String(scalar).utf8)
            let length = bytes.withUnsafeBufferPointer { HTMLByteReader.whiteSpaceLength($0, 0) }
            if length != (scalar.properties.isWhitespace ? bytes.count : 0) { wrong.append(value) }
        }
        #expect(wrong.isEmpty)
    }

    /// Real pages, when the evaluation set is on this machine (it is not part of the repository).
    @Test("real pages")
    func realPages() throws {
        let root = URL(fileURLWithPath: "/work/shared/evalsets/readability-test-pages")
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return }
        var count = 0
        for case let url as URL in walker where url.lastPathComponent == "source.html" {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let page = String(decoding: data, as: UTF8.self)
            let new = HTMLText.extract(page)
            let old = HTMLTextReference.extract(page)
            #expect(new.title == old.title, "\(url.path)")
            #expect(Array(new.text.utf8) == Array(old.text.utf8), "\(url.path)")
            count += 1
        }
        if count > 0 { print("compared \(count) real pages") }
    }
}
