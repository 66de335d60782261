import CLibXML2
import Foundation
import IngestCore

/// A small, immutable XML tree copied out of libxml2, so the feed parsers never touch C pointers.
///
/// Named `FeedXML*` so nothing clashes with Foundation's `XMLDocument` / `XMLElement`.
struct FeedXMLElement {
    /// Local name, without the prefix (`encoded` for `content:encoded`).
    var name: String
    /// Namespace URI, `nil` when the element has none.
    var namespace: String?
    var attributes: [FeedXMLAttribute]
    var children: [FeedXMLNode]
    /// The effective base URL: the document URL with every `xml:base` from the root down to here applied.
    var base: URL?

    /// Every element child, in document order.
    var elements: [FeedXMLElement] {
        children.compactMap { if case .element(let e) = $0 { e } else { nil } }
    }

    /// Whether any child is an element; `!elements.isEmpty` without building the array.
    var hasElementChildren: Bool {
        children.contains { if case .element = $0 { true } else { false } }
    }

    /// The text of this element and its descendants, untrimmed.
    var text: String {
        var out = ""
        appendText(to: &out)
        return out
    }

    private func appendText(to out: inout String) {
        for child in children {
            switch child {
            case .text(let t): out += t
            case .element(let e): e.appendText(to: &out)
            }
        }
    }

    /// The text, trimmed; `nil` when nothing but whitespace is left.
    var trimmedText: String? {
        let t = FeedXML.trimWhitespace(text)
        return t.isEmpty ? nil : t
    }

    func attribute(_ name: String, namespace: String? = nil) -> String? {
        attributes.first { $0.name == name && $0.namespace == namespace }?.value
    }

    /// Children with this local name whose namespace is one of `namespaces` (`nil` in the list: no namespace).
    func children(_ name: String, in namespaces: [String?]) -> [FeedXMLElement] {
        var out: [FeedXMLElement] = []
        for case .element(let e) in children where e.name == name && namespaces.contains(e.namespace) { out.append(e) }
        return out
    }

    func child(_ name: String, in namespaces: [String?]) -> FeedXMLElement? {
        for case .element(let e) in children where e.name == name && namespaces.contains(e.namespace) { return e }
        return nil
    }

    /// `relative` resolved against this element's base; unchanged when there is no base or it cannot be resolved.
    func resolve(_ relative: String?) -> String? {
        guard let relative else { return nil }
        let raw = FeedXML.trimWhitespace(relative)
        guard !raw.isEmpty else { return nil }
        guard let base, let url = URL(string: raw, relativeTo: base) else { return raw }
        return url.absoluteString
    }

    /// The children serialized back to markup (Atom xhtml content, RSS with inline XHTML). Namespace
    /// prefixes are dropped: the consumer is an HTML cleaner, not an XML processor.
    var innerXML: String {
        var out = ""
        for child in children { Self.serialize(child, into: &out) }
        return out
    }

    private static func serialize(_ node: FeedXMLNode, into out: inout String) {
        switch node {
        case .text(let t):
            out += escape(t, quotes: false)
        case .element(let e):
            out += "<" + e.name
            for a in e.attributes where a.namespace == nil {
                out += " \(a.name)=\"\(escape(a.value, quotes: true))\""
            }
            if e.children.isEmpty, voidElements.contains(e.name) {
                out += " />"
                return
            }
            out += ">"
            for c in e.children { serialize(c, into: &out) }
            out += "</\(e.name)>"
        }
    }

    private static let voidElements: Set<String> = [
        "br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr",
    ]

    private static func escape(_ s: String, quotes: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

struct FeedXMLAttribute {
    var name: String
    var namespace: String?
    var value: String
}

enum FeedXMLNode {
    case element(FeedXMLElement)
    case text(String)
}

/// A parsed document: its root and what libxml2 had to recover from.
struct FeedXMLDocument {
    var root: FeedXMLElement
    var warnings: [String]
}

enum FeedXML {
    /// `s` without leading and trailing white space: the same set as Foundation's
    /// `.whitespacesAndNewlines`, without its trip through NSString and UTF-16. That set is Unicode
    /// White_Space plus U+200B ZERO WIDTH SPACE, which CoreFoundation's table still counts as a space.
    static func trimWhitespace(_ s: String) -> String {
        trim(s) { isWhitespace($0) || $0.value == 0x200B }
    }

    /// `s` without leading and trailing spaces: the same set as Foundation's `.whitespaces`, which is the
    /// set of `trimWhitespace` without the line and paragraph breaks.
    static func trimSpaces(_ s: String) -> String {
        trim(s) { scalar in
            switch scalar.value {
            case 0x0A...0x0D, 0x85, 0x2028, 0x2029: false
            case 0x200B: true
            default: isWhitespace(scalar)
            }
        }
    }

    private static func trim(_ s: String, where isSpace: (Unicode.Scalar) -> Bool) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return s }
        return String(scalars[first...last])
    }

    /// Unicode White_Space, quickly: the one definition is decoding's.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool { HTMLText.isWhitespace(scalar) }

    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"
    /// More warnings than this say nothing new; a broken feed can raise thousands.
    static let maxWarnings = 20

    /// Global libxml2 settings, applied once per process: external entities load nothing (a second
    /// guard next to not passing NOENT/DTDLOAD) and nothing is printed to stderr.
    private static let setUp: Void = {
        xmlInitParser()
        ingest_xml_install_safe_loader()
        ingest_xml_silence_generic_errors()
    }()

    /// Collects libxml2's structured errors during one parse on this thread.
    private final class ErrorCollector {
        var messages: [String] = []
        var dropped = 0
    }

    /// Parses `bytes` with libxml2 in recovery mode and copies the result into a Swift tree.
    ///
    /// - Parameters:
    ///   - url: the document's URL, the base for relative links and `xml:base`.
    ///   - declaredCharset: a charset declared outside the document (HTTP `Content-Type`); it wins over
    ///     the prolog, as RFC 7303 says, unless the bytes start with a byte-order mark.
    static func parse(_ bytes: [UInt8], url: String? = nil, declaredCharset: String? = nil) throws(FeedParseError)
        -> FeedXMLDocument
    {
        _ = setUp
        guard !bytes.isEmpty else { throw FeedParseError("empty document") }
        let hasBOM =
            bytes.starts(with: [0xEF, 0xBB, 0xBF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
        var encoding = hasBOM ? nil : declaredCharset.map(trimSpaces)?.lowercased()
        if encoding?.isEmpty == true { encoding = nil }

        let (repaired, repairs) = repairEntities(bytes)
        var result = parseOnce(repaired, url: url, encoding: encoding)
        if result.doc == nil, let encoding {
            // libxml2 refuses a charset name iconv does not know; the prolog is the next best source.
            result = parseOnce(repaired, url: url, encoding: nil)
            result.warnings.insert("unknown declared charset \(encoding), used the document's own", at: 0)
        }
        result.warnings = repairs + result.warnings
        return try finish(result, url: url)
    }

    private static func finish(_ result: (doc: xmlDocPtr?, warnings: [String]), url: String?) throws(FeedParseError)
        -> FeedXMLDocument
    {
        guard let doc = result.doc else {
            throw FeedParseError("not XML" + (result.warnings.first.map { ": \($0)" } ?? ""))
        }
        defer { xmlFreeDoc(doc) }
        guard let rootNode = xmlDocGetRootElement(doc) else {
            throw FeedParseError("no root element" + (result.warnings.first.map { ": \($0)" } ?? ""))
        }
        let base = url.flatMap { URL(string: $0) }
        var warnings = result.warnings
        var namespaces: [UnsafePointer<xmlChar>: String] = [:]
        let root = copyElement(rootNode, base: base, warnings: &warnings, namespaces: &namespaces)
        return FeedXMLDocument(root: root, warnings: warnings)
    }

    private static func parseOnce(_ bytes: [UInt8], url: String?, encoding: String?) -> (
        doc: xmlDocPtr?, warnings: [String]
    ) {
        guard let ctxt = xmlNewParserCtxt() else { return (nil, ["out of memory"]) }
        defer { xmlFreeParserCtxt(ctxt) }
        // NOENT (substitute entities), DTDLOAD and HUGE stay off: no entity expansion, no external DTD,
        // libxml2's size limits on. NONET: nothing is fetched. RECOVER: feeds in the wild are often broken.
        let options =
            XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue

        // The structured error handler is per thread in libxml2, and this parse runs synchronously on
        // one thread, so concurrent parses on other threads keep their own collectors.
        let collector = ErrorCollector()
        let handler: xmlStructuredErrorFunc = { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
            guard collector.messages.count < FeedXML.maxWarnings else {
                collector.dropped += 1
                return
            }
            let message = error.pointee.message.map { String(cString: $0) } ?? "error \(error.pointee.code)"
            let trimmed = FeedXML.trimWhitespace(message)
            collector.messages.append("line \(error.pointee.line): \(trimmed)")
        }
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(collector).toOpaque(), handler)
        defer { xmlSetStructuredErrorFunc(nil, nil) }

        let doc = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlCtxtReadMemory(ctxt, chars.baseAddress, Int32(clamping: chars.count), url, encoding, Int32(options))
            }
        }
        var warnings = collector.messages
        if collector.dropped > 0 { warnings.append("\(collector.dropped) more XML errors") }
        return (doc, warnings)
    }

    /// - Parameter namespaces: namespace URIs by libxml2's pointer to them, for the whole document.
    private static func copyElement(
        _ node: xmlNodePtr, base parentBase: URL?, warnings: inout [String],
        namespaces: inout [UnsafePointer<xmlChar>: String]
    ) -> FeedXMLElement {
        let (name, namespace) = qualified(
            String(cString: node.pointee.name), namespaceURI(node.pointee.ns, cache: &namespaces))
        var attributes: [FeedXMLAttribute] = []
        var attr = node.pointee.properties
        while let a = attr {
            let (attrName, attrNamespace) = qualified(
                String(cString: a.pointee.name), namespaceURI(a.pointee.ns, cache: &namespaces))
            attributes.append(
                FeedXMLAttribute(name: attrName, namespace: attrNamespace, value: collectText(a.pointee.children)))
            attr = a.pointee.next
        }
        var base = parentBase
        if let xmlBase = attributes.first(where: { $0.name == "base" && $0.namespace == xmlNamespace })?.value {
            let trimmed = trimWhitespace(xmlBase)
            base = URL(string: trimmed, relativeTo: parentBase)?.absoluteURL ?? parentBase
        }
        var element = FeedXMLElement(name: name, namespace: namespace, attributes: attributes, children: [], base: base)
        var child = node.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(
                    .element(copyElement(c, base: base, warnings: &warnings, namespaces: &namespaces)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = c.pointee.content { appendText(String(cString: content), to: &element.children) }
            case XML_ENTITY_REF_NODE:
                // Never expanded (billion laughs, XXE). HTML entities that feeds use without declaring
                // them (`&nbsp;` in RSS) become their character; anything else is dropped.
                if let ch = htmlEntities[String(cString: c.pointee.name)] { appendText(ch, to: &element.children) }
            default:
                break
            }
            child = c.pointee.next
        }
        return element
    }

    /// A namespace's URI, converted once per document: elements share a few namespace declarations, and
    /// a URI is too long for Swift's inline small strings, so converting it for every element cost an
    /// allocation each. The pointers stay valid until the document is freed, after the copy.
    private static func namespaceURI(_ ns: xmlNsPtr?, cache: inout [UnsafePointer<xmlChar>: String]) -> String? {
        guard let href = ns?.pointee.href else { return nil }
        if let uri = cache[href] { return uri }
        let uri = String(cString: href)
        cache[href] = uri
        return uri
    }

    /// The namespaces feeds use often enough to forget declaring, by their customary prefix.
    static let wellKnownPrefixes: [String: String] = [
        "content": RSSParser.NS.content, "dc": RSSParser.NS.dc, "dcterms": RSSParser.NS.dcterms,
        "sy": RSSParser.NS.sy, "atom": RSSParser.NS.atom, "media": RSSParser.NS.media[0],
        "itunes": RSSParser.NS.itunes, "rdf": RSSParser.NS.rdf,
    ]

    /// A name and namespace as the parsers look them up. When a prefix is used without being declared,
    /// libxml2 warns and keeps the whole `prefix:local` as the name, with no namespace; `content:encoded`
    /// in an RSS feed that never declared `xmlns:content` is common and means the content module all the
    /// same, so a well-known prefix is read as its usual namespace. Other prefixes stay as libxml2 left them.
    private static func qualified(_ name: String, _ namespace: String?) -> (String, String?) {
        // Without a `:` byte there is no `:` Character either; the byte scan is the cheap common answer.
        guard namespace == nil, name.utf8.contains(UInt8(ascii: ":")), let colon = name.firstIndex(of: ":"),
            let uri = wellKnownPrefixes[String(name[..<colon])]
        else { return (name, namespace) }
        let local = String(name[name.index(after: colon)...])
        return local.isEmpty ? (name, namespace) : (local, uri)
    }

    private static func appendText(_ text: String, to children: inout [FeedXMLNode]) {
        if case .text(let previous) = children.last {
            children[children.count - 1] = .text(previous + text)
        } else {
            children.append(.text(text))
        }
    }

    /// An attribute's value from its child nodes, without `xmlNodeListGetString`, which would expand
    /// entity references recursively.
    private static func collectText(_ first: xmlNodePtr?) -> String {
        var out = ""
        var node = first
        while let n = node {
            switch n.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = n.pointee.content { out += String(cString: content) }
            case XML_ENTITY_REF_NODE:
                if let ch = htmlEntities[String(cString: n.pointee.name)] { out += ch }
            default:
                break
            }
            node = n.pointee.next
        }
        return out
    }

    /// Rewrites the two commonest breakages before libxml2 sees them, because its recovery drops the
    /// text around them: a bare `&` becomes `&amp;`, and an undeclared HTML entity (`&nbsp;`) becomes a
    /// character reference. Works on bytes, so only for ASCII-compatible encodings (not UTF-16/32), and
    /// leaves CDATA sections and entities the document declares itself alone.
    static func repairEntities(_ bytes: [UInt8]) -> ([UInt8], [String]) {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || bytes.prefix(4).contains(0) {
            return (bytes, [])
        }
        guard bytes.contains(UInt8(ascii: "&")) else { return (bytes, []) }
        let amp = UInt8(ascii: "&"), lt = UInt8(ascii: "<"), semicolon = UInt8(ascii: ";")
        let cdataOpen = Array("<![CDATA[".utf8), cdataClose = Array("]]>".utf8)
        let predefined: Set<String> = ["amp", "lt", "gt", "quot", "apos"]
        lazy var declared: Set<String> = declaredEntities(bytes)
        var out: [UInt8] = []
        var changed = false
        var bare = 0
        var undeclared: [String] = []
        var i = 0
        func isNameByte(_ b: UInt8) -> Bool {
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D
                || b == 0x2E || b == 0x3A
        }
        out.reserveCapacity(bytes.count + 64)
        while i < bytes.count {
            let b = bytes[i]
            if b != amp && b != lt {
                // Copy the run up to the next `&` or `<` at once; only those two need a look.
                var j = i + 1
                while j < bytes.count, bytes[j] != amp, bytes[j] != lt { j += 1 }
                out += bytes[i..<j]
                i = j
                continue
            }
            if b == lt, bytes[i...].starts(with: cdataOpen) {
                // Copy the CDATA section verbatim: `&` in it is literal text.
                var j = i + cdataOpen.count
                while j < bytes.count, !(bytes[j] == cdataClose[0] && bytes[j...].starts(with: cdataClose)) { j += 1 }
                j = min(j + cdataClose.count, bytes.count)
                out += bytes[i..<j]
                i = j
                continue
            }
            guard b == amp else {
                out.append(b)
                i += 1
                continue
            }
            var j = i + 1
            if j < bytes.count, bytes[j] == UInt8(ascii: "#") {
                j += 1
                let hex = j < bytes.count && (bytes[j] == UInt8(ascii: "x") || bytes[j] == UInt8(ascii: "X"))
                if hex { j += 1 }
                let start = j
                while j < bytes.count, j - start < 10,
                    (bytes[j] >= 0x30 && bytes[j] <= 0x39) || (hex && ((bytes[j] | 0x20) >= 0x61 && (bytes[j] | 0x20) <= 0x66))
                {
                    j += 1
                }
                if j > start, j < bytes.count, bytes[j] == semicolon {
                    out += bytes[i...j]
                    i = j + 1
                    continue
                }
            } else {
                let start = j
                while j < bytes.count, j - start < 40, isNameByte(bytes[j]) { j += 1 }
                if j > start, j < bytes.count, bytes[j] == semicolon {
                    let name = String(decoding: bytes[start..<j], as: UTF8.self)
                    if !predefined.contains(name), !declared.contains(name),
                        let scalar = htmlEntities[name]?.unicodeScalars.first
                    {
                        out += Array("&#\(scalar.value);".utf8)
                        changed = true
                        if undeclared.count < 5, !undeclared.contains(name) { undeclared.append(name) }
                    } else {
                        out += bytes[i...j]
                    }
                    i = j + 1
                    continue
                }
            }
            // Not a reference: a bare ampersand.
            out += Array("&amp;".utf8)
            changed = true
            bare += 1
            i += 1
        }
        guard changed else { return (bytes, []) }
        var warnings: [String] = []
        if bare > 0 { warnings.append("\(bare) unescaped '&' read as text") }
        if !undeclared.isEmpty {
            warnings.append("undeclared HTML entities read as characters: " + undeclared.map { "&\($0);" }.joined(separator: " "))
        }
        return (out, warnings)
    }

    /// Names declared with `<!ENTITY name` in an internal subset.
    private static func declaredEntities(_ bytes: [UInt8]) -> Set<String> {
        let marker = Array("<!ENTITY".utf8)
        var names: Set<String> = []
        var i = 0
        while i + marker.count < bytes.count {
            if bytes[i] == marker[0], bytes[i...].starts(with: marker) {
                var j = i + marker.count
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0A || bytes[j] == 0x0D { j += 1 }
                let start = j
                while j < bytes.count, bytes[j] != 0x20, bytes[j] != 0x09, bytes[j] != 0x0A, bytes[j] != 0x0D { j += 1 }
                names.insert(String(decoding: bytes[start..<j], as: UTF8.self))
                i = j
            } else {
                i += 1
            }
        }
        return names
    }

    /// The HTML entities that turn up undeclared in real feeds.
    /// The named HTML entities feeds use undeclared; one table for the whole project.
    static var htmlEntities: [String: String] { HTMLEntities.named }
}
