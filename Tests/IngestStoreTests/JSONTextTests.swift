import Foundation
import IngestCore
@testable import IngestStore
import Testing

@Suite("JSON columns")
struct JSONTextTests {
    /// What the store wrote before the JSON was written by hand; the hand-written text must stay byte-equal.
    static func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let awkward = [
        "", "plain", "quote \" and backslash \\", "slash / stays", "tab\tnewline\nreturn\r", "\u{8}\u{C}",
        "\u{0}\u{1}\u{1F}\u{7F}", "ünïcødé 😀 \u{2028}", "e\u{301}",
    ]

    @Test("string arrays and objects are written as JSONEncoder writes them")
    func arraysAndObjects() throws {
        #expect(JSONText.array([]) == "[]")
        #expect(JSONText.array(Self.awkward) == (try Self.encoded(Self.awkward)))
        let fields = Dictionary(uniqueKeysWithValues: Self.awkward.enumerated().map { ($1, "value \($0) \"\n") })
            .merging(["a9": "", "a10": "", "Z": "", "_": "", "ez": "", "f": "", "\u{FF5E}": "", "😀": ""]) { $1 }
        #expect(JSONText.object([:]) == "{}")
        #expect(JSONText.object(fields) == (try Self.encoded(fields)))
    }

    @Test("traces and entities are written as JSONEncoder writes them")
    func traceAndEntities() throws {
        let trace = [
            TraceEntry(stage: "clean", outcome: .continue, micros: 120),
            TraceEntry(stage: "classify", outcome: .drop, micros: -3, detail: "science \"0.875\"\n"),
            TraceEntry(stage: "x", outcome: .fail, micros: .max, detail: ""),
        ]
        #expect(ArticleRecord.traceJSON([]) == "[]")
        #expect(ArticleRecord.traceJSON(trace) == (try Self.encoded(trace)))
        let entities = [
            Entity(kind: .person, name: "Ada \"Countess\" Lovelace", count: 2),
            Entity(kind: .organisation, name: "", count: 0), Entity(kind: .place, name: "Zürich", count: -1),
        ]
        #expect(ArticleRecord.entitiesJSON([]) == "[]")
        #expect(ArticleRecord.entitiesJSON(entities) == (try Self.encoded(entities)))
    }

    @Test("an article's JSON columns are what JSONEncoder wrote")
    func articleColumns() throws {
        var article = CommitTests.fullArticle()
        article.authors = Self.awkward
        let record = try ArticleRecord(article, drop: nil)
        #expect(record.authors == (try Self.encoded(article.authors)))
        #expect(record.keywords == (try Self.encoded(article.keywords)))
        #expect(record.entities == (try Self.encoded(article.entities)))
        #expect(record.labels == (try Self.encoded(article.labels)))
        #expect(record.fields == (try Self.encoded(article.fields)))
        #expect(record.trace == (try Self.encoded(article.trace)))
        // And SQLite's json_valid CHECKs accept what it reads back.
        let db = try TestDatabase()
        let store = try db.open()
        let ids = try store.commit([
            CommitEntry(
                ledgerKey: "k", source: "inbox", location: "/a", raw: nil, format: .html,
                outcomes: [ArticleOutcome(article: article)])
        ])[0].articleIds
        var expected = article
        expected.id = ids[0]
        #expect(try store.article(id: ids[0])?.article == expected)
    }
}
