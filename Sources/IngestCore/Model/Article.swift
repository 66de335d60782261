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
        self.fields = fields
        self.origin = origin
        self.format = format
        self.trace = []
    }
}

extension Article {
    /// Every stored field but ``fingerprint``, which is dedupe's working data and has its own table.
    enum CodingKeys: String, CodingKey {
        case id, title, text, html, url, published, publishedAt, authors, language, keywords, entities, labels
        case duplicateOf, clusterId, fields, origin, format, trace
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
