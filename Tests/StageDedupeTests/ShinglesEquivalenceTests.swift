import Foundation
import IngestCore
import Testing

@testable import StageDedupe

/// The Character-based shingles, exactly as dedupe computed them before the byte reader (``Words``): the
/// reference the new code must agree with, word for word and hash for hash.
private struct ReferenceShingles {
    let words: [Substring]
    let hashes: Set<UInt64>

    init(_ text: String) {
        let lowered = text.lowercased()
        var words: [Substring] = []
        var start: String.Index?
        var i = lowered.startIndex
        while i < lowered.endIndex {
            let c = lowered[i]
            if c.isLetter || c.isNumber {
                if start == nil { start = i }
            } else if let s = start {
                words.append(lowered[s..<i])
                start = nil
            }
            i = lowered.index(after: i)
        }
        if let s = start { words.append(lowered[s...]) }
        self.words = words
        var hashes = Set<UInt64>()
        if words.count >= 3 {
            hashes.reserveCapacity(words.count)
            for end in 2..<words.count {
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                for word in words[(end - 2)...end] {
                    for byte in word.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
                    h = (h ^ 0x20) &* 0x0000_0100_0000_01B3
                }
                hashes.insert(h)
            }
        }
        self.hashes = hashes
    }

    var normalized: String { words.joined(separator: " ") }
}

/// The MinHash signature as dedupe computed it before: the whole `mix` of every shingle and seed.
private func referenceSignature(_ shingles: Set<UInt64>) -> [UInt16] {
    guard !shingles.isEmpty else { return [] }
    var minima = [UInt64](repeating: .max, count: MinHash.hashes)
    for shingle in shingles {
        for i in 0..<MinHash.hashes {
            let h = MinHash.mix(shingle ^ MinHash.seeds[i])
            if h < minima[i] { minima[i] = h }
        }
    }
    return minima.map { UInt16(truncatingIfNeeded: $0 >> 48) }
}

/// The pieces random texts are made of: mostly what news text holds, and every kind of scalar that could
/// make the byte reader and the Character path disagree.
private let pieces: [String] = [
    // ASCII words, digits, punctuation, whitespace (CR LF is one Character).
    "the", "The", "MINISTER", "said", "a", "I", "x", "mp3", "2024", "3.5", "1,000", "Covid-19", "don't", "U.S.",
    ".", ",", ";", ":", "!", "?", "-", "'", "\"", "(", ")", "/", "&", "%", "$", "#", "@", "*", "_", "~", "`", "\\",
    " ", " ", " ", "  ", "\n", "\r\n", "\r", "\t", "\n\n", "\u{0}", "\u{7F}",
    // Curly quotes, dashes, ellipsis, signs, spaces and invisible format characters.
    "\u{2019}", "\u{2018}", "\u{201C}", "\u{201D}", "\u{2013}", "\u{2014}", "\u{2026}", "£", "€", "©", "®", "°",
    "\u{A0}", "\u{AD}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{2028}", "\u{2060}", "\u{85}", "\u{2022}", "\u{203C}",
    // Accented and other non-ASCII letters, upper and lower case, including ones whose lowercase form is
    // longer (İ) or outside the byte reader's table (Kelvin sign, Ångström sign), and a titlecase digraph.
    "é", "É", "José", "ñ", "Ñ", "ü", "Ü", "ç", "ß", "ø", "Å", "æ", "Œ", "œ", "ě", "Č", "ř", "Š", "ž", "Ł", "ı",
    "İ", "İstanbul", "Σ", "ΟΔΟΣ", "ς", "Ω", "\u{2126}", "\u{212A}", "\u{212B}", "ǅ", "ﬁ", "Ⱥ", "ά", "Жук", "ĳ",
    // Numbers that are not ASCII digits.
    "²", "½", "Ⅻ", "٣", "߁",
    // Combining marks (one of them alphabetic: U+0345), alone and after letters, digits, punctuation.
    "\u{301}", "\u{308}", "\u{327}", "\u{345}", "\u{483}", "\u{20D0}", "\u{20E3}", "e\u{301}", "1\u{20E3}", ".\u{301}",
    "\u{FE0F}",
    // Prepended marks join the next Character; U+0D4E is even a letter.
    "\u{600}", "\u{600}1", "\u{D4E}", "\u{D4E}a", "\u{110BD}",
    // Emoji, skin tones, ZWJ sequences, flags.
    "😀", "👍🏽", "👨‍👩‍👧", "🇬🇧", "🇬", "❤️", "#️⃣",
    // CJK, Hangul syllables and jamo, Devanagari conjuncts, Arabic, Hebrew with points, Thai.
    "的", "中文", "是", "한국어", "\u{1100}", "\u{1161}", "\u{11A8}", "क्ष", "नमस्ते", "مرحبا", "שָׁלוֹם", "ำ", "กำ",
]

@Suite("dedupe words and shingles, byte reader against the Character path")
struct ShinglesEquivalenceTests {
    private func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let reference = ReferenceShingles(text)
        let shingles = Shingles(text)
        let escaped = text.unicodeScalars.map { $0.isASCII ? String($0) : "\\u{\(String($0.value, radix: 16))}" }
            .joined()
        #expect(
            shingles.words.strings == reference.words.map(String.init), "\(escaped)", sourceLocation: sourceLocation)
        #expect(shingles.words.count == reference.words.count, "\(escaped)", sourceLocation: sourceLocation)
        #expect(shingles.normalized == reference.normalized, "\(escaped)", sourceLocation: sourceLocation)
        #expect(shingles.words.utf8 == Array(reference.normalized.utf8), "\(escaped)", sourceLocation: sourceLocation)
        #expect(shingles.hashes.count == reference.hashes.count, "\(escaped)", sourceLocation: sourceLocation)
        #expect(Set(shingles.hashes) == reference.hashes, "\(escaped)", sourceLocation: sourceLocation)
        #expect(
            MinHash.signature(shingles.hashes) == referenceSignature(reference.hashes), "\(escaped)",
            sourceLocation: sourceLocation)
    }

    @Test("thousands of random texts: same words, normalised text, shingle hashes and signatures")
    func randomTexts() {
        var random = SplitMix64(seed: 20_261_129)
        for round in 0..<4000 {
            var text = ""
            let count = Int(random.next() % 80)
            for _ in 0..<count {
                // Mostly words and spaces, as in news text; the rest at random, glued to their neighbours.
                let roll = random.next() % 10
                if roll < 3 {
                    text += pieces[Int(random.next() % 14)]
                } else if roll < 5 {
                    text += " "
                } else {
                    text += pieces[Int(random.next() % UInt64(pieces.count))]
                }
            }
            if round % 7 == 0 { text = text.uppercased() }
            expectSame(text)
        }
    }

    @Test("MinHash signatures of random shingle sets, of every size up to 2,000, are the reference's")
    func signatures() {
        var random = SplitMix64(seed: 63)
        for size in 0..<2000 {
            // Random values, and values with few bits set or all bits set, to reach every corner of the mix.
            let shingles = Set((0..<size).map { k -> UInt64 in
                switch k % 3 {
                case 0: return random.next()
                case 1: return UInt64(k)
                default: return ~UInt64(k) << (random.next() % 64)
                }
            })
            #expect(MinHash.signature(Array(shingles)) == referenceSignature(shingles), "size \(size)")
        }
    }

    @Test("distinct keeps each value once, 0 too, in first-seen order")
    func distinct() {
        var random = SplitMix64(seed: 3)
        for size in 0..<1500 {
            // Few different values, so most repeat; 0 among them now and then.
            let values = (0..<size).map { _ in random.next() % UInt64(size / 3 + 2) * 0x9E37_79B9 }
            var seen = Set<UInt64>()
            let expected = values.filter { seen.insert($0).inserted }
            #expect(Shingles.distinct(values) == expected, "size \(size)")
        }
    }

    @Test("every scalar the byte reader's table covers, and the pieces, in every position next to a word")
    func everyScalarInContext() {
        let tableScalars = (Array(0..<0x800) + Array(0x2000..<0x20D0)).map { String(Unicode.Scalar(UInt32($0))!) }
        for s in tableScalars + pieces {
            for text in [
                s, "Ab\(s)Cd", "a \(s) b", "\(s)x\(s)", "\(s)\u{301}", "\u{600}\(s)", "\(s)\(s)\(s)", "1\(s)2",
                "one two \(s)three four", "\r\(s)\n", "\(s)\u{200D}\(s)", "\u{D4E}\(s) a b c",
            ] {
                expectSame(text)
            }
        }
    }

    @Test("news-like texts: pure ASCII, and with curly quotes, dashes and accented names")
    func newsTexts() {
        let plain = """
            Ferry services between the island and the mainland resumed on Tuesday after three days of storms. \
            The harbour master said the first crossing left at 7am with 40 passengers on board.\r\n\r\nEngineers \
            had inspected the pier overnight (and found "only minor" damage) - to the railings & lights.
            """
        expectSame(plain)
        let curly =
            plain.replacingOccurrences(of: "\"", with: "\u{201C}").replacingOccurrences(of: " - ", with: " \u{2014} ")
            + " Jos\u{E9} Mart\u{ED}nez\u{2019}s and Zo\u{EB} Br\u{F8}nd\u{2019}s \u{A3}5m plan"
            + " \u{2013} \u{201C}it\u{2019}s done\u{201D}\u{2026}"
        expectSame(curly)
        // Lowercase forms longer than the text (İ, Ⱥ take a byte more): the reader's buffer must grow.
        expectSame(String(repeating: "\u{130}", count: 1000))
        expectSame(String(repeating: "\u{130}stanbul \u{23A}b ", count: 300))
        expectSame("")
        expectSame("   ")
        expectSame("one")
        expectSame("one two three")
    }
}
