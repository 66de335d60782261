import IngestCore
import StageClean
import Testing

/// Clean hands extract what the page's markup says, read from the tree it parsed, so extract need not
/// parse the page again; only while the article keeps that page as its HTML.
@Suite("the page's signals handed to extract")
struct PageReadingTests {
    let page = """
        <html lang="de"><head><title>Fähre fährt wieder | Küstenblatt</title>
        <meta name="author" content="Anna Varga"><script type="application/ld+json">{"headline": "Fähre"}</script></head>
        <body><article><p>\(String(repeating: "Die Fähre nach Kelby fährt ab Montag wieder nach dem alten Fahrplan. ", count: 8))</p></article></body></html>
        """

    @Test("kept as the page: the article carries the signals, for this HTML")
    func pageKept() throws {
        let article = try #require(try Clean.page(page).article)
        let reading = try #require(article.pageReading)
        #expect(reading.isFor(article.html))
        #expect(reading.signals.title == "Fähre fährt wieder | Küstenblatt")
        #expect(reading.signals.declaredLanguage == "de")
        #expect(reading.signals.meta("author") == "Anna Varga")
        #expect(reading.signals.jsonLD == ["{\"headline\": \"Fähre\"}"])
    }

    @Test("the HTML replaced by the main content, or removed: no signals, extract reads what is there")
    func pageReplaced() throws {
        for mode in ["main", "none"] {
            let (configuration, problems) = Clean.configuration("[stages.clean]\nhtml = \"\(mode)\"\n")
            #expect(problems.isEmpty)
            let article = try #require(try Clean.page(page, configuration: configuration).article)
            #expect(article.pageReading == nil, "html = \(mode)")
        }
    }

    @Test("signals for another HTML are not for this one")
    func stale() {
        let reading = PageReading(html: "<title>Old</title>", signals: PageSignals())
        #expect(!reading.isFor("<title>New</title>"))
        #expect(!reading.isFor(nil))
        #expect(reading.isFor("<title>Old</title>"))
    }
}
