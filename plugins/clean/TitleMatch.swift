import CLibXML2

/// Readability's `_textSimilarity`, for headings that repeat the page title.
enum TitleMatch {
    /// Whether most of the heading's words (by length) are words of the title.
    static func duplicates(heading node: xmlNodePtr, title: String) -> Bool {
        duplicates(heading: node, titleWords: Words(title))
    }

    /// The same with the title's words found once (a page has many headings, one title) as ``Words``, which
    /// compares ASCII headings with an ASCII title as bytes: building Sets of Substrings and hashing them was
    /// most of the cost.
    static func duplicates(heading node: xmlNodePtr, titleWords: Words) -> Bool {
        let heading = TextRenderer.plainText(of: node)
        guard !heading.isEmpty else { return false }
        return titleWords.similarity(to: heading) > 0.75
    }

    /// A title's words: as lowercased ASCII bytes when the title is ASCII, and as a Set of Substrings, made
    /// once, the first time a heading (or the title) is not ASCII.
    final class Words {
        private let title: String
        /// The ASCII title's words, each `start..<end` of ``ascii``.
        private var ascii: [UInt8] = []
        private var ranges: [Range<Int>] = []
        private let isASCII: Bool
        private lazy var set = Set(words(title))

        init(_ title: String) {
            self.title = title
            isASCII = title.utf8.allSatisfy { $0 < 0x80 }
            if isASCII {
                ascii = Array(title.utf8)
                ranges = Words.asciiWords(&ascii)
            }
        }

        /// ``TitleMatch/similarity(_:_:)`` of the title and `b`.
        func similarity(to b: String) -> Double {
            guard isASCII, b.utf8.allSatisfy({ $0 < 0x80 }) else {
                return TitleMatch.similarity(set, b)
            }
            var bytes = Array(b.utf8)
            let wordsB = Words.asciiWords(&bytes)
            guard !wordsB.isEmpty else { return 0 }
            // ASCII: a word's Characters are its bytes (`\r\n`, one Character, is a separator).
            var all = wordsB.count - 1
            var unique = 0
            var uniqueLength = 0
            for word in wordsB {
                all += word.count
                let inTitle = ranges.contains { range in
                    range.count == word.count && ascii[range].elementsEqual(bytes[word])
                }
                if !inTitle {
                    unique += 1
                    uniqueLength += word.count
                }
            }
            if unique > 0 { uniqueLength += unique - 1 }
            return 1 - Double(uniqueLength) / Double(all)
        }

        /// Lowercases ASCII `bytes` in place and returns its words: runs of a–z, 0–9 and `_`, as ``words(_:)``
        /// splits them.
        private static func asciiWords(_ bytes: inout [UInt8]) -> [Range<Int>] {
            var ranges: [Range<Int>] = []
            var start = -1
            for i in bytes.indices {
                var b = bytes[i]
                if b &- 0x41 < 26 {
                    b |= 0x20
                    bytes[i] = b
                }
                let inWord = b &- 0x61 < 26 || b &- 0x30 < 10 || b == 0x5F
                if inWord {
                    if start < 0 { start = i }
                } else if start >= 0 {
                    ranges.append(start..<i)
                    start = -1
                }
            }
            if start >= 0 { ranges.append(start..<bytes.count) }
            return ranges
        }
    }

    /// 1 − (the length of `b`'s words not in `a`) / (the length of all of `b`'s words), words lowercased.
    static func similarity(_ a: String, _ b: String) -> Double {
        similarity(Set(words(a)), b)
    }

    fileprivate static func similarity(_ wordsA: Set<Substring>, _ b: String) -> Double {
        let wordsB = words(b)
        guard !wordsB.isEmpty else { return 0 }
        let all = wordsB.reduce(0) { $0 + $1.count } + wordsB.count - 1
        let unique = wordsB.filter { !wordsA.contains($0) }
        let uniqueLength = unique.isEmpty ? 0 : unique.reduce(0) { $0 + $1.count } + unique.count - 1
        return 1 - Double(uniqueLength) / Double(all)
    }

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
