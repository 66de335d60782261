import StageClean
import Foundation
import IngestCore
import Testing

/// Inputs meant to break a parser: each gives a clean result or a clear failure, never a crash.
@Suite("hostile input")
struct HostileInputTests {
    @Test("50 MiB of markup fails clearly under the default size limit")
    func hugeRefused() throws {
        let unit = "<div><p>row</p></div>"
        let html = "<html><body>" + String(repeating: unit, count: 50 * 1_048_576 / unit.utf8.count) + "</body></html>"
        var article = Article(text: "", html: html, origin: Clean.origin, format: .html)
        article.title = "big"
        #expect {
            try CleanStage().clean(article)
        } throws: { error in
            guard let error = error as? StageError else { return false }
            return error.disposition == .skipArticle && error.message.contains("max_html_bytes")
        }
    }

    @Test("a page at the size limit is cleaned")
    func largeAccepted() throws {
        let paragraph = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.</p>\n"
        let html = "<html><body><article>" + String(repeating: paragraph, count: 4 * 1_048_576 / paragraph.utf8.count) + "</article></body></html>"
        let article = Article(text: "", title: "big", html: html, origin: Clean.origin, format: .html)
        let text = try #require(try CleanStage().clean(article).article).text
        #expect(text.hasPrefix("Lorem ipsum"))
        #expect(text.components(separatedBy: "\n\n").count > 40_000)
    }

    @Test("100,000 levels of nesting", arguments: ["div", "span", "blockquote", "table"])
    func deepNesting(_ tag: String) throws {
        let depth = 100_000
        let html = "<html><body>" + String(repeating: "<\(tag)>", count: depth) + "deep text, at the bottom of it all."
            + String(repeating: "</\(tag)>", count: depth) + "</body></html>"
        let article = Article(text: "", title: "deep", html: html, origin: Clean.origin, format: .html)
        // libxml2 stops at 256 levels (no HTML_PARSE_HUGE): the text below is not in its tree, and the page
        // is dropped saying so; table cells close each other, so a deep table keeps its text.
        switch try CleanStage().clean(article) {
        case .continue(let cleaned): #expect(cleaned.text.contains("deep text"))
        case .drop(let reason), .dropRecorded(_, let reason): #expect(reason.contains("256 levels"), "\(reason)")
        }
    }

    @Test("text above the nesting limit is kept")
    func deepButTextAbove() throws {
        let html = "<html><body><p>Text before the deep part, kept.</p>" + String(repeating: "<div>", count: 5_000) + "lost"
        let article = Article(text: "", title: "deep", html: html, origin: Clean.origin, format: .html)
        let text = try #require(try CleanStage().clean(article).article).text
        #expect(text.hasPrefix("Text before the deep part, kept."))
    }

    @Test("unclosed nesting to the end of the file")
    func unclosed() throws {
        let html = "<html><body>" + String(repeating: "<div><ul><li><p>item text ", count: 20_000)
        let article = Article(text: "", title: "open", html: html, origin: Clean.origin, format: .html)
        #expect(try CleanStage().clean(article).article?.text.contains("item text") == true)
    }

    @Test("truncated documents", arguments: 1..<40)
    func truncated(_ cut: Int) throws {
        let bytes = Array(storyPage.utf8)
        let prefix = bytes.prefix(bytes.count * cut / 40)
        let html = String(decoding: prefix, as: UTF8.self)
        let article = Article(text: "", title: "cut", html: html, origin: Clean.origin, format: .html)
        switch try CleanStage().clean(article) {
        case .continue(let cleaned): #expect(!cleaned.text.contains("<"))
        case .drop(let reason), .dropRecorded(_, let reason): #expect(!reason.isEmpty)
        }
    }

    @Test("binary junk labelled HTML")
    func binaryJunk() throws {
        var generator = SplitMix64(seed: 42)  // the same junk on every run
        for size in [1, 7, 100, 4096, 200_000] {
            let bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Through the decoder, as a dropped file would go: it may refuse the bytes; the stage must not crash.
            guard let article = try? Clean.decoded(bytes, format: .html).first else { continue }
            _ = try? CleanStage().clean(article)
            let raw = Article(text: "", title: "junk", html: String(decoding: bytes, as: UTF8.self), origin: Clean.origin, format: .html)
            if let text = try CleanStage().clean(raw).article?.text {
                #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
            }
        }
    }

    @Test("NUL bytes, lone surrogates' replacement and stray markup")
    func oddCharacters() throws {
        let html = "<html><body><p>before\u{0}after \u{FFFD} <<<>>> &#0; &#xD800; &bogus; </p></body></html>"
        let article = Article(text: "", title: "odd", html: html, origin: Clean.origin, format: .html)
        let text = try #require(try CleanStage().clean(article).article).text
        #expect(text.contains("before"))
        #expect(!text.contains("\u{0}"))
    }

    @Test("mixed encodings: the decoded text wins over a page's wrong charset declaration")
    func mixedEncodings() throws {
        // Declares windows-1252 but holds UTF-8 Greek, Cyrillic, CJK and emoji.
        let html = "<html><head><meta charset=\"windows-1252\"></head><body><p>Καλημέρα, привет, 你好, 👋🏽 — done.</p></body></html>"
        let article = try Clean.decoded(Array(html.utf8), format: .html).first!
        let text = try #require(try CleanStage().clean(article).article).text
        #expect(text.contains("Καλημέρα, привет, 你好, 👋🏽 — done."))
        // windows-1252 bytes with a UTF-8 declaration: the decoder's reading is kept, whatever it is.
        var latin = Array("<html><head><meta charset=\"utf-8\"></head><body><p>caf".utf8)
        latin += [0xE9]
        latin += Array(" cr\u{E8}me</p></body></html>".utf8)
        if let decoded = try? Clean.decoded(latin, format: .html).first {
            let cleaned = try #require(try CleanStage().clean(decoded).article).text
            #expect(cleaned.contains("caf"))
        }
    }
}
