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
        var out = Writer()
        out.array(strings)
        return out.text
    }

    /// `{"a":"1","b":"2"}`, keys in UTF-8 byte order as `.sortedKeys` writes them (not `String`'s `<`,
    /// which compares canonical forms and puts a decomposed "é" after "f").
    static func object(_ fields: [String: String]) -> String {
        if fields.isEmpty { return "{}" }
        var out = Writer()
        out.object(fields)
        return out.text
    }

    /// Appends `value` as `JSONEncoder` writes a `Double` (see ``Writer/number(_:)``); false for NaN and
    /// the infinities, which `JSONEncoder` refuses.
    static func appendNumber(_ value: Double, to out: inout String) -> Bool {
        var writer = Writer()
        guard writer.number(value) else { return false }
        out.append(writer.text)
        return true
    }

    /// JSON text written as bytes into one growing buffer, made a String once at the end: appending to a
    /// String piece by piece checked its capacity, uniqueness and ASCII-ness at every piece, and the
    /// columns of a commit were 2 % of the daemon's CPU.
    struct Writer {
        private var bytes: [UInt8] = []

        init(capacity: Int = 128) {
            bytes.reserveCapacity(capacity)
        }

        /// The text written so far (valid UTF-8: only ASCII is ever escaped or added).
        var text: String { String(decoding: bytes, as: UTF8.self) }

        /// Whether nothing has been written.
        var isEmpty: Bool { bytes.isEmpty }

        /// Punctuation and keys, written as they are.
        mutating func literal(_ text: StaticString) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        mutating func byte(_ byte: UInt8) {
            bytes.append(byte)
        }

        /// An integer in decimal, as `JSONEncoder` writes one.
        mutating func integer(_ value: Int) {
            if value >= 0 && value < 10 {
                bytes.append(UInt8(ascii: "0") + UInt8(value))
            } else {
                bytes.append(contentsOf: String(value).utf8)
            }
        }

        /// `value` as `JSONEncoder` writes a `Double`: Swift's shortest round-trip form, without the `.0` of
        /// an integral value (`1`, `0.5`, `1e-07`, `1e+16`, `-0`). False, writing nothing, for NaN and the
        /// infinities, which `JSONEncoder` refuses.
        mutating func number(_ value: Double) -> Bool {
            guard value.isFinite else { return false }
            let text = value.description
            bytes.append(contentsOf: text.hasSuffix(".0") ? text.utf8.dropLast(2) : text.utf8[...])
            return true
        }

        /// `string` as a JSON string literal, escaped as `JSONEncoder` escapes: quote, backslash and the
        /// control characters below U+0020 (short forms where JSON has them); everything else as is.
        mutating func string(_ string: String) {
            var string = string
            bytes.append(UInt8(ascii: "\""))
            string.withUTF8 { utf8 in
                // Almost every string needs no escaping: runs of plain bytes are copied whole.
                var runStart = 0
                for (index, byte) in utf8.enumerated() where JSONText.needsEscape(byte) {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                    escape(byte)
                    runStart = index + 1
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            }
            bytes.append(UInt8(ascii: "\""))
        }

        private mutating func escape(_ byte: UInt8) {
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            default:
                literal("u00")
                bytes.append(JSONText.hexDigit(byte >> 4))
                bytes.append(JSONText.hexDigit(byte & 0x0F))
            }
        }

        /// `["a","b"]`.
        mutating func array(_ strings: [String]) {
            bytes.append(UInt8(ascii: "["))
            for (index, string) in strings.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                self.string(string)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        /// `[{…},{…}]`: `fields` writes the fields of one element's object, without its braces.
        mutating func objects<Element>(_ elements: [Element], fields: (inout Writer, Element) -> Void) {
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index == 0 { bytes.append(UInt8(ascii: "{")) } else { literal(",{") }
                fields(&self, element)
                bytes.append(UInt8(ascii: "}"))
            }
            bytes.append(UInt8(ascii: "]"))
        }

        /// `{"a":"1","b":"2"}`, keys in UTF-8 byte order (see ``JSONText/object(_:)``).
        mutating func object(_ fields: [String: String]) {
            bytes.append(UInt8(ascii: "{"))
            let keys = fields.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                string(key)
                bytes.append(UInt8(ascii: ":"))
                string(fields[key] ?? "")
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    fileprivate static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    fileprivate static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
