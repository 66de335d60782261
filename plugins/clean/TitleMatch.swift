import CLibXML2

/// Readability's `_textSimilarity`, for headings that repeat the page title.
enum TitleMatch {
    /// Whether most of the heading's words (by length) are words of the title.
    static func duplicates(heading node: xmlNodePtr, title: String) -> Bool {
        duplicates(heading: node, titleWords: Set(words(title)))
    }

    /// The same with the title's words found once (``titleWords(_:)``): a page has many headings, one title.
    static func duplicates(heading node: xmlNodePtr, titleWords: Set<Substring>) -> Bool {
        let heading = TextRenderer.plainText(of: node)
        guard !heading.isEmpty else { return false }
        return similarity(titleWords, heading) > 0.75
    }

    /// 1 − (the length of `b`'s words not in `a`) / (the length of all of `b`'s words), words lowercased.
    static func similarity(_ a: String, _ b: String) -> Double {
        similarity(Set(words(a)), b)
    }

    private static func similarity(_ wordsA: Set<Substring>, _ b: String) -> Double {
        let wordsB = words(b)
        guard !wordsB.isEmpty else { return 0 }
        let all = wordsB.reduce(0) { $0 + $1.count } + wordsB.count - 1
        let unique = wordsB.filter { !wordsA.contains($0) }
        let uniqueLength = unique.isEmpty ? 0 : unique.reduce(0) { $0 + $1.count } + unique.count - 1
        return 1 - Double(uniqueLength) / Double(all)
    }

    /// The title's words, for ``duplicates(heading:titleWords:)``.
    static func titleWords(_ title: String) -> Set<Substring> { Set(words(title)) }

    /// Runs of letters, numbers and `_`, lowercased.
    static func words(_ s: String) -> [Substring] {
        let lower = s.lowercased()
        // Lowercased ASCII: the letters are a–z and the numbers 0–9, no need to ask the Unicode properties.
        // (`"\r\n"` is one Character, with the ASCII value of `\n`: a separator either way.)
        if lower.utf8.allSatisfy({ $0 < 0x80 }) {
            return lower.split { c in
                let b = c.asciiValue!
                return !((0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == 0x5F)
            }
        }
        return lower.split { !($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
