import Foundation
import IngestCore

/// Atom 1.0 (RFC 4287) and the older Atom 0.3.
enum AtomParser {
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"

    static func parse(_ root: FeedXMLElement) -> ParsedFeed {
        var warnings: [String] = []
        let kind: ParsedFeed.Kind
        if root.namespace == atom03 || root.attribute("version")?.hasPrefix("0.") == true {
            kind = .atom03
        } else {
            if root.namespace != atom10 { warnings.append("<feed> without the Atom namespace, read as Atom 1.0") }
            kind = .atom10
        }
        // Children are read in the root's own namespace, so a feed without a namespace still works.
        let ns: [String?] = [root.namespace]

        var feed = ParsedFeed(kind: kind)
        feed.title = plainText(root.child("title", in: ns))
        feed.link = alternateLink(root, ns: ns)
        feed.feedURL = root.children("link", in: ns).first { $0.attribute("rel") == "self" }
            .flatMap { $0.resolve($0.attribute("href")) }
        feed.description = plainText(root.child("subtitle", in: ns) ?? root.child("tagline", in: ns))
        feed.language = root.attribute("lang", namespace: FeedXML.xmlNamespace).flatMap(FeedText.nonEmpty)
        (feed.updated, feed.updatedAt) = FeedText.date(root.child("updated", in: ns) ?? root.child("modified", in: ns))
        feed.entries = root.children("entry", in: ns).map { entry($0, ns: ns) }
        feed.warnings = warnings
        return feed
    }

    private static func entry(_ e: FeedXMLElement, ns: [String?]) -> FeedEntry {
        var entry = FeedEntry()
        entry.id = e.child("id", in: ns)?.trimmedText
        entry.title = plainText(e.child("title", in: ns))
        entry.link = alternateLink(e, ns: ns)
        entry.authors = e.children("author", in: ns).compactMap {
            $0.child("name", in: ns)?.trimmedText ?? $0.child("email", in: ns)?.trimmedText
        }
        (entry.published, entry.publishedAt) = FeedText.date(
            e.child("published", in: ns) ?? e.child("issued", in: ns) ?? e.child("created", in: ns))
        (entry.updated, entry.updatedAt) = FeedText.date(e.child("updated", in: ns) ?? e.child("modified", in: ns))
        entry.summary = markup(e.child("summary", in: ns))
        entry.content = markup(e.child("content", in: ns))
        var categories: [String] = []
        for c in e.children("category", in: ns) {
            if let name = FeedText.nonEmpty(c.attribute("label")) ?? FeedText.nonEmpty(c.attribute("term"))
                ?? c.trimmedText, !categories.contains(name)
            {
                categories.append(name)
            }
        }
        entry.categories = categories
        entry.enclosures = e.children("link", in: ns).filter { $0.attribute("rel") == "enclosure" }.compactMap { l in
            guard let url = l.resolve(l.attribute("href")) else { return nil }
            return FeedEntry.Enclosure(
                url: url, type: l.attribute("type"),
                length: l.attribute("length").flatMap { Int(FeedXML.trimSpaces($0)) })
        }
        return entry
    }

    /// `rel="alternate"` or no rel, preferring `type="text/html"` when several are given.
    private static func alternateLink(_ parent: FeedXMLElement, ns: [String?]) -> String? {
        let alternates = parent.children("link", in: ns).filter { ($0.attribute("rel") ?? "alternate") == "alternate" }
        let chosen = alternates.first { $0.attribute("type")?.lowercased().hasPrefix("text/html") == true }
            ?? alternates.first
        return chosen.flatMap { $0.resolve($0.attribute("href")) }
    }

    /// A text construct as plain text (titles): html and xhtml lose their tags.
    static func plainText(_ element: FeedXMLElement?) -> String? {
        guard let element else { return nil }
        // Base64 text (0.3 `mode="base64"`, or a binary media type) is decoded, then read as markup. When it
        // does not decode to text, the text is read as given: a text construct takes no media type at all
        // (RFC 4287 §3.1.1), so a wrong type is likelier than a binary title.
        if isBase64(element), let decoded = markup(element) {
            return FeedText.nonEmpty(FeedText.stripTags(decoded))
        }
        switch textType(element) {
        case "html", "xhtml": return FeedText.nonEmpty(FeedText.stripTags(markup(element) ?? ""))
        default: return element.trimmedText.map(FeedText.collapse)
        }
    }

    /// A text construct or content as markup: `html` is the escaped HTML as given, `xhtml` (and 0.3
    /// `mode="xml"`) the inner XML of the wrapping div, 0.3 `mode="base64"` decoded.
    static func markup(_ element: FeedXMLElement?) -> String? {
        guard let element else { return nil }
        if element.attribute("src") != nil && element.children.isEmpty { return nil }
        let mode = element.attribute("mode")?.lowercased()
        if isBase64(element), let text = element.trimmedText,
            let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
        {
            // A payload that is not UTF-8 is binary (an image, say), or was never Base64: either way there is
            // no text in it, and replacement characters would pass for some.
            return String(validating: data, as: UTF8.self).flatMap(FeedText.nonEmpty)
        }
        if textType(element) == "xhtml" || mode == "xml" || element.hasElementChildren {
            // The xhtml div is a wrapper, not part of the content (RFC 4287 §3.1.1.3).
            let inner = element.elements
            if inner.count == 1, inner[0].name == "div",
                element.children.allSatisfy({ if case .text(let t) = $0 { t.allSatisfy(\.isWhitespace) } else { true } })
            {
                return FeedText.nonEmpty(inner[0].innerXML)
            }
            return FeedText.nonEmpty(element.innerXML)
        }
        return element.trimmedText
    }

    /// Atom 0.3 says so with `mode="base64"`; Atom 1.0 content of a type that is neither text nor XML is
    /// Base64 (RFC 4287 §4.1.3.3).
    private static func isBase64(_ element: FeedXMLElement) -> Bool {
        if element.attribute("mode")?.lowercased() == "base64" { return true }
        guard let type = element.attribute("type")?.lowercased(), type.utf8.contains(UInt8(ascii: "/")) else { return false }
        return !(type.hasPrefix("text/") || type.hasSuffix("/xml") || type.hasSuffix("+xml"))
    }

    private static func textType(_ element: FeedXMLElement) -> String {
        switch element.attribute("type")?.lowercased() {
        case "html", "text/html": "html"
        case "xhtml", "application/xhtml+xml": "xhtml"
        default: "text"
        }
    }
}
