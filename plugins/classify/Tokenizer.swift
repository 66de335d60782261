/// Splits UTF-8 text into lowercase words and hashes each one, without building any `String`.
///
/// Both the rules and the model see text through this one tokenizer, so a rule term and a model feature
/// agree on what a word is:
/// - a word is a run of ASCII letters and digits and of non-ASCII bytes (accented letters, Cyrillic…);
/// - everything else separates words, and so do the Unicode punctuation marks U+2000…U+206F (dashes,
///   curly quotes) that newsrooms put between words;
/// - ASCII letters are lowercased; other letters are kept as they are (no Unicode case tables on the hot path).
///
/// The hash is 64-bit FNV-1a over the lowercased bytes, which can be extended byte by byte: that is what lets
/// the rules match prefix terms (`terror*`) without slicing the word.
enum Tokenizer {
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// The hash of a word (or a prefix) as ``forEachWord(in:_:)`` computes it.
    static func hash(_ word: some StringProtocol) -> UInt64 {
        var h = fnvOffset
        for byte in word.utf8 {
            h = (h ^ UInt64(lowercased(byte))) &* fnvPrime
        }
        return h
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 65 < 26 ? byte | 0x20 : byte
    }

    /// Whether `byte` can be part of a word: ASCII letters and digits, and bytes of multi-byte characters.
    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- 97 < 26 || byte &- 48 < 10 || byte >= 0x80
    }

    /// Per byte value: the byte lowercased when it can be part of a word (never 0, as 0 is no word byte),
    /// else 0. Built once from ``isWordByte(_:)`` and ``lowercased(_:)``, so it says the same; never freed.
    /// `nonisolated(unsafe)`: written once by the lazy initialiser, only read afterwards.
    nonisolated(unsafe) static let wordBytes: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for b in 0..<256 {
            let byte = UInt8(b)
            table[b] = isWordByte(byte) ? lowercased(byte) : 0
        }
        return UnsafePointer(table)
    }()

    /// Calls `body(hash, start, length)` for every word of `text`, in order; `start` and `length` are byte
    /// offsets into `text`.
    @inline(__always)
    static func forEachWord(
        in text: UnsafeBufferPointer<UInt8>, _ body: (_ hash: UInt64, _ start: Int, _ length: Int) -> Void
    ) {
        let count = text.count
        // One table load per byte instead of the three range tests of `isWordByte` and the one of
        // `lowercased`: fewer branches in the loop that runs over every byte of every article.
        let table = wordBytes
        var i = 0
        while i < count {
            // Skip separators.
            while i < count && table[Int(text[i])] == 0 { i += 1 }
            if i >= count { break }
            let start = i
            var h = fnvOffset
            while i < count {
                let byte = table[Int(text[i])]
                if byte == 0 { break }
                // E2 80 xx and E2 81 xx are U+2000…U+207F: dashes, quotes, ellipsis. They end a word.
                if byte == 0xE2 && i + 1 < count && (text[i + 1] == 0x80 || text[i + 1] == 0x81) { break }
                h = (h ^ UInt64(byte)) &* fnvPrime
                i += 1
            }
            if i > start { body(h, start, i - start) }
            // Step over the punctuation mark that ended the word (all three bytes of an E2 8x xx mark).
            if i < count && text[i] == 0xE2 { i += 3 }
        }
    }
}

/// A 64-bit finaliser (MurmurHash3 `fmix64`): spreads FNV's low-entropy low bits before bucketing.
@inline(__always)
func mix64(_ value: UInt64) -> UInt64 {
    var k = value
    k ^= k >> 33
    k &*= 0xff51_afd7_ed55_8ccd
    k ^= k >> 33
    k &*= 0xc4ce_b9fe_1a85_ec53
    k ^= k >> 33
    return k
}

/// The words of one article, tokenised once and then read by both the rules and the model.
///
/// Before this buffer each side tokenised the article itself, which cost as much as the model's sums. It
/// holds, per word, the hash and the byte range, in parallel raw arrays reused from article to article, so
/// classifying allocates nothing per word once warm.
///
/// `@unchecked Sendable`: mutable and not thread-safe, but only ever used by one call at a time (taken from
/// and given back to a ``ClassifyScratch`` pool).
final class TokenBuffer: @unchecked Sendable {
    private(set) var hashes: UnsafeMutablePointer<UInt64>
    private(set) var starts: UnsafeMutablePointer<Int32>
    private(set) var lengths: UnsafeMutablePointer<Int32>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = capacity
        hashes = .allocate(capacity: capacity)
        starts = .allocate(capacity: capacity)
        lengths = .allocate(capacity: capacity)
    }

    deinit {
        hashes.deallocate()
        starts.deallocate()
        lengths.deallocate()
    }

    func removeAll() { count = 0 }

    /// Appends the words of `text`; `start`s are offsets into `text`, so a caller that needs the bytes of a
    /// word (prefix rules) must use the range it appended with the same buffer.
    ///
    /// - Returns: the index of the first word appended.
    @discardableResult
    func append(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        let first = count
        // A word takes at least two bytes (itself and a separator), except the last: this bound lets the loop
        // below store without checking capacity.
        reserve(count + text.count / 2 + 1)
        // Local copies of the pointers: no class property access per word.
        let hashes = hashes
        let starts = starts
        let lengths = lengths
        var n = count
        Tokenizer.forEachWord(in: text) { hash, start, length in
            hashes[n] = hash
            starts[n] = Int32(truncatingIfNeeded: start)
            lengths[n] = Int32(truncatingIfNeeded: length)
            n &+= 1
        }
        count = n
        return first
    }

    private func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        var capacity = capacity
        while capacity < needed { capacity <<= 1 }
        let newHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        let newStarts = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        let newLengths = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        newHashes.update(from: hashes, count: count)
        newStarts.update(from: starts, count: count)
        newLengths.update(from: lengths, count: count)
        hashes.deallocate()
        starts.deallocate()
        lengths.deallocate()
        hashes = newHashes
        starts = newStarts
        lengths = newLengths
        self.capacity = capacity
    }
}
