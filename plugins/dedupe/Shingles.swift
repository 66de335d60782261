/// The words of a text and their overlapping three-word shingles, the units near-duplicate detection
/// compares. Words are runs of letters and digits, lowercased, so punctuation, case and spacing changes
/// (what syndication does to a story) do not change them.
struct Shingles {
    /// The text's words, lowercased, in order.
    let words: [Substring]
    /// The distinct shingle hashes.
    let hashes: Set<UInt64>

    static let width = 3

    init(_ text: String) {
        let lowered = text.lowercased()
        var words: [Substring] = []
        var start: String.Index?
        var i = lowered.startIndex
        while i < lowered.endIndex {
            let c = lowered[i]
            if c.isLetter || c.isNumber {
                if start == nil { start = i }
            } else if let s = start {
                words.append(lowered[s..<i])
                start = nil
            }
            i = lowered.index(after: i)
        }
        if let s = start { words.append(lowered[s...]) }
        self.words = words
        var hashes = Set<UInt64>()
        if words.count >= Self.width {
            hashes.reserveCapacity(words.count)
            for end in (Self.width - 1)..<words.count {
                var h = Self.offset
                for word in words[(end - Self.width + 1)...end] {
                    for byte in word.utf8 { h = (h ^ UInt64(byte)) &* Self.prime }
                    h = (h ^ 0x20) &* Self.prime  // the space between words
                }
                hashes.insert(h)
            }
        }
        self.hashes = hashes
    }

    /// The words joined by single spaces: the text with everything but its words normalised away.
    var normalized: String { words.joined(separator: " ") }

    // FNV-1a, 64-bit: fast and good enough to spread shingles before MinHash mixes them again.
    private static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01B3
}
