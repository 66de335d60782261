import Glibc

/// How text becomes model features: hashed word n-grams ("the hashing trick").
///
/// Hashing needs no vocabulary, so a model is one fixed-size table and a word never seen in training simply
/// lands in a bucket whose IDF is zero (ignored, as scikit-learn ignores out-of-vocabulary words).
struct FeatureSpace: Sendable, Equatable, Codable {
    /// log2 of the number of buckets.
    var bucketBits: Int
    /// 1 = words, 2 = words and pairs of adjacent words.
    var ngrams: Int

    var buckets: Int { 1 << bucketBits }

    // Separate seeds keep a bigram from landing in the bucket of the unigram with the same hash.
    private static let unigramSeed: UInt64 = 0x9e37_79b9_7f4a_7c15
    private static let bigramSeed: UInt64 = 0xc2b2_ae3d_27d4_eb4f

    /// Counts the features of `text` into `counter` (cleared first).
    ///
    /// Words of one byte ("a", "s" of "it's") are skipped, as scikit-learn's default token pattern does:
    /// they carry no topic.
    func count(_ text: UnsafeBufferPointer<UInt8>, into counter: FeatureCounter) {
        count(into: counter, expectedFeatures: text.count / 2 + 8) { word in
            Tokenizer.forEachWord(in: text) { hash, _, length in word(hash, length) }
        }
    }

    /// Counts the features of words already tokenised (``TokenBuffer``), exactly as ``count(_:into:)``
    /// would count the text they came from: the classify stage tokenises once for the rules and the model.
    func count(_ tokens: TokenBuffer, into counter: FeatureCounter) {
        let hashes = tokens.hashes
        let lengths = tokens.lengths
        let n = tokens.count
        count(into: counter, expectedFeatures: n * 2 + 8) { word in
            for i in 0..<n { word(hashes[i], Int(lengths[i])) }
        }
    }

    /// The counting shared by both entry points; `words` calls its argument with each word's hash and length.
    @inline(__always)
    private func count(
        into counter: FeatureCounter, expectedFeatures: Int,
        _ words: (_ word: (_ hash: UInt64, _ length: Int) -> Void) -> Void
    ) {
        counter.reset(expectedFeatures: expectedFeatures)
        // The hot loop works on local copies of the counter's pointers: no reference counting, no
        // exclusivity checks per word.
        let keys = counter.keys
        let counts = counter.counts
        let slots = counter.slots
        let tableMask = counter.mask
        var used = 0
        @inline(__always) func add(_ hash: UInt64) {
            let key = UInt32(truncatingIfNeeded: hash & UInt64(buckets - 1)) &+ 1
            var slot = Int(truncatingIfNeeded: hash >> 40) & tableMask
            while true {
                let k = keys[slot]
                if k == key {
                    counts[slot] &+= 1
                    return
                }
                if k == 0 {
                    keys[slot] = key
                    counts[slot] = 1
                    slots[used] = Int32(truncatingIfNeeded: slot)
                    used &+= 1
                    return
                }
                slot = (slot &+ 1) & tableMask
            }
        }
        let useBigrams = ngrams >= 2
        var previous: UInt64 = 0
        var havePrevious = false
        words { hash, length in
            guard length > 1 else { return }
            add(mix64(hash ^ Self.unigramSeed))
            if useBigrams {
                if havePrevious { add(mix64(((previous &* 0x1000_0000_01b3) ^ hash) ^ Self.bigramSeed)) }
                previous = hash
                havePrevious = true
            }
        }
        counter.used = used
    }
}

/// Counts how often each bucket occurs in one document: a small open-addressing table, reused between
/// documents so the hot path allocates nothing once warm.
///
/// `@unchecked Sendable`: it is mutable and not thread-safe, but only ever used by one task at a time (each
/// caller owns its counter, or takes it from a ``ScratchPool`` and gives it back).
final class FeatureCounter: @unchecked Sendable {
    /// bucket + 1 per slot; 0 marks an empty slot.
    private(set) var keys: UnsafeMutablePointer<UInt32>
    private(set) var counts: UnsafeMutablePointer<UInt32>
    /// The slots in use, in first-seen order, so iterating and clearing cost O(features), not O(capacity).
    private(set) var slots: UnsafeMutablePointer<Int32>
    fileprivate(set) var used = 0
    private(set) var mask: Int

    init() {
        mask = 63
        keys = .allocate(capacity: 64)
        keys.initialize(repeating: 0, count: 64)
        counts = .allocate(capacity: 64)
        slots = .allocate(capacity: 64)
    }

    deinit {
        keys.deallocate()
        counts.deallocate()
        slots.deallocate()
    }

    func reset(expectedFeatures: Int) {
        // A load factor of at most 1/2 keeps probe chains short.
        var capacity = 64
        while capacity < expectedFeatures * 2 { capacity <<= 1 }
        if capacity > mask + 1 {
            keys.deallocate()
            counts.deallocate()
            slots.deallocate()
            keys = .allocate(capacity: capacity)
            keys.initialize(repeating: 0, count: capacity)
            counts = .allocate(capacity: capacity)
            slots = .allocate(capacity: capacity)
            mask = capacity - 1
        } else {
            for i in 0..<used { keys[Int(slots[i])] = 0 }
        }
        used = 0
    }

    /// Calls `body(bucket, count)` for each distinct bucket, in first-seen order.
    @inline(__always)
    func forEach(_ body: (_ bucket: Int, _ count: UInt32) -> Void) {
        let keys = keys
        let counts = counts
        let slots = slots
        for i in 0..<used {
            let s = Int(slots[i])
            body(Int(keys[s] &- 1), counts[s])
        }
    }
}

/// A document as the trainers see it: its TF-IDF vector, L2-normalised, as parallel arrays.
struct SparseVector: Sendable {
    var indices: [Int32]
    var values: [Float]
}

/// Sublinear term frequency, `1 + ln(count)`, from a table for the usual small counts.
@inline(__always)
func sublinearTF(_ count: UInt32) -> Float {
    count < UInt32(sublinearTable.count) ? sublinearTable[Int(count)] : 1 + logf(Float(count))
}

private let sublinearTable: [Float] = (0..<64).map { $0 == 0 ? 0 : 1 + logf(Float($0)) }
