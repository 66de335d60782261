public import IngestCore
public import Logging

/// The first stage: the article's main text out of whatever arrived.
///
/// For a web page, the story without navigation, banners, share bars, comments and related links
/// (Readability's scoring on libxml2's parse); for a feed item's HTML fragment, all of its visible text; for
/// text and Markdown, the text as it is. In every case the text is normalised: entities decoded, Unicode NFC,
/// whitespace collapsed, zero-width and control characters removed, paragraphs separated by one blank line.
/// A page with no real content (an error page, a login wall) is dropped with the reason.
///
/// - Configuration keys (section `stages.clean`): see ``Configuration`` and plugins/clean/README.md.
public struct CleanStage: Stage {
    public static let name = "clean"

    let cleaner: Cleaner

    /// Clean reads a page's text from its markup, so decoding leaves it (see ``Article/textPendingFromHTML``).
    public var makesTextFromHTML: Bool { true }

    public init(configuration: Configuration, context: StageContext) throws {
        cleaner = Cleaner(configuration)
    }

    public init(configuration: Configuration = Configuration()) {
        cleaner = Cleaner(configuration)
    }

    public func process(_ article: Article, logger: Logger) async throws -> StageOutcome {
        try cleaner.clean(article)
    }

    /// The same work, synchronously: for tests and the benchmark.
    public func clean(_ article: Article) throws(StageError) -> StageOutcome {
        try cleaner.clean(article)
    }
}
