public import CLibXML2

/// A page parsed by libxml2's HTML parser, freed when this goes away.
///
/// The parser recovers from anything (unclosed tags, stray bytes, truncation) and never touches the
/// network. The input is already decoded to UTF-8 by `DocumentDecoder`, so the page's own
/// `<meta charset>` is ignored (`HTML_PARSE_IGNORE_ENC`): honouring it would decode the text twice.
public final class HTMLDocument {
    public let doc: htmlDocPtr

    public static let options: Int32 = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_IGNORE_ENC.rawValue | HTML_PARSE_COMPACT.rawValue)

    /// libxml2 stopped at its nesting limit (256 levels without `HTML_PARSE_HUGE`, which stays off): what
    /// was deeper, and everything after it, is not in the tree.
    public let stoppedAtDepthLimit: Bool

    /// Parses UTF-8 HTML; `nil` when libxml2 produced no document at all (empty input). With
    /// `readAttributesOnly`, elements keep only the attributes clean and the page signals read (see
    /// `ingest_html_attribute_read`).
    public init?(utf8 bytes: UnsafeRawBufferPointer, readAttributesOnly: Bool = false) {
        LibXML2.setUpOnce
        guard let base = bytes.baseAddress, bytes.count > 0, bytes.count < Int(Int32.max) else { return nil }
        // A context of our own (what htmlReadMemory makes inside) keeps the last error readable: NOERROR
        // only stops errors being printed.
        guard let context = htmlNewParserCtxt() else { return nil }
        defer { htmlFreeParserCtxt(context) }
        if readAttributesOnly { ingest_html_keep_read_attributes(context) }
        guard
            let doc = htmlCtxtReadMemory(
                context, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil, "UTF-8",
                HTMLDocument.options)
        else { return nil }
        self.doc = doc
        let error = context.pointee.lastError
        stoppedAtDepthLimit =
            error.code == Int32(XML_ERR_INTERNAL_ERROR.rawValue)
            && error.message.map { String(cString: $0).hasPrefix("Excessive depth") } == true
    }

    /// Parses a Swift string (UTF-8 inside, so no copy for native strings). With `forReaders`, the tree holds
    /// only what clean and the page signals read: scripts and styles are parsed empty (JSON-LD kept, see
    /// ``RawTextStripper``) and elements keep only the attributes those readers look at.
    public static func parse(_ html: String, forReaders: Bool = false) -> HTMLDocument? {
        var html = html
        return html.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            if forReaders, let stripped = RawTextStripper.strip(bytes) {
                return stripped.withUnsafeBytes { HTMLDocument(utf8: $0, readAttributesOnly: true) }
            }
            return HTMLDocument(utf8: bytes, readAttributesOnly: forReaders)
        }
    }

    deinit {
        xmlFreeDoc(doc)
    }

    /// The `<body>` element, else the root element.
    public var body: xmlNodePtr? { rootChild(named: "body") ?? xmlDocGetRootElement(doc) }

    /// The `<head>` element, when the page has one.
    public var head: xmlNodePtr? { rootChild(named: "head") }

    private func rootChild(named name: String) -> xmlNodePtr? {
        var child = xmlDocGetRootElement(doc)?.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE, HTMLDocument.nameIs(node, name) { return node }
            child = node.pointee.next
        }
        return nil
    }

    public static func nameIs(_ node: xmlNodePtr, _ name: String) -> Bool {
        guard let n = node.pointee.name else { return false }
        return String(cString: n) == name
    }

    /// An attribute's value as a string, `nil` when absent.
    public static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        var attr = node.pointee.properties
        while let a = attr {
            if let n = a.pointee.name, String(cString: n) == name {
                guard let value = a.pointee.children?.pointee.content else { return "" }
                return String(cString: value)
            }
            attr = a.pointee.next
        }
        return nil
    }
}

/// Parse only, for the benchmark's floor: the same parser, options and input handling as the stage.
public enum HTMLParseFloor {
    /// Parses `html` and frees the tree; returns the number of top-level nodes so the work is not elided.
    public static func parse(_ html: String) -> Int {
        guard let document = HTMLDocument.parse(html) else { return 0 }
        var count = 0
        var child = document.doc.pointee.children
        while let node = child {
            count += 1
            child = node.pointee.next
        }
        return count
    }
}
