import Foundation

/// A strict JSON reader for JSON-LD blocks, into native Swift values (`String`, `Double`, `Bool`, `NSNull`,
/// `[Any]`, `[String: Any]`).
///
/// Foundation's JSONSerialization builds NSDictionary/NSArray values that are bridged again at every `as?`
/// cast, which made JSON-LD a large part of reading a page. This reader accepts only plain, strict JSON
/// (no control characters in strings, no lone surrogates, no duplicate keys, no deep nesting, finite
/// numbers) and returns `nil` for anything else, so the caller falls back to JSONSerialization there: on
/// what this accepts, both give the same strings, lists and objects.
struct JSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var p = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The value of `text`, or `nil` when it is not plain JSON (or is JSON this reader leaves to Foundation).
    static func parse(_ text: Substring) -> Any? {
        var copy = text
        return copy.withUTF8 { buffer -> Any? in
            var reader = JSONReader(buffer)
            guard let value = reader.value(depth: 0) else { return nil }
            reader.skipSpace()
            return reader.p == buffer.count ? value : nil
        }
    }

    private mutating func skipSpace() {
        while p < bytes.count {
            let b = bytes[p]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            p += 1
        }
    }

    private mutating func value(depth: Int) -> Any? {
        guard depth < 64 else { return nil }
        skipSpace()
        guard p < bytes.count else { return nil }
        switch bytes[p] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true") ? true : nil
        case UInt8(ascii: "f"): return literal("false") ? false : nil
        case UInt8(ascii: "n"): return literal("null") ? NSNull() : nil
        default: return number()
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard p + count <= bytes.count else { return false }
        for i in 0..<count where bytes[p + i] != word.utf8Start[i] { return false }
        p += count
        return true
    }

    private mutating func object(depth: Int) -> Any? {
        p += 1
        var result: [String: Any] = [:]
        skipSpace()
        if p < bytes.count, bytes[p] == UInt8(ascii: "}") { p += 1; return result }
        while true {
            skipSpace()
            guard p < bytes.count, bytes[p] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard p < bytes.count, bytes[p] == UInt8(ascii: ":") else { return nil }
            p += 1
            guard let item = value(depth: depth + 1) else { return nil }
            // Which of two equal keys Foundation keeps is its business: leave such blocks to it.
            guard result.updateValue(item, forKey: key) == nil else { return nil }
            skipSpace()
            guard p < bytes.count else { return nil }
            if bytes[p] == UInt8(ascii: ",") { p += 1; continue }
            if bytes[p] == UInt8(ascii: "}") { p += 1; return result }
            return nil
        }
    }

    private mutating func array(depth: Int) -> Any? {
        p += 1
        var result: [Any] = []
        skipSpace()
        if p < bytes.count, bytes[p] == UInt8(ascii: "]") { p += 1; return result }
        while true {
            guard let item = value(depth: depth + 1) else { return nil }
            result.append(item)
            skipSpace()
            guard p < bytes.count else { return nil }
            if bytes[p] == UInt8(ascii: ",") { p += 1; continue }
            if bytes[p] == UInt8(ascii: "]") { p += 1; return result }
            return nil
        }
    }

    /// A string at `p` (on its opening quote).
    private mutating func string() -> String? {
        p += 1
        let start = p
        // Most strings have no escapes: cut them from the bytes as they are.
        while p < bytes.count {
            let b = bytes[p]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<p]), as: UTF8.self)
                p += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { return nil }
            p += 1
        }
        var out = Array(bytes[start..<p])
        while p < bytes.count {
            let b = bytes[p]
            if b == UInt8(ascii: "\"") {
                p += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { return nil }
            guard b == UInt8(ascii: "\\") else { out.append(b); p += 1; continue }
            guard p + 1 < bytes.count else { return nil }
            let e = bytes[p + 1]
            p += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var code = hex4() else { return nil }
                if code >= 0xD800 && code <= 0xDBFF {
                    // A high surrogate must be followed by an escaped low one.
                    guard p + 1 < bytes.count, bytes[p] == UInt8(ascii: "\\"), bytes[p + 1] == UInt8(ascii: "u") else { return nil }
                    p += 2
                    guard let low = hex4(), low >= 0xDC00 && low <= 0xDFFF else { return nil }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (code >= 0xDC00 && code <= 0xDFFF) || code == 0 {
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
        guard p + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[p]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
            p += 1
        }
        return v
    }

    /// A number in JSON's grammar; only read as a Double (JSON-LD's fields read here are strings).
    private mutating func number() -> Any? {
        let start = p
        if p < bytes.count, bytes[p] == UInt8(ascii: "-") { p += 1 }
        guard p < bytes.count, bytes[p] >= 0x30 && bytes[p] <= 0x39 else { return nil }
        if bytes[p] == 0x30 {
            p += 1
        } else {
            while p < bytes.count, bytes[p] >= 0x30 && bytes[p] <= 0x39 { p += 1 }
        }
        if p < bytes.count, bytes[p] == UInt8(ascii: ".") {
            p += 1
            guard p < bytes.count, bytes[p] >= 0x30 && bytes[p] <= 0x39 else { return nil }
            while p < bytes.count, bytes[p] >= 0x30 && bytes[p] <= 0x39 { p += 1 }
        }
        if p < bytes.count, bytes[p] | 0x20 == UInt8(ascii: "e") {
            p += 1
            if p < bytes.count, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") { p += 1 }
            guard p < bytes.count, bytes[p] >= 0x30 && bytes[p] <= 0x39 else { return nil }
            while p < bytes.count, bytes[p] >= 0x30 && bytes[p] <= 0x39 { p += 1 }
        }
        guard let v = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<p]), as: UTF8.self)), v.isFinite else {
            return nil
        }
        return v
    }
}
