import IngestCore
import StageClean
import Testing

/// Clean hands extract what the page's markup says, read from the tree it parsed, so extract need not
/// parse the page again, whatever becomes of the article's HTML.
@Suite("the page's signals handed to extract")
struct PageReadingTests {
    let page = """
        <html lang="de"><head><title>Fähre fährt wieder | Küstenblatt</title>
        <meta name="author" content="Anna Varga"><script type="application/ld+json">{"headline": "Fähre"}</script></head>
        <body><article><p>\(String(repeating: "Die Fähre nach Kelby fährt ab Montag wieder nach dem alten Fahrplan. ", count: 8))</p></article></body></html>
        """

    @Test("every html setting: the article carries the page's signals, for the HTML clean left in it")
    func signalsInEveryMode() throws {
        for mode in ["main", "page", "none"] {
            let (configuration, problems) = Clean.configuration("[stages.clean]\nhtml = \"\(mode)\"\n")
            #expect(problems.isEmpty)
            let article = try #require(try Clean.page(page, configuration: configuration).article)
            let reading = try #require(article.pageReading, "html = \(mode)")
            #expect(reading.isFor(article.html), "html = \(mode)")
            #expect(reading.signals.title == "Fähre fährt wieder | Küstenblatt", "html = \(mode)")
            #expect(reading.signals.declaredLanguage == "de")
            #expect(reading.signals.meta("author") == "Anna Varga")
            #expect(reading.signals.jsonLD == ["{\"headline\": \"Fähre\"}"])
            switch mode {
            case "page": #expect(article.html == page)
            case "none": #expect(article.html == nil)
            default:
                let html = try #require(article.html)
                #expect(!html.contains("<head") && !html.contains("ld+json") && html.contains("Kelby"))
            }
        }
    }

    @Test("the default keeps the main content, not the whole page")
    func defaultIsMain() {
        #expect(Clean.configuration("").0.html == .main)
    }

    @Test("signals for another HTML are not for this one")
    func stale() {
        let reading = PageReading(html: "<title>Old</title>", signals: PageSignals())
        #expect(!reading.isFor("<title>New</title>"))
        #expect(!reading.isFor(nil))
        #expect(reading.isFor("<title>Old</title>"))
    }
}
