/// JSON text for the article's JSON columns, written directly instead of through `JSONEncoder`.
///
/// A `JSONEncoder` call costs microseconds of setup whatever the value, and an article has six JSON
/// columns, most of them small arrays of strings: at thousands of articles a second that was a visible
/// share of a commit. The output is byte-equal to `JSONEncoder` with `.sortedKeys` and
/// `.withoutEscapingSlashes` (what the store used before), so rows stay comparable across versions.
enum JSONText {
    /// `["a","b"]`.
    static func array(_ strings: [String]) -> String {
        if strings.isEmpty { return "[]" }
        var out = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { out.append(",") }
            appendString(string, to: &out)
        }
        out.append("]")
        return out
    }

    /// `{"a":"1","b":"2"}`, keys in UTF-8 byte order as `.sortedKeys` writes them (not `String`'s `<`,
    /// which compares canonical forms and puts a decomposed "é" after "f").
    static func object(_ fields: [String: String]) -> String {
        if fields.isEmpty { return "{}" }
        var out = "{"
        let keys = fields.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for (index, key) in keys.enumerated() {
            if index > 0 { out.append(",") }
            appendString(key, to: &out)
            out.append(":")
            appendString(fields[key] ?? "", to: &out)
        }
        out.append("}")
        return out
    }

    /// Appends `value` as `JSONEncoder` writes a `Double`: Swift's shortest round-trip form, without the
    /// `.0` of an integral value (`1`, `0.5`, `1e-07`, `1e+16`, `-0`). `JSONEncoder` refuses NaN and the
    /// infinities; so does this, returning false.
    static func appendNumber(_ value: Double, to out: inout String) -> Bool {
        guard value.isFinite else { return false }
        let text = value.description
        out.append(text.hasSuffix(".0") ? String(text.dropLast(2)) : text)
        return true
    }

    /// Appends `string` as a JSON string literal, escaped as `JSONEncoder` escapes: quote, backslash and
    /// the control characters below U+0020 (short forms where JSON has them); everything else as is.
    static func appendString(_ string: String, to out: inout String) {
        out.append("\"")
        let utf8 = string.utf8
        // Almost every string needs no escaping: append it whole.
        if !utf8.contains(where: needsEscape) {
            out.append(string)
        } else {
            var run: [UInt8] = []
            run.reserveCapacity(utf8.count + 16)
            for byte in utf8 {
                guard needsEscape(byte) else {
                    run.append(byte)
                    continue
                }
                run.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): run.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): run.append(UInt8(ascii: "\\"))
                case 0x08: run.append(UInt8(ascii: "b"))
                case 0x09: run.append(UInt8(ascii: "t"))
                case 0x0A: run.append(UInt8(ascii: "n"))
                case 0x0C: run.append(UInt8(ascii: "f"))
                case 0x0D: run.append(UInt8(ascii: "r"))
                default:
                    run.append(contentsOf: Array("u00".utf8))
                    run.append(hexDigit(byte >> 4))
                    run.append(hexDigit(byte & 0x0F))
                }
            }
            // Escaping replaces only ASCII bytes, so the bytes are still valid UTF-8.
            out.append(String(decoding: run, as: UTF8.self))
        }
        out.append("\"")
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
