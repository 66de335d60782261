import IngestCore
import Foundation

/// A word or a punctuation mark of a text, as spans of its bytes: what entity recognition reads.
///
/// No Strings are made while reading: a word's text is `start..<end` of the text's UTF-8 bytes, its
/// lowercase form `lowerStart..<lowerEnd` of ``TokenList/lowered``, and the recogniser looks both up in its
/// tables by bytes. Strings are made only for the entities returned (and for the rare questions that
/// depend on characters rather than bytes, on words with non-ASCII letters).
struct TextToken {
    var start: Int32
    var end: Int32
    var lowerStart: Int32
    var lowerEnd: Int32
    /// ``Token/shape(count:first:last:)`` of the text: lets a table of a few words (``SeenForms``) turn
    /// most tokens away without hashing them.
    var shape: UInt32
    var flags: Flags

    struct Flags: OptionSet {
        let rawValue: UInt8
        /// A word; otherwise one punctuation mark.
        static let word = Flags(rawValue: 1 << 0)
        /// The first letter is a capital.
        static let capitalised = Flags(rawValue: 1 << 1)
        /// Two or more letters, all capitals (an acronym: FSB, NATO), digits allowed (G7).
        static let acronym = Flags(rawValue: 1 << 2)
        /// The first word of a sentence or paragraph, where every word is capitalised whatever it is.
        static let sentenceStart = Flags(rawValue: 1 << 3)
        /// The word ended with a possessive `'s` (not part of the text): a name ends here.
        static let possessive = Flags(rawValue: 1 << 4)
        /// All bytes ASCII: byte length is character count, and equal bytes is equal Strings.
        static let ascii = Flags(rawValue: 1 << 5)
        /// The lowercase form is the text itself (ASCII without capitals).
        static let lowerIsText = Flags(rawValue: 1 << 6)
    }

    @inline(__always) var isWord: Bool { flags.contains(.word) }
    @inline(__always) var capitalised: Bool { flags.contains(.capitalised) }
    @inline(__always) var sentenceStart: Bool { flags.contains(.sentenceStart) }
    @inline(__always) var possessive: Bool { flags.contains(.possessive) }
    @inline(__always) var acronym: Bool { flags.contains(.acronym) }
    @inline(__always) var ascii: Bool { flags.contains(.ascii) }
    @inline(__always) var length: Int { Int(end &- start) }
}

/// The text's tokens and the bytes they point into.
struct TokenList {
    /// The text's UTF-8.
    private(set) var bytes: [UInt8]
    /// `bytes` with ASCII capitals lowered (an ASCII word's lowercase form is at its own offsets), then the
    /// lowercase forms of the words with other characters, which `String.lowercased()` makes.
    private(set) var lowered: [UInt8]
    private(set) var tokens: [TextToken] = []

    init(_ text: String) {
        bytes = Array(text.utf8)
        // Into uninitialised storage, in a loop the compiler vectorises (`map` appended byte by byte).
        lowered = bytes.withUnsafeBufferPointer { bytes in
            [UInt8](unsafeUninitializedCapacity: bytes.count) { lowered, count in
                for i in 0..<bytes.count {
                    let b = bytes[i]
                    lowered[i] = b &- 0x41 < 26 ? b | 0x20 : b
                }
                count = bytes.count
            }
        }
        var lowered = self.lowered
        // Room for a token per three bytes, which prose never exceeds (about one per six); text dense with
        // marks is read again with room for one per byte, the most there can be.
        let textCount = lowered.count
        tokens = bytes.withUnsafeBufferPointer { bytes in
            if let tokens = Self.tokenize(bytes, lowered: &lowered, room: bytes.count / 3 + 64) { return tokens }
            lowered.removeSubrange(textCount...)
            return Self.tokenize(bytes, lowered: &lowered, room: bytes.count + 1)!
        }
        self.lowered = lowered
    }

    /// The tokens and bytes as buffers for the duration of `body`: the recogniser's loops read them without
    /// bounds checks or reference counting.
    func withView<R>(_ body: (TokenView) -> R) -> R {
        bytes.withUnsafeBufferPointer { bytes in
            lowered.withUnsafeBufferPointer { lowered in
                tokens.withUnsafeBufferPointer { tokens in
                    body(TokenView(bytes: bytes, lowered: lowered, tokens: tokens))
                }
            }
        }
    }

    /// Splits the text into tokens. Words are letters and digits with inner hyphens and apostrophes
    /// (`Jean-Pierre`, `O'Neill`); dotted abbreviations such as `U.S.` stay one word. Scalars are decoded
    /// where they are read.
    ///
    /// The tokens are written straight into the storage of an array with room for `room` of them: no
    /// capacity or uniqueness checks per token. Nil when there are more.
    private static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, lowered: inout [UInt8], room: Int) -> [TextToken]? {
        let n = bytes.count
        var full = false
        let tokens = [TextToken](unsafeUninitializedCapacity: room) { tokens, tokenCount in
            /// Appends a token (there is room for one per byte).
            @inline(__always) func append(_ token: TextToken) {
                (tokens.baseAddress! + tokenCount).initialize(to: token)
                tokenCount += 1
            }
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
            /// 1 for an ASCII capital, else 0; the same for a small letter.
            @inline(__always) func capital(_ b: UInt8) -> Int { b &- 0x41 < 26 ? 1 : 0 }
            @inline(__always) func small(_ b: UInt8) -> Int { b &- 0x61 < 26 ? 1 : 0 }
            var i = 0
            var atSentenceStart = true
            while i < n {
                // Each pass adds at most one token.
                guard tokenCount < room else {
                    full = true
                    break
                }
                // Spaces and ASCII, most of the text, need no decoding.
                let b0 = bytes[i]
                let s: Unicode.Scalar
                let width: Int
                if b0 < 0x80 {
                    if b0 == 0x20 || b0 == 0x09 || b0 == 0x0D {
                        i += 1
                        continue
                    }
                    if b0 == 0x0A {
                        atSentenceStart = true
                        i += 1
                        continue
                    }
                    (s, width) = (Unicode.Scalar(b0), 1)
                } else {
                    (s, width) = decode(i)
                    if s == "\u{A0}" {
                        i += width
                        continue
                    }
                }
                if Tokens.isWordScalar(s) {
                    // Byte offsets; `count` is the word's length in scalars so far. While the word is all
                    // ASCII its capitals and small letters are counted on the way (`capitals`, `smalls`).
                    var j = i + width
                    var count = 1
                    var capitals = capital(b0)
                    var smalls = small(b0)
                    var onlyASCII = b0 < 0x80
                    while j < n {
                        // ASCII letters and digits, most of every word, need no decoding: eight bytes at a
                        // time where eight are left, else one.
                        if j + 8 <= n {
                            let run = ASCIIWord.letters(UnsafeRawPointer(bytes.baseAddress! + j).loadUnaligned(as: UInt64.self))
                            capitals &+= run.capitals
                            smalls &+= run.smalls
                            j += run.length
                            count += run.length
                            if run.length == 8 { continue }
                        } else {
                            let b = bytes[j]
                            let up = capital(b), low = small(b)
                            if b &- 0x30 < 10 || up | low != 0 {
                                capitals &+= up
                                smalls &+= low
                                j += 1
                                count += 1
                                continue
                            }
                        }
                        let (c, cw) = decode(j)
                        if Tokens.isWordScalar(c) { onlyASCII = false; j += cw; count += 1; continue }
                        // Inner hyphen or apostrophe, or the dots of U.S.-style abbreviations.
                        if c == "-" || c == "'" || c == "’" || c == ".", j + cw < n, case let (d, dw) = decode(j + cw),
                            Tokens.isWordScalar(d)
                        {
                            if c == "." {
                                let initial = count == 1 && Tokens.isUpper(s)
                                // The scalar two before the dot (which may lie before the word) is a dot too.
                                let previous = before(j)
                                let dotted = previous > 0 && bytes[before(previous)] == 0x2E
                                if !initial && !dotted { break }
                            }
                            if cw > 1 || dw > 1 { onlyASCII = false }
                            capitals &+= capital(bytes[j + cw])
                            smalls &+= small(bytes[j + cw])
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
                    var flags: TextToken.Flags = .word
                    if count > 2, bytes[end - 1] == 0x73, isApostrophe(before(end - 1)) {
                        wordEnd = before(end - 1)
                        wordCount = count - 2
                        flags.insert(.possessive)
                        smalls -= 1  // the s
                    } else if count > 2, case let last = before(end), isApostrophe(last), bytes[last - 1] == 0x73 {
                        wordEnd = last
                        wordCount = count - 1
                        flags.insert(.possessive)
                    }
                    // Arabic names' article: "el-Sisi", "al-Assad" are capitalised names.
                    var firstIndex = i
                    if wordCount > 3, bytes[i + 2] == 0x2D, bytes[i] == 0x61 || bytes[i] == 0x65, bytes[i + 1] == 0x6C {
                        firstIndex = i + 3
                    }
                    var letters = capitals + smalls
                    var allUpper = smalls == 0
                    var hasUpper = capitals > 0
                    var ascii = true
                    if !onlyASCII {
                        // Other characters: each scalar's own properties, over the word as finally cut.
                        letters = 0
                        allUpper = true
                        hasUpper = false
                        var k = i
                        while k < wordEnd {
                            let b = bytes[k]
                            if b < 0x80 {
                                if b >= 0x41 && b <= 0x5A { letters += 1; hasUpper = true } else if b >= 0x61 && b <= 0x7A { letters += 1; allUpper = false }
                                k += 1
                                continue
                            }
                            ascii = false
                            let (c, cw) = decode(k)
                            if c.properties.isAlphabetic {
                                letters += 1
                                if !c.properties.isUppercase { allUpper = false }
                            }
                            k += cw
                        }
                    }
                    var lowerStart = i
                    var lowerEnd = wordEnd
                    if ascii {
                        flags.insert(.ascii)
                        if !hasUpper { flags.insert(.lowerIsText) }
                    } else {
                        // Characters beyond ASCII: lowercased as `String.lowercased()` does, after the text.
                        let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<wordEnd]), as: UTF8.self)
                        lowerStart = lowered.count
                        lowered.append(contentsOf: word.lowercased().utf8)
                        lowerEnd = lowered.count
                    }
                    let head = bytes[firstIndex]
                    if head < 0x80 ? head &- 0x41 < 26 : Tokens.isUpper(decode(firstIndex).0) { flags.insert(.capitalised) }
                    if letters >= 2 && allUpper { flags.insert(.acronym) }
                    if atSentenceStart { flags.insert(.sentenceStart) }
                    append(TextToken(start: Int32(i), end: Int32(wordEnd), lowerStart: Int32(lowerStart),
                                            lowerEnd: Int32(lowerEnd),
                                            shape: Token.shape(count: wordEnd - i, first: bytes[i], last: bytes[wordEnd - 1]),
                                            flags: flags))
                    atSentenceStart = false
                    i = end
                    continue
                }
                // Punctuation: one token per scalar. A sentence ends at . ! ? : unless the word before is an
                // abbreviation or an initial.
                append(TextToken(start: Int32(i), end: Int32(i + width), lowerStart: Int32(i), lowerEnd: Int32(i + width),
                                        shape: 0, flags: width == 1 ? .ascii : []))
                if s == "." || s == "!" || s == "?" || s == ":" || s == "•" {
                    if s != "." || !lowered.withUnsafeBufferPointer({
                        Self.endsInAbbreviation(UnsafeBufferPointer(rebasing: tokens[..<tokenCount]), bytes, $0)
                    }) {
                        atSentenceStart = true
                    }
                }
                i += width
            }
        }
        return full ? nil : tokens
    }

    /// The token before a final `.` is an abbreviation (Mr, Dr, St…) or a single capital (an initial).
    private static func endsInAbbreviation(
        _ tokens: UnsafeBufferPointer<TextToken>, _ bytes: UnsafeBufferPointer<UInt8>, _ lowered: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        guard tokens.count >= 2 else { return false }
        let view = TokenView(bytes: bytes, lowered: lowered, tokens: UnsafeBufferPointer(start: nil, count: 0))
        let previous = tokens[tokens.count - 2]
        guard previous.isWord else { return false }
        if view.isOneCharacter(previous) && previous.capitalised { return true }
        if view.endsWithDot(previous) { return true }
        return Sentences.abbreviations.contains(bytes: view.lower(previous))
    }
}

/// The tokens and their bytes while the recogniser reads them (valid inside ``TokenList/withView(_:)``).
struct TokenView {
    let bytes: UnsafeBufferPointer<UInt8>
    let lowered: UnsafeBufferPointer<UInt8>
    let tokens: UnsafeBufferPointer<TextToken>

    var count: Int { tokens.count }
    @inline(__always) subscript(i: Int) -> TextToken { tokens[i] }

    @inline(__always) func text(_ t: TextToken) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(t.start)..<Int(t.end)])
    }

    @inline(__always) func lower(_ t: TextToken) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: lowered[Int(t.lowerStart)..<Int(t.lowerEnd)])
    }

    func string(_ t: TextToken) -> String { String(decoding: text(t), as: UTF8.self) }

    /// `text.count == 1`: one Character (for ASCII, one byte).
    func isOneCharacter(_ t: TextToken) -> Bool {
        t.ascii ? t.length == 1 : string(t).count == 1
    }

    /// The text's Character count: `text.count`.
    func characterCount(_ t: TextToken) -> Int {
        t.ascii ? t.length : string(t).count
    }

    /// `text.hasSuffix(".")`.
    func endsWithDot(_ t: TextToken) -> Bool {
        guard t.length > 0, bytes[Int(t.end) - 1] == 0x2E else { return false }
        return t.ascii || string(t).hasSuffix(".")
    }

    /// The token is the one-byte mark `mark` (".", ",").
    @inline(__always) func isMark(_ t: TextToken, _ mark: UInt8) -> Bool {
        !t.isWord && t.length == 1 && bytes[Int(t.start)] == mark
    }
}

/// A token with its text as Strings: the tokens as they were before ``TextToken``, for tests.
struct Token {
    enum Kind { case word, punctuation }
    var kind: Kind
    var text: String
    /// ``text`` lowercased (the same string when it has no capitals).
    var lower: String
    var capitalised: Bool
    var acronym: Bool
    var sentenceStart: Bool
    var possessive: Bool
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
    /// The tokens of `text` as Strings (see ``Token``).
    static func tokenize(_ text: String) -> [Token] {
        TokenList(text).withView { view in
            view.tokens.map { t in
                let text = view.string(t)
                return Token(kind: t.isWord ? .word : .punctuation, text: text,
                             lower: String(decoding: view.lower(t), as: UTF8.self), capitalised: t.capitalised,
                             acronym: t.acronym, sentenceStart: t.sentenceStart, possessive: t.possessive,
                             shape: t.isWord ? t.shape : 0)
            }
        }
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
}

/// Eight bytes of a word at once, without a branch per byte (SWAR: each byte's test lands in its top bit).
enum ASCIIWord {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let tops: UInt64 = 0x8080_8080_8080_8080

    /// The top bit of each byte of `w` that is in `low...high` (`w`'s bytes below 0x80, `high` below 0x7F).
    @inline(__always)
    private static func inRange(_ w: UInt64, _ low: UInt8, _ high: UInt8) -> UInt64 {
        // A byte plus 0x80 - low has its top bit set when it is at least low, and plus 0x7F - high when it
        // is above high; neither sum carries into the next byte.
        let atLeastLow = w &+ ones &* UInt64(0x80 - low)
        let aboveHigh = w &+ ones &* UInt64(0x7F - high)
        return atLeastLow & ~aboveHigh & tops
    }

    /// How many of the eight bytes of `w` (in memory order) are ASCII letters or digits before the first
    /// that is not, and how many of those are capitals and small letters.
    @inline(__always)
    static func letters(_ loaded: UInt64) -> (length: Int, capitals: Int, smalls: Int) {
        // The first byte in memory lowest, whatever the machine.
        let w = UInt64(littleEndian: loaded)
        let ascii = ~w & tops
        let w7 = w & ~tops
        let capitals = inRange(w7, 0x41, 0x5A) & ascii
        let smalls = inRange(w7, 0x61, 0x7A) & ascii
        let digits = inRange(w7, 0x30, 0x39) & ascii
        let stops = ~(capitals | smalls | digits) & tops
        let length = stops.trailingZeroBitCount &>> 3
        let keep: UInt64 = length == 8 ? ~0 : (1 &<< UInt64(length &* 8)) &- 1
        return (length, (capitals & keep).nonzeroBitCount, (smalls & keep).nonzeroBitCount)
    }
}
