import IngestCore

/// MinHash signatures of shingle sets and their LSH bands.
///
/// Why MinHash rather than SimHash: syndicated copies are often *truncated* (to 60 % in the evaluation).
/// Truncation keeps every shingle of the shorter copy, so its containment in the longer one stays 1 while
/// a 64-bit SimHash moves about 14 bits, as far as unrelated articles on a bad day. MinHash estimates the
/// Jaccard similarity, from which containment follows with the two set sizes (see ``similarity``).
///
/// 63 hash functions, kept as 16-bit values ("b-bit MinHash": a chance agreement costs 1/65,536), in 21 bands
/// of 3 rows. Two texts with Jaccard similarity J share at least one band with probability
/// 1 − (1 − J³)²¹: 0.99 at J = 0.6, 0.94 at J = 0.5, and 2·10⁻⁵ at the J ≈ 0.01 of unrelated articles.
enum MinHash {
    static let hashes = 63
    static let rows = 3
    static var bands: Int { hashes / rows }

    /// Seeds of the hash functions: fixed, since signatures are stored and compared across restarts.
    static let seeds: [UInt64] = {
        var generator = SplitMix64(seed: 0x1D5_EA5E_D00D)
        return (0..<hashes).map { _ in generator.next() }
    }()

    /// The signature of a shingle set (empty for an empty set).
    static func signature(_ shingles: Set<UInt64>) -> [UInt16] {
        guard !shingles.isEmpty else { return [] }
        var minima = [UInt64](repeating: .max, count: hashes)
        seeds.withUnsafeBufferPointer { seeds in
            minima.withUnsafeMutableBufferPointer { minima in
                for shingle in shingles {
                    for i in 0..<hashes {
                        let h = mix(shingle ^ seeds[i])
                        if h < minima[i] { minima[i] = h }
                    }
                }
            }
        }
        return minima.map { UInt16(truncatingIfNeeded: $0 >> 48) }
    }

    /// One key per band: the band's number in the top bits, its three values below, so keys of different
    /// bands never meet.
    static func bandKeys(_ signature: [UInt16]) -> [Int64] {
        guard signature.count == hashes else { return [] }
        return (0..<bands).map { band in
            var key = UInt64(band) << 48
            for row in 0..<rows { key |= UInt64(signature[band * rows + row]) << (16 * UInt64(row)) }
            return Int64(bitPattern: key)
        }
    }

    /// The estimated Jaccard similarity of two signatures: the share of agreeing values, corrected for the
    /// agreements 16-bit values make by chance.
    static func jaccard(_ a: [UInt16], _ b: [UInt16]) -> Double {
        guard a.count == hashes, b.count == hashes else { return 0 }
        var equal = 0
        for i in 0..<hashes where a[i] == b[i] { equal += 1 }
        let chance = 1.0 / 65_536
        return max(0, (Double(equal) / Double(hashes) - chance) / (1 - chance))
    }

    /// How much of the smaller text the larger one contains, estimated from the Jaccard similarity J and the
    /// set sizes: |A ∩ B| = J·(|A| + |B|) / (1 + J). A copy truncated to 60 % has J = 0.6 but is contained
    /// whole (1.0); the similarity dedupe uses is the larger of J and this containment.
    ///
    /// Containment is only estimated when the smaller text is at least ``containmentRatio`` of the larger:
    /// for a short text against a long one J is tiny, and a couple of chance agreements would read as
    /// "contained".
    static func similarity(_ a: [UInt16], sizeA: Int, _ b: [UInt16], sizeB: Int) -> Double {
        let j = jaccard(a, b)
        let smaller = min(sizeA, sizeB)
        let larger = max(sizeA, sizeB)
        guard smaller > 0, Double(smaller) >= containmentRatio * Double(larger) else { return j }
        let intersection = j * Double(sizeA + sizeB) / (1 + j)
        return max(j, min(1, intersection / Double(smaller)))
    }

    static let containmentRatio = 0.4

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 { SplitMix64.mix(x) }
}
