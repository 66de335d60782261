import Foundation
import IngestCore
import IngestHTML
import StageExtract
import Testing

/// Builds articles as decoding (and clean) would, and runs the stage on them.
enum Extract {
    struct NoReceipt: Receipt {
        func acknowledge(_ summary: IngestSummary) async {}
        func reject(_ failure: IngestFailure) async {}
        func release() async {}
    }

    static func origin(_ kind: Origin.Kind = .folder) -> Origin {
        Origin(source: "test", kind: kind, location: "/tmp/in/page", receivedAt: Date(timeIntervalSince1970: 0))
    }

    /// The article(s) `DocumentDecoder` makes of `text` in `format`, from a folder (or a feed).
    static func decoded(_ text: String, format: DocumentFormat, kind: Origin.Kind = .folder) throws -> Article {
        try DocumentDecoder.decode(RawDocument(bytes: Array(text.utf8), format: format, origin: origin(kind), receipt: NoReceipt()))[0]
    }

    /// Runs the stage on a page as decoding leaves it (the whole page in `html`).
    /// The page extracted both ways the stage reads a page: parsing it itself, and from the signals clean
    /// read from its tree. The two must agree on every page a test writes.
    static func page(
        _ html: String, url: String? = nil, configuration: ExtractStage.Configuration = .init(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Article {
        var article = try decoded(html, format: .html)
        article.url = url
        let stage = ExtractStage(configuration: configuration)
        let parsed = stage.extract(article)
        if let page = article.html, let document = HTMLDocument.parse(page) {
            let signals = PageSignals(document: document, maxJSONLDBytes: page.utf8.count)
            article.pageReading = PageReading(html: page, signals: signals)
            let fromTree = stage.extract(article)
            #expect(fromTree == parsed, "read from the tree, the page gives another article", sourceLocation: sourceLocation)
            // Clean's `html = "main"` or `"none"`: the article no longer holds the page, the signals still
            // describe it.
            var withoutPage = article
            withoutPage.html = nil
            withoutPage.pageReading = PageReading(html: nil, signals: signals)
            var fromSignals = stage.extract(withoutPage)
            fromSignals.html = parsed.html
            #expect(fromSignals == parsed, "without the page in the article, its signals give another article", sourceLocation: sourceLocation)
        }
        return parsed
    }

    static func text(_ text: String, configuration: ExtractStage.Configuration = .init()) throws -> Article {
        ExtractStage(configuration: configuration).extract(try decoded(text, format: .text))
    }

    /// A page with `head` inside `<head>` and `body` inside `<body>`.
    static func html(head: String = "", body: String) -> String {
        "<!DOCTYPE html><html><head>\(head)</head><body>\(body)</body></html>"
    }

    static func configuration(_ toml: String) -> (ExtractStage.Configuration, [String]) {
        let problems = ConfigProblems()
        let values = (try? TOMLReader.parse(toml, file: "test.toml")) ?? [:]
        let root = ConfigSection(path: "", values: values, problems: problems)
        let section = root.section("stages").section("extract")
        let configuration = ExtractStage.Configuration(from: section)
        section.finish()
        return (configuration, problems.items.map(\.description))
    }

    /// Entities as "kind:name" strings, for compact expectations.
    static func entities(_ text: String) -> Set<String> {
        let article = Article(text: text, origin: origin(), format: .text)
        return Set(ExtractStage().extract(article).entities.map { "\($0.kind.rawValue):\($0.name)" })
    }
}

/// A news story written for these tests (after the Crocus City Hall attack of March 2024), with every kind of
/// entity cue in it.
let crocusStory = """
    Gunmen opened fire at Crocus City Hall, a concert venue near Moscow, on Friday evening, killing dozens of \
    people before setting the building alight.

    Russian President Vladimir Putin called the attack a barbaric act of terrorism in a televised address. \
    Putin said those responsible would be punished and declared a day of mourning.

    Russia's Investigative Committee opened a terrorism case. The FSB said it had detained four suspects in the \
    Bryansk region, close to the border with Ukraine.

    In Washington, White House press secretary Karine Jean-Pierre said the United States had shared \
    information about a planned attack with Moscow earlier in March. The State Department had warned Americans \
    to avoid large gatherings. Jean-Pierre told reporters there was no sign that Ukraine was involved.

    ISIS claimed responsibility for the massacre through its Amaq news agency. Russian Ambassador Anatoly \
    Antonov said in Washington that Moscow expected cooperation. Antonov added that the embassy had received \
    many messages of condolence.
    """
