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

    @Test("numbers are written as JSONEncoder writes a Double")
    func numbers() throws {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [
            0, -0.0, 1, -1, 0.5, 0.1 + 0.2, 1e-7, 1.5e-5, 123_456_789, 1e15, 1e16, 1e17, 9_007_199_254_740_993, 1e21,
            5e-324, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 721_692_800.5, 1.0 / 3,
        ]
        for _ in 0..<2_000 {
            values.append(Double.random(in: 0...1, using: &generator))
            values.append(Double(bitPattern: generator.next()))
            values.append(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)))
        }
        for value in values where value.isFinite {
            var out = ""
            #expect(JSONText.appendNumber(value, to: &out))
            #expect(out == String((try Self.encoded([value])).dropFirst().dropLast()), "\(value)")
        }
        var out = ""
        #expect(!JSONText.appendNumber(.nan, to: &out) && !JSONText.appendNumber(.infinity, to: &out) && out.isEmpty)
    }

    @Test("labels and metadata are written as JSONEncoder writes them, whichever fields are set")
    func labelsAndMetadata() throws {
        var generator = SystemRandomNumberGenerator()
        func maybe<T>(_ value: T) -> T? { Bool.random(using: &generator) ? value : nil }
        func text() -> String { Self.awkward.randomElement(using: &generator)! + String(Int.random(in: 0...99, using: &generator)) }
        #expect(try ArticleRecord.labelsJSON([]) == "[]")
        for _ in 0..<500 {
            let labels = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                Label(name: text(), score: Double.random(in: 0...1, using: &generator))
            }
            #expect(try ArticleRecord.labelsJSON(labels) == (try Self.encoded(labels)))
            var m = ArticleMetadata()
            m.siteName = maybe(text())
            m.canonicalURL = maybe("https://example.org/a/b?c=\(text())")
            m.description = maybe(text())
            m.image = maybe(text())
            m.modified = maybe(text())
            m.modifiedAt = maybe(Date(timeIntervalSince1970: Double.random(in: -1e9...4e9, using: &generator)))
            m.languageConfidence = maybe(Double.random(in: 0...1, using: &generator))
            m.languageReliable = maybe(Bool.random(using: &generator))
            m.wordCount = maybe(Int.random(in: 0...100_000, using: &generator))
            m.readingMinutes = maybe(Int.random(in: 0...500, using: &generator))
            m.summary = maybe(text())
            if Bool.random(using: &generator) { m.sources = ["title": "json-ld", "date": text(), text(): "meta"] }
            #expect(try ArticleRecord.metadataJSON(m) == (try Self.encoded(m)))
        }
        #expect(throws: StoreError.self) { try ArticleRecord.labelsJSON([Label(name: "x", score: .nan)]) }
    }

    @Test("an article's JSON columns are what JSONEncoder wrote")
    func articleColumns() throws {
        var article = CommitTests.fullArticle()
        article.authors = Self.awkward
        article.metadata.siteName = "Coast \"Herald\""
        article.metadata.languageConfidence = 0.97
        article.metadata.modifiedAt = Date(timeIntervalSince1970: 1_700_000_000.25)
        article.metadata.sources = ["title": "json-ld"]
        let record = try ArticleRecord(article, drop: nil)
        #expect(record.authors == (try Self.encoded(article.authors)))
        #expect(record.keywords == (try Self.encoded(article.keywords)))
        #expect(record.entities == (try Self.encoded(article.entities)))
        #expect(record.labels == (try Self.encoded(article.labels)))
        #expect(record.fields == (try Self.encoded(article.fields)))
        #expect(record.trace == (try Self.encoded(article.trace)))
        #expect(record.metadata == (try Self.encoded(article.metadata)))
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
