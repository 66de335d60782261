import CLibXML2

/// Writes the selected part of a ``PageTree`` as text: one paragraph per block, list items as `- ` or
/// `1. ` lines, table rows as lines with ` | ` between cells, `pre` kept as written.
struct TextRenderer {
    let tree: PageTree

    func render(roots: [Int], removed: [Bool]) -> String {
        var sink = TextSink(capacity: 4096)
        for root in roots {
            write(root, removed: removed, into: &sink)
            sink.endParagraph()
        }
        return sink.finish()
    }

    /// The total text length (Unicode scalars) that ``render(roots:removed:)`` would write, roughly.
    func length(roots: [Int], removed: [Bool]) -> Int {
        var total = 0
        for root in roots {
            var i = root
            let end = Int(tree.nodes[root].end)
            while i < end {
                if removed[i] {
                    i = Int(tree.nodes[i].end)
                    continue
                }
                if tree.nodes[i].isText { total += Int(tree.textLength[i]) }
                i += 1
            }
        }
        return total
    }

    private struct Open {
        var index: Int
        var end: Int
        /// Next number for an `ol`'s items.
        var counter: Int = 0
        var cellsInRow: Int = 0
    }

    private func write(_ root: Int, removed: [Bool], into sink: inout TextSink) {
        var open: [Open] = []
        var i = root
        let end = Int(tree.nodes[root].end)
        while i < end {
            while let last = open.last, i >= last.end {
                close(open.removeLast().index, into: &sink)
            }
            let node = tree.nodes[i]
            if removed[i] {
                i = Int(node.end)
                continue
            }
            if node.isText {
                if let content = node.xml.pointee.content { sink.append(content) }
                i += 1
                continue
            }
            enter(i, open: &open, into: &sink)
            open.append(Open(index: i, end: Int(node.end)))
            i += 1
        }
        while let last = open.popLast() { close(last.index, into: &sink) }
    }

    private func enter(_ i: Int, open: inout [Open], into sink: inout TextSink) {
        let node = tree.nodes[i]
        let inTable = node.flags.contains(.inTable) && node.tag != .table
        switch node.tag {
        case .br:
            sink.lineBreak()
        case .li:
            if let listIndex = open.lastIndex(where: { tree.nodes[$0.index].tag == .ol || tree.nodes[$0.index].tag == .ul }),
                tree.nodes[open[listIndex].index].tag == .ol
            {
                open[listIndex].counter += 1
                sink.listMarker("\(open[listIndex].counter). ")
            } else {
                sink.listMarker("- ")
            }
        case .tr:
            sink.lineBreak()
            if let row = open.lastIndex(where: { tree.nodes[$0.index].tag == .table }) { open[row].cellsInRow = 0 }
        case .td, .th:
            if let table = open.lastIndex(where: { tree.nodes[$0.index].tag == .table }) {
                if open[table].cellsInRow > 0 { sink.separator(" | ") }
                open[table].cellsInRow += 1
            }
        case .pre:
            sink.endParagraph()
            sink.preformatted = true
        case .img:
            break
        default:
            if node.tag.isBlock {
                if inTable { sink.space() } else { sink.endParagraph() }
            }
        }
    }

    private func close(_ i: Int, into sink: inout TextSink) {
        let node = tree.nodes[i]
        switch node.tag {
        case .pre:
            sink.endParagraph()
            // Still preformatted when this `pre` sits inside another one.
            sink.preformatted = node.parent >= 0 && tree.nodes[Int(node.parent)].flags.contains(.inPre)
        case .td, .th:
            sink.space()
        case .li:
            sink.endListItem()
        case .table:
            sink.endParagraph()
        default:
            // Inline elements join words only where the page had space: nothing to do for them.
            if node.tag.isBlock {
                if node.flags.contains(.inTable) { sink.space() } else { sink.endParagraph() }
            }
        }
    }

    /// The text of one libxml2 node and its descendants, collapsed to one line.
    static func plainText(of node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { ingest_xml_free(content) }
        var sink = TextSink()
        sink.append(UnsafePointer(content))
        return sink.finish()
    }
}
