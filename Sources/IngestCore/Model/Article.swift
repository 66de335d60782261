public import Foundation

/// A document as the pipeline shapes it, and as the queue hands it to consumers.
///
/// Decoding fills what the input states (title, text, url, dates, authors); stages add the rest
/// (language, keywords, entities, labels, dedupe cluster). The ``trace`` records every stage it went through.
public struct Article: Sendable, Codable, Equatable {
    /// The fields, behind one reference that is copied only when a shared article is changed
    /// (copy-on-write, as Array does). An article passes through a dozen hands per stage (the stage's
    /// outcome, the pipeline's result, the commit entry); as a plain struct of some twenty strings and
    /// arrays, each of those copies retained and released every one of them: 1.1 % of the daemon's CPU.
    private var box: Box

    struct Stored: Equatable {
        var id: Int64?
        var title: String?
        var text: String
        var html: String?
        var url: String?
        var published: String?
        var publishedAt: Date?
        var authors: [String]
        var language: String?
        var keywords: [String]
        var entities: [Entity]
        var labels: [Label]
        var duplicateOf: Int64?
        var clusterId: String?
        var fingerprint: ArticleFingerprint?
        var pageReading: PageReading?
        var textPendingFromHTML: Bool
        var metadata: ArticleMetadata
        var fields: [String: String]
        var origin: Origin
        var format: DocumentFormat
        var trace: [TraceEntry]
    }

    /// `@unchecked Sendable`: a box shared by two articles is never written (``makeUnique()`` copies it
    /// first), so what one thread reads another cannot change.
    private final class Box: @unchecked Sendable {
        var fields: Stored
        init(_ fields: Stored) { self.fields = fields }
    }

    @inline(__always)
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
    }

    public static func == (a: Article, b: Article) -> Bool {
        a.box === b.box || a.box.fields == b.box.fields
    }

    /// Assigned by the store at commit; `nil` before.
    public var id: Int64? {
        get { box.fields.id }
        _modify {
            makeUnique()
            yield &box.fields.id
        }
    }
    public var title: String? {
        get { box.fields.title }
        _modify {
            makeUnique()
            yield &box.fields.title
        }
    }
    /// The clean text, paragraphs separated by blank lines.
    public var text: String {
        get { box.fields.text }
        _modify {
            makeUnique()
            yield &box.fields.text
        }
    }
    /// The HTML the text came from, when the input was HTML.
    public var html: String? {
        get { box.fields.html }
        _modify {
            makeUnique()
            yield &box.fields.html
        }
    }
    public var url: String? {
        get { box.fields.url }
        _modify {
            makeUnique()
            yield &box.fields.url
        }
    }
    /// The publication date exactly as the input gave it.
    public var published: String? {
        get { box.fields.published }
        _modify {
            makeUnique()
            yield &box.fields.published
        }
    }
    /// ``published`` parsed and normalised to UTC, when it could be parsed.
    public var publishedAt: Date? {
        get { box.fields.publishedAt }
        _modify {
            makeUnique()
            yield &box.fields.publishedAt
        }
    }
    public var authors: [String] {
        get { box.fields.authors }
        _modify {
            makeUnique()
            yield &box.fields.authors
        }
    }
    /// ISO 639-1 code.
    public var language: String? {
        get { box.fields.language }
        _modify {
            makeUnique()
            yield &box.fields.language
        }
    }
    public var keywords: [String] {
        get { box.fields.keywords }
        _modify {
            makeUnique()
            yield &box.fields.keywords
        }
    }
    public var entities: [Entity] {
        get { box.fields.entities }
        _modify {
            makeUnique()
            yield &box.fields.entities
        }
    }
    public var labels: [Label] {
        get { box.fields.labels }
        _modify {
            makeUnique()
            yield &box.fields.labels
        }
    }
    /// The id of the article this one duplicates (set by dedupe; resolved at commit when the original was
    /// still in flight).
    public var duplicateOf: Int64? {
        get { box.fields.duplicateOf }
        _modify {
            makeUnique()
            yield &box.fields.duplicateOf
        }
    }
    /// The dedupe cluster: the id every copy of one story shares, the original included.
    public var clusterId: String? {
        get { box.fields.clusterId }
        _modify {
            makeUnique()
            yield &box.fields.clusterId
        }
    }
    /// Dedupe's fingerprint of an original, stored with it at commit. Not part of the article's JSON.
    public var fingerprint: ArticleFingerprint? {
        get { box.fields.fingerprint }
        _modify {
            makeUnique()
            yield &box.fields.fingerprint
        }
    }
    /// What the clean stage read from ``html``'s markup while it had the page parsed, for extract, which
    /// would otherwise parse the page again. Working data like ``fingerprint``: not stored, not in the
    /// article's JSON, and only valid while ``html`` is the HTML it was read from (``PageReading/isFor(_:)``).
    public var pageReading: PageReading? {
        get { box.fields.pageReading }
        _modify {
            makeUnique()
            yield &box.fields.pageReading
        }
    }
    /// Decoding left ``text`` empty for a stage that makes it from ``html`` itself (the clean stage, see
    /// ``Stage/makesTextFromHTML``): reading the page's plain text only to have it replaced cost 2 % of the
    /// daemon's CPU. The pipeline reads it (``readPendingText()``) before any other stage sees the article,
    /// and before the article leaves the pipeline. Working data: not stored, not in the article's JSON.
    public var textPendingFromHTML: Bool {
        get { box.fields.textPendingFromHTML }
        _modify {
            makeUnique()
            yield &box.fields.textPendingFromHTML
        }
    }
    /// What the extract stage read beyond the fields above (site, canonical URL, description, image, modified
    /// time, language confidence, word count, reading time, summary).
    public var metadata: ArticleMetadata {
        get { box.fields.metadata }
        _modify {
            makeUnique()
            yield &box.fields.metadata
        }
    }
    /// Extra fields from the input or added by plugins, kept as given.
    public var fields: [String: String] {
        get { box.fields.fields }
        _modify {
            makeUnique()
            yield &box.fields.fields
        }
    }
    public var origin: Origin {
        get { box.fields.origin }
        _modify {
            makeUnique()
            yield &box.fields.origin
        }
    }
    /// The input's format after detection (`text`, `markdown`, `html`, `json`, `jsonl`).
    public var format: DocumentFormat {
        get { box.fields.format }
        _modify {
            makeUnique()
            yield &box.fields.format
        }
    }
    /// Every stage the article went through, in order.
    public var trace: [TraceEntry] {
        get { box.fields.trace }
        _modify {
            makeUnique()
            yield &box.fields.trace
        }
    }

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
        box = Box(
            Stored(
            id: nil,
            title: title,
            text: text,
            html: html,
            url: url,
            published: published,
            publishedAt: publishedAt,
            authors: authors,
            language: nil,
            keywords: [],
            entities: [],
            labels: [],
            duplicateOf: nil,
            clusterId: nil,
            fingerprint: nil,
            pageReading: nil,
            textPendingFromHTML: false,
            metadata: ArticleMetadata(),
            fields: fields,
            origin: origin,
            format: format,
            trace: []))
    }
}

/// The stored fields as the article's own children (for `dump`, debuggers, and the test that keeps
/// `ArticleJSON` in step with the fields), not one child `box`.
extension Article: CustomReflectable {
    public var customMirror: Mirror { Mirror(reflecting: box.fields) }
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
        box = Box(
            Stored(
                id: try container.decodeIfPresent(Int64.self, forKey: .id),
                title: try container.decodeIfPresent(String.self, forKey: .title),
                text: try container.decode(String.self, forKey: .text),
                html: try container.decodeIfPresent(String.self, forKey: .html),
                url: try container.decodeIfPresent(String.self, forKey: .url),
                published: try container.decodeIfPresent(String.self, forKey: .published),
                publishedAt: try container.decodeIfPresent(Date.self, forKey: .publishedAt),
                authors: try container.decodeIfPresent([String].self, forKey: .authors) ?? [],
                language: try container.decodeIfPresent(String.self, forKey: .language),
                keywords: try container.decodeIfPresent([String].self, forKey: .keywords) ?? [],
                entities: try container.decodeIfPresent([Entity].self, forKey: .entities) ?? [],
                labels: try container.decodeIfPresent([Label].self, forKey: .labels) ?? [],
                duplicateOf: try container.decodeIfPresent(Int64.self, forKey: .duplicateOf),
                clusterId: try container.decodeIfPresent(String.self, forKey: .clusterId),
                fingerprint: nil,
                pageReading: nil,
                textPendingFromHTML: false,
                // Absent in what older versions (and plugins that do not know it) write.
                metadata: try container.decodeIfPresent(ArticleMetadata.self, forKey: .metadata) ?? ArticleMetadata(),
                fields: try container.decodeIfPresent([String: String].self, forKey: .fields) ?? [:],
                origin: try container.decode(Origin.self, forKey: .origin),
                format: try container.decode(DocumentFormat.self, forKey: .format),
                trace: try container.decodeIfPresent([TraceEntry].self, forKey: .trace) ?? []))
    }

    /// What the compiler wrote for the stored fields before they moved behind ``box``: every key of
    /// ``CodingKeys``, an absent optional left out.
    public func encode(to encoder: any Encoder) throws {
        let f = box.fields
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(f.id, forKey: .id)
        try container.encodeIfPresent(f.title, forKey: .title)
        try container.encode(f.text, forKey: .text)
        try container.encodeIfPresent(f.html, forKey: .html)
        try container.encodeIfPresent(f.url, forKey: .url)
        try container.encodeIfPresent(f.published, forKey: .published)
        try container.encodeIfPresent(f.publishedAt, forKey: .publishedAt)
        try container.encode(f.authors, forKey: .authors)
        try container.encodeIfPresent(f.language, forKey: .language)
        try container.encode(f.keywords, forKey: .keywords)
        try container.encode(f.entities, forKey: .entities)
        try container.encode(f.labels, forKey: .labels)
        try container.encodeIfPresent(f.duplicateOf, forKey: .duplicateOf)
        try container.encodeIfPresent(f.clusterId, forKey: .clusterId)
        try container.encode(f.metadata, forKey: .metadata)
        try container.encode(f.fields, forKey: .fields)
        try container.encode(f.origin, forKey: .origin)
        try container.encode(f.format, forKey: .format)
        try container.encode(f.trace, forKey: .trace)
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
