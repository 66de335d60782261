import Foundation
import IngestCore
import Testing

@testable import IngestSources

@Suite struct FeedXMLTests {

    /// The trims replace Foundation's `trimmingCharacters` for speed and must cut exactly the same set:
    /// every BMP scalar is tried alone, at each end, and with a combining mark after it.
    @Test("trimWhitespace and trimSpaces cut what Foundation's .whitespacesAndNewlines and .whitespaces cut")
    func trimsMatchFoundation() {
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(FeedXML.isWhitespace(scalar) == scalar.properties.isWhitespace, "U+\(String(value, radix: 16))")
            for text in [String(scalar), "\(scalar)x\(scalar)", "x\(scalar)\u{301}", "\(scalar)\u{301}y"] {
                let all = FeedXML.trimWhitespace(text), spaces = FeedXML.trimSpaces(text)
                #expect(all == text.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(value, radix: 16))")
                #expect(spaces == text.trimmingCharacters(in: .whitespaces), "U+\(String(value, radix: 16))")
            }
        }
        #expect(FeedXML.trimWhitespace(" \u{3000}\n Harbour  news\u{2028}\t") == "Harbour  news")
        #expect(FeedXML.trimSpaces(" \u{3000}\t 1024 \n") == "1024 \n")
        // Foundation's sets hold U+200B, which Unicode's White_Space does not.
        #expect(FeedXML.trimWhitespace("\u{200B}id\u{200B}") == "id")
    }

    @Test("repairEntities escapes bare ampersands and undeclared entities, and leaves CDATA alone")
    func repairEntities() {
        let cases: [(String, String, [String])] = [
            ("<a>no entities</a>", "<a>no entities</a>", []),
            ("<a>Fish & chips &amp; &#233;&#xE9; &lt;3</a>", "<a>Fish &amp; chips &amp; &#233;&#xE9; &lt;3</a>",
             ["1 unescaped '&' read as text"]),
            ("<a>&nbsp;caf&eacute; &bogus; &</a>", "<a>&#160;caf&#233; &bogus; &amp;</a>",
             ["1 unescaped '&' read as text", "undeclared HTML entities read as characters: &nbsp; &eacute;"]),
            ("<a><![CDATA[R&D ]] & <b>]]> & <![CDATA[x & y", "<a><![CDATA[R&D ]] & <b>]]> &amp; <![CDATA[x & y",
             ["1 unescaped '&' read as text"]),
            ("<!DOCTYPE a [<!ENTITY nbsp \"&#160;\">]><a>&nbsp;</a>",
             "<!DOCTYPE a [<!ENTITY nbsp \"&#160;\">]><a>&nbsp;</a>", []),
        ]
        for (input, output, warnings) in cases {
            let (bytes, found) = FeedXML.repairEntities(Array(input.utf8))
            #expect(String(decoding: bytes, as: UTF8.self) == output, "\(input)")
            #expect(found == warnings, "\(input)")
        }
    }

    @Test("hasElementChildren says whether elements exists")
    func hasElementChildren() throws {
        let doc = try FeedXML.parse(Array("<r><a>text</a><b>x<i>y</i></b><c/></r>".utf8))
        for e in doc.root.elements { #expect(e.hasElementChildren == !e.elements.isEmpty, "\(e.name)") }
        #expect(doc.root.hasElementChildren)
    }

    @Test func treeHasNamespacesAttributesAndBase() throws {
        let xml = """
            <?xml version="1.0"?>
            <root xmlns="urn:a" xmlns:b="urn:b" xml:base="http://example.com/dir/">
              <b:item b:attr="v" plain="p" xml:base="sub/"><![CDATA[<i>cdata</i>]]> &amp; text</b:item>
            </root>
            """
        let doc = try FeedXML.parse(Array(xml.utf8), url: "http://ignored.example/")
        #expect(doc.root.name == "root")
        #expect(doc.root.namespace == "urn:a")
        let item = try #require(doc.root.child("item", in: ["urn:b"]))
        #expect(item.attribute("attr", namespace: "urn:b") == "v")
        #expect(item.attribute("plain") == "p")
        #expect(item.text == "<i>cdata</i> & text")
        #expect(item.resolve("x.html") == "http://example.com/dir/sub/x.html")
        #expect(doc.warnings.isEmpty, "\(doc.warnings)")
    }

    @Test func billionLaughsIsNotExpanded() throws {
        var dtd = "<!ENTITY lol0 \"lol\">"
        for i in 1...9 {
            dtd += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">"
        }
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE rss [\(dtd)]><rss version=\"2.0\"><channel><title>&lol9;</title>"
            + "<item><title a=\"&lol9;\">x</title></item></channel></rss>"
        let start = Date()
        let feed = try FeedParser.parse(Array(xml.utf8))
        #expect(Date().timeIntervalSince(start) < 2)
        #expect((feed.title ?? "").count < 1000)
        #expect((feed.entries.first?.title ?? "").count < 1000)
        // libxml2 stops at the entity loop it detects: what comes after is lost, and said so.
        #expect(!(feed.warnings.isEmpty))
    }

    @Test func externalEntityIsNeverRead() throws {
        let secret = TempFolder()
        let path = secret.write("secret.txt", "TOP-SECRET-CONTENT")
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://\(path)"><!ENTITY % p SYSTEM "file://\(path)"> %p;]>
            <rss version="2.0"><channel><title>t &xxe;</title><link>http://a.example/</link>
            <item><title>&xxe;</title><description>&xxe;</description><guid>&xxe;1</guid></item></channel></rss>
            """
        let feed = try FeedParser.parse(Array(xml.utf8))
        let json = String(decoding: try JSONEncoder().encode(feed), as: UTF8.self)
        #expect(!json.contains("TOP-SECRET"), "\(json)")
        #expect(feed.entries.count == 1)
    }

    @Test func kOI8RFromProlog() throws {
        // "Новости" in KOI8-R.
        let word: [UInt8] = [0xEE, 0xCF, 0xD7, 0xCF, 0xD3, 0xD4, 0xC9]
        let bytes = Array("<?xml version=\"1.0\" encoding=\"KOI8-R\"?><rss version=\"2.0\"><channel><title>".utf8)
            + word + Array("</title></channel></rss>".utf8)
        #expect(try FeedParser.parse(bytes).title == "Новости")
    }

    @Test func windows1251FromDeclaredCharset() throws {
        // "Новости" in windows-1251, no encoding in the prolog: only the HTTP header says so.
        let word: [UInt8] = [0xCD, 0xEE, 0xE2, 0xEE, 0xF1, 0xF2, 0xE8]
        let bytes = Array("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>".utf8) + word
            + Array("</title></channel></rss>".utf8)
        #expect(try FeedParser.parse(bytes, declaredCharset: "windows-1251").title == "Новости")
        let prolog = Array("<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss><channel><title>".utf8) + word
            + Array("</title></channel></rss>".utf8)
        #expect(try FeedParser.parse(prolog).title == "Новости")
    }

    @Test func iSO8859AndUTF16() throws {
        let latin = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><title>Caf".utf8) + [0xE9]
            + Array("</title></channel></rss>".utf8)
        #expect(try FeedParser.parse(latin).title == "Café")
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><channel><title>Ünïcode</title></channel></rss>"
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(try FeedParser.parse(utf16).title == "Ünïcode")
    }

    @Test func unknownDeclaredCharsetFallsBackToProlog() throws {
        let bytes = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><title>ok</title></channel></rss>".utf8)
        let feed = try FeedParser.parse(bytes, declaredCharset: "x-no-such-charset")
        #expect(feed.title == "ok")
    }

    @Test func recoversFromBrokenFeedsWithWarnings() throws {
        let xml = """
            <rss version="2.0"><channel><title>Tom & Jerry&nbsp;Show</title>
            <item><title>one</title><description><b>bold <i>nest</b></i></description></item>
            <item><title>two</title></item>
            </channel></rss>
            <junk>after root</junk>
            """
        let feed = try FeedParser.parse(Array(xml.utf8))
        #expect(feed.title == "Tom & Jerry Show", "titles collapse whitespace, NBSP included")
        #expect(feed.entries.map(\.title) == ["one", "two"])
        #expect(!(feed.warnings.isEmpty))
    }

    @Test func emptyGarbageAndNonFeedsAreErrors() {
        for input in ["", "   \n", "garbage that is not markup", "<", "\u{0}\u{1}\u{2}"] {
            #expect(throws: FeedParseError.self, "\(input.debugDescription)") { try FeedParser.parse(Array(input.utf8)) }
        }
        #expect {
            try FeedParser.parse(Array("<html><body>hi</body></html>".utf8))
        } throws: { error in
            (error as? FeedParseError)?.message == "not a feed: root element is <html>"
        }
    }

    @Test func jsonIsDetectedByContent() throws {
        let json = "\u{FEFF}  {\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"J\", \"items\": []}"
        #expect(try FeedParser.parse(Array(json.utf8)).title == "J")
    }

    @Test("an undeclared well-known prefix gets its namespace, an unknown one stays in the name")
    func undeclaredPrefixes() throws {
        let xml = "<rss><item dc:x=\"1\"><content:encoded>c</content:encoded><foo:bar>b</foo:bar></item></rss>"
        let doc = try FeedXML.parse(Array(xml.utf8))
        let item = try #require(doc.root.child("item", in: [nil]))
        #expect(item.child("encoded", in: [RSSParser.NS.content])?.text == "c")
        #expect(item.child("foo:bar", in: [nil])?.text == "b")
        #expect(item.attribute("x", namespace: RSSParser.NS.dc) == "1")
        #expect(doc.warnings.count >= 2, "libxml2 still reports each undeclared prefix: \(doc.warnings)")
    }
}
