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

    /// The signature of a shingle set, given as distinct values (empty for an empty set): for each seed, the
    /// top 16 bits of the least `mix(shingle ^ seed)`.
    ///
    /// `mix` (SplitMix64's finaliser) is computed in part, with the same result:
    /// - its first step, `x ^ (x >> 30)`, is linear over xor, so for `x = shingle ^ seed` it is
    ///   `(shingle ^ shingle >> 30) ^ (seed ^ seed >> 30)`: one half per shingle, the other per seed
    ///   (``spreadSeeds``);
    /// - its last step, `z ^ (z >> 31)`, leaves the top 31 bits of `z` as they are, so the least result and
    ///   the least `z` share their top 16 bits, the only ones kept: the step is left out.
    /// ``MinHash/mix(_:)`` stays the definition; the tests compare the two.
    static func signature(_ shingles: [UInt64]) -> [UInt16] {
        guard !shingles.isEmpty else { return [] }
        var minima = [UInt64](repeating: .max, count: hashes)
        spreadSeeds.withUnsafeBufferPointer { seeds in
            minima.withUnsafeMutableBufferPointer { minima in
                for shingle in shingles {
                    let spread = shingle ^ (shingle >> 30)
                    for i in 0..<hashes {
                        var z = (spread ^ seeds[i]) &* 0xBF58_476D_1CE4_E5B9
                        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                        // A branch rather than `min`: the minimum rarely changes, so the store is rarely made.
                        if z < minima[i] { minima[i] = z }
                    }
                }
            }
        }
        return minima.map { UInt16(truncatingIfNeeded: $0 >> 48) }
    }

    /// `seed ^ (seed >> 30)` for each seed: the seeds' half of `mix`'s first step (see ``signature(_:)``).
    static let spreadSeeds: [UInt64] = seeds.map { $0 ^ ($0 >> 30) }

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

    /// See ``ArticleFingerprint/jaccard(_:_:)``; signatures of another length than ``hashes`` score 0.
    static func jaccard(_ a: [UInt16], _ b: [UInt16]) -> Double {
        guard a.count == hashes else { return 0 }
        return ArticleFingerprint.jaccard(a, b)
    }

    /// See ``ArticleFingerprint/similarity(_:sizeA:_:sizeB:)``.
    static func similarity(_ a: [UInt16], sizeA: Int, _ b: [UInt16], sizeB: Int) -> Double {
        guard a.count == hashes else { return 0 }
        return ArticleFingerprint.similarity(a, sizeA: sizeA, b, sizeB: sizeB)
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 { SplitMix64.mix(x) }
}
