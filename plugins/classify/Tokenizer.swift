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

    /// Calls `body(hash, start, length)` for every word of `text`, in order; `start` and `length` are byte
    /// offsets into `text`.
    @inline(__always)
    static func forEachWord(
        in text: UnsafeBufferPointer<UInt8>, _ body: (_ hash: UInt64, _ start: Int, _ length: Int) -> Void
    ) {
        let count = text.count
        var i = 0
        while i < count {
            // Skip separators.
            while i < count && !isWordByte(text[i]) { i += 1 }
            if i >= count { break }
            let start = i
            var h = fnvOffset
            while i < count {
                let byte = text[i]
                if !isWordByte(byte) { break }
                // E2 80 xx and E2 81 xx are U+2000…U+207F: dashes, quotes, ellipsis. They end a word.
                if byte == 0xE2 && i + 1 < count && (text[i + 1] == 0x80 || text[i + 1] == 0x81) { break }
                h = (h ^ UInt64(lowercased(byte))) &* fnvPrime
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
