import Testing

@testable import IngestCore

/// `TextDecoding.tidied` works on bytes; it must give what the scalar loop it replaced gave.
@Suite("tidying on bytes")
struct TidiedTests {
    /// The loop before: line ends become `\n`, C0 controls but tab and line feed, DEL, C1 controls and
    /// U+FEFF go.
    static func reference(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previousCR = false
        for s in text.unicodeScalars {
            if s == "\r" {
                scalars.append("\n")
                previousCR = true
                continue
            }
            defer { previousCR = false }
            if s == "\n" && previousCR { continue }
            if s == "\u{FEFF}" { continue }
            if s.value < 0x20 && s != "\n" && s != "\t" { continue }
            if s.value >= 0x7F && s.value < 0xA0 { continue }
            scalars.append(s)
        }
        return String(scalars)
    }

    @Test("random texts with line ends, controls, U+FEFF and their neighbours")
    func randomTexts() {
        let pieces = [
            "\u{0}", "\u{1}", "\u{1B}", "\r", "\n", "\r\n", "\n\r", "\t", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}",
            "\u{A0}", "\u{BB}", "\u{FEFF}", "\u{FEBB}", "\u{FEFE}", "\u{FFFD}", "\u{EF}", "\u{C2}", "é", "日", "😀",
            " ", "word",
        ]
        var rng = SplitMix64(seed: 12)
        for _ in 0..<50_000 {
            let text = (0..<Int(rng.next() % 40)).map { _ in
                rng.next() % 3 == 0 ? pieces[Int(rng.next() % UInt64(pieces.count))] : "x"
            }.joined()
            #expect(TextDecoding.tidied(text) == Self.reference(text), "\(text.debugDescription)")
        }
    }

    @Test("a CR LF page keeps its text, one line feed per line end")
    func crlfPage() {
        let page = String(repeating: "<p>Une ligne, déjà lue.</p>\r\n", count: 1000)
        let tidied = TextDecoding.tidied(page)
        #expect(tidied == String(repeating: "<p>Une ligne, déjà lue.</p>\n", count: 1000))
    }
}
