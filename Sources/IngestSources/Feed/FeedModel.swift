public import Foundation

/// What the feed parser makes of a feed document, whatever its format. `ingestctl feeds parse --json`
/// prints exactly this (dates as ISO 8601), and the feed evaluation compares it field by field.
public struct ParsedFeed: Sendable, Codable, Equatable {
    /// The format detected from the content.
    public enum Kind: String, Sendable, Codable {
        case rss090 = "rss0.90", rss091 = "rss0.91", rss092 = "rss0.92", rss10 = "rss1.0", rss20 = "rss2.0"
        case atom03 = "atom0.3", atom10 = "atom1.0"
        case json10 = "json1.0", json11 = "json1.1"
    }

    public var kind: Kind
    public var title: String?
    /// The feed's website (not the feed's own URL), resolved against `xml:base` / the document URL.
    public var link: String?
    /// The feed's own URL when it states one (`atom:link rel="self"`, JSON Feed `feed_url`).
    public var feedURL: String?
    public var description: String?
    /// Language code as given (`en-us`).
    public var language: String?
    /// When the feed says it was last updated: the text as given, and parsed to UTC when possible.
    public var updated: String?
    public var updatedAt: Date?
    /// RSS `ttl` in minutes.
    public var ttlMinutes: Int?
    /// `sy:updatePeriod` × `sy:updateFrequency`, as seconds between updates.
    public var updateIntervalSecs: Int?
    public var entries: [FeedEntry]
    /// Problems recovered from (an unescaped `&`, an undeclared entity, junk after the root), kept so
    /// `ingestctl feeds list` can show them on the feed.
    public var warnings: [String]

    public init(kind: Kind, entries: [FeedEntry] = [], warnings: [String] = []) {
        self.kind = kind
        self.entries = entries
        self.warnings = warnings
    }
}

/// One item or entry of a feed.
public struct FeedEntry: Sendable, Codable, Equatable {
    /// `guid` / `id` as given; `nil` when the feed gives none (identity then falls back to link, then hash).
    public var id: String?
    /// The entry's web page, resolved against `xml:base` / the document URL.
    public var link: String?
    public var title: String?
    public var authors: [String]
    public var published: String?
    public var publishedAt: Date?
    public var updated: String?
    public var updatedAt: Date?
    /// The short form (`description`, Atom `summary`, JSON Feed `summary`).
    public var summary: String?
    /// The full form (`content:encoded`, Atom `content`, JSON Feed `content_html`, else `content_text`).
    public var content: String?
    public var categories: [String]
    public var enclosures: [Enclosure]

    public struct Enclosure: Sendable, Codable, Equatable {
        public var url: String
        public var type: String?
        public var length: Int?

        public init(url: String, type: String? = nil, length: Int? = nil) {
            self.url = url
            self.type = type
            self.length = length
        }
    }

    public init(
        id: String? = nil, link: String? = nil, title: String? = nil, authors: [String] = [],
        published: String? = nil, publishedAt: Date? = nil, updated: String? = nil, updatedAt: Date? = nil,
        summary: String? = nil, content: String? = nil, categories: [String] = [], enclosures: [Enclosure] = []
    ) {
        self.id = id
        self.link = link
        self.title = title
        self.authors = authors
        self.published = published
        self.publishedAt = publishedAt
        self.updated = updated
        self.updatedAt = updatedAt
        self.summary = summary
        self.content = content
        self.categories = categories
        self.enclosures = enclosures
    }
}

/// Why a document could not be read as a feed.
public struct FeedParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "feed: \(message)" }
}
