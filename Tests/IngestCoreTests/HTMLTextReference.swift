// The implementation of `HTMLText` before it read bytes (commit 107085f), kept verbatim as the
// reference the byte reader must agree with. Test-only; do not use it elsewhere.

import IngestCore

/// A plain reading of HTML: the title and the visible text, block elements as paragraphs.
///
/// This is what decoding gives an HTML input so that its article has text even with an empty pipeline.
/// It does not look for the main content; the clean stage does that with a real parser.
enum HTMLTextReference {
    /// Elements whose content is never text.
    static let invisible: Set<String> = ["script", "style", "noscript", "template", "svg", "iframe", "object"]
    /// Elements that end a paragraph.
    static let blocks: Set<String> = [
        "p", "div", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "section",
        "article", "header", "footer", "nav", "aside", "main", "blockquote", "pre", "dl", "dt", "dd", "figure",
        "figcaption", "form", "address", "title", "body", "html",
    ]

    static func extract(_ html: String) -> (title: String?, text: String) {
        var title: String?
        var firstH1: String?
        var out = ""
        var scalars = Array(html.unicodeScalars)
        scalars.append(" ")
        var i = 0
        var skipUntil: String?  // closing tag name of an invisible element
        var capture: String?
        var paragraph = ""

        func flush() {
            let line = collapse(decodeEntities(paragraph))
            if !line.isEmpty {
                if !out.isEmpty { out += "\n\n" }
                out += line
            }
            paragraph = ""
        }

        while i < scalars.count - 1 {
            let c = scalars[i]
            if c == "<" {
                // Comments and doctype.
                if matches(scalars, i, "<!--") {
                    i = find(scalars, from: i + 4, "-->").map { $0 + 3 } ?? scalars.count - 1
                    continue
                }
                guard let end = find(scalars, from: i + 1, ">") else {
                    if skipUntil == nil { paragraph.unicodeScalars.append(c) }
                    i += 1
                    continue
                }
                let tag = parseTagName(scalars, i + 1, end)
                i = end + 1
                guard let tag else { continue }
                if let waiting = skipUntil {
                    if tag.closing && tag.name == waiting { skipUntil = nil }
                    continue
                }
                if !tag.closing && invisible.contains(tag.name) {
                    skipUntil = tag.name
                    continue
                }
                if tag.name == "title" || tag.name == "h1" {
                    if !tag.closing {
                        flush()
                        capture = tag.name
                    } else if capture == tag.name {
                        let captured = collapse(decodeEntities(paragraph))
                        if tag.name == "title" {
                            if title == nil && !captured.isEmpty { title = captured }
                            paragraph = ""  // the page title is not part of the text
                        } else {
                            if firstH1 == nil && !captured.isEmpty { firstH1 = captured }
                            flush()
                        }
                        capture = nil
                    }
                    continue
                }
                if blocks.contains(tag.name) { flush() } else { paragraph += " " }
                continue
            }
            if skipUntil == nil { paragraph.unicodeScalars.append(c) }
            i += 1
        }
        flush()
        return (title ?? firstH1, out)
    }

    private static func matches(_ s: [Unicode.Scalar], _ at: Int, _ literal: String) -> Bool {
        var j = at
        for l in literal.unicodeScalars {
            guard j < s.count, s[j] == l else { return false }
            j += 1
        }
        return true
    }

    private static func find(_ s: [Unicode.Scalar], from: Int, _ literal: String) -> Int? {
        var j = from
        while j < s.count {
            if matches(s, j, literal) { return j }
            j += 1
        }
        return nil
    }

    private static func parseTagName(_ s: [Unicode.Scalar], _ from: Int, _ end: Int) -> (name: String, closing: Bool)? {
        var j = from
        var closing = false
        if j < end && s[j] == "/" {
            closing = true
            j += 1
        }
        var name = ""
        while j < end, s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) {
            name.unicodeScalars.append(s[j])
            j += 1
        }
        return name.isEmpty ? nil : (name.lowercased(), closing)
    }

    /// Collapses runs of whitespace to one space and trims the ends.
    static func collapse(_ s: String) -> String {
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
        static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0: true
        case ..<0x1680: false
        default: scalar.properties.isWhitespace
        }
    }

    /// Decodes named (a common set) and numeric character references; leaves unknown ones as they are.
    static func decodeEntities(_ s: String) -> String {
        // A byte search: `contains("&")` compared Characters, and this runs on every paragraph of every page.
        guard s.utf8.contains(0x26) else { return s }
        var result = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";") {
                let name = after[..<semi]
                var replacement: String?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                } else {
                    replacement = HTMLEntities.named[String(name)]
                }
                if let replacement {
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
}
