import Foundation
import IngestCore
import StageExtract
import Testing

@Suite("feed items, JSON articles and text files")
struct InputFieldsTests {
    @Test("a feed item's own title, authors and date win over its page's")
    func feedItemWins() throws {
        let page = """
            <html><head><title>Page title | Site</title><meta name="author" content="Page Author">
            <meta property="article:published_time" content="2020-01-01T00:00:00Z">
            <meta property="og:site_name" content="Site"></head>
            <body><p>Text of the story about the harbour and the storm that closed it for a week.</p></body></html>
            """
        let json = try JSONSerialization.data(withJSONObject: [
            "title": "Feed title", "authors": ["Feed Author"], "published": "Tue, 05 Mar 2024 10:00:00 GMT",
            "html": page, "url": "https://example.org/story",
        ])
        let article = ExtractStage().extract(try Extract.decoded(String(decoding: json, as: UTF8.self), format: .json, kind: .feed))
        #expect(article.title == "Feed title")
        #expect(article.authors == ["Feed Author"])
        #expect(article.published == "Tue, 05 Mar 2024 10:00:00 GMT")
        #expect(article.publishedAt == DateParsing.parse("2024-03-05T10:00:00Z"))
        #expect(article.metadata.sources["title"] == "input")
        // What the item lacks comes from the page.
        #expect(article.metadata.siteName == "Site")
    }

    @Test("a feed item without fields takes them from its page")
    func feedItemFilledFromPage() throws {
        let page = """
            <html><head><meta property="og:title" content="From the page"><meta name="author" content="Page Author">
            </head><body><p>Text of the story about the harbour and the storm that closed it.</p></body></html>
            """
        let json = try JSONSerialization.data(withJSONObject: ["html": page])
        let article = ExtractStage().extract(try Extract.decoded(String(decoding: json, as: UTF8.self), format: .json, kind: .feed))
        #expect(article.title == "From the page")
        #expect(article.authors == ["Page Author"])
    }

    @Test("a text file's first line is its title when it reads like a headline")
    func textHeadline() throws {
        // Decoding passes over a first line longer than its limit when no blank line follows.
        let line = "Regional Council Approves New Ferry Timetable For The Northern Islands After Months Of Public Debate"
        let text = line + "\n\nThe council voted on Tuesday to approve the new timetable, which adds two crossings a day."
        let article = try Extract.text(text)
        #expect(article.title == line)
    }

    @Test("a byline or a date line is no title")
    func bylineIsNoTitle() throws {
        let article = try Extract.text("By Jane Doe\n\nThe council voted on Tuesday to approve the new timetable for the ferry.")
        #expect(article.title == nil)
        #expect(article.authors == ["Jane Doe"])
    }

    @Test("a sentence is no title")
    func sentenceIsNoTitle() throws {
        let article = try Extract.text("the council voted on tuesday to approve the timetable, and it starts next week.\n\nMore follows.")
        #expect(article.title == nil)
    }
}
