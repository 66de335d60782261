import Foundation
import IngestCore

/// Reads JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) into a ``ParsedFeed``.
///
/// ``FeedParser`` calls this when a document starts with `{`. The parser is lenient the way feeds in the
/// wild need: a field of the wrong type is skipped with a warning instead of failing the whole feed, and a
/// 1.0-style `author` is read in a 1.1 feed (and `authors` in a 1.0 feed), since publishers mix them up.
///
/// - Important: Only a JSON object with a `version` naming JSON Feed and an `items` array is a feed;
///   anything else throws, so a random JSON document is never ingested as an empty feed.
enum JSONFeedParser {
    /// - Parameters:
    ///   - bytes: The document, UTF-8 (a leading byte order mark is allowed).
    ///   - url: Where the document came from; relative URLs in it are resolved against this.
    static func parse(_ bytes: [UInt8], url: String?) throws(FeedParseError) -> ParsedFeed {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let root: JSONValue
        if let read = StrictJSONReader.read(body) {
            root = read
        } else {
            root = try decodeWithJSONDecoder(body)
        }
        guard case .object(let top) = root else {
            throw FeedParseError("JSON Feed: the top level is \(root.typeName), not an object")
        }
        guard let versionValue = top["version"] else {
            throw FeedParseError("JSON without a \"version\" is not a JSON Feed")
        }
        guard case .string(let version) = versionValue else {
            throw FeedParseError("JSON Feed: \"version\" is \(versionValue.typeName), not a string")
        }
        var reader = Reader(base: url.flatMap { URL(string: $0) })
        let kind = try reader.kind(of: version)
        guard let itemsValue = top["items"] else { throw FeedParseError("JSON Feed without an \"items\" array") }
        guard case .array(let items) = itemsValue else {
            throw FeedParseError("JSON Feed: \"items\" is \(itemsValue.typeName), not an array")
        }

        var feed = ParsedFeed(kind: kind)
        feed.title = reader.string(top, "title", at: "")
        feed.link = reader.url(top, "home_page_url", at: "")
        feed.feedURL = reader.url(top, "feed_url", at: "")
        feed.description = reader.string(top, "description", at: "")
        feed.language = reader.string(top, "language", at: "")
        // An item without its own authors is written by the feed's (JSON Feed 1.1, "authors"); the model has
        // no feed-level authors, so they are carried down to the items here rather than lost.
        let feedAuthors = reader.authors(top, at: "")
        for (index, value) in items.enumerated() {
            guard case .object(let item) = value else {
                reader.warn("items[\(index)] is \(value.typeName), not an object; skipped")
                continue
            }
            feed.entries.append(reader.entry(item, at: "items[\(index)].", feedAuthors: feedAuthors))
        }
        feed.warnings = reader.warnings
        return feed
    }

    /// The document read by JSONDecoder: the reference reading, taken for everything ``StrictJSONReader``
    /// leaves alone (and so for every error message).
    static func decodeWithJSONDecoder(_ body: ArraySlice<UInt8>) throws(FeedParseError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            throw FeedParseError("not valid JSON (\(describe(error, Data(body))))")
        }
    }

    /// Where the JSON breaks. JSONDecoder on Linux only says "not valid JSON"; JSONSerialization names the
    /// position, so on this (rare) path the document is read a second time just for the message.
    private static func describe(_ error: any Error, _ data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
        } catch {
            if let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        }
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return "\(error)"
    }
}

/// Field access with type checks that turn into warnings, and URL resolution.
private struct Reader {
    let base: URL?
    var warnings: [String] = []

    mutating func warn(_ message: String) {
        // One warning per distinct problem is enough; a feed with 500 bad items should not carry 500 lines.
        if !warnings.contains(message) { warnings.append(message) }
    }

    mutating func kind(of version: String) throws(FeedParseError) -> ParsedFeed.Kind {
        // The spec's values are URLs ending in "/1" and "/1.1"; some generators write the bare number.
        let trimmed = FeedXML.trimSpaces(version)
        let lower = trimmed.lowercased()
        let number: Substring
        if let range = lower.range(of: "jsonfeed.org/version/") {
            number = lower[range.upperBound...].drop(while: { $0 == "/" }).prefix(while: { $0 != "/" })
        } else if let first = lower.first, first.isNumber {
            number = lower[...]
        } else {
            throw FeedParseError("JSON Feed: unknown version \"\(trimmed)\"")
        }
        switch number {
        case "1", "1.0": return .json10
        case "1.1": return .json11
        default:
            // A later 1.x stays readable by a 1.1 reader (the spec only adds fields); say so on the feed.
            warn("JSON Feed version \"\(trimmed)\" is newer than 1.1; read as 1.1")
            return .json11
        }
    }

    mutating func string(_ object: [String: JSONValue], _ key: String, at path: String) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s.isEmpty ? nil : s
        case let other?:
            warn("\(path)\(key) is \(other.typeName), not a string; ignored")
            return nil
        }
    }

    mutating func url(_ object: [String: JSONValue], _ key: String, at path: String) -> String? {
        string(object, key, at: path).map(resolve)
    }

    func resolve(_ reference: String) -> String {
        let trimmed = FeedXML.trimWhitespace(reference)
        guard let base, let resolved = URL(string: trimmed, relativeTo: base) else { return trimmed }
        return resolved.absoluteString
    }

    /// `authors[].name` (1.1), else `author.name` (1.0).
    mutating func authors(_ object: [String: JSONValue], at path: String) -> [String] {
        var names: [String] = []
        switch object["authors"] {
        case .array(let list)?:
            for (index, value) in list.enumerated() {
                guard case .object(let author) = value else {
                    warn("\(path)authors[\(index)] is \(value.typeName), not an object; ignored")
                    continue
                }
                if let name = string(author, "name", at: "\(path)authors[\(index)].") { names.append(name) }
            }
        case nil, .null?: break
        case let other?: warn("\(path)authors is \(other.typeName), not an array; ignored")
        }
        if names.isEmpty {
            switch object["author"] {
            case .object(let author)?:
                if let name = string(author, "name", at: "\(path)author.") { names.append(name) }
            case nil, .null?: break
            case let other?: warn("\(path)author is \(other.typeName), not an object; ignored")
            }
        }
        return names
    }

    mutating func entry(_ item: [String: JSONValue], at path: String, feedAuthors: [String]) -> FeedEntry {
        var entry = FeedEntry()
        switch item["id"] {
        case .string(let s)?: entry.id = s.isEmpty ? nil : s
        // The spec says string, but numeric ids are common (WordPress plugins); they are the same identity.
        case .number(let n)?: entry.id = n
        case nil, .null?: break
        case let other?: warn("\(path)id is \(other.typeName), not a string; ignored")
        }
        entry.link = url(item, "url", at: path) ?? url(item, "external_url", at: path)
        entry.title = string(item, "title", at: path)
        entry.content = string(item, "content_html", at: path) ?? string(item, "content_text", at: path)
        entry.summary = string(item, "summary", at: path)
        entry.published = string(item, "date_published", at: path)
        entry.publishedAt = entry.published.flatMap(DateParsing.parse)
        entry.updated = string(item, "date_modified", at: path)
        entry.updatedAt = entry.updated.flatMap(DateParsing.parse)
        let authors = authors(item, at: path)
        entry.authors = authors.isEmpty ? feedAuthors : authors
        switch item["tags"] {
        case .array(let tags)?:
            for tag in tags {
                if case .string(let s) = tag, !s.isEmpty { entry.categories.append(s) } else {
                    warn("\(path)tags holds \(tag.typeName), not only strings; ignored")
                }
            }
        case nil, .null?: break
        case let other?: warn("\(path)tags is \(other.typeName), not an array; ignored")
        }
        switch item["attachments"] {
        case .array(let attachments)?:
            for (index, value) in attachments.enumerated() {
                let at = "\(path)attachments[\(index)]"
                guard case .object(let attachment) = value else {
                    warn("\(at) is \(value.typeName), not an object; ignored")
                    continue
                }
                guard let link = url(attachment, "url", at: at + ".") else {
                    warn("\(at) has no url; ignored")
                    continue
                }
                var enclosure = FeedEntry.Enclosure(url: link, type: string(attachment, "mime_type", at: at + "."))
                switch attachment["size_in_bytes"] {
                case .number(let n)?: enclosure.length = Int(n) ?? Double(n).flatMap { Int(exactly: $0.rounded()) }
                case .string(let s)?: enclosure.length = Int(FeedXML.trimSpaces(s))
                default: break
                }
                entry.enclosures.append(enclosure)
            }
        case nil, .null?: break
        case let other?: warn("\(path)attachments is \(other.typeName), not an array; ignored")
        }
        return entry
    }
}

/// Any JSON value. Numbers are kept as text: an integer in Int64 range as written, any other number as
/// JSONDecoder's Double prints it (see `init(from:)`).
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            if let count = list.count { values.reserveCapacity(count) }
            while !list.isAtEnd { values.append(try list.decode(JSONValue.self)) }
            self = .array(values)
            return
        }
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            var values: [String: JSONValue] = [:]
            for key in keyed.allKeys { values[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key) }
            self = .object(values)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let b = try? single.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? single.decode(Int64.self) {
            self = .number(String(i))
        } else if let d = try? single.decode(Double.self) {
            // Integral doubles print without ".0" so 1e3 and 1000 name the same id.
            self = .number(d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d))
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A strict reader of standard JSON (RFC 8259) straight from the bytes into ``JSONValue``.
///
/// It exists for speed: JSONDecoder's generic walk (a container per value, a thrown error for every type
/// probe that fails in `JSONValue.init(from:)`) made JSON Feed the slowest format per byte. It reads only
/// what it can read exactly as the JSONDecoder path does, and returns `nil` for anything else: numbers with
/// a fraction or an exponent, `-0`, integers beyond Int64, duplicate keys, invalid UTF-8, lone surrogates,
/// nesting deeper than 100, and every syntax error. The caller then takes the JSONDecoder path, so values
/// and error messages stay what they were; real feeds rarely need it.
struct StrictJSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    /// Well below JSONDecoder's own limit (512), so a document it refuses for depth is never read here.
    private static let maxDepth = 100

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    static func read(_ body: ArraySlice<UInt8>) -> JSONValue? {
        body.withUnsafeBufferPointer { buffer in
            var reader = StrictJSONReader(bytes: buffer)
            guard let value = reader.value() else { return nil }
            reader.skipWhitespace()
            return reader.i == buffer.count ? value : nil
        }
    }

    private mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func value() -> JSONValue? {
        skipWhitespace()
        guard i < bytes.count else { return nil }
        switch bytes[i] {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return integer()
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
        let count = word.utf8CodeUnitCount
        guard i + count <= bytes.count else { return nil }
        for k in 0..<count where bytes[i + k] != word.utf8Start[k] { return nil }
        i += count
        return value
    }

    /// `-?(0|[1-9][0-9]*)` within Int64, which JSONDecoder's Int64 probe reads and `String(Int64)` prints
    /// back unchanged. Everything else that may start a number is left to JSONDecoder.
    private mutating func integer() -> JSONValue? {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        let digitsStart = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        let digits = i - digitsStart
        guard digits > 0, digits == 1 || bytes[digitsStart] != 0x30 else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] | 0x20 == UInt8(ascii: "e") { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard text != "-0", Int64(text) != nil else { return nil }
        return .number(text)
    }

    private mutating func array() -> JSONValue? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return nil }
        i += 1  // [
        var values: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            return .array(values)
        }
        while true {
            guard let v = value() else { return nil }
            values.append(v)
            skipWhitespace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
            } else if bytes[i] == UInt8(ascii: "]") {
                i += 1
                return .array(values)
            } else {
                return nil
            }
        }
    }

    private mutating func object() -> JSONValue? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return nil }
        i += 1  // {
        var values: [String: JSONValue] = [:]
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            return .object(values)
        }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard let v = value() else { return nil }
            // Which of two equal keys JSONDecoder keeps is its own business; leave such documents to it.
            guard values.updateValue(v, forKey: key) == nil else { return nil }
            skipWhitespace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
            } else if bytes[i] == UInt8(ascii: "}") {
                i += 1
                return .object(values)
            } else {
                return nil
            }
        }
    }

    /// A string at `i` (on its opening quote). Raw control characters, unknown escapes, lone surrogates
    /// and invalid UTF-8 make it `nil`.
    private mutating func string() -> String? {
        i += 1  // "
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 { i += 1 }
        guard i < bytes.count, bytes[i] >= 0x20 else { return nil }
        if bytes[i] == UInt8(ascii: "\"") {
            i += 1
            return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<i - 1]), as: UTF8.self)
        }
        // Escapes: decode into a byte buffer, then validate the whole as UTF-8.
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<i]))
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(validating: out, as: UTF8.self)
            }
            guard b >= 0x20 else { return nil }
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            guard i + 1 < bytes.count else { return nil }
            i += 2
            switch bytes[i - 1] {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var code = hex4() else { return nil }
                if (0xD800...0xDBFF).contains(code) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        return nil
                    }
                    i += 2
                    guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(code) {
                    return nil
                }
                guard let scalar = Unicode.Scalar(code) else { return nil }
                out.append(contentsOf: UTF8.encode(scalar)!)
            default:
                return nil
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }
}
