import IngestHTML
/// The story out of a parsed page, or all visible text of a fragment.
///
/// For a page, Readability's loop: score with every heuristic on; if the story comes out shorter than
/// ``minimumLength`` characters, try again with fewer heuristics (first keeping "unlikely" and chrome
/// elements, then ignoring class names, then not cleaning inside the story), and keep the longest result.
struct MainContent {
    /// What was found, ready to be written as text or HTML.
    struct Extraction {
        var tree: PageTree
        var roots: [Int]
        var removed: [Bool]
        var length: Int

        var text: String { TextRenderer(tree: tree).render(roots: roots, removed: removed) }
        func html(links: LinkCleaner) -> String { HTMLWriter(tree: tree, links: links).render(roots: roots, removed: removed) }
    }

    static let minimumLength = 500

    static func page(_ document: HTMLDocument) -> Extraction {
        var best: Extraction?
        let attempts: [(PageTree.Options, ContentScorer.Options)] = [
            (PageTree.Options(), ContentScorer.Options()),
            (PageTree.Options(stripUnlikely: false, stripChrome: false), ContentScorer.Options()),
            (
                PageTree.Options(stripUnlikely: false, stripChrome: false),
                ContentScorer.Options(weightClasses: false, cleanConditionally: true)
            ),
            (
                PageTree.Options(stripUnlikely: false, stripChrome: false),
                ContentScorer.Options(weightClasses: false, cleanConditionally: false)
            ),
        ]
        var tree: PageTree?
        var treeOptions: PageTree.Options?
        for (pageOptions, scoreOptions) in attempts {
            if tree == nil || treeOptions?.stripUnlikely != pageOptions.stripUnlikely {
                tree = PageTree(document: document, options: pageOptions)
                treeOptions = pageOptions
            }
            let current = tree!
            let selection = ContentScorer(tree: current).select(scoreOptions)
            let length = TextRenderer(tree: current).length(roots: selection.roots, removed: selection.removed)
            let extraction = Extraction(tree: current, roots: selection.roots, removed: selection.removed, length: length)
            if length >= minimumLength { return extraction }
            if best == nil || length > best!.length { best = extraction }
        }
        return best!
    }

    /// Everything visible: a feed item's content, a snippet. Nothing is scored or left out but what is never
    /// text (scripts, styles, hidden elements).
    static func fragment(_ document: HTMLDocument) -> Extraction {
        let tree = PageTree(document: document, options: PageTree.Options(stripUnlikely: false, stripChrome: false))
        let roots = tree.nodes.isEmpty ? [] : [0]
        let removed = [Bool](repeating: false, count: tree.nodes.count)
        return Extraction(tree: tree, roots: roots, removed: removed, length: Int(tree.textLength.first ?? 0))
    }

    /// Whether the HTML is a whole page (doctype, `html`, `head` or `body`) rather than a fragment.
    static func isWholePage(_ html: String) -> Bool {
        var html = html
        return html.withUTF8 { bytes in
            let head = UnsafeBufferPointer(rebasing: bytes.prefix(2048))
            if contains(head, "<!doctype") || contains(head, "<html") || contains(head, "<head") { return true }
            return contains(bytes, "<body")
        }
    }

    /// ASCII case-insensitive search for a needle written in lowercase.
    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        let n = needle.utf8CodeUnitCount
        guard haystack.count >= n else { return false }
        let pattern = needle.utf8Start
        var i = 0
        while i <= haystack.count - n {
            // Only `<` opens a needle; the rest compares case-insensitively.
            if haystack[i] == 0x3C {
                var j = 1
                while j < n && (haystack[i + j] | 0x20) == pattern[j] { j += 1 }
                if j == n { return true }
            }
            i += 1
        }
        return false
    }
}
