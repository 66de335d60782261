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
    /// 64-bit FNV-1a of the word's bytes (never 0), computed while reading it.
    var hash: UInt64
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

        private static var fnvBasis: UInt64 { 0xcbf2_9ce4_8422_2325 }
        private static var fnvPrime: UInt64 { 0x0000_0100_0000_01b3 }

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
            // ASCII letters and digits first, hashed as they are read: most words are nothing else. The
            // loop below carries on from the first other byte (a joiner, a non-ASCII character, the end)
            // with the same state, so it sees the word exactly as if it had read it from the start.
            var h = Self.fnvBasis
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
                h = (h ^ UInt64(b)) &* Self.fnvPrime
                i += 1
            }
            let hashedTo = i
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
            // The rest of the word's bytes (after a joiner or a non-ASCII character) continue the hash: the
            // result is the FNV-1a of the whole word. Made never 0 (0 marks an empty slot in ``IntTable``).
            for k in hashedTo..<i { h = (h ^ UInt64(bytes[k])) &* Self.fnvPrime }
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
