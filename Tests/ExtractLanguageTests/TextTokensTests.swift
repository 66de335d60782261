import Testing
@testable import ExtractLanguage

/// The word hash is the key of the extractor's memory of spellings: however readWord computes it (the
/// leading ASCII run while reading, the rest after), it must be the FNV-1a of the word's bytes.
@Suite struct TextTokensTests {
    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h == 0 ? 1 : h
    }

    @Test func wordHashesAreFNV1aOfTheirBytes() {
        let pieces = [
            "a", "Z", "7", " ", ".", ",", "-", "'", "\n", "é", "É", "e\u{301}", "Jean-Pierre", "1,400", "3.5", "U.S.",
            "日本語", "😀", "ß", "\u{2011}", "naïve", "x-", "-y",
        ]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...30, using: &rng) { text += pieces.randomElement(using: &rng)! }
            let tokens = TextTokens(title: nil, text: text)
            for token in tokens.tokens {
                #expect(token.hash == Self.fnv1a(tokens.bytes[Int(token.start)..<Int(token.end)]), "\(text.debugDescription)")
            }
        }
    }
}
