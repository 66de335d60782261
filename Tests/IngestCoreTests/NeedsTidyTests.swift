import Testing

@testable import IngestCore

/// `TextDecoding.needsTidy` tests eight bytes at a time; it must answer as the byte loop it replaced.
@Suite("needs tidying, word at a time")
struct NeedsTidyTests {
    /// The loop before (commit 107085f).
    static func reference(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for b in text.utf8 {
            if b < 0x20 && b != 0x0A && b != 0x09 { return true }
            if b == 0x7F { return true }
            if previous == 0xC2 && b >= 0x80 && b <= 0x9F { return true }
            if previous == 0xEF && b == 0xBB { return true }
            previous = b
        }
        return false
    }

    @Test("random texts with controls, C1 controls, U+FEFF and their neighbours at every offset")
    func randomTexts() {
        let pieces = [
            "\u{0}", "\u{1}", "\u{1B}", "\u{1F}", "\r", "\n", "\t", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}", "\u{A0}",
            "\u{BB}", "\u{FEFF}", "\u{FEBB}", "\u{FEFE}", "\u{FFFD}", "\u{EF}", "\u{C2}", "é", "日", "😀", " ", "~",
        ]
        var rng = SplitMix64(seed: 11)
        for _ in 0..<50_000 {
            let text = (0..<Int(rng.next() % 40)).map { _ in
                rng.next() % 5 == 0 ? pieces[Int(rng.next() % UInt64(pieces.count))] : "x"
            }.joined()
            #expect(TextDecoding.needsTidy(text) == Self.reference(text), "\(text.debugDescription)")
        }
    }
}
