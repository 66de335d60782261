/// The words of a text and their overlapping three-word shingles, the units near-duplicate detection
/// compares. Words are runs of letters and digits, lowercased, so punctuation, case and spacing changes
/// (what syndication does to a story) do not change them (see ``Words`` for the exact definition).
struct Shingles {
    /// The text's words, lowercased, in order.
    let words: Words
    /// The distinct shingle hashes (a set: their order means nothing).
    let hashes: [UInt64]

    static let width = 3

    init(_ text: String) {
        words = Words(text)
        hashes = Self.hashes(of: words)
    }

    /// The words joined by single spaces: the text with everything but its words normalised away.
    var normalized: String { String(decoding: words.utf8, as: UTF8.self) }

    /// FNV-1a of each run of three words, each word followed by a space. In the normalised text a shingle's
    /// words are already separated by single spaces, so its hash is that of one contiguous slice and a space.
    private static func hashes(of words: Words) -> [UInt64] {
        guard words.count >= width else { return [] }
        var hashes: [UInt64] = []
        hashes.reserveCapacity(words.count - width + 1)
        words.utf8.withUnsafeBufferPointer { bytes in
            for last in (width - 1)..<words.count {
                var h = offset
                for byte in bytes[words.starts[last - width + 1]..<words.range(of: last).upperBound] {
                    h = (h ^ UInt64(byte)) &* prime
                }
                hashes.append((h ^ 0x20) &* prime)
            }
        }
        return distinct(hashes)
    }

    /// The distinct values of `values`, in the order they first appear. This does what a `Set<UInt64>` did
    /// here, whose inserts (SipHash of each value) cost more than hashing the shingles: the values are FNV
    /// hashes, so a multiplicative hash of them spreads them well enough over an open-addressing table.
    static func distinct(_ values: [UInt64]) -> [UInt64] {
        guard values.count > 1 else { return values }
        var bits = 1
        while 1 << bits < 2 * values.count { bits += 1 }
        let mask = (1 << bits) - 1
        var result: [UInt64] = []
        result.reserveCapacity(values.count)
        var seenZero = false  // 0 marks an empty slot, so the value 0 is remembered apart
        var slots = [UInt64](repeating: 0, count: 1 << bits)
        slots.withUnsafeMutableBufferPointer { slots in
            for value in values {
                guard value != 0 else {
                    if !seenZero { result.append(0) }
                    seenZero = true
                    continue
                }
                var i = Int(truncatingIfNeeded: (value &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
                while slots[i] != value {
                    if slots[i] == 0 {
                        slots[i] = value
                        result.append(value)
                        break
                    }
                    i = (i + 1) & mask
                }
            }
        }
        return result
    }

    // FNV-1a, 64-bit: fast and good enough to spread shingles before MinHash mixes them again.
    private static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01B3
}
