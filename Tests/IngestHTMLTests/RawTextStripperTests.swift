import CLibXML2
import Foundation
import IngestCore
import Testing

@testable import IngestHTML

/// Clean parses pages with their scripts and styles emptied first (and only the attributes it reads kept,
/// as on both sides here). libxml2 must then build the same tree
/// as from the whole page, but for the content of those elements (JSON-LD scripts keep theirs): these
/// tests parse both ways and walk the two trees side by side.
@Suite("scripts and styles emptied before parsing")
struct RawTextStripperTests {
    /// Pieces of pages, chosen for where a reader could find a tag libxml2 does not: quotes holding `>` or
    /// `<script>`, comments and declarations holding tags, bogus names and slashes, unclosed quotes and
    /// comments, end tags in any case, and JSON-LD.
    static let pieces: [String] = [
        "<script>", "</script>", "<SCRIPT type=\"text/javascript\">", "</Script >", "<script src='a.js'/>",
        "<script type=\"application/ld+json\">", "<script type=application/LD+JSON>", "{\"@type\":\"NewsArticle\"}",
        "<style>", "</style>", "<STYLE media=\"x>y\">", "p{color:red}", "</scripts>", "<scripts>", "<script-x>",
        "<p>", "</p>", "<div class=\"a\">", "</div>", "<a href=\"/x?a=1&b=2\">", "</a>", "<a title='<script>'>",
        "<img alt=\"a > b\" src=x.png>", "<br/>", "<hr />", "<div / a=\"x>y\">", "<div /a=\"x>y\">", "<p a=b\"c>",
        "<p a=\"unclosed>", "<p a='x' b=\"y\" c=z d>", "<_x a=\"<script>\">", "<:y>", "<.z>", "< p>", "</ p>",
        "</>", "<>", "<", ">", "<!-- <script>x</script> -->", "<!--", "-->", "<!-->", "<!--->", "<!-- a --!> b -->",
        "<!DOCTYPE html>", "<!doctype html public \"-//W3C//DTD HTML 4.01//EN\">", "<?xml version=\"1.0\"?>",
        "<?php echo '>'; ?>", "<![CDATA[ <script> ]]>", "<title>", "</title>", "<textarea>", "</textarea>",
        "<svg>", "</svg>", "<noscript>", "</noscript>", "<template>", "</template>", "<body>", "<head>", "<html>",
        "var a = 1 < 2 && b > 3;", "document.write('<p>x</p>');", "if (a</b) {}", "text", "Hello world", " ",
        "\n", "\u{E9}t\u{E9}", "<p\u{301}>", "<\u{E9}>", "&amp;", "&lt;script&gt;", "'", "\"", "=",
        "<script><body>", "<style><div>", "<script></div>", "</script foo>", "</script", "<scrIPT>", "<style/>",
        "<script/ >", "<a href=x/>", "<p/x>", "<script\n>", "<script\ttype=x>", "<script>\n<!--", "-->\n",
        "</STYLE\t>", "<script>if (a) { b(); }", "<style>a{b:c}</style >", "<script type=\"ld+json\"/>",
    ]

    static func randomPage(_ rng: inout SplitMix64) -> String {
        var page = ""
        for _ in 0..<Int(rng.next() % 50) { page += pieces[Int(rng.next() % UInt64(pieces.count))] }
        return page
    }

    /// Walks both trees side by side; returns the first difference, nil when the trees agree but for
    /// the content of emptied scripts and styles.
    static func difference(_ page: String) -> String? {
        var copy = page
        let whole = copy.withUTF8 { HTMLDocument(utf8: UnsafeRawBufferPointer($0), readAttributesOnly: true) }
        let emptied = HTMLDocument.parse(page, forReaders: true)
        guard let whole, let emptied else { return whole == nil && emptied == nil ? nil : "one parse failed" }
        if whole.stoppedAtDepthLimit != emptied.stoppedAtDepthLimit { return "depth limit" }
        var pairs: [(xmlNodePtr?, xmlNodePtr?)] = [(whole.doc.pointee.children, emptied.doc.pointee.children)]
        while let (a, b) = pairs.popLast() {
            guard let a, let b else {
                if a == nil && b == nil { continue }
                return "a node is missing: \(a.map(describe) ?? "none") vs \(b.map(describe) ?? "none")"
            }
            guard describe(a) == describe(b) else { return "\(describe(a)) vs \(describe(b))" }
            pairs.append((a.pointee.next, b.pointee.next))
            if a.pointee.type == XML_ELEMENT_NODE, let name = a.pointee.name,
                ["script", "style"].contains(String(cString: name).lowercased())
            {
                // Emptied, or kept as it was.
                if b.pointee.children == nil { continue }
            }
            pairs.append((a.pointee.children, b.pointee.children))
        }
        return nil
    }

    /// A node's type, name, attributes and text.
    static func describe(_ node: xmlNodePtr) -> String {
        var text = "\(node.pointee.type.rawValue) \(node.pointee.name.map { String(cString: $0) } ?? "")"
        var attribute = node.pointee.properties
        while let a = attribute {
            text += " \(a.pointee.name.map { String(cString: $0) } ?? "")="
            if let value = xmlNodeListGetString(node.pointee.doc, a.pointee.children, 1) {
                text += String(cString: value)
                ingest_xml_free(value)
            }
            attribute = a.pointee.next
        }
        if node.pointee.type != XML_ELEMENT_NODE, let content = node.pointee.content {
            text += " [\(String(cString: content))]"
        }
        return text
    }

    @Test("random pages give the same tree, scripts and styles aside")
    func randomPages() {
        var rng = SplitMix64(seed: 77)
        var stripped = 0
        for _ in 0..<20_000 {
            let page = Self.randomPage(&rng)
            if let difference = Self.difference(page) {
                Issue.record("\(difference) in \(page.debugDescription)")
                return
            }
            var copy = page
            if copy.withUTF8({ RawTextStripper.strip(UnsafeRawBufferPointer($0)) }) != nil { stripped += 1 }
        }
        // The pieces must leave the stripper something to do, or the test shows nothing.
        #expect(stripped > 1_000)
    }

    @Test("a script's content goes, a JSON-LD script's stays, and the rest of the page is as it was")
    func content() throws {
        let page = """
            <html><head><script type="application/ld+json">{"headline":"A"}</script><style>p{x:1}</style>
            <script>var s = "<p>not a paragraph</p>";</script></head><body><p>Text</p></body></html>
            """
        var copy = page
        let stripped = try #require(copy.withUTF8 { RawTextStripper.strip(UnsafeRawBufferPointer($0)) })
        #expect(String(decoding: stripped, as: UTF8.self) == """
            <html><head><script type="application/ld+json">{"headline":"A"}</script><style></style>
            <script></script></head><body><p>Text</p></body></html>
            """)
        #expect(Self.difference(page) == nil)
    }

    @Test("markup the reader is not sure of stops it there; the rest of the page stays whole")
    func stopsWhenUnsure() throws {
        let page = "<style>a{}</style><p a=\"unclosed><script>x</script>"
        var copy = page
        let stripped = try #require(copy.withUTF8 { RawTextStripper.strip(UnsafeRawBufferPointer($0)) })
        #expect(String(decoding: stripped, as: UTF8.self) == "<style></style><p a=\"unclosed><script>x</script>")
        #expect(Self.difference(page) == nil)
    }

    /// Real pages, when the evaluation set is on this machine (it is not part of the repository).
    @Test("real pages give the same tree, scripts and styles aside")
    func realPages() throws {
        let root = URL(fileURLWithPath: "/work/shared/evalsets/readability-test-pages")
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return }
        var count = 0
        for case let url as URL in walker where url.lastPathComponent == "source.html" {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let page = String(decoding: data, as: UTF8.self)
            #expect(Self.difference(page) == nil, "\(url.path)")
            count += 1
        }
        if count > 0 { print("compared \(count) real pages") }
    }
}
