import CLibXML2
import IngestHTML

/// Writes the selected part of a ``PageTree`` as sanitised HTML: a fixed set of structural and inline
/// elements, links and images with absolute, untracked URLs, and nothing else (no attributes beyond
/// `href`, `src`, `alt` and `title`, no scripts, no styles, no event handlers).
struct HTMLWriter {
    let tree: PageTree
    let links: LinkCleaner

    /// Elements written as they are; others are unwrapped (their content stays).
    static let kept: Set<Tag> = [
        .p, .h1, .h2, .h3, .h4, .h5, .h6, .ul, .ol, .li, .dl, .dt, .dd, .blockquote, .pre, .code, .table, .thead,
        .tbody, .tfoot, .tr, .td, .th, .caption, .figure, .figcaption, .a, .img, .br, .hr, .b, .strong, .i, .em, .u,
        .s, .sub, .sup, .small, .mark, .q, .cite, .abbr, .time, .del, .ins, .kbd, .samp, .var,
    ]
    static let void: Set<Tag> = [.img, .br, .hr]

    /// ``kept`` and ``void`` by raw value: looked up for every element written.
    private static let keptByRaw: [Bool] = (0...Tag.summary.rawValue).map { kept.contains(Tag(rawValue: $0)!) }
    private static let voidByRaw: [Bool] = (0...Tag.summary.rawValue).map { void.contains(Tag(rawValue: $0)!) }

    func render(roots: [Int], removed: [Bool]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(8192)
        for root in roots {
            var open: [(index: Int, end: Int)] = []
            var i = root
            let end = Int(tree.nodes[root].end)
            while i < end {
                while let last = open.last, i >= last.end { closeTag(open.removeLast().index, &out) }
                let node = tree.nodes[i]
                if removed[i] {
                    i = Int(node.end)
                    continue
                }
                if node.isText {
                    if let content = node.xml.pointee.content {
                        Self.escape(content, into: &out, collapse: !node.flags.contains(.inPre))
                    }
                } else {
                    openTag(i, &out)
                    open.append((i, Int(node.end)))
                }
                i += 1
            }
            while let last = open.popLast() { closeTag(last.index, &out) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func openTag(_ i: Int, _ out: inout [UInt8]) {
        let tag = tree.nodes[i].tag
        guard Self.keptByRaw[Int(tag.rawValue)] else { return }
        out.append(0x3C)
        out.append(contentsOf: tag.name)
        let xml = tree.nodes[i].xml
        switch tag {
        case .a:
            if let href = HTMLDocument.attribute(xml, "href").flatMap(links.clean) { attribute("href", href, &out) }
        case .img:
            let source = HTMLDocument.attribute(xml, "src") ?? HTMLDocument.attribute(xml, "data-src")
            if let src = source, !src.lowercased().hasPrefix("data:"), let clean = links.clean(src) {
                attribute("src", clean, &out)
            }
            if let alt = HTMLDocument.attribute(xml, "alt") { attribute("alt", alt, &out) }
        case .abbr:
            if let title = HTMLDocument.attribute(xml, "title") { attribute("title", title, &out) }
        default: break
        }
        out.append(0x3E)
    }

    private func closeTag(_ i: Int, _ out: inout [UInt8]) {
        let tag = tree.nodes[i].tag
        guard Self.keptByRaw[Int(tag.rawValue)], !Self.voidByRaw[Int(tag.rawValue)] else {
            // An unwrapped block still needs a break between its text and the next block's.
            if tag.isBlock && out.last != 0x0A { out.append(0x0A) }
            return
        }
        out.append(contentsOf: [0x3C, 0x2F])
        out.append(contentsOf: tag.name)
        out.append(0x3E)
        if tag.isBlock { out.append(0x0A) }
    }

    private func attribute(_ name: String, _ value: String, _ out: inout [UInt8]) {
        out.append(0x20)
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: [0x3D, 0x22])
        for b in value.utf8 {
            switch b {
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x22: out.append(contentsOf: "&quot;".utf8)
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    /// Escapes text for HTML, dropping control characters and (outside `pre`) collapsing whitespace.
    static func escape(_ p: UnsafePointer<UInt8>, into out: inout [UInt8], collapse: Bool) {
        var p = p
        var space = false
        while p.pointee != 0 {
            let b = p.pointee
            p += 1
            if collapse && (b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D) {
                if !space { out.append(0x20) }
                space = true
                continue
            }
            space = false
            switch b {
            case 0x26: out.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])
            case 0x3C: out.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])
            case 0x3E: out.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])
            case 0x00..<0x09, 0x0B, 0x0C, 0x0E..<0x20, 0x7F: continue
            default: out.append(b)
            }
        }
    }
}
