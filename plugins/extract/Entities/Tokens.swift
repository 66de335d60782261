import IngestCore
import Foundation
/// The text as words and punctuation, with sentence starts marked: what entity recognition reads.
struct Token {
    enum Kind { case word, punctuation }
    var kind: Kind
    var text: String
    /// ``text`` lowercased (the same string when it has no capitals).
    var lower: String
    /// The first letter is a capital.
    var capitalised: Bool
    /// Two or more letters, all capitals (an acronym: FSB, NATO), digits allowed (G7).
    var acronym: Bool
    /// The first word of a sentence or paragraph, where every word is capitalised whatever it is.
    var sentenceStart: Bool
    /// The word ended with a possessive `'s` (removed from ``text``): a name ends here.
    var possessive: Bool
    /// ``text``'s length and first and last bytes (``shape(of:)``), taken while the bytes are at hand: lets
    /// a table of a few words (``SeenForms``) turn most tokens away without hashing their text.
    var shape: UInt32 = 0

    /// A word's byte count and its first and last bytes in one number: equal words have equal shapes.
    @inline(__always)
    static func shape(count: Int, first: UInt8, last: UInt8) -> UInt32 {
        UInt32(truncatingIfNeeded: count) &* 0x9E37_79B1 ^ UInt32(first) << 8 ^ UInt32(last) << 16
    }

    static func shape(of word: String) -> UInt32 {
        let utf8 = word.utf8
        return shape(count: utf8.count, first: utf8.first ?? 0, last: utf8.last ?? 0)
    }
}

enum Tokens {
    /// Splits text into tokens. Words are letters and digits with inner hyphens and apostrophes
    /// (`Jean-Pierre`, `O'Neill`); dotted abbreviations such as `U.S.` stay one word.
    static func tokenize(_ text: String) -> [Token] {
        var text = text
        return text.withUTF8 { tokenize(bytes: $0) }
    }

    /// The same on the text's UTF-8 bytes, decoding scalars where they are read: no scalar or offset arrays
    /// are built, and a word's String is cut straight from the bytes.
    private static func tokenize(bytes: UnsafeBufferPointer<UInt8>) -> [Token] {
        let n = bytes.count
        var tokens: [Token] = []
        tokens.reserveCapacity(n / 5)
        /// The scalar starting at byte `p` and its width (the bytes are valid UTF-8: they are a String's).
        @inline(__always) func decode(_ p: Int) -> (Unicode.Scalar, Int) {
            let b0 = UInt32(bytes[p])
            if b0 < 0x80 { return (Unicode.Scalar(UInt8(b0)), 1) }
            if b0 < 0xE0 { return (Unicode.Scalar(((b0 & 0x1F) << 6) | (UInt32(bytes[p + 1]) & 0x3F))!, 2) }
            if b0 < 0xF0 {
                let v = ((b0 & 0x0F) << 12) | ((UInt32(bytes[p + 1]) & 0x3F) << 6) | (UInt32(bytes[p + 2]) & 0x3F)
                return (Unicode.Scalar(v)!, 3)
            }
            let v = ((b0 & 0x07) << 18) | ((UInt32(bytes[p + 1]) & 0x3F) << 12) | ((UInt32(bytes[p + 2]) & 0x3F) << 6)
                | (UInt32(bytes[p + 3]) & 0x3F)
            return (Unicode.Scalar(v)!, 4)
        }
        /// The start of the scalar before the one at byte `p` (p > 0).
        @inline(__always) func before(_ p: Int) -> Int {
            var q = p - 1
            while q > 0, bytes[q] & 0xC0 == 0x80 { q -= 1 }
            return q
        }
        /// Whether the scalar at byte `p` is an apostrophe, ' or ’ (E2 80 99).
        @inline(__always) func isApostrophe(_ p: Int) -> Bool {
            bytes[p] == 0x27 || (p + 2 < n && bytes[p] == 0xE2 && bytes[p + 1] == 0x80 && bytes[p + 2] == 0x99)
        }
        func string(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
        }
        let asciiMarks = Self.asciiMarks
        var i = 0
        var atSentenceStart = true
        while i < n {
            let (s, width) = decode(i)
            if s == " " || s == "\t" || s == "\u{A0}" || s == "\r" {
                i += width
                continue
            }
            if s == "\n" {
                atSentenceStart = true
                i += width
                continue
            }
            if isWordScalar(s) {
                // Byte offsets; `count` is the word's length in scalars so far.
                var j = i + width
                var count = 1
                while j < n {
                    // ASCII letters and digits, most of every word, need no decoding.
                    let b = bytes[j]
                    if b &- 0x30 < 10 || (b | 0x20) &- 0x61 < 26 {
                        j += 1
                        count += 1
                        continue
                    }
                    let (c, cw) = decode(j)
                    if isWordScalar(c) { j += cw; count += 1; continue }
                    // Inner hyphen or apostrophe, or the dots of U.S.-style abbreviations.
                    if c == "-" || c == "'" || c == "’" || c == ".", j + cw < n, case let (d, dw) = decode(j + cw), isWordScalar(d) {
                        if c == "." {
                            let initial = count == 1 && isUpper(s)
                            // The scalar two before the dot (which may lie before the word) is a dot too.
                            let previous = before(j)
                            let dotted = previous > 0 && bytes[before(previous)] == 0x2E
                            if !initial && !dotted { break }
                        }
                        j += cw + dw
                        count += 2
                        continue
                    }
                    break
                }
                var end = j
                // U.S. keeps its last dot.
                if end < n, bytes[end] == 0x2E, count >= 3, bytes[before(before(end))] == 0x2E { end += 1; count += 1 }
                var wordEnd = end
                var wordCount = count
                var possessive = false
                if count > 2, bytes[end - 1] == 0x73, isApostrophe(before(end - 1)) {
                    wordEnd = before(end - 1)
                    wordCount = count - 2
                    possessive = true
                } else if count > 2, case let last = before(end), isApostrophe(last), bytes[last - 1] == 0x73 {
                    wordEnd = last
                    wordCount = count - 1
                    possessive = true
                }
                let word = string(i, wordEnd)
                // Arabic names' article: "el-Sisi", "al-Assad" are capitalised names.
                var firstIndex = i
                if wordCount > 3, bytes[i + 2] == 0x2D, bytes[i] == 0x61 || bytes[i] == 0x65, bytes[i + 1] == 0x6C {
                    firstIndex = i + 3
                }
                var letters = 0
                var allUpper = true
                var hasUpper = false
                var ascii = true
                var k = i
                while k < wordEnd {
                    let b = bytes[k]
                    if b < 0x80 {
                        if b >= 0x41 && b <= 0x5A { letters += 1; hasUpper = true } else if b >= 0x61 && b <= 0x7A { letters += 1; allUpper = false }
                        k += 1
                        continue
                    }
                    ascii = false
                    hasUpper = true
                    let (c, cw) = decode(k)
                    if c.properties.isAlphabetic {
                        letters += 1
                        if !c.properties.isUppercase { allUpper = false }
                    }
                    k += cw
                }
                let lower: String
                if !hasUpper {
                    lower = word
                } else if ascii {
                    lower = String(unsafeUninitializedCapacity: wordEnd - i) { out in
                        for m in i..<wordEnd {
                            let b = bytes[m]
                            out[m - i] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
                        }
                        return wordEnd - i
                    }
                } else {
                    lower = word.lowercased()
                }
                tokens.append(Token(kind: .word, text: word, lower: lower, capitalised: isUpper(decode(firstIndex).0),
                                    acronym: letters >= 2 && allUpper, sentenceStart: atSentenceStart, possessive: possessive,
                                    shape: Token.shape(count: wordEnd - i, first: bytes[i], last: bytes[wordEnd - 1])))
                atSentenceStart = false
                i = end
                continue
            }
            // Punctuation: one token per scalar. A sentence ends at . ! ? : unless the word before is an
            // abbreviation or an initial.
            let mark = bytes[i] < 0x80 ? asciiMarks[Int(bytes[i])] : string(i, i + width)
            tokens.append(Token(kind: .punctuation, text: mark, lower: mark, capitalised: false, acronym: false, sentenceStart: false, possessive: false))
            if s == "." || s == "!" || s == "?" || s == ":" || s == "•" {
                if s != "." || !endsInAbbreviation(tokens) { atSentenceStart = true }
            }
            i += width
        }
        return tokens
    }

    /// Each ASCII character as a String, made once: punctuation tokens are a fifth of all tokens.
    private static let asciiMarks: [String] = (0..<128).map { String(Unicode.Scalar(UInt8($0))) }

    @inline(__always)
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            let v = s.value
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
        }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    @inline(__always)
    static func isUpper(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return s.value >= 0x41 && s.value <= 0x5A }
        return s.properties.isUppercase
    }

    /// The token before a final `.` is an abbreviation (Mr, Dr, St…) or a single capital (an initial).
    private static func endsInAbbreviation(_ tokens: [Token]) -> Bool {
        guard tokens.count >= 2 else { return false }
        let previous = tokens[tokens.count - 2]
        guard previous.kind == .word else { return false }
        if previous.text.count == 1 && previous.capitalised { return true }
        if previous.text.hasSuffix(".") { return true }
        return Sentences.abbreviations.contains(previous.lower)
    }
}
