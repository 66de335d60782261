import Foundation
@testable import IngestCore
import Testing

/// `Article` keeps its fields behind one shared reference (copy-on-write): it must still behave as a value,
/// and its JSON must be what the compiler wrote for the plain struct it was.
@Suite("article: copy-on-write fields")
struct ArticleStorageTests {
    static func sample() -> Article {
        var article = Article(
            text: "Ministers met on Monday.", title: "Talks", html: "<p>Ministers met on Monday.</p>",
            url: "https://example.org/a", published: "2026-11-30", publishedAt: Date(timeIntervalSince1970: 1_796_000_000),
            authors: ["A. Writer"], fields: ["desk": "politics"],
            origin: Origin(source: "inbox", kind: .folder, location: "a.html", receivedAt: Date(timeIntervalSince1970: 1_796_000_100)),
            format: .html)
        article.language = "en"
        article.keywords = ["ministers"]
        article.entities = [Entity(kind: .place, name: "Paris", count: 2)]
        article.labels = [Label(name: "politics", score: 0.9)]
        article.clusterId = "c1"
        article.metadata.summary = "Ministers met."
        article.trace = [TraceEntry(stage: "clean", outcome: .continue, micros: 12)]
        return article
    }

    @Test("changing a copy, in place or whole, leaves the original as it was")
    func valueSemantics() {
        let original = Self.sample()
        var copy = original
        copy.title = "Other"
        copy.metadata.summary = nil
        copy.trace.append(TraceEntry(stage: "dedupe", outcome: .drop, micros: 3, detail: "copy"))
        copy.entities[0].count += 1
        copy.fingerprint = ArticleFingerprint(
            textHash: "h", canonicalURL: nil, itemId: nil, minhash: [], bands: [], shingles: 0, clusterId: "c1")
        #expect(original.title == "Talks")
        #expect(original.metadata.summary == "Ministers met.")
        #expect(original.trace.count == 1)
        #expect(original.entities[0].count == 2)
        #expect(original.fingerprint == nil)
        #expect(copy.title == "Other" && copy.trace.count == 2 && copy.entities[0].count == 3)
        #expect(original == Self.sample())
        #expect(copy != original)
    }

    @Test("equality compares every field, working data included, as the plain struct's did")
    func equality() {
        var a = Self.sample()
        let b = Self.sample()
        #expect(a == b)
        a.textPendingFromHTML = true
        #expect(a != b)
        a.textPendingFromHTML = false
        a.pageReading = PageReading(html: nil, signals: PageSignals())
        #expect(a != b)
    }

    /// The fields as the plain struct held them, with the encoding the compiler writes.
    struct PlainArticle: Encodable {
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
        var metadata: ArticleMetadata
        var fields: [String: String]
        var origin: Origin
        var format: DocumentFormat
        var trace: [TraceEntry]

        init(_ a: Article) {
            (id, title, text, html, url, published, publishedAt) = (a.id, a.title, a.text, a.html, a.url, a.published, a.publishedAt)
            (authors, language, keywords, entities, labels) = (a.authors, a.language, a.keywords, a.entities, a.labels)
            (duplicateOf, clusterId, metadata, fields, origin, format, trace) =
                (a.duplicateOf, a.clusterId, a.metadata, a.fields, a.origin, a.format, a.trace)
        }
    }

    @Test("the JSON (keys sorted) is byte for byte what the plain struct's synthesised encoder wrote, and reads back")
    func json() throws {
        var withNils = Self.sample()
        withNils.title = nil
        withNils.html = nil
        withNils.clusterId = nil
        withNils.id = 7
        withNils.duplicateOf = 3
        for article in [Self.sample(), withNils] {
            // Sorted: without it the encoder's key order varies from one encoding to the next.
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let ours = try encoder.encode(article)
            let plain = try encoder.encode(PlainArticle(article))
            #expect(ours == plain)
            let back = try JSONDecoder().decode(Article.self, from: ours)
            #expect(back == article)
        }
    }
}
