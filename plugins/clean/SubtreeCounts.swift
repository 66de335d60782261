/// Per element, how many of certain descendants it holds: what Readability gets from
/// `getElementsByTagName(…).length`, computed for every element in one backward pass.
struct SubtreeCounts {
    var paragraphs: [Int32]
    var images: [Int32]
    var listItems: [Int32]
    /// Descendants that stop a `div` from reading as one paragraph (``Tag/isParagraphBreaker``).
    var breakers: [Int32]
    var tables: [Int32]
    var rows: [Int32]
    var cells: [Int32]
    /// `th`, `thead` and `caption` descendants: marks of a data table.
    var tableHeads: [Int32]
    /// Text inside headings.
    var headingText: [Int32]
    /// Inside a table that holds data (kept whole) rather than layout.
    var inDataTable: [Bool]

    init(_ tree: PageTree) {
        let n = tree.nodes.count
        let zero = [Int32](repeating: 0, count: n)
        paragraphs = zero
        images = zero
        listItems = zero
        breakers = zero
        tables = zero
        rows = zero
        cells = zero
        tableHeads = zero
        headingText = zero
        inDataTable = [Bool](repeating: false, count: n)
        var i = n - 1
        while i > 0 {
            let node = tree.nodes[i]
            let p = Int(node.parent)
            if p >= 0 && !node.isText {
                let tag = node.tag
                paragraphs[p] &+= paragraphs[i] &+ (tag == .p ? 1 : 0)
                images[p] &+= images[i] &+ (tag == .img ? 1 : 0)
                listItems[p] &+= listItems[i] &+ (tag == .li ? 1 : 0)
                breakers[p] &+= breakers[i] &+ (tag.isParagraphBreaker ? 1 : 0)
                tables[p] &+= tables[i] &+ (tag == .table ? 1 : 0)
                rows[p] &+= rows[i] &+ (tag == .tr ? 1 : 0)
                cells[p] &+= cells[i] &+ (tag == .td || tag == .th ? 1 : 0)
                tableHeads[p] &+= tableHeads[i] &+ (tag == .th || tag == .thead || tag == .caption ? 1 : 0)
                headingText[p] &+= tag.isHeading ? tree.textLength[i] : headingText[i]
            }
            i -= 1
        }
        // Forward: a data table's mark flows down to everything inside it.
        for i in 0..<n {
            let p = Int(tree.nodes[i].parent)
            guard p >= 0 else { continue }
            inDataTable[i] = inDataTable[p] || (tree.nodes[p].tag == .table && isDataTable(p))
        }
    }

    /// Readability's `_markDataTables`, roughly: a header, a caption or many cells make a data table; a
    /// table holding tables is layout.
    func isDataTable(_ i: Int) -> Bool {
        if tables[i] > 0 { return false }
        if tableHeads[i] > 0 { return true }
        return rows[i] >= 10 || cells[i] > 10
    }
}
