import Foundation
import IngestCore
import Testing

struct NoReceipt: Receipt {
    func acknowledge(_ summary: IngestSummary) async {}
    func reject(_ failure: IngestFailure) async {}
    func release() async {}
}

func raw(_ text: String, _ format: DocumentFormat?, ledgerKey: String? = nil) -> RawDocument {
    RawDocument(
        bytes: Array(text.utf8), format: format,
        origin: Origin(source: "test", kind: .folder, location: "/tmp/x", receivedAt: Date(), ledgerKey: ledgerKey),
        receipt: NoReceipt())
}

@Suite("document decoding")
struct DocumentDecoderTests {
    @Test("a text file's first line is the title when it reads like a headline")
    func textHeadline() throws {
        let a = try DocumentDecoder.decode(raw("Storm closes ports along the coast\n\nThe storm arrived on Tuesday.\nShips stayed in harbour.", .text))
        #expect(a.count == 1)
        #expect(a[0].title == "Storm closes ports along the coast")
        #expect(a[0].text == "The storm arrived on Tuesday.\nShips stayed in harbour.")
    }

    @Test("a first line that is a sentence in progress is not a title", arguments: [
        "the storm arrived on Tuesday, and\nships stayed in harbour.",
        "When the storm arrived on Tuesday, all of the ships along the coast stayed in their harbours.\nMore text.",
        "Only one line here.",
    ])
    func textNoHeadline(text: String) throws {
        let a = try DocumentDecoder.decode(raw(text, .text))
        #expect(a[0].title == nil)
        #expect(a[0].text == text)
    }

    @Test("Markdown loses its markup")
    func markdown() throws {
        let md = """
            # Council approves budget

            The **city council** approved the [budget](https://example.org/b) on *Monday*.

            - roads
            - schools

            ```
            code stays
            ```
            """
        let a = try DocumentDecoder.decode(raw(md, .markdown))[0]
        #expect(a.title == "Council approves budget")
        #expect(a.text == "The city council approved the budget on Monday.\n\nroads\n\nschools\n\ncode stays")
    }

    @Test("HTML gives its title and visible text; scripts and styles go")
    func html() throws {
        let html = """
            <html><head><title>Rates rise &amp; markets fall</title><style>p{color:red}</style></head>
            <body><script>var x = "<p>not text</p>";</script><h1>Rates rise</h1><p>The bank raised rates&nbsp;by 0.25%.</p>
            <p>Markets <b>fell</b> sharply.</p><!-- a comment --></body></html>
            """
        let a = try DocumentDecoder.decode(raw(html, .html))[0]
        #expect(a.title == "Rates rise & markets fall")
        // A no-break space is whitespace like any other in the text.
        #expect(a.text == "Rates rise\n\nThe bank raised rates by 0.25%.\n\nMarkets fell sharply.")
        #expect(a.html == html)
    }

    @Test("for a stage that makes the text itself, a page's text is left to read later, as decoding reads it")
    func htmlTextLeft() throws {
        let html = """
            <html><head><title>Rates rise &amp; markets fall</title></head>
            <body><h1>Rates rise</h1><p>The bank raised rates&nbsp;by 0.25%.</p></body></html>
            """
        let page = raw(html, .html)
        let whole = try DocumentDecoder.decode(page)[0]
        var left = try DocumentDecoder.decode(page, leavingHTMLText: true)[0]
        #expect(left.title == whole.title)
        #expect(left.text.isEmpty && left.textPendingFromHTML && !whole.textPendingFromHTML)
        #expect(left.html == whole.html)
        left.readPendingText()
        #expect(left == whole)
        left.readPendingText()
        #expect(left == whole)
    }

    @Test("a page without a title is read whole even when its text could be left")
    func untitledPageReadWhole() throws {
        let html = "<html><body><h1>Rates rise</h1><p>The bank raised rates.</p></body></html>"
        let page = raw(html, .html)
        let whole = try DocumentDecoder.decode(page)[0]
        let left = try DocumentDecoder.decode(page, leavingHTMLText: true)[0]
        #expect(left == whole && !left.textPendingFromHTML)
        #expect(left.title == "Rates rise")
        // A page with no text and no title still fails, as before.
        #expect(throws: IngestFailure.self) {
            try DocumentDecoder.decode(raw("<html><body><p> </p></body></html>", .html), leavingHTMLText: true)
        }
    }

    @Test("a JSON article with a headline and no text is an article with empty text")
    func headlineOnly() throws {
        let a = try DocumentDecoder.decode(raw(#"{"title":"Ferry resumes service","text":""}"#, .json))[0]
        #expect(a.title == "Ferry resumes service")
        #expect(a.text == "")
    }

    @Test("a JSON article maps its fields and keeps the rest")
    func json() throws {
        let json = #"{"title":"T","url":"https://e.org/a","text":"Body","published":"2024-03-22T18:00:00Z","authors":["A. Writer",{"name":"B. Writer"}],"section":"world","priority":2}"#
        let a = try DocumentDecoder.decode(raw(json, .json))[0]
        #expect(a.title == "T")
        #expect(a.url == "https://e.org/a")
        #expect(a.text == "Body")
        #expect(a.authors == ["A. Writer", "B. Writer"])
        #expect(a.publishedAt == Date(timeIntervalSince1970: 1_711_130_400))
        #expect(a.fields == ["section": "world", "priority": "2"])
    }

    @Test("JSON Lines give one article per line, each with its own ledger key")
    func jsonl() throws {
        let a = try DocumentDecoder.decode(raw("{\"title\":\"One\",\"text\":\"1\"}\n\n{\"title\":\"Two\",\"html\":\"<p>2</p>\"}\n", .jsonl, ledgerKey: "k"))
        #expect(a.map(\.title) == ["One", "Two"])
        #expect(a.map(\.text) == ["1", "2"])
        #expect(a.map(\.origin.ledgerKey) == ["k#1", "k#3"])
    }

    @Test("bad JSON inputs fail whole, saying where", arguments: [
        ("{\"title\":\"One\",\"text\":\"1\"}\n{broken\n", DocumentFormat.jsonl, "line 2: invalid JSON"),
        ("[1,2]", .json, "one article object"),
        ("{\"title\":\"\",\"text\":\"\"}", .json, "neither text nor html"),
        ("{\"url\":\"x\"}", .json, "neither text nor html"),
    ])
    func badJSON(text: String, format: DocumentFormat, reason: String) {
        #expect {
            try DocumentDecoder.decode(raw(text, format))
        } throws: { error in
            ((error as? IngestFailure)?.reason ?? "").contains(reason)
        }
    }

    @Test("an input with no text fails rather than becoming an empty article")
    func emptyText() {
        #expect(throws: IngestFailure.self) { try DocumentDecoder.decode(raw("<html><body><script>x</script></body></html>", .html)) }
        #expect(throws: IngestFailure.self) { try DocumentDecoder.decode(raw("   \n\n  ", .text)) }
    }

    @Test("file extensions map to formats; others are refused")
    func extensions() {
        #expect(DocumentFormat(fileExtension: "HTM") == .html)
        #expect(DocumentFormat(fileExtension: "jsonl") == .jsonl)
        #expect(DocumentFormat(fileExtension: "pdf") == nil)
    }
}
