import Foundation
import IngestCore

/// Reads any supported feed document: the format is detected from the content, never from a file name
/// or a content type.
public enum FeedParser {
    /// - Parameters:
    ///   - url: where the document came from; the base for relative links.
    ///   - declaredCharset: a charset declared outside the document (HTTP `Content-Type`).
    public static func parse(_ bytes: [UInt8], url: String? = nil, declaredCharset: String? = nil) throws(FeedParseError)
        -> ParsedFeed
    {
        switch sniff(bytes) {
        case .empty:
            throw FeedParseError("empty document")
        case .json:
            return try JSONFeedParser.parse(bytes, url: url)
        case .markup:
            break
        case .other:
            throw FeedParseError("not a feed: neither XML nor JSON")
        }
        let document = try FeedXML.parse(bytes, url: url, declaredCharset: declaredCharset)
        let root = document.root
        var feed: ParsedFeed
        switch (root.name, root.namespace) {
        case ("rss", _), ("RDF", _), ("channel", _):
            feed = RSSParser.parse(root)
        case ("feed", _):
            feed = AtomParser.parse(root)
        case ("entry", AtomParser.atom10?), ("entry", AtomParser.atom03?):
            // An Atom entry document (RFC 4287 §4.1.2): read as a feed of one entry.
            let wrapper = FeedXMLElement(
                name: "feed", namespace: root.namespace, attributes: [], children: [.element(root)], base: root.base)
            feed = AtomParser.parse(wrapper)
        default:
            throw FeedParseError("not a feed: root element is <\(root.name)>")
        }
        feed.warnings = document.warnings + feed.warnings
        return feed
    }

    /// Whether JSON bytes are a JSON Feed (a top-level `version` naming jsonfeed.org) rather than an
    /// article object; a `.json` file in a watched folder may be either.
    public static func isJSONFeed(_ bytes: [UInt8]) -> Bool {
        guard sniff(bytes) == .json,
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let version = object["version"] as? String
        else { return false }
        return version.lowercased().contains("jsonfeed.org/version/")
    }

    private enum Sniffed { case empty, json, markup, other }

    /// The first meaningful byte, after a UTF-8 byte-order mark and whitespace. UTF-16/32 documents
    /// (NULs or a 16-bit BOM) go to libxml2, which detects their encoding itself.
    private static func sniff(_ bytes: [UInt8]) -> Sniffed {
        var i = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return .markup }
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            case UInt8(ascii: "{"): return .json
            case UInt8(ascii: "<"): return .markup
            case 0: return .markup
            default: return .other
            }
        }
        return .empty
    }
}

/// Small helpers the XML feed parsers share.
enum FeedText {
    /// A date as given and as parsed; the text is kept even when it cannot be parsed.
    static func date(_ element: FeedXMLElement?) -> (String?, Date?) {
        guard let text = element?.trimmedText else { return (nil, nil) }
        return (text, DateParsing.parse(text))
    }

    /// Markup to plain text for titles: tags removed, the common entities decoded, whitespace collapsed.
    ///
    /// A `<` opens a tag only when a letter, `/`, `!` or `?` follows, as in an HTML parser; otherwise it is
    /// text, so "Fish &amp; more &lt;3" keeps its "<3" instead of losing everything after it.
    static func stripTags(_ html: String) -> String {
        // Bytes, not Foundation's `contains`, which goes through NSString. Without a `<` or `&` byte the
        // loop below would return `collapse(html)` all the same.
        guard html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else {
            return collapse(html)
        }
        var out = ""
        var inTag = false
        var chars = html.makeIterator()
        var pending = chars.next()
        while let c = pending {
            pending = chars.next()
            if inTag {
                if c == ">" { inTag = false }
            } else if c == "<", let next = pending, (next.isASCII && next.isLetter) || "/!?".contains(next) {
                inTag = true
            } else {
                out.append(c)
            }
        }
        return collapse(decodeEntities(out))
    }

    static func collapse(_ s: String) -> String { HTMLText.collapse(s) }

    /// `&amp;`, `&#39;`, `&#x2019;` and the named HTML entities.
    static func decodeEntities(_ s: String) -> String { HTMLText.decodeEntities(s) }

    static func nonEmpty(_ s: String?) -> String? {
        guard let t = s.map(FeedXML.trimWhitespace), !t.isEmpty else { return nil }
        return t
    }
}
