import Foundation
import IngestCore
import IngestHTML

/// What ``CleanStage`` does to one article.
struct Cleaner: Sendable {
    let configuration: CleanStage.Configuration
    let tracking: LinkCleaner.TrackingParameters

    init(_ configuration: CleanStage.Configuration) {
        self.configuration = configuration
        tracking = LinkCleaner.TrackingParameters(configuration.trackingParams)
    }

    func clean(_ input: Article) throws(StageError) -> StageOutcome {
        var article = input
        if let title = article.title {
            let clean = TextNormalizer.normalizeLine(title)
            article.title = clean.isEmpty ? nil : clean
        }
        guard let html = article.html, html.utf8.contains(where: { $0 > 0x20 }) else {
            return cleanText(article)
        }
        let size = html.utf8.count
        guard size <= configuration.maxHTMLBytes else {
            throw StageError(
                "the HTML is \(Self.mebibytes(size)), over stages.clean.max_html_bytes (\(Self.mebibytes(configuration.maxHTMLBytes)))",
                disposition: .skipArticle)
        }
        // Parsed for what clean and extract read: scripts and styles empty but JSON-LD, and only the attributes
        // they look at.
        guard let document = HTMLDocument.parse(html, forReaders: true) else { return cleanText(article) }
        let isPage = MainContent.isWholePage(html)
        let extraction = isPage ? MainContent.page(document) : MainContent.fragment(document)
        let text = extraction.text
        // Feed items and JSON articles carry text of their own (the feed's summary): when their page yields
        // nothing better, that text stands.
        let fromPageFile = input.format == .html
        if text.isEmpty {
            if !fromPageFile { return cleanText(article) }
            if document.stoppedAtDepthLimit {
                return .drop(reason: "no text in the page before it nests deeper than libxml2's limit of 256 levels")
            }
            return .drop(reason: "no text in the page")
        }
        if isPage {
            let reason = NoContentCheck.reason(
                text: text, title: extraction.tree.title.map(TextNormalizer.normalizeLine) ?? article.title,
                headings: headings(extraction.tree), hasPasswordField: extraction.tree.hasPasswordField,
                thinWords: configuration.thinPageWords)
            if let reason {
                if fromPageFile { return .drop(reason: reason) }
                return cleanText(article)
            }
        }
        article.text = text
        article.textPendingFromHTML = false
        // Extract reads the page's metadata next: from this tree rather than from a second parse, whatever
        // becomes of the HTML. A JSON-LD block cannot be longer than the page; extract applies its own cap.
        let signals = PageSignals(document: document, maxJSONLDBytes: size)
        switch configuration.html {
        case .page: break
        case .main:
            let links = LinkCleaner(base: article.url ?? extraction.tree.baseHref, tracking: tracking)
            article.html = extraction.html(links: links)
        case .none: article.html = nil
        }
        article.pageReading = PageReading(html: article.html, signals: signals)
        return .continue(article)
    }

    /// Text that did not come from HTML (or whose HTML gave nothing): normalised, dropped only when empty.
    private func cleanText(_ input: Article) -> StageOutcome {
        var article = input
        article.readPendingText()
        article.text = TextNormalizer.normalize(article.text)
        if configuration.html == .none { article.html = nil }
        if article.text.isEmpty && article.title == nil {
            return .drop(reason: "no text")
        }
        return .continue(article)
    }

    /// The page's first `h1` headings (all of the tree, not only the story).
    private func headings(_ tree: PageTree) -> [String] {
        var result: [String] = []
        for node in tree.nodes where node.tag == .h1 {
            result.append(TextRenderer.plainText(of: node.xml))
            if result.count == 3 { break }
        }
        return result
    }

    private static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
