import ExtractLanguage
import Foundation
import IngestCore
import IngestHTML

/// The extract stage's work on one article; holds what is built once (gazetteer, keyword extractor).
final class Extractor: Sendable {
    let configuration: ExtractStage.Configuration
    let recognizer: EntityRecognizer
    let keywords: KeywordExtractor
    let summaryMethod: Summary.Method

    init(_ configuration: ExtractStage.Configuration, gazetteer: Gazetteer, background: BackgroundModel? = nil) {
        self.configuration = configuration
        recognizer = EntityRecognizer(gazetteer: gazetteer)
        // A background model from a file is the reference: it is not changed by what the daemon sees.
        keywords = KeywordExtractor(method: configuration.keywordsMethod, background: background, learns: background == nil)
        summaryMethod = Summary.Method(rawValue: configuration.summaryMethod) ?? .lead
    }

    /// The article with every field this stage reads filled in, and notes for the debug log.
    func extract(_ input: Article) -> (article: Article, notes: [String]) {
        var article = input
        // Read below when it is for this HTML; not needed after this stage.
        article.pageReading = nil
        var notes: [String] = []
        var metadata = article.metadata
        var paragraphs = Sentences.paragraphs(article.text)
        // A text file's first line that decoding took as the title but is a byline or date line is read as one.
        if article.format == .text || article.format == .markdown, let title = article.title, TextHeadline.isBylineOrDate(title) {
            paragraphs.insert(Substring(title), at: 0)
        }
        // A feed item or a JSON article states its own title, authors and date: those win where present.
        let ownFields = article.origin.kind == .feed || article.format == .json || article.format == .jsonl

        var page = PageMetadata()
        if let signals = signals(of: input) {
            page = PageMetadata(page: signals, url: article.url, paragraphs: paragraphs)
            if page.skippedJSONLD > 0 { notes.append("skipped \(page.skippedJSONLD) JSON-LD block(s) over max_json_ld_bytes") }
        } else {
            page.authors = Bylines.inText(paragraphs)
            if !page.authors.isEmpty { page.sources["authors"] = "text" }
            let lines = Dates.inText(paragraphs)
            page.published = lines.published ?? article.url.flatMap { Dates.fromURL($0) }
            if page.published != nil { page.sources["published"] = lines.published != nil ? "text" : "url" }
            page.modified = lines.modified
            if page.modified != nil { page.sources["modified"] = "text" }
        }
        var sources = page.sources

        // Title.
        if ownFields, let title = article.title, !title.isEmpty {
            sources["title"] = "input"
        } else if let title = page.title {
            article.title = HTMLText.collapse(title)
        } else if article.format == .text || article.format == .markdown {
            let (title, source) = TextHeadline.choose(decoded: article.title, paragraphs: paragraphs)
            article.title = title
            sources["title"] = source
        } else if article.title != nil {
            sources["title"] = "input"
        }
        if article.title == nil { sources["title"] = nil }

        // Authors.
        if ownFields && !article.authors.isEmpty {
            let names = article.authors.flatMap(Bylines.names(in:))
            // A feed's author field holding an address or a handle is no name; keep what is.
            article.authors = names.isEmpty ? [] : names
            sources["authors"] = names.isEmpty ? nil : "input"
            if names.isEmpty && !page.authors.isEmpty { article.authors = page.authors; sources["authors"] = page.sources["authors"] }
        } else {
            article.authors = page.authors
        }
        if article.authors.isEmpty { sources["authors"] = nil }

        // Dates.
        if ownFields, let published = article.published, !published.isEmpty {
            if article.publishedAt == nil { article.publishedAt = Dates.parse(published)?.date }
            sources["published"] = "input"
        } else if let published = page.published {
            article.published = published.original
            article.publishedAt = published.date
        } else {
            sources["published"] = nil
        }
        if let modified = page.modified ?? (ownFields ? article.fields["updated"].flatMap({ Dates.parse($0) }) : nil) {
            metadata.modified = modified.original
            metadata.modifiedAt = modified.date
            if sources["modified"] == nil { sources["modified"] = "input" }
        }

        metadata.siteName = page.siteName ?? (ownFields ? article.fields["feed_title"] : nil) ?? metadata.siteName
        if page.siteName == nil, metadata.siteName != nil, ownFields { sources["siteName"] = "input" }
        metadata.canonicalURL = page.canonicalURL ?? metadata.canonicalURL
        metadata.description = page.description ?? metadata.description
        metadata.image = page.image ?? metadata.image

        // Language: detected from the text; the declared one only breaks a tie with an unreliable guess.
        let declared = Self.primaryCode(ownFields ? article.language : nil) ?? Self.primaryCode(page.declaredLanguage)
        let sample = article.text.isEmpty ? (article.title ?? "") : article.text
        let guess = configuration.language ? LanguageDetector.detect(sample) : nil
        if !configuration.language {
            // Off: whatever the input stated stays.
        } else if let guess, guess.reliable {
            article.language = guess.code
            metadata.languageConfidence = guess.confidence
            metadata.languageReliable = true
            sources["language"] = "cld2"
        } else if let declared {
            article.language = declared
            metadata.languageConfidence = guess?.code == declared ? guess?.confidence : nil
            metadata.languageReliable = false
            sources["language"] = guess?.code == declared ? "cld2+declared" : "declared"
        } else if let guess {
            article.language = guess.code
            metadata.languageConfidence = guess.confidence
            metadata.languageReliable = false
            sources["language"] = "cld2"
        } else {
            article.language = nil
        }

        // Key phrases.
        if configuration.maxKeywords > 0 {
            article.keywords = keywords.keywords(
                in: article.text, title: article.title, language: article.language, limit: configuration.maxKeywords
            ).map(\.phrase)
        }

        // Entities.
        if configuration.entities {
            let english = article.language == nil || article.language == "en"
            article.entities = recognizer.entities(in: article.text, english: english, limit: configuration.maxEntities)
        }

        // Length and summary.
        let words = Sentences.wordCount(article.text)
        metadata.wordCount = words
        metadata.readingMinutes = words == 0 ? 0 : (words + configuration.wordsPerMinute - 1) / configuration.wordsPerMinute
        let stopWords = article.language.flatMap { StopWords.words(for: $0) } ?? []
        metadata.summary = Summary.make(
            paragraphs: paragraphs, title: article.title, count: configuration.summarySentences, method: summaryMethod,
            stopWords: stopWords)

        metadata.sources = sources
        article.metadata = metadata
        return (article, notes)
    }

    /// The page's signals as clean read them from its tree, while the article still has the HTML clean left
    /// in it (the page, its main content, or none); else read now from the article's HTML, if it has any.
    private func signals(of article: Article) -> PageSignals? {
        if let reading = article.pageReading, reading.isFor(article.html) {
            return reading.signals.cappingJSONLD(at: configuration.maxJSONLDBytes)
        }
        guard let html = article.html, html.utf8.contains(UInt8(ascii: "<")) else { return nil }
        return PageSignals(html: html, maxJSONLDBytes: configuration.maxJSONLDBytes)
    }

    /// "en-US" → "en"; nil for anything that is not a two- or three-letter code.
    static func primaryCode(_ tag: String?) -> String? {
        guard let tag else { return nil }
        let primary = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        guard (2...3).contains(primary.count), primary.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        return primary
    }
}
