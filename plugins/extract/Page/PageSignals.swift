import Foundation
import CLibXML2
import IngestCore

/// Everything the metadata rules read from a page, gathered in one pass over libxml2's tree.
///
/// Raw and uninterpreted: which value wins is decided in ``PageMetadata``. Values are whitespace-collapsed.
struct PageSignals {
    /// `<html lang>`, as declared.
    var declaredLanguage: String?
    /// The `<title>` element's text.
    var title: String?
    /// Every `<meta>` value by its lowercased `name`, `property` or `itemprop` (each space-separated token),
    /// in document order.
    var meta: [String: [String]] = [:]
    /// `<link rel=canonical href>`.
    var canonical: String?
    /// The text of each `<script type="application/ld+json">`, at most `maxJSONLDBytes` each.
    var jsonLD: [String] = []
    /// The text of each `<h1>`, in order.
    var h1: [String] = []
    /// `<time datetime>` values and `itemprop=datePublished|dateModified` elements' values, in order.
    var times: [TimeSignal] = []
    /// The text of links and elements marked as the author (`rel=author`, `itemprop=author`).
    var markedAuthors: [String] = []
    /// Short texts of elements whose class or id says byline or author, in document order.
    var bylineTexts: [String] = []
    /// Scripts and styles are not text; a JSON-LD block over the cap is skipped, and counted.
    var skippedJSONLD = 0

    struct TimeSignal {
        enum Role { case published, modified, unknown }
        var value: String
        var role: Role
    }

    func meta(_ keys: String...) -> String? {
        for key in keys {
            if let v = meta[key]?.first(where: { !$0.isEmpty }) { return v }
        }
        return nil
    }

    func metaAll(_ keys: String...) -> [String] {
        keys.flatMap { meta[$0] ?? [] }.filter { !$0.isEmpty }
    }
}

extension PageSignals {
    /// Walks the whole document once, iteratively (deep nesting cannot exhaust the stack).
    init(document: PageDocument, maxJSONLDBytes: Int) {
        guard let root = document.root else { return }
        if let name = root.pointee.name, PageDocument.equals(name, "html") {
            declaredLanguage = PageDocument.attribute(root, "lang").flatMap { $0.isEmpty ? nil : $0 }
        }
        var current: xmlNodePtr? = root
        while let node = current {
            var descend = node.pointee.children != nil
            if node.pointee.type == XML_ELEMENT_NODE, let name = node.pointee.name {
                descend = visit(node, name: name, maxJSONLDBytes: maxJSONLDBytes) && descend
            } else {
                descend = false
            }
            if descend, let child = node.pointee.children {
                current = child
                continue
            }
            var next: xmlNodePtr? = node
            current = nil
            while let m = next, m != root {
                if let sibling = m.pointee.next {
                    current = sibling
                    break
                }
                next = m.pointee.parent
            }
        }
    }

    /// Reads one element; returns whether its children are worth visiting.
    private mutating func visit(_ node: xmlNodePtr, name: UnsafePointer<xmlChar>, maxJSONLDBytes: Int) -> Bool {
        typealias D = PageDocument
        switch name[0] | 0x20 {
        case UInt8(ascii: "m") where D.equals(name, "meta"):
            guard let content = D.attribute(node, "content") else { return false }
            let value = HTMLText.collapse(content)
            for attribute in ["property", "name", "itemprop"] as [StaticString] {
                guard let keys = D.attribute(node, attribute) else { continue }
                for key in keys.lowercased().split(separator: " ") { meta[String(key), default: []].append(value) }
            }
            return false
        case UInt8(ascii: "l") where D.equals(name, "link"):
            let rel = D.attribute(node, "rel")?.lowercased() ?? ""
            if canonical == nil, rel.split(separator: " ").contains("canonical"), let href = D.attribute(node, "href") {
                canonical = HTMLText.collapse(href)
            }
            return false
        case UInt8(ascii: "t") where D.equals(name, "title"):
            // The document's title, not an SVG's <title> inside the body.
            if title == nil { title = D.text(of: node) }
            return false
        case UInt8(ascii: "s") where D.equals(name, "script"):
            let type = D.attribute(node, "type")?.lowercased() ?? ""
            if type.hasBytes("ld+json") {
                let raw = D.rawText(of: node, limit: maxJSONLDBytes + 1)
                if raw.utf8.count > maxJSONLDBytes { skippedJSONLD += 1 } else { jsonLD.append(raw) }
            }
            return false
        case UInt8(ascii: "s") where D.equals(name, "style"), UInt8(ascii: "n") where D.equals(name, "noscript"):
            return false
        case UInt8(ascii: "h") where D.equals(name, "h1"):
            let text = D.text(of: node, limit: 400)
            if !text.isEmpty && h1.count < 8 { h1.append(text) }
            return false
        case UInt8(ascii: "t") where D.equals(name, "time"):
            if let value = D.attribute(node, "datetime").map(HTMLText.collapse), !value.isEmpty {
                times.append(TimeSignal(value: value, role: Self.timeRole(node)))
            }
        default:
            break
        }
        return readAuthorMarks(node, name: name)
    }

    /// `itemprop=author|datePublished…`, `rel=author`, and byline-looking class names. Returns whether to
    /// descend: an element taken as a byline is read whole.
    private mutating func readAuthorMarks(_ node: xmlNodePtr, name: UnsafePointer<xmlChar>) -> Bool {
        typealias D = PageDocument
        guard node.pointee.properties != nil else { return true }
        let itemprop = D.attribute(node, "itemprop")?.lowercased()
        if let itemprop {
            if itemprop.hasBytes("datepublished") || itemprop.hasBytes("datemodified"),
                let value = (D.attribute(node, "datetime") ?? D.attribute(node, "content")).map(HTMLText.collapse),
                !value.isEmpty, !D.equals(name, "time")
            {
                times.append(TimeSignal(value: value, role: itemprop.hasBytes("datepublished") ? .published : .modified))
            }
        }
        let rel = D.attribute(node, "rel")?.lowercased()
        if rel?.split(separator: " ").contains("author") == true || itemprop?.split(separator: " ").contains("author") == true {
            // An itemprop=author scope names its person in a nested itemprop=name, when it has one.
            let text = D.namedItem(in: node) ?? D.text(of: node, limit: 200)
            if !text.isEmpty && markedAuthors.count < 8 { markedAuthors.append(text) }
            return false
        }
        let className = D.attribute(node, "class")
        let id = D.attribute(node, "id")
        guard className != nil || id != nil else { return true }
        let marks = (className ?? "") + " " + (id ?? "")
        if bylineTexts.count < 8, marks.hasASCII("author") || marks.hasASCII("byline") || marks.hasASCII("dateline")
            || marks.hasASCII("writtenby"), !marks.hasASCII("comment")
        {
            // The first line only: a byline's next line is a role or a date ("WebMD Health News").
            let text = D.text(of: node, limit: 200, stopAtLineBreak: true)
            // Read on inside: a marked author (itemprop, rel) within the byline is better evidence.
            if !text.isEmpty && text.count < 100 { bylineTexts.append(text) }
        }
        return true
    }

    private static func timeRole(_ node: xmlNodePtr) -> TimeSignal.Role {
        let itemprop = PageDocument.attribute(node, "itemprop")?.lowercased() ?? ""
        if itemprop.hasBytes("datemodified") { return .modified }
        if itemprop.hasBytes("datepublished") || PageDocument.attribute(node, "pubdate") != nil { return .published }
        let marks = ((PageDocument.attribute(node, "class") ?? "") + " " + (node.pointee.parent.flatMap { PageDocument.attribute($0, "class") } ?? "")).lowercased()
        if marks.hasBytes("updated") || marks.hasBytes("modified") { return .modified }
        if marks.hasBytes("publish") || marks.hasBytes("posted") { return .published }
        return .unknown
    }
}
