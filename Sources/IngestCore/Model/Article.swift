public import Foundation

/// A document as the pipeline shapes it, and as the queue hands it to consumers.
///
/// Decoding fills what the input states (title, text, url, dates, authors); stages add the rest
/// (language, keywords, entities, labels, dedupe cluster). The ``trace`` records every stage it went through.
public struct Article: Sendable, Codable, Equatable {
    /// Assigned by the store at commit; `nil` before.
    public var id: Int64?
    public var title: String?
    /// The clean text, paragraphs separated by blank lines.
    public var text: String
    /// The HTML the text came from, when the input was HTML.
    public var html: String?
    public var url: String?
    /// The publication date exactly as the input gave it.
    public var published: String?
    /// ``published`` parsed and normalised to UTC, when it could be parsed.
    public var publishedAt: Date?
    public var authors: [String]
    /// ISO 639-1 code.
    public var language: String?
    public var keywords: [String]
    public var entities: [Entity]
    public var labels: [Label]
    /// The id of the article this one duplicates (set by dedupe; resolved at commit when the original was
    /// still in flight).
    public var duplicateOf: Int64?
    /// The dedupe cluster: the id every copy of one story shares, the original included.
    public var clusterId: String?
    /// Dedupe's fingerprint of an original, stored with it at commit. Not part of the article's JSON.
    public var fingerprint: ArticleFingerprint?
    /// What the clean stage read from ``html``'s markup while it had the page parsed, for extract, which
    /// would otherwise parse the page again. Working data like ``fingerprint``: not stored, not in the
    /// article's JSON, and only valid while ``html`` is the HTML it was read from (``PageReading/isFor(_:)``).
    public var pageReading: PageReading?
    /// Decoding left ``text`` empty for a stage that makes it from ``html`` itself (the clean stage, see
    /// ``Stage/makesTextFromHTML``): reading the page's plain text only to have it replaced cost 2 % of the
    /// daemon's CPU. The pipeline reads it (``readPendingText()``) before any other stage sees the article,
    /// and before the article leaves the pipeline. Working data: not stored, not in the article's JSON.
    public var textPendingFromHTML: Bool
    /// What the extract stage read beyond the fields above (site, canonical URL, description, image, modified
    /// time, language confidence, word count, reading time, summary).
    public var metadata: ArticleMetadata
    /// Extra fields from the input or added by plugins, kept as given.
    public var fields: [String: String]
    public var origin: Origin
    /// The input's format after detection (`text`, `markdown`, `html`, `json`, `jsonl`).
    public var format: DocumentFormat
    /// Every stage the article went through, in order.
    public var trace: [TraceEntry]

    public init(
        text: String,
        title: String? = nil,
        html: String? = nil,
        url: String? = nil,
        published: String? = nil,
        publishedAt: Date? = nil,
        authors: [String] = [],
        fields: [String: String] = [:],
        origin: Origin,
        format: DocumentFormat
    ) {
        self.id = nil
        self.title = title
        self.text = text
        self.html = html
        self.url = url
        self.published = published
        self.publishedAt = publishedAt
        self.authors = authors
        self.language = nil
        self.keywords = []
        self.entities = []
        self.labels = []
        self.duplicateOf = nil
        self.clusterId = nil
        self.fingerprint = nil
        self.pageReading = nil
        self.textPendingFromHTML = false
        self.metadata = ArticleMetadata()
        self.fields = fields
        self.origin = origin
        self.format = format
        self.trace = []
    }
}

extension Article {
    /// Every stored field but ``fingerprint``, which is dedupe's working data and has its own table, and
    /// ``pageReading`` and ``textPendingFromHTML``, which live only in the pipeline.
    enum CodingKeys: String, CodingKey {
        case id, title, text, html, url, published, publishedAt, authors, language, keywords, entities, labels
        case duplicateOf, clusterId, metadata, fields, origin, format, trace
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(Int64.self, forKey: .id)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        text = try container.decode(String.self, forKey: .text)
        html = try container.decodeIfPresent(String.self, forKey: .html)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        published = try container.decodeIfPresent(String.self, forKey: .published)
        publishedAt = try container.decodeIfPresent(Date.self, forKey: .publishedAt)
        authors = try container.decodeIfPresent([String].self, forKey: .authors) ?? []
        language = try container.decodeIfPresent(String.self, forKey: .language)
        keywords = try container.decodeIfPresent([String].self, forKey: .keywords) ?? []
        entities = try container.decodeIfPresent([Entity].self, forKey: .entities) ?? []
        labels = try container.decodeIfPresent([Label].self, forKey: .labels) ?? []
        duplicateOf = try container.decodeIfPresent(Int64.self, forKey: .duplicateOf)
        clusterId = try container.decodeIfPresent(String.self, forKey: .clusterId)
        fingerprint = nil
        pageReading = nil
        textPendingFromHTML = false
        // Absent in what older versions (and plugins that do not know it) write.
        metadata = try container.decodeIfPresent(ArticleMetadata.self, forKey: .metadata) ?? ArticleMetadata()
        fields = try container.decodeIfPresent([String: String].self, forKey: .fields) ?? [:]
        origin = try container.decode(Origin.self, forKey: .origin)
        format = try container.decode(DocumentFormat.self, forKey: .format)
        trace = try container.decodeIfPresent([TraceEntry].self, forKey: .trace) ?? []
    }
}

/// The article's metadata beyond its core fields, as the extract stage found it. Every field is optional:
/// an empty field is better than a wrong one.
public struct ArticleMetadata: Sendable, Codable, Equatable {
    /// The publication's name (`og:site_name`, JSON-LD `publisher`).
    public var siteName: String?
    /// The page's canonical URL (`link rel=canonical`, `og:url`).
    public var canonicalURL: String?
    /// The page's own description or excerpt (`og:description`, `meta name=description`).
    public var description: String?
    /// The lead image's URL (`og:image`, JSON-LD `image`).
    public var image: String?
    /// The last-modified time exactly as the page gave it, and normalised to UTC.
    public var modified: String?
    public var modifiedAt: Date?
    /// The language detector's confidence in ``Article/language`` (0…1) and whether it calls it reliable.
    public var languageConfidence: Double?
    public var languageReliable: Bool?
    public var wordCount: Int?
    /// At 230 words a minute, rounded up.
    public var readingMinutes: Int?
    /// A few lead or central sentences.
    public var summary: String?
    /// Where each extracted field came from, e.g. `"title": "json-ld"`, so a wrong field can be explained.
    public var sources: [String: String]

    public init() {
        sources = [:]
    }

    public var isEmpty: Bool { self == ArticleMetadata() }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        siteName = try container.decodeIfPresent(String.self, forKey: .siteName)
        canonicalURL = try container.decodeIfPresent(String.self, forKey: .canonicalURL)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        image = try container.decodeIfPresent(String.self, forKey: .image)
        modified = try container.decodeIfPresent(String.self, forKey: .modified)
        modifiedAt = try container.decodeIfPresent(Date.self, forKey: .modifiedAt)
        languageConfidence = try container.decodeIfPresent(Double.self, forKey: .languageConfidence)
        languageReliable = try container.decodeIfPresent(Bool.self, forKey: .languageReliable)
        wordCount = try container.decodeIfPresent(Int.self, forKey: .wordCount)
        readingMinutes = try container.decodeIfPresent(Int.self, forKey: .readingMinutes)
        summary = try container.decodeIfPresent(String.self, forKey: .summary)
        sources = try container.decodeIfPresent([String: String].self, forKey: .sources) ?? [:]
    }
}

/// A person, organisation or place found in an article.
public struct Entity: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case person, organisation, place }
    public var kind: Kind
    public var name: String
    public var count: Int

    public init(kind: Kind, name: String, count: Int) {
        self.kind = kind
        self.name = name
        self.count = count
    }
}

/// A topic label with its score in 0…1.
public struct Label: Sendable, Codable, Equatable {
    public var name: String
    public var score: Double

    public init(name: String, score: Double) {
        self.name = name
        self.score = score
    }
}

/// One step of an article's way through the pipeline.
public struct TraceEntry: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable { case `continue`, drop, fail }
    public var stage: String
    public var outcome: Outcome
    /// Wall time the stage took, in microseconds.
    public var micros: Int64
    /// The drop reason or the failure message.
    public var detail: String?

    public init(stage: String, outcome: Outcome, micros: Int64, detail: String? = nil) {
        self.stage = stage
        self.outcome = outcome
        self.micros = micros
        self.detail = detail
    }
}
