import Testing
@testable import ExtractLanguage

/// The word hash is the key of the extractor's memory of spellings: it must be the hash of exactly the
/// word's bytes, however the word was read (ASCII fast path, joiners, non-ASCII characters) and wherever
/// it lies in the buffer (the last chunk is loaded whole when 8 bytes remain, else byte by byte).
@Suite struct TextTokensTests {
    /// ``WordHash`` written out plainly: chunks assembled byte by byte.
    static func reference(_ bytes: [UInt8]) -> UInt64 {
        var h = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        while i < bytes.count {
            var chunk: UInt64 = 0
            for k in i..<min(i + 8, bytes.count) { chunk |= UInt64(bytes[k]) << UInt64(8 * (k - i)) }
            h = WordHash.mix(h, chunk)
            i += 8
        }
        return WordHash.finish(h)
    }

    static let pieces = [
        "a", "Z", "7", " ", ".", ",", "-", "'", "\n", "é", "É", "e\u{301}", "Jean-Pierre", "1,400", "3.5", "U.S.",
        "日本語", "😀", "ß", "\u{2011}", "naïve", "x-", "-y", "Internationalisation", "abcdefgh", "abcdefghi",
    ]

    @Test func wordHashesAreTheHashOfTheirBytes() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...30, using: &rng) { text += Self.pieces.randomElement(using: &rng)! }
            let tokens = TextTokens(title: nil, text: text)
            for token in tokens.tokens {
                let word = Array(tokens.bytes[Int(token.start)..<Int(token.end)])
                #expect(token.hash == Self.reference(word), "\(text.debugDescription)")
            }
        }
    }

    @Test func distinctSpellingsGetDistinctHashes() {
        // Words of every length up to 40 bytes, among them many that differ in one byte or in length only.
        var seen: [UInt64: String] = [:]
        var words: Set<String> = []
        let letters = Array("abcxyzABCé1-")
        var rng = SystemRandomNumberGenerator()
        for length in 1...40 {
            for _ in 0..<500 { words.insert(String((0..<length).map { _ in letters.randomElement(using: &rng)! })) }
        }
        for word in words {
            let hash = Self.reference(Array(word.utf8))
            #expect(hash != 0)
            if let other = seen[hash] { Issue.record("\(word) and \(other) share a hash") }
            seen[hash] = word
        }
    }

    /// ASCIIRun (eight bytes at once) against the byte tests it replaces, on chunks mixing letters,
    /// digits, their neighbours in the ASCII table, and non-ASCII bytes.
    @Test func asciiRunAgreesWithByteTests() {
        let interesting: [UInt8] = Array(0x2F...0x3B) + Array(0x40...0x5C) + Array(0x60...0x7B) + [0x20, 0x2D, 0x7F, 0x80, 0xAF, 0xC3, 0xE2, 0xFF, 0x00, 0x0A]
        var rng = SystemRandomNumberGenerator()
        for round in 0..<200_000 {
            let bytes: [UInt8] = (0..<8).map { _ in
                round % 3 == 0 ? UInt8.random(in: 0...255, using: &rng) : interesting.randomElement(using: &rng)!
            }
            var chunk: UInt64 = 0
            for (k, b) in bytes.enumerated() { chunk |= UInt64(b) << UInt64(8 * k) }
            let run = ASCIIRun(chunk)
            var length = 0
            while length < 8 && TextTokens.isASCIIWord(bytes[length]) { length += 1 }
            #expect(run.length == length, "\(bytes)")
            for k in 0..<8 {
                let bit: UInt64 = 0x80 << UInt64(8 * k)
                let b = bytes[k]
                let inRun = k < length
                #expect((run.digits & bit != 0) == (inRun && b &- 48 < 10), "\(bytes)")
                #expect((run.letters & bit != 0) == (inRun && (b | 0x20) &- 97 < 26), "\(bytes)")
                #expect((run.uppers & bit != 0) == (inRun && b &- 65 < 26), "\(bytes)")
            }
            #expect(run.lastIsDigit == (length > 0 && bytes[length - 1] &- 48 < 10), "\(bytes)")
        }
    }
}
