import Foundation
import CLibXML2
import IngestCore

/// A page parsed by libxml2's HTML parser for reading its metadata, freed when this goes away.
///
/// The parser recovers from anything (unclosed tags, stray bytes, truncation) and never touches the network.
/// The input is already UTF-8 (decoding converted it), so the page's own `<meta charset>` is ignored.
final class PageDocument {
    let doc: htmlDocPtr

    private static let options: Int32 = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_IGNORE_ENC.rawValue | HTML_PARSE_COMPACT.rawValue)

    private init(doc: htmlDocPtr) {
        self.doc = doc
    }

    /// Parses UTF-8 HTML; `nil` when libxml2 produced no document (empty input).
    static func parse(_ html: String) -> PageDocument? {
        PageDocument.setUpOnce
        var html = html
        return html.withUTF8 { bytes -> PageDocument? in
            guard let base = bytes.baseAddress, bytes.count > 0, bytes.count < Int(Int32.max) else { return nil }
            let raw = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            guard let doc = htmlReadMemory(raw, Int32(bytes.count), nil, "UTF-8", options) else { return nil }
            return PageDocument(doc: doc)
        }
    }

    deinit {
        xmlFreeDoc(doc)
    }

    var root: xmlNodePtr? { xmlDocGetRootElement(doc) }

    /// The element's name, lowercased by the HTML parser already.
    @inline(__always)
    static func name(_ node: xmlNodePtr) -> UnsafePointer<xmlChar>? { node.pointee.name }

    /// An attribute's value, `nil` when absent (and `""` when present without a value).
    static func attribute(_ node: xmlNodePtr, _ name: StaticString) -> String? {
        var attr = node.pointee.properties
        while let a = attr {
            if let n = a.pointee.name, equals(n, name) {
                guard let value = a.pointee.children?.pointee.content else { return "" }
                return String(cString: value)
            }
            attr = a.pointee.next
        }
        return nil
    }

    /// Compares a libxml2 name with an ASCII literal, case-insensitively, without making a String.
    @inline(__always)
    static func equals(_ a: UnsafePointer<xmlChar>, _ b: StaticString) -> Bool {
        let count = b.utf8CodeUnitCount
        let bp = b.utf8Start
        for i in 0..<count {
            var c = a[i]
            if c == 0 { return false }
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            if c != bp[i] { return false }
        }
        return a[count] == 0
    }

    /// The visible text under `node`, whitespace collapsed; scripts and styles skipped. Iterative, so deep
    /// nesting cannot exhaust the stack, and capped at `limit` characters (a byline is short).
    ///
    /// - Parameter stopAtLineBreak: end at the first line break (in the source or a `<br>`) that follows at
    ///   least two words.
    static func text(of node: xmlNodePtr, limit: Int = 2_000, stopAtLineBreak: Bool = false) -> String {
        var words = 0
        var out: [UInt8] = []
        var pendingSpace = false
        var current: xmlNodePtr? = node.pointee.children
        var depth = 0
        while let n = current, out.count < limit {
            var descend = false
            switch n.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = n.pointee.content {
                    var p = content
                    while p.pointee != 0 {
                        let c = p.pointee
                        if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C {
                            if !pendingSpace && !out.isEmpty { words += 1 }
                            if c == 0x0A && stopAtLineBreak && words >= 2 { return HTMLText.collapse(String(decoding: out, as: UTF8.self)) }
                            pendingSpace = !out.isEmpty
                        } else {
                            if pendingSpace { out.append(0x20); pendingSpace = false }
                            out.append(c)
                        }
                        p += 1
                    }
                }
            case XML_ELEMENT_NODE:
                if let name = n.pointee.name, !equals(name, "script"), !equals(name, "style") {
                    descend = n.pointee.children != nil
                    // Block-ish elements and line breaks separate words.
                    if equals(name, "br") || equals(name, "p") || equals(name, "div") || equals(name, "li") {
                        if !pendingSpace && !out.isEmpty { words += 1 }
                        if stopAtLineBreak && words >= 2 { return HTMLText.collapse(String(decoding: out, as: UTF8.self)) }
                        pendingSpace = !out.isEmpty
                    }
                }
            default:
                break
            }
            if descend, let child = n.pointee.children {
                current = child
                depth += 1
                continue
            }
            var next: xmlNodePtr? = n
            while let m = next {
                if let sibling = m.pointee.next {
                    next = sibling
                    break
                }
                depth -= 1
                if depth < 0 { next = nil; break }
                next = m.pointee.parent
                if next == node { next = nil; break }
                pendingSpace = !out.isEmpty
            }
            current = next
        }
        // libxml2 decoded the entities already; no-break and other Unicode spaces collapse here.
        return HTMLText.collapse(String(decoding: out, as: UTF8.self))
    }

    /// The concatenated text children of `node` as they are (a script's body), at most about `limit` bytes.
    static func rawText(of node: xmlNodePtr, limit: Int) -> String {
        var out = ""
        var child = node.pointee.children
        while let c = child, out.utf8.count < limit {
            if c.pointee.type == XML_TEXT_NODE || c.pointee.type == XML_CDATA_SECTION_NODE, let content = c.pointee.content {
                out += String(cString: content)
            }
            child = c.pointee.next
        }
        return out
    }

    /// The text of the first descendant with `itemprop=name` (a microdata person or organisation), within
    /// the first few hundred nodes.
    static func namedItem(in node: xmlNodePtr) -> String? {
        var stack: [xmlNodePtr] = []
        var child = node.pointee.children
        while let c = child { stack.append(c); child = c.pointee.next }
        stack.reverse()
        var visited = 0
        while let n = stack.popLast(), visited < 300 {
            visited += 1
            guard n.pointee.type == XML_ELEMENT_NODE else { continue }
            if attribute(n, "itemprop")?.lowercased() == "name" {
                let value = attribute(n, "content") ?? text(of: n, limit: 200)
                let clean = HTMLText.collapse(value)
                return clean.isEmpty ? nil : clean
            }
            var kids: [xmlNodePtr] = []
            var k = n.pointee.children
            while let x = k { kids.append(x); k = x.pointee.next }
            stack.append(contentsOf: kids.reversed())
        }
        return nil
    }

    // libxml2 prints some errors through the generic handler even with NOERROR; and never load an entity.
    private static let setUpOnce: Void = {
        ingest_xml_silence_generic_errors()
        ingest_xml_install_safe_loader()
    }()
}
