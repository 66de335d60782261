import IngestCore
import Testing

/// `HTMLText.collapse` reads ASCII text on its bytes: it must answer as the rule says for any text.
@Suite("collapsing white space")
struct CollapseTests {
    /// The rule: the runs of non-white-space scalars, joined by single spaces.
    static func expected(_ s: String) -> String {
        s.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace }).map { String(String.UnicodeScalarView($0)) }
            .joined(separator: " ")
    }

    @Test("random texts of letters and every kind of white space, ASCII and not")
    func randomTexts() {
        let pieces = ["a", "Bc", " ", "  ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{A0}", "\u{2003}", "é", "e\u{301}", "&amp;", "x"]
        var rng = SplitMix64(seed: 5)
        for _ in 0..<5_000 {
            let text = (0..<Int(rng.next() % 12)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            #expect(HTMLText.collapse(text) == Self.expected(text), "\(text.debugDescription)")
        }
        #expect(HTMLText.collapse("") == "")
        #expect(HTMLText.collapse("  Storm  hits\tKelby \n") == "Storm hits Kelby")
    }
}
