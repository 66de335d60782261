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
}

enum Tokens {
    /// Splits text into tokens. Words are letters and digits with inner hyphens and apostrophes
    /// (`Jean-Pierre`, `O'Neill`); dotted abbreviations such as `U.S.` stay one word.
    static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(text.utf8.count / 5)
        // Scalars with their UTF-8 offsets: words are cut from the bytes without re-encoding them.
        var scalars: [Unicode.Scalar] = []
        var offsets: [Int] = []
        scalars.reserveCapacity(text.utf8.count)
        offsets.reserveCapacity(text.utf8.count + 1)
        var offset = 0
        for scalar in text.unicodeScalars {
            scalars.append(scalar)
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)
        let bytes = Array(text.utf8)
        var i = 0
        var atSentenceStart = true
        while i < scalars.count {
            let s = scalars[i]
            if s == " " || s == "\t" || s == "\u{A0}" || s == "\r" {
                i += 1
                continue
            }
            if s == "\n" {
                atSentenceStart = true
                i += 1
                continue
            }
            if isWordScalar(s) {
                var j = i + 1
                while j < scalars.count {
                    let c = scalars[j]
                    if isWordScalar(c) { j += 1; continue }
                    // Inner hyphen or apostrophe, or the dots of U.S.-style abbreviations.
                    if (c == "-" || c == "'" || c == "’" || c == "."), j + 1 < scalars.count, isWordScalar(scalars[j + 1]) {
                        if c == "." && !(j - i == 1 && isUpper(scalars[i])) && !(j >= 2 && scalars[j - 2] == ".") { break }
                        j += 2
                        continue
                    }
                    break
                }
                var end = j
                // U.S. keeps its last dot.
                if end < scalars.count, scalars[end] == ".", end - i >= 3, scalars[end - 2] == "." { end += 1 }
                var wordEnd = end
                var possessive = false
                if end - i > 2, scalars[end - 1] == "s", scalars[end - 2] == "'" || scalars[end - 2] == "’" {
                    wordEnd = end - 2
                    possessive = true
                } else if end - i > 2, scalars[end - 1] == "'" || scalars[end - 1] == "’", scalars[end - 2] == "s" {
                    wordEnd = end - 1
                    possessive = true
                }
                let word = String(decoding: bytes[offsets[i]..<offsets[wordEnd]], as: UTF8.self)
                // Arabic names' article: "el-Sisi", "al-Assad" are capitalised names.
                var firstIndex = i
                if wordEnd - i > 3, scalars[i + 2] == "-", (scalars[i] == "a" || scalars[i] == "e"), scalars[i + 1] == "l" {
                    firstIndex = i + 3
                }
                var letters = 0
                var allUpper = true
                for k in i..<wordEnd {
                    let c = scalars[k]
                    if c.isASCII {
                        let v = c.value
                        if v >= 0x41 && v <= 0x5A { letters += 1 } else if v >= 0x61 && v <= 0x7A { letters += 1; allUpper = false }
                    } else if c.properties.isAlphabetic {
                        letters += 1
                        if !c.properties.isUppercase { allUpper = false }
                    }
                }
                var hasUpper = false
                var ascii = true
                for k in i..<wordEnd {
                    let c = scalars[k]
                    if !c.isASCII { ascii = false; hasUpper = true; break }
                    if c.value >= 0x41 && c.value <= 0x5A { hasUpper = true }
                }
                let lower: String
                if !hasUpper {
                    lower = word
                } else if ascii {
                    lower = String(decoding: bytes[offsets[i]..<offsets[wordEnd]].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
                } else {
                    lower = word.lowercased()
                }
                tokens.append(Token(kind: .word, text: word, lower: lower, capitalised: isUpper(scalars[firstIndex]),
                                    acronym: letters >= 2 && allUpper, sentenceStart: atSentenceStart, possessive: possessive))
                atSentenceStart = false
                i = end
                continue
            }
            // Punctuation: one token per scalar. A sentence ends at . ! ? : unless the word before is an
            // abbreviation or an initial.
            tokens.append(Token(kind: .punctuation, text: String(s), lower: String(s), capitalised: false, acronym: false, sentenceStart: false, possessive: false))
            if s == "." || s == "!" || s == "?" || s == ":" || s == "•" {
                if s != "." || !endsInAbbreviation(tokens) { atSentenceStart = true }
            }
            i += 1
        }
        return tokens
    }

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
