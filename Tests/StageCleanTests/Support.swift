import StageClean
import Foundation
import IngestCore

/// Builds articles as decoding would, and runs the stage on them.
enum Clean {
    struct NoReceipt: Receipt {
        func acknowledge(_ summary: IngestSummary) async {}
        func reject(_ failure: IngestFailure) async {}
        func release() async {}
    }

    static let origin = Origin(source: "test", kind: .cli, location: "/tmp/page.html", receivedAt: Date(timeIntervalSince1970: 0))

    /// The article(s) `DocumentDecoder` makes of these bytes in this format.
    static func decoded(_ bytes: [UInt8], format: DocumentFormat) throws -> [Article] {
        try DocumentDecoder.decode(RawDocument(bytes: bytes, format: format, origin: origin, receipt: NoReceipt()))
    }

    static func decoded(_ text: String, format: DocumentFormat) throws -> Article {
        try decoded(Array(text.utf8), format: format)[0]
    }

    /// Runs the stage on a page as if it had been dropped in a folder as `.html`.
    static func page(_ html: String, url: String? = nil, configuration: CleanStage.Configuration = .init()) throws
        -> StageOutcome
    {
        var article = try decoded(html, format: .html)
        article.url = url
        return try CleanStage(configuration: configuration).clean(article)
    }

    static func configuration(_ toml: String) -> (CleanStage.Configuration, [String]) {
        let problems = ConfigProblems()
        let values = (try? TOMLReader.parse(toml, file: "test.toml")) ?? [:]
        let root = ConfigSection(path: "", values: values, problems: problems)
        let section = root.section("stages").section("clean")
        let configuration = CleanStage.Configuration(from: section)
        section.finish()
        return (configuration, problems.items.map(\.description))
    }
}

extension StageOutcome {
    var article: Article? {
        if case .continue(let article) = self { return article }
        return nil
    }

    var dropReason: String? {
        switch self {
        case .drop(let reason), .dropRecorded(_, let reason): return reason
        case .continue: return nil
        }
    }
}

/// A story page with every kind of chrome around it.
let storyPage = """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>Harbour reopens after storm | The Coast Herald</title>
    <script>var tracking = "do not show";</script><style>p { color: red }</style></head>
    <body>
    <div id="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
    <header class="site-header"><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
    <div class="layout">
      <aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Celebrity spotted</a></li><li><a href="/b">Ten best beaches</a></li></ul></aside>
      <article class="story">
        <h1>Harbour reopens after storm</h1>
        <p class="byline">By Jane Doe</p>
        <p>Ships sailed again on Friday after three days in port, as the harbour master lifted the storm warning that had kept the fleet at anchor since Tuesday night.</p>
        <p>Fishermen said the delay had cost them a week's catch, but most boats were undamaged, and the quay, which flooded on Wednesday, was dry again by Thursday evening.</p>
        <p>The council will meet on Monday to discuss repairs to the northern breakwater, where waves tore away part of the wall, leaving the inner basin exposed to the next gale.</p>
        <div class="share-tools"><a href="https://twitter.com/share">Share on Twitter</a> <a href="https://facebook.com/share">Share on Facebook</a></div>
      </article>
      <div id="comments" class="comments"><h2>42 comments</h2><p>First! Great article, thanks for sharing this with all of us here.</p></div>
      <div class="related-links"><h2>Related</h2><ul><li><a href="/c">Storm hits coast, many boats damaged in the night</a></li></ul></div>
    </div>
    <footer><p>© 2026 The Coast Herald. All rights reserved. <a href="/privacy">Privacy</a></p></footer>
    </body></html>
    """
