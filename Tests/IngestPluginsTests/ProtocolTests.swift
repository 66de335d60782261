import Foundation
import IngestCore
import Testing

@testable import IngestPlugins

@Suite("the protocol's messages")
struct ProtocolTests {
    /// An article with every field set, odd characters included.
    static var full: Article {
        var a = Article(
            text: "Line one \"quoted\" \\ back\nline two\ttab \u{01} ctrl — ünïcödé 🚢 </script>",
            title: "Title / with slash",
            html: "<p>x</p>", url: "https://example.org/a?b=c", published: "Tue, 10 Jun 2025 08:00:00 GMT",
            publishedAt: Date(timeIntervalSince1970: 1_749_542_400), authors: ["Ann", "Bob"],
            fields: ["item_id": "urn:x", "empty": ""],
            origin: Origin(
                source: "inbox", kind: .folder, location: "/in/a.txt",
                receivedAt: Date(timeIntervalSince1970: 1_764_000_000.75), ledgerKey: "k1"),
            format: .html)
        a.id = 42
        a.language = "en"
        a.keywords = ["harbour", "ferry"]
        a.entities = [Entity(kind: .place, name: "Harbour", count: 3)]
        a.labels = [
            Label(name: "news", score: 0.875), Label(name: "sport", score: 1), Label(name: "tiny", score: 1e-7),
        ]
        a.duplicateOf = 7
        a.clusterId = "c-1"
        a.metadata.siteName = "Site"
        a.metadata.canonicalURL = "https://example.org/a"
        a.metadata.description = "desc"
        a.metadata.image = "https://example.org/i.png"
        a.metadata.modified = "2025-06-11"
        a.metadata.modifiedAt = Date(timeIntervalSince1970: 1_749_600_000)
        a.metadata.languageConfidence = 0.93
        a.metadata.languageReliable = true
        a.metadata.wordCount = 120
        a.metadata.readingMinutes = 1
        a.metadata.summary = "sum"
        a.metadata.sources = ["title": "json-ld"]
        a.trace = [
            TraceEntry(stage: "clean", outcome: .continue, micros: 12),
            TraceEntry(stage: "x", outcome: .drop, micros: 3, detail: "why"),
        ]
        return a
    }

    @Test("requests carry the article exactly as JSONEncoder would write it")
    func articleJSON() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        for article in [Self.full, Article(text: "", origin: Self.full.origin, format: .text)] {
            var mine: [UInt8] = []
            ArticleJSON.write(article, into: &mine)
            let ours = try JSONSerialization.jsonObject(with: Data(mine)) as? NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: encoder.encode(article)) as? NSDictionary
            #expect(ours != nil)
            #expect(ours == theirs, "\(String(decoding: mine, as: UTF8.self))")
        }
        let line = PluginProtocol.request(id: 9, article: Self.full)
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        #expect(object["id"] as? Int == 9)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(!line.dropLast().contains(UInt8(ascii: "\n")))
    }

    @Test("the hand-written article JSON knows every stored field (update ArticleJSON when this fails)")
    func knownFields() {
        let article = Self.full
        #expect(
            Set(Mirror(reflecting: article).children.compactMap(\.label)) == [
                "id", "title", "text", "html", "url", "published", "publishedAt", "authors", "language", "keywords",
                "entities",
                "labels", "duplicateOf", "clusterId", "fingerprint", "pageReading", "metadata", "fields", "origin", "format", "trace",
                // Never set when a plugin sees the article: the pipeline reads the text before a plugin's stage.
                "textPendingFromHTML",
            ])
        #expect(
            Set(Mirror(reflecting: article.metadata).children.compactMap(\.label)) == [
                "siteName", "canonicalURL", "description", "image", "modified", "modifiedAt", "languageConfidence",
                "languageReliable", "wordCount", "readingMinutes", "summary", "sources",
            ])
        #expect(
            Set(Mirror(reflecting: article.origin).children.compactMap(\.label)) == [
                "source", "kind", "location", "receivedAt", "ledgerKey",
            ])
        #expect(
            Set(Mirror(reflecting: article.trace[0]).children.compactMap(\.label)) == [
                "stage", "outcome", "micros", "detail",
            ])
    }

    @Test(
        "answers: the fast reader and the full decoder agree",
        arguments: [
            #"{"id":1,"action":"continue"}"#,
            #"{"id": 12, "action": "continue"}"#,
            #"{"action": "drop", "id": 3, "reason": "spam"}"#,
            #"{"id":4,"action":"fail","reason":"model down","retry":true}"#,
            #"{"id":5,"action":"fail","reason":"bad","retry":false}"#,
            #"{"id":6,"action":"continue","changes":{"title":"T","fields":{"a":"b","gone":null}}}"#,
            #"{"id":7,"action":"drop","reason":"caf\u00e9"}"#,
        ])
    func answers(line: String) throws {
        let message = try PluginProtocol.parse(Data(line.utf8))
        guard case .reply(let id, let reply) = message else {
            Issue.record("not a reply: \(message)")
            return
        }
        switch (id, reply) {
        case (1, .continue(nil)), (12, .continue(nil)), (3, .drop("spam")), (4, .fail("model down", true)),
            (5, .fail("bad", false)), (7, .drop("café")):
            break
        case (6, .continue(let changes?)):
            let changed = changes.applied(
                to: Article(
                    text: "x", fields: ["gone": "1", "kept": "2"], origin: ProtocolTests.full.origin, format: .text))
            #expect(changed.title == "T")
            #expect(changed.fields == ["a": "b", "kept": "2"])
        default:
            Issue.record("\(line) read as \(reply)")
        }
    }

    @Test(
        "lines that are not answers, each with its reason",
        arguments: [
            ("not json", "not a JSON object of the protocol"),
            (#"{"action":"continue"}"#, "an answer without an id"),
            (#"{"id":1}"#, "an answer without an action"),
            (#"{"id":1,"action":"maybe"}"#, "unknown action 'maybe'"),
            (#"{"id":1,"action":"drop"}"#, "a drop without a reason"),
            (#"{"id":1,"action":"continue","changes":{"titel":"x"}}"#, "unknown field 'titel'"),
            (#"{"id":1,"action":"continue","changes":{"labels":"x"}}"#, "'labels' has the wrong type"),
            (#"{"id":"1","action":"continue"}"#, "not a JSON object of the protocol"),
        ])
    func badLines(line: String, reason: String) {
        do {
            let message = try PluginProtocol.parse(Data(line.utf8))
            Issue.record("accepted \(line) as \(message)")
        } catch {
            #expect(error.description.contains(reason), "\(error.description)")
        }
    }
}
