import Foundation
import IngestCore
import StageExtract
import Testing

@Suite("hostile input")
struct HostileInputTests {
    @Test("malformed HTML never crashes and still yields what it can", arguments: [
        "<html><head><title>Unclosed <b>title</head><body><p>Text <div><span></p></div>",
        "<<<>>><meta content><meta name=author><time datetime></time><a rel=author></a>",
        "<html>" + String(repeating: "<div>", count: 5_000) + "deep text" + String(repeating: "</div>", count: 10),
        "\u{0}\u{1}<html><body>\u{FFFD}<h1>\u{0}</h1></body>",
        "<script type=\"application/ld+json\">",
        "",
    ])
    func malformed(html: String) {
        let article = Article(text: "Some text of the page for the stage to read.", html: html, origin: Extract.origin(), format: .html)
        let result = ExtractStage().extract(article)
        #expect(result.text == article.text)
    }

    @Test("invalid JSON-LD is ignored; the other sources still count", arguments: [
        "{\"@type\": \"Article\", \"headline\": ",
        "not json at all",
        "{\"@type\": 5, \"headline\": [1, 2], \"author\": {\"name\": 7}, \"datePublished\": {}}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    ])
    func invalidJSONLD(block: String) throws {
        let head = "<script type=\"application/ld+json\">\(block)</script><meta property=\"og:title\" content=\"The og title\">"
        let article = try Extract.page(Extract.html(head: head, body: "<p>Body text of a story.</p>"))
        #expect(article.title == "The og title")
        #expect(article.authors.isEmpty)
    }

    @Test("deeply nested JSON-LD within the size cap does not exhaust the stack")
    func deepJSONLD() throws {
        let deep = String(repeating: "[", count: 400_000) + String(repeating: "]", count: 400_000)
        let head = "<script type=\"application/ld+json\">\(deep)</script><meta property=\"og:title\" content=\"Still here\">"
        let article = try Extract.page(Extract.html(head: head, body: "<p>Body text of a story.</p>"))
        #expect(article.title == "Still here")
    }

    @Test("a JSON-LD block over max_json_ld_bytes is skipped, not parsed")
    func hugeJSONLD() throws {
        let authors = (0..<40_000).map { "{\"@type\": \"Person\", \"name\": \"Person \($0)\"}" }.joined(separator: ",")
        let head = "<script type=\"application/ld+json\">{\"@type\": \"Article\", \"headline\": \"Huge\", \"author\": [\(authors)]}</script>"
        let article = try Extract.page(Extract.html(head: head, body: "<p>Body text of a story.</p>"))
        #expect(article.title != "Huge")
        var larger = ExtractStage.Configuration()
        larger.maxJSONLDBytes = 16_777_216
        let parsed = try Extract.page(Extract.html(head: head, body: "<p>Body text of a story.</p>"), configuration: larger)
        #expect(parsed.title == "Huge")
        // Names with digits are no names: an empty author list rather than 40,000 wrong ones.
        #expect(parsed.authors.isEmpty)
    }

    @Test("an article with no text and no HTML passes through")
    func empty() {
        let article = Article(text: "", title: "Only a title", origin: Extract.origin(), format: .json)
        let result = ExtractStage().extract(article)
        #expect(result.title == "Only a title")
        #expect(result.metadata.wordCount == 0)
        #expect(result.entities.isEmpty)
    }
}
