/// A plain reading of HTML: the title and the visible text, block elements as paragraphs.
///
/// This is what decoding gives an HTML input so that its article has text even with an empty pipeline.
/// It does not look for the main content; the clean stage does that with a real parser.
public enum HTMLText {
    /// Elements whose content is never text, in a fixed order: a skipped element is remembered by index.
    static let invisibleNames = ["script", "style", "noscript", "template", "svg", "iframe", "object"]
    /// Elements whose content is never text.
    static let invisible: Set<String> = Set(invisibleNames)
    /// Elements that end a paragraph.
    static let blocks: Set<String> = [
        "p", "div", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "section",
        "article", "header", "footer", "nav", "aside", "main", "blockquote", "pre", "dl", "dt", "dd", "figure",
        "figcaption", "form", "address", "title", "body", "html",
    ]

    /// The title (the first non-empty `<title>`, else the first non-empty `<h1>`) and the text: the content
    /// outside invisible elements, comments and the title, one paragraph per block element, entities decoded,
    /// white space collapsed, paragraphs separated by a blank line.
    public static func extract(_ html: String) -> (title: String?, text: String) {
        // The reader works on the UTF-8 bytes: tags and the characters that matter to it are ASCII, so
        // text is copied as byte ranges and never split inside a scalar.
        var html = html
        return html.withUTF8 { bytes in
            var reader = HTMLByteReader(bytes)
            return reader.read()
        }
    }

    /// The first non-empty `<title>` as ``extract(_:)`` reads it, found without reading the rest of the page;
    /// `nil` when there is none (``extract(_:)`` then takes the first `<h1>`).
    public static func title(_ html: String) -> String? {
        var html = html
        return html.withUTF8 { bytes in
            var reader = HTMLByteReader(bytes)
            return reader.readTitle()
        }
    }

    /// What a tag name means to the reader; names are compared lowercased.
    enum TagKind: Equatable {
        case invisible(Int)  // index into `invisibleNames`
        case title, h1, block, inline
    }

    /// The kind of a lowercased tag name, with String equality (canonical equivalence) as a Set has it.
    static func kind(ofLowercased name: String) -> TagKind {
        if let index = invisibleNames.firstIndex(of: name) { return .invisible(index) }
        if name == "title" { return .title }
        if name == "h1" { return .h1 }
        return blocks.contains(name) ? .block : .inline
    }

    /// The known names of up to 8 bytes, packed into one integer, the first byte lowest (names have no
    /// zero bytes, so different names give different keys): most tags are looked up by that integer
    /// instead of building, lowercasing and hashing a String.
    static let packedKinds: [UInt64: TagKind] = {
        var table: [UInt64: TagKind] = [:]
        for name in invisibleNames + Array(blocks) + ["title", "h1"] where name.utf8.count <= 8 {
            let key = name.utf8.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            table[key] = kind(ofLowercased: name)
        }
        return table
    }()

    /// Collapses runs of whitespace to one space and trims the ends.
    public static func collapse(_ s: String) -> String {
        if let ascii = collapseASCII(s) { return ascii }
        // Whole runs of non-white-space are copied at once, not scalar by scalar: this runs on every
        // feed title and paragraph.
        let scalars = s.unicodeScalars
        var result = ""
        var pendingSpace = false
        var wordStart: String.UnicodeScalarView.Index?
        var i = scalars.startIndex
        while i != scalars.endIndex {
            if isWhitespace(scalars[i]) {
                if let start = wordStart {
                    result.append(contentsOf: Substring(scalars[start..<i]))
                    wordStart = nil
                }
                pendingSpace = !result.isEmpty
            } else if wordStart == nil {
                if pendingSpace { result += " " }
                pendingSpace = false
                wordStart = i
            }
            i = scalars.index(after: i)
        }
        if let start = wordStart { result.append(contentsOf: Substring(scalars[start...])) }
        return result
    }

    /// ``collapse(_:)`` of an ASCII string on its bytes (ASCII white space is U+0009–U+000D and the space);
    /// the string itself when it is collapsed already, as most attribute values and titles are. nil when
    /// `s` is not ASCII.
    static func collapseASCII(_ s: String) -> String? {
        var copy = s
        return copy.withUTF8 { bytes -> String? in
            @inline(__always) func white(_ b: UInt8) -> Bool { b == 0x20 || b &- 0x09 < 5 }
            var clean = true
            var previousWhite = true  // white space first is not clean either
            for b in bytes {
                if b >= 0x80 { return nil }
                if white(b) {
                    if previousWhite || b != 0x20 { clean = false }
                    previousWhite = true
                } else {
                    previousWhite = false
                }
            }
            if clean && !(previousWhite && !bytes.isEmpty) { return s }
            return String(unsafeUninitializedCapacity: bytes.count) { out in
                var n = 0
                var pendingSpace = false
                for b in bytes {
                    if white(b) {
                        pendingSpace = n > 0
                    } else {
                        if pendingSpace {
                            out[n] = 0x20
                            n += 1
                            pendingSpace = false
                        }
                        out[n] = b
                        n += 1
                    }
                }
                return n
            }
        }
    }

    /// `scalar.properties.isWhitespace` (Unicode White_Space), answered without the property lookup for
    /// the code points below U+1680, where White_Space holds only U+0009–U+000D, U+0020, U+0085 and U+00A0.
    @inlinable @inline(__always)
    public static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0: true
        case ..<0x1680: false
        default: scalar.properties.isWhitespace
        }
    }

    /// Decodes named (a common set) and numeric character references; leaves unknown ones as they are.
    public static func decodeEntities(_ s: String) -> String {
        // A byte search: `contains("&")` compared Characters, and this runs on every paragraph of every page.
        guard s.utf8.contains(0x26) else { return s }
        var result = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";") {
                if let replacement = replacement(forEntity: after[..<semi]) {
                    result += replacement
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            result += "&"
            rest = after
        }
        result += rest
        return result
    }

    /// What the reference `&name;` stands for: a numeric one (`#` decimal, `#x` hex) or a named one from
    /// ``HTMLEntities/named``; nil when it is neither.
    static func replacement(forEntity name: Substring) -> String? {
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            return UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
        } else if name.hasPrefix("#") {
            return UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
        } else {
            return HTMLEntities.named[String(name)]
        }
    }
}
