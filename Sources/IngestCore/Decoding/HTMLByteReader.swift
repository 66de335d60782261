/// The reader behind ``HTMLText/extract(_:)``, on the UTF-8 bytes of the page.
///
/// It gives exactly what the earlier scalar-by-scalar reader gave (a test compares the two): the markup it
/// looks for (`<`, `>`, `/`, `<!--`, `-->`) is ASCII, and in UTF-8 an ASCII byte is never part of another
/// scalar, so byte positions split the text where scalars did. Text runs are copied into the paragraph as
/// whole byte ranges; a paragraph is entity-decoded and collapsed on its bytes and appended to the output,
/// and the output String is made once at the end. What bytes cannot decide exactly (non-ASCII tag names,
/// non-ASCII next to an entity) goes to the String code.
struct HTMLByteReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// The text so far, as UTF-8.
    private var out: [UInt8] = []
    /// The raw bytes of the paragraph being read: entities not decoded, white space not collapsed.
    private var paragraph: [UInt8] = []
    private var title: String?
    private var firstH1: String?
    /// The invisible element being skipped, as an index into `HTMLText.invisibleNames`.
    private var skipUntil: Int?
    /// `.title` or `.h1` while their content is being captured.
    private var capture: HTMLText.TagKind?
    /// The last search for `>`: the first one at or after `gtSearchFrom` is at `gtFound` (`bytes.count`
    /// when there is none). Text with many `<` and no `>` after them would otherwise be scanned again for
    /// every `<`.
    private var gtSearchFrom = Int.max
    private var gtFound = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        paragraph.reserveCapacity(1024)
    }

    mutating func read() -> (title: String?, text: String) {
        out.reserveCapacity(bytes.count / 4)
        scan(untilTitle: false)
        flush()
        return (title ?? firstH1, String(decoding: out, as: UTF8.self))
    }

    /// The first non-empty `<title>`, reading no further than its end; `nil` when the page has none.
    mutating func readTitle() -> String? {
        scan(untilTitle: true)
        return title
    }

    /// Reads text and markup to the end of the page, or (`untilTitle`) until the title is found.
    private mutating func scan(untilTitle: Bool) {
        let n = bytes.count
        var i = 0
        while i < n && !(untilTitle && title != nil) {
            let lt = firstIndex(of: UInt8(ascii: "<"), from: i) ?? n
            if skipUntil == nil && lt > i { paragraph.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<lt])) }
            if lt == n { break }
            i = readMarkup(at: lt)
        }
    }

    // MARK: markup

    /// Reads the comment or tag that starts with the `<` at `lt`; returns where the text goes on.
    private mutating func readMarkup(at lt: Int) -> Int {
        if startsComment(at: lt) {
            // Comments end at the first `-->`, or run to the end of the page.
            return firstIndex(ofArrow: lt + 4).map { $0 + 3 } ?? bytes.count
        }
        guard let end = firstGT(from: lt + 1) else {
            // A `<` that no `>` follows is text.
            if skipUntil == nil { paragraph.append(UInt8(ascii: "<")) }
            return lt + 1
        }
        guard let (kind, closing) = tag(from: lt + 1, to: end) else { return end + 1 }
        handle(kind, closing: closing)
        return end + 1
    }

    private mutating func handle(_ kind: HTMLText.TagKind, closing: Bool) {
        if let waiting = skipUntil {
            // A name is `.invisible(i)` exactly when it equals `invisibleNames[i]` as a String, so this is
            // the name comparison of the String code.
            if closing && kind == .invisible(waiting) { skipUntil = nil }
            return
        }
        switch kind {
        case .invisible(let index) where !closing:
            skipUntil = index
        case .title, .h1:
            if !closing {
                flush()
                capture = kind
            } else if capture == kind {
                if kind == .title {
                    // The page title is not part of the text.
                    if title == nil, let captured = collapsedParagraph() { title = captured }
                    paragraph.removeAll(keepingCapacity: true)
                } else {
                    let line = flush()
                    if firstH1 == nil, let line { firstH1 = String(decoding: out[line], as: UTF8.self) }
                }
                capture = nil
            }
        case .block:
            flush()
        default:
            // Inline elements (and stray closing tags of invisible ones) separate words.
            paragraph.append(UInt8(ascii: " "))
        }
    }

    /// The kind of the tag between `<` and `>` (`from..<end`) and whether it closes, or nil when it has no
    /// name: the name is the letters (Unicode alphabetic) and ASCII digits after an optional `/`.
    private func tag(from start: Int, to end: Int) -> (HTMLText.TagKind, closing: Bool)? {
        var j = start
        let closing = j < end && bytes[j] == UInt8(ascii: "/")
        if closing { j += 1 }
        let nameStart = j
        var ascii = true
        while j < end {
            let b = bytes[j]
            if b < 0x80 {
                guard Self.isASCIILetterOrDigit(b) else { break }
                j += 1
            } else {
                let (scalar, length) = scalar(at: j)
                guard scalar.properties.isAlphabetic else { break }
                ascii = false
                j += length
            }
        }
        guard j > nameStart else { return nil }
        let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<j])
        if ascii && name.count <= 8 {
            var key: UInt64 = 0
            for (k, b) in name.enumerated() { key |= UInt64(Self.asciiLowercased(b)) << (8 * UInt64(k)) }
            return (HTMLText.packedKinds[key] ?? .inline, closing)
        }
        // Long or non-ASCII names take the String path, with Unicode lowercasing and String equality.
        return (HTMLText.kind(ofLowercased: String(decoding: name, as: UTF8.self).lowercased()), closing)
    }

    // MARK: paragraphs

    /// Ends the paragraph: its collapsed text, if any, becomes a line of the output. Returns the range of
    /// the line in `out`.
    @discardableResult
    private mutating func flush() -> Range<Int>? {
        defer { paragraph.removeAll(keepingCapacity: true) }
        return Self.appendCollapsedText(of: &paragraph, to: &out, separatedBy: !out.isEmpty)
    }

    /// The paragraph as ``flush()`` would write it, or nil when that is empty; the paragraph is spent.
    private mutating func collapsedParagraph() -> String? {
        var line: [UInt8] = []
        guard Self.appendCollapsedText(of: &paragraph, to: &line, separatedBy: false) != nil else { return nil }
        return String(decoding: line, as: UTF8.self)
    }

    /// Appends `HTMLText.collapse(HTMLText.decodeEntities(raw))` to `target`, after a blank line when
    /// `separatedBy` and the text is not empty. Returns the range of the text in `target`, nil when empty.
    /// `raw` is used as scratch space and left with no meaning.
    static func appendCollapsedText(of raw: inout [UInt8], to target: inout [UInt8], separatedBy: Bool) -> Range<Int>? {
        // Entities first: they can be white space, like `&nbsp;`.
        if raw.withUnsafeBufferPointer({ firstIndex(of: UInt8(ascii: "&"), in: $0, from: 0) }) != nil {
            raw = decodedEntities(raw)
        }
        let length = raw.withUnsafeMutableBufferPointer { collapseInPlace($0) }
        guard length > 0 else { return nil }
        if separatedBy {
            target.append(0x0A)
            target.append(0x0A)
        }
        let start = target.count
        raw.withUnsafeBufferPointer { target.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<length])) }
        return start..<target.count
    }

    /// `HTMLText.decodeEntities` of the bytes: on the bytes when it can be, else by the String code.
    private static func decodedEntities(_ raw: [UInt8]) -> [UInt8] {
        var decoded: [UInt8] = []
        if raw.withUnsafeBufferPointer({ decodeEntities($0, into: &decoded) }) { return decoded }
        return Array(HTMLText.decodeEntities(String(decoding: raw, as: UTF8.self)).utf8)
    }

    /// `HTMLText.collapse` in place: the words of `text` (the runs between Unicode white space) joined by
    /// single spaces, moved to the front of the buffer. Returns their length. Writing never overtakes
    /// reading, as the result is never longer than what has been read.
    static func collapseInPlace(_ text: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var w = 0
        var k = 0
        var pendingSpace = false
        while k < text.count {
            let b = text[k]
            // Most bytes are printable ASCII: part of a word, one byte long.
            let white = b &- 0x21 < 0x5F ? 0 : whiteSpaceLength(UnsafeBufferPointer(text), k)
            if white > 0 {
                pendingSpace = w > 0
                k += white
                continue
            }
            if pendingSpace {
                text[w] = 0x20
                w += 1
                pendingSpace = false
            }
            text[w] = b
            w += 1
            k += 1
        }
        return w
    }

    /// ``HTMLText/decodeEntities(_:)`` on bytes, for the usual case where ASCII surrounds every `&`; false
    /// (with `out` partly written) when the String code must decide.
    ///
    /// The String code finds `&` and `;` as Characters and looks for the `;` among the next 12 Characters.
    /// With ASCII around, a Character is a byte (a CR LF pair is one Character, but an entity name with
    /// a line break in it is no entity either way), except that a `;` joins a following combining scalar
    /// into one Character that is not `;`. Non-ASCII next to the `&` or before the `;` (U+037E is
    /// canonically a `;`) is left to the String code.
    static func decodeEntities(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        let n = raw.count
        out.reserveCapacity(n)
        var copied = 0  // raw[..<copied] is in `out`
        var j = 0
        while j < n {
            guard raw[j] == UInt8(ascii: "&") else {
                j += 1
                continue
            }
            let amp = j
            j += 1  // whatever happens, an `&` not replaced is text and the search goes on after it
            if amp > 0 && raw[amp - 1] >= 0x80 { return false }
            var semi: Int?
            var k = amp + 1
            while k < n && k <= amp + 12 {
                let b = raw[k]
                if b >= 0x80 { return false }
                if b == UInt8(ascii: ";") {
                    semi = k
                    break
                }
                k += 1
            }
            guard let semi else { continue }
            if semi + 1 < n && raw[semi + 1] >= 0x80 && !breaksAfterSemicolon(raw, semi + 1) { continue }
            let name = String(decoding: UnsafeBufferPointer(rebasing: raw[amp + 1..<semi]), as: UTF8.self)
            guard let replacement = HTMLText.replacement(forEntity: Substring(name)) else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: raw[copied..<amp]))
            out.append(contentsOf: replacement.utf8)
            copied = semi + 1
            j = semi + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: raw[copied..<n]))
        return true
    }

    /// Whether a `;` and the scalar starting at `at` are two Characters. Only that scalar decides: `;`
    /// joins what follows only when it extends a cluster (combining marks, ZWJ, spacing marks).
    private static func breaksAfterSemicolon(_ text: UnsafeBufferPointer<UInt8>, _ at: Int) -> Bool {
        let (scalar, _) = scalar(in: text, at: at)
        var pair = ";"
        pair.unicodeScalars.append(scalar)
        return pair.count == 2
    }

    /// The length in bytes of the white space scalar (Unicode White_Space, as ``HTMLText/isWhitespace(_:)``)
    /// at `k`, 0 when the byte there does not start one. `text` is valid UTF-8, so a lead byte is followed
    /// by its continuation bytes.
    @inline(__always)
    static func whiteSpaceLength(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) -> Int {
        let b = text[k]
        if b < 0x80 { return b == 0x20 || b &- 0x09 < 5 ? 1 : 0 }
        switch b {
        case 0xC2:  // U+0085, U+00A0
            let c = text[k + 1]
            return c == 0x85 || c == 0xA0 ? 2 : 0
        case 0xE1:  // U+1680
            return text[k + 1] == 0x9A && text[k + 2] == 0x80 ? 3 : 0
        case 0xE2:  // U+2000–U+200A, U+2028, U+2029, U+202F, U+205F
            let c = text[k + 1], d = text[k + 2]
            if c == 0x80 { return d <= 0x8A || d == 0xA8 || d == 0xA9 || d == 0xAF ? 3 : 0 }
            return c == 0x81 && d == 0x9F ? 3 : 0
        case 0xE3:  // U+3000
            return text[k + 1] == 0x80 && text[k + 2] == 0x80 ? 3 : 0
        default:
            return 0
        }
    }

    // MARK: byte searches

    private func startsComment(at lt: Int) -> Bool {
        lt + 3 < bytes.count && bytes[lt + 1] == UInt8(ascii: "!") && bytes[lt + 2] == UInt8(ascii: "-")
            && bytes[lt + 3] == UInt8(ascii: "-")
    }

    /// The first `>` at or after `from`, remembering the answer for the next `<`.
    private mutating func firstGT(from: Int) -> Int? {
        if !(gtSearchFrom <= from && gtFound >= from) {
            gtSearchFrom = from
            gtFound = firstIndex(of: UInt8(ascii: ">"), from: from) ?? bytes.count
        }
        return gtFound < bytes.count ? gtFound : nil
    }

    private func firstIndex(of byte: UInt8, from: Int) -> Int? { Self.firstIndex(of: byte, in: bytes, from: from) }

    /// The first `byte` at or after `from`, looking at 8 bytes at a time: text runs between tags are long.
    static func firstIndex(of byte: UInt8, in text: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var j = from
        if let base = text.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let pattern = ones &* UInt64(byte)
            while j + 8 <= text.count {
                // A zero byte in `x` is a match; the lowest flagged byte is exact (borrows only run upward).
                let x = UInt64(littleEndian: UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)) ^ pattern
                let found = (x &- ones) & ~x & (ones &* 0x80)
                if found != 0 { return j + found.trailingZeroBitCount / 8 }
                j += 8
            }
        }
        while j < text.count {
            if text[j] == byte { return j }
            j += 1
        }
        return nil
    }

    /// The first `-->` at or after `from`.
    private func firstIndex(ofArrow from: Int) -> Int? {
        var j = from
        while let dash = firstIndex(of: UInt8(ascii: "-"), from: j) {
            guard dash + 2 < bytes.count else { return nil }
            if bytes[dash + 1] == UInt8(ascii: "-") && bytes[dash + 2] == UInt8(ascii: ">") { return dash }
            j = dash + 1
        }
        return nil
    }

    // MARK: bytes and scalars

    @inline(__always)
    private static func isASCIILetterOrDigit(_ b: UInt8) -> Bool {
        (b | 0x20) &- UInt8(ascii: "a") < 26 || b &- UInt8(ascii: "0") < 10
    }

    @inline(__always)
    private static func asciiLowercased(_ b: UInt8) -> UInt8 {
        b &- UInt8(ascii: "A") < 26 ? b | 0x20 : b
    }

    /// The scalar whose (valid UTF-8) encoding starts at `j`, and its length.
    private func scalar(at j: Int) -> (Unicode.Scalar, Int) { Self.scalar(in: bytes, at: j) }

    private static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at j: Int) -> (Unicode.Scalar, Int) {
        let b = UInt32(bytes[j])
        if b < 0x80 { return (Unicode.Scalar(UInt8(b)), 1) }
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
        var value = b & (0x7F >> UInt32(length))
        for k in 1..<length { value = value << 6 | UInt32(bytes[j + k] & 0x3F) }
        return (Unicode.Scalar(value)!, length)
    }
}
