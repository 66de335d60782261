import IngestHTML
/// Finds the main content of a page: Readability.js's scoring, on a ``PageTree``.
///
/// Paragraph-like elements score by length and commas; each score flows to the parent (whole), the
/// grandparent (half) and further ancestors (less), scaled down by link density. The best-scoring element,
/// the right ancestor of it and its related siblings are the story; inside them, tables, lists and divs that
/// look like widgets are removed (``ConditionalCleaner``).
struct ContentScorer {
    struct Options {
        var weightClasses = true
        var cleanConditionally = true
    }

    /// The story: subtrees to write out, in document order, and the nodes removed inside them.
    struct Selection {
        var roots: [Int]
        var removed: [Bool]
    }

    let tree: PageTree
    let counts: SubtreeCounts

    init(tree: PageTree) {
        self.tree = tree
        self.counts = SubtreeCounts(tree)
    }

    func select(_ options: Options) -> Selection {
        let nodes = tree.nodes
        let n = nodes.count
        guard n > 0 else { return Selection(roots: [], removed: []) }
        var score = [Double](repeating: 0, count: n)
        var scored = [Bool](repeating: false, count: n)
        var candidates: [Int] = []

        func initialize(_ i: Int) {
            scored[i] = true
            score[i] = Self.baseScore(nodes[i].tag) + (options.weightClasses ? Double(nodes[i].hints.weight) : 0)
            candidates.append(i)
        }

        for i in 0..<n where !nodes[i].isText {
            let (length, start) = paragraph(i)
            guard length >= 25, start >= 0 else { continue }
            let contentScore = 2 + Double(tree.commas[i]) + Double(min(length / 100, 3))
            var ancestor = start
            var level = 0
            while ancestor >= 0 && level < 5 {
                if isWrapper(ancestor) {
                    ancestor = Int(nodes[ancestor].parent)
                    continue
                }
                if !scored[ancestor] { initialize(ancestor) }
                let divider: Double = level == 0 ? 1 : level == 1 ? 2 : Double(level * 3)
                score[ancestor] += contentScore / divider
                ancestor = Int(nodes[ancestor].parent)
                level += 1
            }
        }
        for i in candidates { score[i] *= 1 - linkDensity(i) }

        let ranked = candidates.sorted { score[$0] > score[$1] }.prefix(5)
        guard var top = ranked.first, top != 0 else {
            return finish(roots: [0], options: options)
        }
        top = preferSharedAncestor(top, ranked: Array(ranked), score: score)
        if !scored[top] { score[top] = Self.baseScore(nodes[top].tag) }
        top = climb(from: top, score: score, scored: scored)
        return finish(roots: siblings(of: top, score: score, scored: scored), options: options)
    }

    /// The length and the node whose ancestors get the score, for an element that reads as a paragraph;
    /// `(0, -1)` otherwise.
    private func paragraph(_ i: Int) -> (Int, Int) {
        let node = tree.nodes[i]
        let length = Int(tree.textLength[i])
        switch node.tag {
        case .p, .pre, .td, .section, .h2, .h3, .h4, .h5, .h6:
            return (length, Int(node.parent))
        case .div:
            if counts.breakers[i] == 0 { return (length, Int(node.parent)) }
            // A div mixing text with blocks: Readability wraps the loose text in a paragraph inside the div,
            // so the div itself is that paragraph's parent.
            var blockText = 0
            for child in tree.children(of: i) where !tree.nodes[child].isText && tree.nodes[child].tag.isBlock {
                blockText += Int(tree.textLength[child])
            }
            return (length - blockText, i)
        default:
            return (0, -1)
        }
    }

    /// A `div` around exactly one `p` and nothing else: Readability replaces it by the `p`, so the
    /// paragraph's score goes to the div's parent.
    private func isWrapper(_ i: Int) -> Bool {
        guard tree.nodes[i].tag == .div, linkDensity(i) < 0.25 else { return false }
        var paragraph = -1
        for child in tree.children(of: i) {
            if tree.nodes[child].isText {
                if tree.textLength[child] > 0 { return false }
            } else if paragraph >= 0 || tree.nodes[child].tag != .p {
                return false
            } else {
                paragraph = child
            }
        }
        return paragraph >= 0
    }

    func linkDensity(_ i: Int) -> Double {
        let length = tree.textLength[i]
        return length > 0 ? Double(tree.linkLength[i]) / Double(length) : 0
    }

    static func baseScore(_ tag: Tag) -> Double {
        switch tag {
        case .div: return 5
        case .pre, .td, .blockquote: return 3
        case .address, .ol, .ul, .dl, .dd, .dt, .li, .form: return -3
        case .h1, .h2, .h3, .h4, .h5, .h6, .th: return -5
        default: return 0
        }
    }

    /// When three or more of the runners-up (within 75 % of the top score) share an ancestor with the top
    /// candidate, that ancestor holds the story better than any one of them.
    private func preferSharedAncestor(_ top: Int, ranked: [Int], score: [Double]) -> Int {
        let alternatives = ranked.dropFirst().filter { score[$0] / score[top] >= 0.75 }
        guard alternatives.count >= 3 else { return top }
        let ancestorSets = alternatives.map { Set(ancestors(of: $0)) }
        var parent = Int(tree.nodes[top].parent)
        while parent > 0 {
            if ancestorSets.filter({ $0.contains(parent) }).count >= 3 { return parent }
            parent = Int(tree.nodes[parent].parent)
        }
        return top
    }

    private func ancestors(of i: Int) -> [Int] {
        var result: [Int] = []
        var a = Int(tree.nodes[i].parent)
        while a >= 0 {
            result.append(a)
            a = Int(tree.nodes[a].parent)
        }
        return result
    }

    /// Readability's climb: a parent scoring higher than the path below it takes over; a parent with this
    /// one element child is the same content.
    private func climb(from start: Int, score: [Double], scored: [Bool]) -> Int {
        var top = start
        var lastScore = score[top]
        let threshold = lastScore / 3
        var parent = Int(tree.nodes[top].parent)
        while parent > 0 {
            if !scored[parent] {
                parent = Int(tree.nodes[parent].parent)
                continue
            }
            if score[parent] < threshold { break }
            if score[parent] > lastScore {
                top = parent
                break
            }
            lastScore = score[parent]
            parent = Int(tree.nodes[parent].parent)
        }
        parent = Int(tree.nodes[top].parent)
        while parent > 0 && elementChildCount(parent) == 1 {
            top = parent
            parent = Int(tree.nodes[top].parent)
        }
        return top
    }

    private func elementChildCount(_ i: Int) -> Int {
        var count = 0
        for child in tree.children(of: i) where !tree.nodes[child].isText {
            count += 1
            if count > 1 { break }
        }
        return count
    }

    /// The top candidate with those of its siblings that belong to the story: well scored, sharing its
    /// class, or paragraphs of prose.
    private func siblings(of top: Int, score: [Double], scored: [Bool]) -> [Int] {
        let parent = Int(tree.nodes[top].parent)
        guard parent >= 0 else { return [top] }
        let threshold = max(10, score[top] * 0.2)
        let topClass = HTMLDocument.attribute(tree.nodes[top].xml, "class") ?? ""
        var roots: [Int] = []
        for sibling in tree.children(of: parent) where !tree.nodes[sibling].isText {
            if sibling == top {
                roots.append(sibling)
                continue
            }
            var bonus = 0.0
            if !topClass.isEmpty, HTMLDocument.attribute(tree.nodes[sibling].xml, "class") == topClass {
                bonus = score[top] * 0.2
            }
            if scored[sibling] && score[sibling] + bonus >= threshold {
                roots.append(sibling)
            } else if tree.nodes[sibling].tag == .p {
                let density = linkDensity(sibling)
                let length = tree.textLength[sibling]
                if length > 80 && density < 0.25 {
                    roots.append(sibling)
                } else if length > 0 && length < 80 && density == 0 && endsSentence(sibling) {
                    roots.append(sibling)
                }
            }
        }
        return roots
    }

    private func endsSentence(_ i: Int) -> Bool {
        let text = TextRenderer.plainText(of: tree.nodes[i].xml)
        return text.contains(". ") || text.hasSuffix(".")
    }

    private func finish(roots: [Int], options: Options) -> Selection {
        var removed = [Bool](repeating: false, count: tree.nodes.count)
        ConditionalCleaner(tree: tree, counts: counts, options: options).clean(roots: roots, removed: &removed)
        return Selection(roots: roots, removed: removed)
    }
}
