/// Removes what sits inside the story but is not part of it: Readability's `_cleanConditionally`,
/// `_cleanHeaders` and share-widget removal.
///
/// Only marks nodes in `removed`; the selected roots themselves are never removed (an empty result is the
/// scorer's call, not the cleaner's).
struct ConditionalCleaner {
    let tree: PageTree
    let counts: SubtreeCounts
    let options: ContentScorer.Options

    func clean(roots: [Int], removed: inout [Bool]) {
        for root in roots {
            var i = root + 1
            let end = Int(tree.nodes[root].end)
            while i < end {
                let node = tree.nodes[i]
                if !node.isText && shouldRemove(i) {
                    removed[i] = true
                    i = Int(node.end)
                } else {
                    i += 1
                }
            }
        }
    }

    private func shouldRemove(_ i: Int) -> Bool {
        let node = tree.nodes[i]
        let weight = options.weightClasses ? Int(node.hints.weight) : 0
        if node.hints.share && tree.textLength[i] < 500 { return true }
        switch node.tag {
        case .h1, .h2:
            return options.weightClasses && weight < 0
        case .form, .fieldset, .table, .ul, .ol, .div:
            guard options.cleanConditionally else { return false }
            if node.tag == .table && counts.isDataTable(i) { return false }
            if counts.inDataTable[i] || node.flags.contains(.inCode) { return false }
            return looksLikeWidget(i, weight: weight)
        default:
            return false
        }
    }

    private func looksLikeWidget(_ i: Int, weight: Int) -> Bool {
        if weight < 0 { return true }
        guard tree.commas[i] < 10 else { return false }
        let node = tree.nodes[i]
        let isList = node.tag == .ul || node.tag == .ol
        let paragraphs = Double(counts.paragraphs[i])
        let images = Double(counts.images[i])
        let listItems = Double(counts.listItems[i]) - 100
        let length = Double(tree.textLength[i])
        let headingDensity = length > 0 ? Double(counts.headingText[i]) / length : 0
        let linkDensity = length > 0 ? Double(tree.linkLength[i]) / length : 0
        let inFigure = node.flags.contains(.inFigure)
        if images > 1 && paragraphs / images < 0.5 && !inFigure { return true }
        if !isList && listItems > paragraphs { return true }
        if !isList && headingDensity < 0.9 && length < 25 && (images == 0 || images > 2) && !inFigure { return true }
        if !isList && weight < 25 && linkDensity > 0.2 { return true }
        if weight >= 25 && linkDensity > 0.5 { return true }
        return false
    }
}
