import Foundation
import IngestCore
import XCTest

@testable import IngestSources

final class FeedXMLTests: XCTestCase {
    func testTreeHasNamespacesAttributesAndBase() throws {
        let xml = """
            <?xml version="1.0"?>
            <root xmlns="urn:a" xmlns:b="urn:b" xml:base="http://example.com/dir/">
              <b:item b:attr="v" plain="p" xml:base="sub/"><![CDATA[<i>cdata</i>]]> &amp; text</b:item>
            </root>
            """
        let doc = try FeedXML.parse(Array(xml.utf8), url: "http://ignored.example/")
        XCTAssertEqual(doc.root.name, "root")
        XCTAssertEqual(doc.root.namespace, "urn:a")
        let item = try XCTUnwrap(doc.root.child("item", in: ["urn:b"]))
        XCTAssertEqual(item.attribute("attr", namespace: "urn:b"), "v")
        XCTAssertEqual(item.attribute("plain"), "p")
        XCTAssertEqual(item.text, "<i>cdata</i> & text")
        XCTAssertEqual(item.resolve("x.html"), "http://example.com/dir/sub/x.html")
        XCTAssertTrue(doc.warnings.isEmpty, "\(doc.warnings)")
    }

    func testBillionLaughsIsNotExpanded() throws {
        var dtd = "<!ENTITY lol0 \"lol\">"
        for i in 1...9 {
            dtd += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">"
        }
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE rss [\(dtd)]><rss version=\"2.0\"><channel><title>&lol9;</title>"
            + "<item><title a=\"&lol9;\">x</title></item></channel></rss>"
        let start = Date()
        let feed = try FeedParser.parse(Array(xml.utf8))
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        XCTAssertLessThan((feed.title ?? "").count, 1000)
        XCTAssertLessThan((feed.entries.first?.title ?? "").count, 1000)
        // libxml2 stops at the entity loop it detects: what comes after is lost, and said so.
        XCTAssertFalse(feed.warnings.isEmpty)
    }

    func testExternalEntityIsNeverRead() throws {
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
        XCTAssertFalse(json.contains("TOP-SECRET"), json)
        XCTAssertEqual(feed.entries.count, 1)
    }

    func testKOI8RFromProlog() throws {
        // "Новости" in KOI8-R.
        let word: [UInt8] = [0xEE, 0xCF, 0xD7, 0xCF, 0xD3, 0xD4, 0xC9]
        let bytes = Array("<?xml version=\"1.0\" encoding=\"KOI8-R\"?><rss version=\"2.0\"><channel><title>".utf8)
            + word + Array("</title></channel></rss>".utf8)
        XCTAssertEqual(try FeedParser.parse(bytes).title, "Новости")
    }

    func testWindows1251FromDeclaredCharset() throws {
        // "Новости" in windows-1251, no encoding in the prolog: only the HTTP header says so.
        let word: [UInt8] = [0xCD, 0xEE, 0xE2, 0xEE, 0xF1, 0xF2, 0xE8]
        let bytes = Array("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>".utf8) + word
            + Array("</title></channel></rss>".utf8)
        XCTAssertEqual(try FeedParser.parse(bytes, declaredCharset: "windows-1251").title, "Новости")
        let prolog = Array("<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss><channel><title>".utf8) + word
            + Array("</title></channel></rss>".utf8)
        XCTAssertEqual(try FeedParser.parse(prolog).title, "Новости")
    }

    func testISO8859AndUTF16() throws {
        let latin = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><title>Caf".utf8) + [0xE9]
            + Array("</title></channel></rss>".utf8)
        XCTAssertEqual(try FeedParser.parse(latin).title, "Café")
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><channel><title>Ünïcode</title></channel></rss>"
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        XCTAssertEqual(try FeedParser.parse(utf16).title, "Ünïcode")
    }

    func testUnknownDeclaredCharsetFallsBackToProlog() throws {
        let bytes = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><title>ok</title></channel></rss>".utf8)
        let feed = try FeedParser.parse(bytes, declaredCharset: "x-no-such-charset")
        XCTAssertEqual(feed.title, "ok")
    }

    func testRecoversFromBrokenFeedsWithWarnings() throws {
        let xml = """
            <rss version="2.0"><channel><title>Tom & Jerry&nbsp;Show</title>
            <item><title>one</title><description><b>bold <i>nest</b></i></description></item>
            <item><title>two</title></item>
            </channel></rss>
            <junk>after root</junk>
            """
        let feed = try FeedParser.parse(Array(xml.utf8))
        XCTAssertEqual(feed.title, "Tom & Jerry Show", "titles collapse whitespace, NBSP included")
        XCTAssertEqual(feed.entries.map(\.title), ["one", "two"])
        XCTAssertFalse(feed.warnings.isEmpty)
    }

    func testEmptyGarbageAndNonFeedsAreErrors() {
        for input in ["", "   \n", "garbage that is not markup", "<", "\u{0}\u{1}\u{2}"] {
            XCTAssertThrowsError(try FeedParser.parse(Array(input.utf8)), "\(input.debugDescription)")
        }
        XCTAssertThrowsError(try FeedParser.parse(Array("<html><body>hi</body></html>".utf8))) { error in
            XCTAssertEqual((error as? FeedParseError)?.message, "not a feed: root element is <html>")
        }
    }

    func testJSONIsDetectedByContent() throws {
        let json = "\u{FEFF}  {\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"J\", \"items\": []}"
        XCTAssertEqual(try FeedParser.parse(Array(json.utf8)).title, "J")
    }
}
