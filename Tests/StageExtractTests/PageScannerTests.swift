import Foundation
import IngestCore
import StageExtract
import Testing

/// The page is read from libxml2's parse events, not from a tree: these are the cases where events and a
/// tree differ (text in pieces, hidden children, elements left open) and the result must not.
@Suite("page scanning")
struct PageScannerTests {
    let story = "<p>" + String(repeating: "The council met on Tuesday to discuss the new bridge over the river. ", count: 8) + "</p>"

    @Test("signals handed on for another HTML are ignored; for this HTML they are used as they are")
    func handedOnSignals() throws {
        let page = Extract.html(head: "<title>Bridge vote delayed again</title>", body: story)
        var article = try Extract.decoded(page, format: .html)
        var marked = PageSignals()
        marked.title = "Read by clean"
        article.pageReading = PageReading(html: "<title>Another page</title>", signals: marked)
        let stale = ExtractStage().extract(article)
        #expect(stale.title == "Bridge vote delayed again")
        #expect(stale.pageReading == nil)
        article.pageReading = PageReading(html: try #require(article.html), signals: marked)
        #expect(ExtractStage().extract(article).title == "Read by clean")
    }

    @Test("a title reported in pieces (entities, a comment) is one text")
    func titleInPieces() throws {
        let head = "<meta property=\"og:site_name\" content=\"Coast Herald\"><title>Storm &amp; flood<!-- c --> hit Kelby | Coast Herald</title>"
        let article = try Extract.page(Extract.html(head: head, body: story))
        #expect(article.title == "Storm & flood hit Kelby")
        #expect(article.metadata.sources["title"] == "title")
    }

    @Test("a JSON-LD block longer than the parser's pieces is read whole")
    func longJSONLD() throws {
        let filler = String(repeating: "The harbour board met again. ", count: 200)  // ~6 KB: several pieces
        let head = """
            <script type="application/ld+json">{"@type": "NewsArticle", "description": "\(filler)",
            "headline": "Ferry timetable changes in Kelby", "author": {"name": "Anna Varga"}}</script>
            """
        let article = try Extract.page(Extract.html(head: head, body: story))
        #expect(article.title == "Ferry timetable changes in Kelby")
        #expect(article.authors == ["Anna Varga"])
    }

    @Test("a script inside a byline is no part of its text; a <br> ends the byline's first line")
    func bylineSkipsScript() throws {
        let body = "<div class=\"byline\">By <script>var tracker = 1;</script>Anna Varga<br>Harbour correspondent</div>" + story
        let article = try Extract.page(Extract.html(body: body))
        #expect(article.authors == ["Anna Varga"])
        #expect(article.metadata.sources["authors"] == "byline")
    }

    @Test("an h1 inside a marked author is not the page's h1; the author's nested name wins")
    func hiddenChildren() throws {
        let body = """
            <h1>Bridge vote delayed again</h1>
            <div itemprop="author" itemscope><h1>Profile</h1><meta itemprop="name" content="Ines Moreau"></div>
            """ + story
        let article = try Extract.page(Extract.html(body: body))
        #expect(article.title == "Bridge vote delayed again")
        #expect(article.metadata.sources["title"] == "h1")
        #expect(article.authors == ["Ines Moreau"])
    }

    @Test("a page cut off inside its head still gives its title and metadata")
    func truncatedPage() throws {
        let page = "<html lang=\"en\"><head><meta name=\"author\" content=\"Tomas Klein\"><title>Harbour ferry timetable changes"
        let article = try Extract.page(page)
        #expect(article.title == "Harbour ferry timetable changes")
        #expect(article.authors == ["Tomas Klein"])
    }

    @Test("a <time> takes its role from its parent's class")
    func timeRoleFromParent() throws {
        let body = """
            <div class="article-updated"><time datetime="2024-03-23T09:00:00Z">23 March</time></div>
            <div class="published"><time datetime="2024-03-22T18:05:00Z">22 March</time></div>
            """ + story
        let article = try Extract.page(Extract.html(body: body))
        #expect(article.published == "2024-03-22T18:05:00Z")
        #expect(article.metadata.modified == "2024-03-23T09:00:00Z")
    }
}
