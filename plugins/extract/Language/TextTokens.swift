/// A word of a text, as the keyword extractor sees it.
struct WordToken {
    /// Bytes `start..<end` of ``TextTokens/bytes``.
    var start: Int32
    var end: Int32
    /// Sentence number, from 0 (the title, when there is one, is sentence 0).
    var sentence: Int32
    /// Words with the same segment have only spaces between them: a key phrase never crosses
    /// punctuation, a number or a sentence end.
    var segment: Int32
    /// The first word of its sentence: a capital there says nothing about the word.
    var sentenceInitial: Bool
    /// Holds a digit: never part of a key phrase.
    var isNumber: Bool
    var firstUpper: Bool
    /// Two or more letters, all capitals (an acronym: "BBC", "FSB").
    var allUpper: Bool
    /// Only ASCII bytes: lowercased without the Unicode tables.
    var isASCII: Bool
    /// ``WordHash`` of the word's bytes (never 0).
    var hash: UInt64
}

/// The 64-bit hash of a word's bytes that keys the extractor's memories of spellings (this text's, and the
/// ``WordKit``'s of every text). It takes the bytes 8 at a time: a byte-at-a-time hash (FNV-1a) was one
/// multiply per byte in a chain, the slowest part of reading a word.
///
/// Each 8-byte chunk (little-endian, the last one padded with zeros) is mixed in by steps that are each
/// one-to-one, so two words of up to 8 bytes and the same length never collide (most words); longer
/// ones collide with a chance of about 2⁻⁶⁴. Never 0 (0 marks an empty slot in ``IntTable``).
enum WordHash {
    @inline(__always)
    static func of(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> UInt64 {
        var h = UInt64(truncatingIfNeeded: end - start) &* 0x9E37_79B9_7F4A_7C15
        guard let base = bytes.baseAddress, start < end else { return finish(h) }
        let raw = UnsafeRawPointer(base)
        var i = start
        while end - i >= 8 {
            h = mix(h, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        if i < end {
            let tail: UInt64
            if bytes.count - i >= 8 {
                // One load that stays inside the buffer, cut to the word's bytes.
                let all = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                tail = all & (~UInt64(0) >> UInt64(64 - 8 * (end - i)))
            } else {
                tail = chunk(bytes, from: i, to: end)
            }
            h = mix(h, tail)
        }
        return finish(h)
    }

    /// Bytes `start..<end` (at most 8) as a little-endian number.
    @inline(__always)
    static func chunk(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> UInt64 {
        var value: UInt64 = 0
        for k in start..<end { value |= UInt64(bytes[k]) << UInt64(8 * (k - start)) }
        return value
    }

    /// One-to-one in `h` for a given chunk, and in the chunk for a given `h`.
    @inline(__always)
    static func mix(_ h: UInt64, _ chunk: UInt64) -> UInt64 {
        let x = (h ^ chunk) &* 0xBF58_476D_1CE4_E5B9
        return x ^ (x >> 31)
    }

    /// Spreads every bit over the whole word (MurmurHash3's 64-bit finaliser, one-to-one).
    @inline(__always)
    static func finish(_ h: UInt64) -> UInt64 {
        var x = h
        x ^= x >> 33
        x = x &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x = x &* 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x == 0 ? 1 : x
    }
}

/// The leading run of ASCII letters and digits in eight bytes (the first byte lowest), found with a few
/// operations on the whole word instead of a test and a branch per byte. The masks hold the high bit of
/// each byte of the run that is a digit, a letter, a capital.
struct ASCIIRun {
    /// Bytes in the run, 0...8.
    var length: Int
    var digits: UInt64
    var letters: UInt64
    var uppers: UInt64
    /// The run's last byte is a digit.
    var lastIsDigit: Bool

    private static let high: UInt64 = 0x8080_8080_8080_8080
    private static let ones: UInt64 = 0x0101_0101_0101_0101

    /// The high bit of each byte whose low seven bits are at least `n` (≤ 0x80): `(b | 0x80) - n` never
    /// borrows from the next byte, and keeps its high bit exactly when `b & 0x7F >= n`.
    @inline(__always)
    private static func atLeast(_ x: UInt64, _ n: UInt64) -> UInt64 {
        ((x | high) &- n &* ones) & high
    }

    @inline(__always)
    init(_ x: UInt64) {
        let ascii = ~x & Self.high
        let digit = Self.atLeast(x, 0x30) & ~Self.atLeast(x, 0x3A) & ascii
        let upper = Self.atLeast(x, 0x41) & ~Self.atLeast(x, 0x5B) & ascii
        let folded = x | 0x2020_2020_2020_2020  // lowercase, for letters
        let letter = Self.atLeast(folded, 0x61) & ~Self.atLeast(folded, 0x7B) & ascii
        let other = ~(digit | letter) & Self.high
        length = other == 0 ? 8 : other.trailingZeroBitCount / 8
        let run: UInt64 = length == 8 ? ~0 : (1 << UInt64(8 * length)) &- 1
        digits = digit & run
        letters = letter & run
        uppers = upper & run
        lastIsDigit = length > 0 && (digit >> UInt64(8 * length - 1)) & 1 != 0
    }
}

/// A text split into words, sentences and phrase segments.
///
/// - A word is a run of letters, marks and digits; a hyphen between letters ("Jean-Pierre") and a point or
///   comma between digits ("1,400", "3.5") stay inside it. Apostrophes split ("Hewitt's" → "Hewitt", "s").
/// - A sentence ends at `.`, `!`, `?`, `…` or a line break, except a point after one letter or a short
///   capitalised abbreviation ("U.S.", "Mr.", "Dr."), or before a lowercase word ("e.g. the").
/// - Any other character that is not a space starts a new phrase segment.
///
/// Works on the UTF-8 bytes, with ASCII decided by byte tests and only other characters looked up in the
/// Unicode tables: this runs over every byte of every article. Chinese or Japanese text (no spaces) comes
/// out as long "words", which the extractor skips.
struct TextTokens {
    private(set) var bytes: [UInt8] = []
    private(set) var tokens: [WordToken] = []
    private(set) var sentenceCount = 0

    /// Reads the title and the first `maxBytes` bytes of the text (cut back to a character boundary).
    init(title: String?, text: String, maxBytes: Int = .max) {
        let take = min(text.utf8.count, max(maxBytes, 0))
        if let title, !title.isEmpty {
            bytes.reserveCapacity(title.utf8.count + take + 1)
            bytes.append(contentsOf: title.utf8)
            bytes.append(0x0A)  // the title is a sentence of its own
        }
        let start = bytes.count
        // One memcpy from the String's own storage (appending `utf8.prefix(take)` went byte by byte).
        var source = text
        source.withUTF8 { utf8 in bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8.prefix(take))) }
        if take < text.utf8.count {
            // Drop a character the cut split: trailing continuation bytes and the byte that leads them.
            var end = bytes.count
            while end > start && bytes[end - 1] & 0xC0 == 0x80 { end -= 1 }
            if end > start && bytes[end - 1] >= 0xC0 { end -= 1 }
            bytes.removeSubrange(end...)
        }
        // The whole scan reads one buffer pointer: through the array, every byte read checked bounds (and,
        // in a mutating method, reloaded the array), which cost a quarter of the extractor's time.
        let scanned = bytes.withUnsafeBufferPointer { p -> Scanner in
            var scanner = Scanner(bytes: p)
            scanner.scan()
            return scanner
        }
        tokens = scanned.tokens
        sentenceCount = Int(scanned.sentence) + (scanned.sentenceHasWords ? 1 : 0)
    }

    /// The word's text as written.
    func text(of token: WordToken) -> String {
        String(decoding: bytes[Int(token.start)..<Int(token.end)], as: UTF8.self)
    }

    @inline(__always)
    static func isASCIIWord(_ b: UInt8) -> Bool {
        (b | 0x20) &- 97 < 26 || b &- 48 < 10
    }

    @inline(__always)
    static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return isASCIIWord(UInt8(v)) }
        if v < 0xC0 { return v == 0xAA || v == 0xB5 || v == 0xBA }
        if v < 0x250 { return v != 0xD7 && v != 0xF7 }  // Latin-1 and Latin Extended letters
        return isWordByProperties(c)
    }

    // The Unicode property lookups stay out of line: `Unicode.NumericType` and `Unicode.GeneralCategory`
    // are resilient enums, and a function that mentions them sets up their storage through the runtime's
    // metadata on every call, whichever branch it then takes.

    @inline(never)
    private static func isWordByProperties(_ c: Unicode.Scalar) -> Bool {
        let p = c.properties
        return p.isAlphabetic || p.numericType == .decimal || p.generalCategory == .nonspacingMark
            || p.generalCategory == .spacingMark
    }

    @inline(never)
    fileprivate static func isDecimalDigit(_ c: Unicode.Scalar) -> Bool {
        c.properties.numericType == .decimal
    }

    @inline(never)
    fileprivate static func isUppercase(_ c: Unicode.Scalar) -> Bool {
        c.properties.isUppercase
    }

    @inline(never)
    fileprivate static func isLowercase(_ c: Unicode.Scalar) -> Bool {
        c.properties.isLowercase
    }
}

extension TextTokens {
    /// One pass over the bytes of a text, appending its words. Lives only while the bytes' buffer pointer
    /// is valid (inside ``TextTokens/init(title:text:maxBytes:)``).
    fileprivate struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var tokens: [WordToken] = []
        var sentence: Int32 = 0
        var segment: Int32 = 0
        var sentenceHasWords = false
        var segmentHasWords = false

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            tokens.reserveCapacity(bytes.count / 5)
        }

        private mutating func endSegment() {
            if segmentHasWords { segment += 1 }
            segmentHasWords = false
        }

        private mutating func endSentence() {
            endSegment()
            if sentenceHasWords { sentence += 1 }
            sentenceHasWords = false
        }

        mutating func scan() {
            let bytes = self.bytes
            let count = bytes.count
            var i = 0
            while i < count {
                let b = bytes[i]
                if b < 0x80 {
                    if TextTokens.isASCIIWord(b) {
                        i = readWord(from: i)
                        continue
                    }
                    switch b {
                    case 0x20, 0x09, 0x0D: break
                    case 0x0A, 0x21, 0x3F: endSentence()  // \n ! ?
                    case 0x2E:  // .
                        if endsSentence(pointAt: i) { endSentence() } else { endSegment() }
                    default: endSegment()
                    }
                    i += 1
                    continue
                }
                let (scalar, length) = decode(at: i)
                if TextTokens.isWordScalar(scalar) {
                    i = readWord(from: i)
                    continue
                }
                switch scalar.value {
                case 0xA0, 0x2000...0x200B, 0x202F, 0x3000: break  // spaces
                case 0x2026, 0x3002, 0xFF01, 0xFF1F: endSentence()  // … 。！？
                default: endSegment()
                }
                i += length
            }
        }

        /// Reads the word starting at `start`, appends it, and returns the index after it.
        @inline(__always)
        private mutating func readWord(from start: Int) -> Int {
            let bytes = self.bytes
            let count = bytes.count
            var i = start
            var hasDigit = false
            var letters = 0
            var allUpper = true
            var firstUpper = false
            var isASCII = true
            var previousDigit = false
            // ASCII letters and digits first: most words are nothing else. Eight bytes at a time while
            // eight remain (a byte loop's exit at the word's end was a mispredicted branch per word), then
            // byte by byte. The last loop carries on from the first other byte (a joiner, a non-ASCII
            // character, the end) with the same state, so it sees the word exactly as if it had read it
            // from the start.
            if let base = bytes.baseAddress {
                let raw = UnsafeRawPointer(base)
                while count - i >= 8 {
                    let run = ASCIIRun(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                    if run.length > 0 {
                        hasDigit = hasDigit || run.digits != 0
                        letters += run.letters.nonzeroBitCount
                        allUpper = allUpper && run.letters & ~run.uppers == 0
                        if i == start && run.letters & 0x80 != 0 { firstUpper = run.uppers & 0x80 != 0 }
                        previousDigit = run.lastIsDigit
                    }
                    i += run.length
                    if run.length < 8 { break }
                }
            }
            while i < count {
                let b = bytes[i]
                if b &- 48 < 10 {
                    hasDigit = true
                    previousDigit = true
                } else if (b | 0x20) &- 97 < 26 {
                    let upper = b &- 65 < 26
                    if i == start { firstUpper = upper }
                    letters += 1
                    if !upper { allUpper = false }
                    previousDigit = false
                } else {
                    break
                }
                i += 1
            }
            while i < count {
                let b = bytes[i]
                var scalar = Unicode.Scalar(b)
                var length = 1
                if b >= 0x80 {
                    (scalar, length) = decode(at: i)
                    isASCII = false
                }
                if b < 0x80 ? TextTokens.isASCIIWord(b) : TextTokens.isWordScalar(scalar) {
                    let digit = b < 0x80 ? b &- 48 < 10 : TextTokens.isDecimalDigit(scalar)
                    if digit {
                        hasDigit = true
                    } else {
                        let upper = b < 0x80 ? b &- 65 < 26 : TextTokens.isUppercase(scalar)
                        if i == start { firstUpper = upper }
                        letters += 1
                        if allUpper && !upper { allUpper = false }
                    }
                    previousDigit = digit
                    i += length
                    continue
                }
                // A joiner stays inside the word when a word character follows (and, for digits, precedes).
                let next = i + length
                if next < count {
                    let v = scalar.value
                    if v == 0x2D || v == 0x2010 || v == 0x2011 {  // hyphens
                        let following = bytes[next]
                        if following < 0x80
                            ? TextTokens.isASCIIWord(following) : TextTokens.isWordScalar(decode(at: next).0)
                        {
                            i = next
                            continue
                        }
                    } else if (v == 0x2E || v == 0x2C) && previousDigit && bytes[next] &- 48 < 10 {
                        i = next
                        continue
                    }
                }
                break
            }
            let h = WordHash.of(bytes, from: start, to: i)
            tokens.append(
                WordToken(
                    start: Int32(start), end: Int32(i), sentence: sentence, segment: segment,
                    sentenceInitial: !sentenceHasWords, isNumber: hasDigit, firstUpper: firstUpper,
                    allUpper: letters >= 2 && allUpper, isASCII: isASCII, hash: h == 0 ? 1 : h))
            sentenceHasWords = true
            segmentHasWords = true
            // A number ends the phrase on both sides.
            if hasDigit { endSegment() }
            return i
        }

        /// Whether the point at `index` ends a sentence: not after a single letter ("U.S.") or a short
        /// capitalised word ("Mr.", "Dr."), and not before a lowercase word ("e.g. the").
        private func endsSentence(pointAt index: Int) -> Bool {
            if let last = tokens.last, Int(last.end) == index, !last.isNumber {
                let length = Int(last.end - last.start)
                if length == 1 { return false }
                if length <= 3 && last.firstUpper && !last.allUpper { return false }
            }
            var j = index + 1
            while j < bytes.count, bytes[j] == 0x20 { j += 1 }
            guard j < bytes.count else { return true }
            let b = bytes[j]
            if b < 0x80 { return !(b &- 97 < 26) }
            return !TextTokens.isLowercase(decode(at: j).0)
        }

        /// The scalar starting at byte `i` and its length in bytes (U+FFFD, 1 for a stray byte).
        @inline(__always)
        private func decode(at i: Int) -> (Unicode.Scalar, Int) {
            let b0 = UInt32(bytes[i])
            let count = bytes.count
            let length: Int
            var value: UInt32
            switch b0 {
            case 0xC0..<0xE0: length = 2; value = b0 & 0x1F
            case 0xE0..<0xF0: length = 3; value = b0 & 0x0F
            case 0xF0..<0xF8: length = 4; value = b0 & 0x07
            default: return ("\u{FFFD}", 1)
            }
            guard i + length <= count else { return ("\u{FFFD}", 1) }
            for k in 1..<length {
                let b = UInt32(bytes[i + k])
                guard b & 0xC0 == 0x80 else { return ("\u{FFFD}", 1) }
                value = value << 6 | (b & 0x3F)
            }
            return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
        }
    }
}
