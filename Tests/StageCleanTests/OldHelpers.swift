// Test-only copies of the clean stage's helpers as they were before the byte-level rewrite, for the
// equivalence tests in HelperEquivalenceTests.swift. Not used by the stage.
@testable import StageClean


/// Collects text as UTF-8 bytes and normalises it on the way in: whitespace runs collapse to one space,
/// zero-width and control characters go, paragraphs are separated by one blank line.
///
/// Working on bytes keeps the stage close to the parser's speed; the one Unicode-aware step, NFC, runs once
/// over the finished text and only when it holds non-ASCII characters.
struct OldTextSink {
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
                    paragraph.append(b)
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
        if !output.isEmpty { output.append(contentsOf: [0x0A, 0x0A]) }
        output.append(contentsOf: paragraph)
        paragraph.removeAll(keepingCapacity: true)
    }

    /// The finished text, in NFC.
    mutating func finish() -> String {
        endParagraph()
        let text = String(decoding: output, as: UTF8.self)
        return sawNonASCII ? Self.nfc(text) : text
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
enum OldTextNormalizer {
    static func normalize(_ text: String) -> String {
        var sink = OldTextSink(capacity: text.utf8.count)
        var blankRun = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy({ $0.isWhitespace }) {
                blankRun += 1
                if blankRun == 1 { sink.endParagraph() }
                continue
            }
            if blankRun == 0 && !sink.paragraphIsEmpty { sink.lineBreak() }
            blankRun = 0
            sink.append(String(line))
        }
        return sink.finish()
    }

    /// One line: a title, a caption.
    static func normalizeLine(_ text: String) -> String {
        var sink = OldTextSink()
        sink.append(text)
        return sink.finish()
    }
}

/// What an element's `class` and `id` say about it, after Readability.js's word lists.
///
/// Matching is on lowercased bytes with plain substring search (no regular expressions): it runs for every
/// element with a class or id, and a page has thousands.
struct OldClassHints: Equatable {
    /// Readability's class weight: +25 for an "article-like" class, −25 for a "chrome-like" one, the same
    /// again for the id.
    var weight: Int8 = 0
    /// Looks like page chrome (comments, sidebars, share bars…) and nothing says it might be content.
    var unlikely = false
    /// Looks like a byline ("by Jane Doe").
    var byline = false
    /// A share widget (`share`, `sharedaddy` as a word).
    var share = false

    static let unlikelyWords: [[UInt8]] = words(
        "-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap", "disqus", "extra",
        "footer", "gdpr", "header", "legends", "menu", "related", "remark", "replies", "rss", "shoutbox", "sidebar",
        "skyscraper", "social", "sponsor", "supplemental", "ad-break", "agegate", "pagination", "pager", "popup",
        "yom-remote", "cookie", "consent", "newsletter", "subscribe", "paywall", "promo")
    static let maybeWords: [[UInt8]] = words("and", "article", "body", "column", "content", "main", "mathjax", "shadow")
    static let positiveWords: [[UInt8]] = words(
        "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination", "post", "text",
        "blog", "story")
    static let negativeWords: [[UInt8]] = words(
        "-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr", "masthead", "media",
        "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor",
        "shopping", "tags", "widget", "cookie", "newsletter", "subscribe")
    static let bylineWords: [[UInt8]] = words("byline", "author", "dateline", "writtenby", "p-author")

    /// Hints for one element from its (raw) class and id values.
    static func of(className: String?, id: String?) -> OldClassHints {
        var hints = OldClassHints()
        let cls = lowered(className)
        let ident = lowered(id)
        var both = cls
        both.append(0x20)
        both.append(contentsOf: ident)
        if containsAny(both, unlikelyWords) && !containsAny(both, maybeWords) { hints.unlikely = true }
        for part in [cls, ident] where !part.isEmpty {
            if containsAny(part, negativeWords) || containsWord(part, Array("hid".utf8)) { hints.weight -= 25 }
            if containsAny(part, positiveWords) { hints.weight += 25 }
        }
        hints.byline = containsAny(both, bylineWords)
        hints.share = containsWord(both, Array("share".utf8)) || containsWord(both, Array("sharedaddy".utf8))
        return hints
    }

    private static func words(_ list: String...) -> [[UInt8]] { list.map { Array($0.utf8) } }

    private static func lowered(_ s: String?) -> [UInt8] {
        guard let s else { return [] }
        return s.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    }

    static func containsAny(_ haystack: [UInt8], _ needles: [[UInt8]]) -> Bool {
        for needle in needles where find(haystack, needle, from: 0) != nil { return true }
        return false
    }

    /// `needle` standing alone: bounded by the ends, spaces, `-` or `_` (Readability's `(\b|_)share(\b|_)`).
    static func containsWord(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        var from = 0
        while let at = find(haystack, needle, from: from) {
            let before = at == 0 ? 0x20 : haystack[at - 1]
            let afterIndex = at + needle.count
            let after = afterIndex == haystack.count ? 0x20 : haystack[afterIndex]
            if !isWordByte(before) && !isWordByte(after) { return true }
            from = at + 1
        }
        return false
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x61...0x7A).contains(b) || (0x41...0x5A).contains(b) || b >= 0x80
    }

    private static func find(_ haystack: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
        let n = needle.count
        guard n > 0, haystack.count - from >= n else { return nil }
        let first = needle[0]
        var i = from
        let last = haystack.count - n
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < n && haystack[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }
}

/// TitleMatch's word split before its ASCII path.
enum OldTitleMatch {
    static func words(_ s: String) -> [Substring] {
        s.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
