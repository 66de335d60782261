import Foundation
import Glibc
import IngestCore

/// Writes an article as the JSON its `Codable` conformance gives (the queue's JSON, dates in ISO 8601),
/// byte by byte: an order of magnitude faster than `JSONEncoder`, which cost ~50 µs an article and capped a
/// plugin near 10,000 articles a second on its own.
///
/// - Important: a field added to ``Article`` (or ``ArticleMetadata``, ``Origin``) must be added here too;
///   `ArticleJSONTests` compares this with `JSONEncoder` and lists the fields it expects, so it fails until
///   then.
enum ArticleJSON {
    static func write(_ a: Article, into out: inout [UInt8]) {
        var o = ObjectWriter(out: out)
        if let id = a.id { o.key("id"); o.int(id) }
        if let title = a.title { o.key("title"); o.string(title) }
        o.key("text"); o.string(a.text)
        if let html = a.html { o.key("html"); o.string(html) }
        if let url = a.url { o.key("url"); o.string(url) }
        if let published = a.published { o.key("published"); o.string(published) }
        if let publishedAt = a.publishedAt { o.key("publishedAt"); o.date(publishedAt) }
        o.key("authors"); o.strings(a.authors)
        if let language = a.language { o.key("language"); o.string(language) }
        o.key("keywords"); o.strings(a.keywords)
        o.key("entities");
        o.array(a.entities) { w, e in
            var e2 = ObjectWriter(out: w)
            e2.key("kind"); e2.string(e.kind.rawValue)
            e2.key("name"); e2.string(e.name)
            e2.key("count"); e2.int(Int64(e.count))
            w = e2.finish()
        }
        o.key("labels");
        o.array(a.labels) { w, l in
            var l2 = ObjectWriter(out: w)
            l2.key("name"); l2.string(l.name)
            l2.key("score"); l2.double(l.score)
            w = l2.finish()
        }
        if let duplicateOf = a.duplicateOf { o.key("duplicateOf"); o.int(duplicateOf) }
        if let clusterId = a.clusterId { o.key("clusterId"); o.string(clusterId) }
        o.key("metadata");
        o.raw { w in
            let m = a.metadata
            var m2 = ObjectWriter(out: w)
            if let v = m.siteName { m2.key("siteName"); m2.string(v) }
            if let v = m.canonicalURL { m2.key("canonicalURL"); m2.string(v) }
            if let v = m.description { m2.key("description"); m2.string(v) }
            if let v = m.image { m2.key("image"); m2.string(v) }
            if let v = m.modified { m2.key("modified"); m2.string(v) }
            if let v = m.modifiedAt { m2.key("modifiedAt"); m2.date(v) }
            if let v = m.languageConfidence { m2.key("languageConfidence"); m2.double(v) }
            if let v = m.languageReliable { m2.key("languageReliable"); m2.bool(v) }
            if let v = m.wordCount { m2.key("wordCount"); m2.int(Int64(v)) }
            if let v = m.readingMinutes { m2.key("readingMinutes"); m2.int(Int64(v)) }
            if let v = m.summary { m2.key("summary"); m2.string(v) }
            m2.key("sources"); m2.dictionary(m.sources)
            w = m2.finish()
        }
        o.key("fields"); o.dictionary(a.fields)
        o.key("origin");
        o.raw { w in
            var g = ObjectWriter(out: w)
            g.key("source"); g.string(a.origin.source)
            g.key("kind"); g.string(a.origin.kind.rawValue)
            g.key("location"); g.string(a.origin.location)
            g.key("receivedAt"); g.date(a.origin.receivedAt)
            if let key = a.origin.ledgerKey { g.key("ledgerKey"); g.string(key) }
            w = g.finish()
        }
        o.key("format"); o.string(a.format.rawValue)
        o.key("trace");
        o.array(a.trace) { w, t in
            var t2 = ObjectWriter(out: w)
            t2.key("stage"); t2.string(t.stage)
            t2.key("outcome"); t2.string(t.outcome.rawValue)
            t2.key("micros"); t2.int(t.micros)
            if let detail = t.detail { t2.key("detail"); t2.string(detail) }
            w = t2.finish()
        }
        out = o.finish()
    }
}

/// Appends one JSON object to a byte buffer, comma by comma.
private struct ObjectWriter {
    var out: [UInt8]
    private var first = true

    init(out: [UInt8]) {
        self.out = out
        self.out.append(UInt8(ascii: "{"))
    }

    mutating func finish() -> [UInt8] {
        out.append(UInt8(ascii: "}"))
        return out
    }

    mutating func key(_ name: StaticString) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    mutating func raw(_ body: (inout [UInt8]) -> Void) {
        body(&out)
    }

    mutating func int(_ value: Int64) {
        out.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// As `JSONEncoder` writes a double: the shortest form that reads back the same.
    mutating func double(_ value: Double) {
        guard value.isFinite else { return out.append(contentsOf: "null".utf8) }
        if value == value.rounded(), abs(value) < 1e15 {
            out.append(contentsOf: String(Int64(value)).utf8)
        } else {
            out.append(contentsOf: "\(value)".utf8)
        }
    }

    mutating func date(_ date: Date) {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        out.append(UInt8(ascii: "\""))
        digits(Int(parts.tm_year) + 1900, 4)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        out.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
    }

    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(v / divisor % 10))
            v %= divisor
            divisor /= 10
        }
    }

    mutating func string(_ s: String) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                switch b {
                case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                }
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    mutating func strings(_ values: [String]) {
        out.append(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            string(v)
        }
        out.append(UInt8(ascii: "]"))
    }

    mutating func dictionary(_ values: [String: String]) {
        out.append(UInt8(ascii: "{"))
        for (i, key) in values.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            string(key)
            out.append(UInt8(ascii: ":"))
            string(values[key] ?? "")
        }
        out.append(UInt8(ascii: "}"))
    }

    mutating func array<T>(_ values: [T], _ element: (inout [UInt8], T) -> Void) {
        out.append(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            element(&out, v)
        }
        out.append(UInt8(ascii: "]"))
    }
}
