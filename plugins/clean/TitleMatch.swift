import CLibXML2

/// Readability's `_textSimilarity`, for headings that repeat the page title.
enum TitleMatch {
    /// Whether most of the heading's words (by length) are words of the title.
    static func duplicates(heading node: xmlNodePtr, title: String) -> Bool {
        let heading = TextRenderer.plainText(of: node)
        guard !heading.isEmpty else { return false }
        return similarity(title, heading) > 0.75
    }

    /// 1 − (the length of `b`'s words not in `a`) / (the length of all of `b`'s words), words lowercased.
    static func similarity(_ a: String, _ b: String) -> Double {
        let wordsA = Set(words(a))
        let wordsB = words(b)
        guard !wordsB.isEmpty else { return 0 }
        let all = wordsB.reduce(0) { $0 + $1.count } + wordsB.count - 1
        let unique = wordsB.filter { !wordsA.contains($0) }
        let uniqueLength = unique.isEmpty ? 0 : unique.reduce(0) { $0 + $1.count } + unique.count - 1
        return 1 - Double(uniqueLength) / Double(all)
    }

    private static func words(_ s: String) -> [Substring] {
        s.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
