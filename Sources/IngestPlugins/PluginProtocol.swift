import Foundation
import IngestCore

/// The exec-plugin protocol (docs/PLUGINS.md): JSON lines over the plugin's stdin and stdout.
///
/// The host writes a hello, the plugin answers with its own, then the host writes requests
/// `{"id": N, "article": {…}}` and the plugin answers each with `{"id": N, "action": …}`, in any order.
public enum PluginProtocol {
    /// The protocol versions this host speaks, oldest first.
    public static let versions = [1]
    /// What the host can do beyond the basics; a plugin lists the ones it wants in its hello.
    /// - `cancel`: the host writes `{"cancel": N}` when request N timed out, so the plugin can stop working on it.
    public static let hostCapabilities = ["cancel"]

    /// The host's first line.
    struct HostHello: Encodable {
        struct Body: Encodable {
            var protocols: [Int]
            var host: String
            var plugin: String
            var maxInFlight: Int
            var timeoutMs: Int
            var capabilities: [String]
            var settings: [String: JSONValue]

            enum CodingKeys: String, CodingKey {
                case protocols, host, plugin, capabilities, settings
                case maxInFlight = "max_in_flight", timeoutMs = "timeout_ms"
            }
        }
        var hello: Body
    }

    /// `{"cancel": N}`.
    struct Cancel: Encodable {
        var cancel: UInt64
    }

    /// What the plugin answered to a request.
    enum Reply: Sendable {
        case `continue`(ArticleChanges?)
        case drop(reason: String)
        case fail(reason: String, retry: Bool)
    }

    /// One line the plugin wrote, as far as it could be read.
    enum Message: Sendable {
        case hello(protocol: Int, capabilities: [String])
        case reply(id: UInt64, Reply)
    }

    /// Why a line is not a message; the host drops the line and says this in its log and status.
    struct BadLine: Error, CustomStringConvertible {
        var description: String
        /// The id the line named, when it named one: its request still gets an error at once.
        var id: UInt64?
    }

    private struct Wire: Decodable {
        struct Hello: Decodable {
            var `protocol`: Int
            var capabilities: [String]?
        }
        var hello: Hello?
        var id: UInt64?
        var action: String?
        var changes: ArticleChanges?
        var reason: String?
        var retry: Bool?
    }

    /// Reads one line of the plugin's stdout.
    static func parse(_ line: Data) throws(BadLine) -> Message {
        if let simple = SimpleAnswer.parse(line) { return simple }
        let wire: Wire
        do {
            wire = try decoder.decode(Wire.self, from: line)
        } catch let error as ArticleChanges.Problem {
            throw BadLine(description: "bad changes: \(error)", id: Self.id(in: line))
        } catch {
            throw BadLine(
                description: "not a JSON object of the protocol (\(Self.brief(error))): \(Self.preview(line))",
                id: Self.id(in: line))
        }
        if let hello = wire.hello {
            return .hello(protocol: hello.protocol, capabilities: hello.capabilities ?? [])
        }
        guard let id = wire.id else { throw BadLine(description: "an answer without an id: \(preview(line))") }
        switch wire.action {
        case "continue":
            return .reply(id: id, .continue(wire.changes))
        case "drop":
            guard let reason = wire.reason, !reason.isEmpty else {
                throw BadLine(description: "a drop without a reason", id: id)
            }
            return .reply(id: id, .drop(reason: reason))
        case "fail":
            return .reply(
                id: id, .fail(reason: wire.reason ?? "the plugin failed the article", retry: wire.retry ?? false))
        case let other?:
            throw BadLine(description: "unknown action '\(other)' (continue, drop or fail)", id: id)
        case nil:
            throw BadLine(description: "an answer without an action", id: id)
        }
    }

    /// The request line for `article`: `{"id":N,"article":{…}}` and a newline.
    static func request(id: UInt64, article: Article) -> Data {
        var bytes = Array("{\"id\":\(id),\"article\":".utf8)
        bytes.reserveCapacity(article.text.utf8.count + (article.html?.utf8.count ?? 0) + 1_024)
        ArticleJSON.write(article, into: &bytes)
        bytes.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
        return Data(bytes)
    }

    static func line(_ value: some Encodable) -> Data {
        var data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    private static let decoder = JSONDecoder()

    /// The protocol's own small messages.
    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }()

    /// The id of a line that is not a valid answer, when it still has one: `{"id": 12, …`.
    private static func id(in line: Data) -> UInt64? {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { return nil }
        return (object["id"] as? NSNumber).map { $0.uint64Value }
    }

    static func preview(_ line: Data) -> String {
        let text = String(decoding: line.prefix(120), as: UTF8.self)
        return line.count > 120 ? "\"\(text)…\" (\(line.count) bytes)" : "\"\(text)\""
    }

    private static func brief(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

/// What a plugin changes in an article: each key present replaces that field; `null` clears an optional
/// one. `fields` is merged key by key (`null` removes a key). Any other key is an error, so a typo in a
/// plugin never silently loses its work.
struct ArticleChanges: Sendable, Decodable {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// `nil`: not given; `.some(nil)`: cleared.
    var title: String??
    var text: String?
    var html: String??
    var url: String??
    var published: String??
    var language: String??
    var authors: [String]?
    var keywords: [String]?
    var entities: [Entity]?
    var labels: [Label]?
    var fields: [String: String?]?

    static let keys = [
        "title", "text", "html", "url", "published", "language", "authors", "keywords", "entities", "labels", "fields",
    ]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let unknown = c.allKeys.map(\.stringValue).filter { !Self.keys.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw Problem(
                description:
                    "unknown field\(unknown.count > 1 ? "s" : "") \(unknown.map { "'\($0)'" }.joined(separator: ", ")) (known: \(Self.keys.joined(separator: ", ")))"
            )
        }
        func clearable(_ name: String) throws -> String?? {
            let key = Key(stringValue: name)
            guard c.contains(key) else { return nil }
            if try c.decodeNil(forKey: key) { return .some(nil) }
            return .some(try typed(String.self, name))
        }
        func typed<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
            do {
                return try c.decode(T.self, forKey: Key(stringValue: name))
            } catch {
                throw Problem(description: "'\(name)' has the wrong type")
            }
        }
        func optional<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
            c.contains(Key(stringValue: name)) ? try typed(T.self, name) : nil
        }
        title = try clearable("title")
        html = try clearable("html")
        url = try clearable("url")
        published = try clearable("published")
        language = try clearable("language")
        text = try optional(String.self, "text")
        authors = try optional([String].self, "authors")
        keywords = try optional([String].self, "keywords")
        entities = try optional([Entity].self, "entities")
        labels = try optional([Label].self, "labels")
        fields = try optional([String: String?].self, "fields")
    }

    /// `article` with these changes made.
    func applied(to article: Article) -> Article {
        var a = article
        if let title { a.title = title }
        if let text { a.text = text }
        if let html { a.html = html }
        if let url { a.url = url }
        if let published {
            a.published = published
            a.publishedAt = published.flatMap(DateParsing.parse)
        }
        if let language { a.language = language }
        if let authors { a.authors = authors }
        if let keywords { a.keywords = keywords }
        if let entities { a.entities = entities }
        if let labels { a.labels = labels }
        if let fields {
            for (key, value) in fields { a.fields[key] = value }
        }
        return a
    }
}

/// The common answers — `{"id": N, "action": "continue"}`, a drop or a fail with a plain reason — read
/// without `JSONDecoder` (which costs more than the rest of the host's work on an article). Anything
/// else (changes, escapes, other keys) returns `nil` and goes to the full decoder.
enum SimpleAnswer {
    static func parse(_ line: Data) -> PluginProtocol.Message? {
        line.withUnsafeBytes { raw -> PluginProtocol.Message? in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            func skipSpace() { while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0D { i += 1 } }
            func expect(_ c: UInt8) -> Bool {
                skipSpace()
                guard i < b.count, b[i] == c else { return false }
                i += 1
                return true
            }
            /// A string without escapes.
            func string() -> String? {
                guard expect(UInt8(ascii: "\"")) else { return nil }
                let start = i
                while i < b.count, b[i] != UInt8(ascii: "\"") {
                    if b[i] == UInt8(ascii: "\\") || b[i] < 0x20 { return nil }
                    i += 1
                }
                guard i < b.count else { return nil }
                defer { i += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
            }
            guard expect(UInt8(ascii: "{")) else { return nil }
            var id: UInt64?, action: String?, reason: String?, retry = false
            while true {
                guard let key = string(), expect(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                switch key {
                case "id":
                    var value: UInt64 = 0
                    let start = i
                    while i < b.count, b[i] >= 0x30, b[i] <= 0x39, i - start < 18 {
                        value = value * 10 + UInt64(b[i] - 0x30)
                        i += 1
                    }
                    guard i > start, id == nil else { return nil }
                    id = value
                case "action":
                    guard action == nil, let value = string() else { return nil }
                    action = value
                case "reason":
                    guard reason == nil, let value = string() else { return nil }
                    reason = value
                case "retry":
                    if b.count - i >= 4, b[i] == UInt8(ascii: "t"), b[i + 1] == UInt8(ascii: "r"),
                        b[i + 2] == UInt8(ascii: "u"), b[i + 3] == UInt8(ascii: "e")
                    {
                        retry = true
                        i += 4
                    } else if b.count - i >= 5, Array(b[i..<i + 5]) == Array("false".utf8) {
                        i += 5
                    } else {
                        return nil
                    }
                default:
                    return nil
                }
                skipSpace()
                guard i < b.count else { return nil }
                if b[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard b[i] == UInt8(ascii: "}") else { return nil }
                i += 1
                skipSpace()
                guard i == b.count else { return nil }
                break
            }
            guard let id, let action else { return nil }
            switch action {
            case "continue" where reason == nil: return .reply(id: id, .continue(nil))
            case "drop" where reason.map({ !$0.isEmpty }) == true: return .reply(id: id, .drop(reason: reason!))
            case "fail" where reason != nil: return .reply(id: id, .fail(reason: reason!, retry: retry))
            default: return nil
            }
        }
    }
}
