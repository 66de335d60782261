import Foundation

/// Collects text as UTF-8 bytes and normalises it on the way in: whitespace runs collapse to one space,
/// zero-width and control characters go, paragraphs are separated by one blank line.
///
/// Working on bytes keeps the stage close to the parser's speed; the one Unicode-aware step, NFC, runs once
/// over the finished text and only when it holds non-ASCII characters.
struct TextSink {
    private(set) var output: [UInt8] = []
    private var paragraph: [UInt8] = []
    private var pendingSpace = false
    private var sawNonASCII = false
    /// A list item's `- ` or `1. `, written before the item's first text, whichever block that text is in.
    private var marker: [UInt8] = []
    /// Inside `pre`: spaces and line breaks are kept as written.
    var preformatted = false

    init(capacity: Int = 0) {
        output.reserveCapacity(capacity)
    }

    var paragraphIsEmpty: Bool { paragraph.isEmpty }

    /// Appends text, collapsing whitespace unless ``preformatted``.
    mutating func append(_ p: UnsafePointer<UInt8>) {
        var p = p
        while p.pointee != 0 {
            let b = p.pointee
            if b < 0x80 {
                p += 1
                switch b {
                case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                    if preformatted {
                        if b == 0x0A || b == 0x20 || b == 0x09 { paragraph.append(b) }
                    } else {
                        pendingSpace = true
                    }
                case 0x00..<0x20, 0x7F:
                    continue  // control characters
                default:
                    emitPendingSpace()
                    // The rest of a run of printable ASCII (a word, mostly) goes in with one append.
                    var q = p
                    while q.pointee > 0x20 && q.pointee < 0x7F { q += 1 }
                    paragraph.append(b)
                    if q > p { paragraph.append(contentsOf: UnsafeBufferPointer(start: p, count: q - p)) }
                    p = q
                }
                continue
            }
            // Multi-byte sequence: its length from the lead byte.
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            switch Self.classify(p, length) {
            case .space:
                if preformatted { paragraph.append(0x20) } else { pendingSpace = true }
            case .drop:
                break
            case .keep:
                emitPendingSpace()
                sawNonASCII = true
                for k in 0..<length {
                    guard p[k] != 0 else { break }
                    paragraph.append(p[k])
                }
            }
            var k = 0
            while k < length && p.pointee != 0 {
                p += 1
                k += 1
            }
        }
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { buffer in
            // Copy with a terminating zero for the pointer walk.
            var bytes = Array(buffer)
            bytes.append(0)
            bytes.withUnsafeBufferPointer { append($0.baseAddress!) }
        }
    }

    /// Starts a list item: `text` goes before the item's first visible character.
    mutating func listMarker(_ text: String) {
        endParagraph()
        marker = Array(text.utf8)
    }

    /// Ends a list item; a marker not yet written (an empty item) is dropped.
    mutating func endListItem() {
        endParagraph()
        marker.removeAll()
    }

    /// A separator between cells: replaces any pending or trailing space.
    mutating func separator(_ s: StaticString) {
        pendingSpace = false
        trimTrailingSpaces()
        guard !paragraph.isEmpty, paragraph.last != 0x0A else { return }
        s.withUTF8Buffer { paragraph.append(contentsOf: $0) }
    }

    /// A soft space: written only if more text follows on the same line.
    mutating func space() {
        if !paragraph.isEmpty { pendingSpace = true }
    }

    /// A line break inside the paragraph (`<br>`, table rows).
    mutating func lineBreak() {
        trimTrailingSpaces()
        pendingSpace = false
        if !paragraph.isEmpty && paragraph.last != 0x0A { paragraph.append(0x0A) }
    }

    /// Ends the paragraph; empty paragraphs leave no trace.
    mutating func endParagraph() {
        pendingSpace = false
        while let last = paragraph.last, last == 0x20 || last == 0x0A || last == 0x09 { paragraph.removeLast() }
        guard !paragraph.isEmpty else { return }
        if !output.isEmpty {
            output.append(0x0A)
            output.append(0x0A)
        }
        output.append(contentsOf: paragraph)
        paragraph.removeAll(keepingCapacity: true)
    }

    /// The finished text, in NFC.
    mutating func finish() -> String {
        endParagraph()
        let text = String(decoding: output, as: UTF8.self)
        return sawNonASCII && Self.mayNeedNFC(output) ? Self.nfc(text) : text
    }

    /// Whether the UTF-8 bytes hold a scalar from U+0300 on: the same test as ``nfc(_:)``'s first, on bytes.
    /// Lead bytes from 0xCC on start exactly those scalars (U+0300 is CC 80); continuation bytes are
    /// below 0xC0, so they never count.
    static func mayNeedNFC(_ bytes: [UInt8]) -> Bool {
        bytes.contains { $0 >= 0xCC }
    }

    /// `text` in Unicode Normalization Form C.
    ///
    /// Text below U+0300 (Latin-1 and the Latin extensions) is NFC as it stands. Beyond that, the standard
    /// library's own normaliser (`_nfcCodeUnits`, what swift-foundation uses too) is several times faster
    /// than Foundation's `precomposedStringWithCanonicalMapping`, which goes through UTF-16.
    static func nfc(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= 0x300 }) else { return text }
        return String(decoding: text._nfcCodeUnits, as: UTF8.self)
    }

    private mutating func emitPendingSpace() {
        if !marker.isEmpty && paragraph.isEmpty {
            paragraph.append(contentsOf: marker)
            marker.removeAll()
            pendingSpace = false
            return
        }
        if pendingSpace {
            if let last = paragraph.last, last != 0x0A && last != 0x20 { paragraph.append(0x20) }
            pendingSpace = false
        }
    }

    private mutating func trimTrailingSpaces() {
        while paragraph.last == 0x20 { paragraph.removeLast() }
    }

    enum Kind { case keep, space, drop }

    /// Whitespace beyond ASCII, and the invisible characters the text should not carry.
    ///
    /// Dropped: C1 controls, soft hyphen, zero-width space, word joiner, byte-order mark, Mongolian vowel
    /// separator. Kept: the zero-width (non-)joiners U+200C/U+200D, which change how Persian, Indic scripts
    /// and emoji sequences read.
    static func classify(_ p: UnsafePointer<UInt8>, _ length: Int) -> Kind {
        let b0 = p[0]
        if length == 2 {
            guard b0 == 0xC2 else { return .keep }
            let b1 = p[1]
            if b1 == 0xA0 { return .space }
            if b1 == 0xAD || (0x80...0x9F).contains(b1) { return .drop }
            return .keep
        }
        guard length == 3 else { return .keep }
        let b1 = p[1]
        guard b1 != 0 else { return .drop }
        let b2 = p[2]
        switch (b0, b1) {
        case (0xE2, 0x80):
            if b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF { return .space }
            if b2 == 0x8B { return .drop }
        case (0xE2, 0x81):
            if b2 == 0x9F { return .space }
            if b2 == 0xA0 { return .drop }
        case (0xE3, 0x80):
            if b2 == 0x80 { return .space }
        case (0xE1, 0x9A):
            if b2 == 0x80 { return .space }
        case (0xE1, 0xA0):
            if b2 == 0x8E { return .drop }
        case (0xEF, 0xBB):
            if b2 == 0xBF { return .drop }
        default: break
        }
        return .keep
    }
}

/// Normalises text that did not come from HTML (plain text, Markdown, JSON `text`): the same rules, with
/// blank lines as paragraph breaks and single line breaks kept inside a paragraph.
enum TextNormalizer {
    static func normalize(_ text: String) -> String {
        var sink = TextSink(capacity: text.utf8.count)
        var blankRun = 0
        // One zero-terminated copy of the whole text. Each line goes to the sink in place, its line feed
        // overwritten by a zero, so no line becomes a String of its own.
        var bytes = Array(text.utf8)
        bytes.append(0)
        bytes.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            let count = buffer.count - 1
            var start = 0
            while start <= count {
                let end = lineEnd(base, from: start, count: count)
                if isBlank(UnsafeBufferPointer(start: base + start, count: end - start)) {
                    blankRun += 1
                    if blankRun == 1 { sink.endParagraph() }
                } else {
                    if blankRun == 0 && !sink.paragraphIsEmpty { sink.lineBreak() }
                    blankRun = 0
                    base[end] = 0
                    sink.append(UnsafePointer(base + start))
                }
                start = end + 1
            }
        }
        return sink.finish()
    }

    /// Where the line starting at `start` ends: the next line feed, or `count`.
    ///
    /// Lines are what splitting the String on the Character `"\n"` gives: a line feed right after a
    /// carriage return is part of the Character `"\r\n"`, which is not `"\n"`, so it does not end a line.
    static func lineEnd(_ base: UnsafeMutablePointer<UInt8>, from start: Int, count: Int) -> Int {
        var i = start
        while i < count {
            if base[i] == 0x0A && (i == start || base[i - 1] != 0x0D) { return i }
            i += 1
        }
        return count
    }

    /// Whether every Character of the line is whitespace (`Character.isWhitespace`).
    ///
    /// On bytes while the line is ASCII: ASCII whitespace (tab to carriage return, space) never joins a
    /// following ASCII byte into one Character, so a printable ASCII byte after only ASCII whitespace
    /// starts a non-whitespace Character. Once a non-ASCII byte shows up, the Characters decide.
    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var ascii = true
        for b in line {
            if b >= 0x80 {
                ascii = false
                break
            }
            if !(b == 0x20 || (0x09...0x0D).contains(b)) { return false }
        }
        if ascii { return true }
        return String(decoding: line, as: UTF8.self).allSatisfy { $0.isWhitespace }
    }

    /// One line: a title, a caption.
    static func normalizeLine(_ text: String) -> String {
        var sink = TextSink()
        sink.append(text)
        return sink.finish()
    }
}
