import Foundation
@testable import StageClean
import Testing

/// The byte-level helpers give what the code they replaced gave (the copies in OldHelpers.swift), on
/// random inputs built from the pieces that matter to them.
@Suite("helper equivalence")
struct HelperEquivalenceTests {
    /// A small deterministic generator, so a failure repeats.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Text pieces: ASCII words and whitespace, line breaks (CRLF too), controls and NUL, Unicode spaces,
    /// invisible characters, combining marks (also after spaces and line feeds), accented and wide letters.
    static let textPieces: [String] = [
        "a", "word", "Hello,", " ", "  ", "\t", "\n", "\n\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{00}", "\u{07}",
        "\u{7F}", "\u{85}", "\u{A0}", "\u{AD}", "\u{1680}", "\u{2003}", "\u{200B}", "\u{200C}", "\u{200D}",
        "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{2060}", "\u{3000}", "\u{FEFF}", "\u{180E}", "\u{301}",
        " \u{301}", "\n\u{301}", "e\u{301}", "é", "ß", "日本", "👍🏽", "\u{0600}a", "#", "-", ".",
    ]

    static func randomText(_ random: inout Random, pieces: [String], maxPieces: Int) -> String {
        var s = ""
        for _ in 0..<Int.random(in: 0...maxPieces, using: &random) { s += pieces.randomElement(using: &random)! }
        return s
    }

    @Test("TextNormalizer.normalize and normalizeLine are unchanged")
    func normalizer() {
        var random = Random(state: 1)
        for _ in 0..<20_000 {
            let text = Self.randomText(&random, pieces: Self.textPieces, maxPieces: 40)
            #expect(TextNormalizer.normalize(text) == OldTextNormalizer.normalize(text), "\(Array(text.unicodeScalars))")
            #expect(TextNormalizer.normalizeLine(text) == OldTextNormalizer.normalizeLine(text))
        }
    }

    @Test("the sink's pointer walk is unchanged, preformatted or not")
    func sink() {
        var random = Random(state: 2)
        for _ in 0..<10_000 {
            let chunks = (0..<Int.random(in: 1...5, using: &random)).map { _ in
                Self.randomText(&random, pieces: Self.textPieces, maxPieces: 12)
            }
            var new = TextSink()
            var old = OldTextSink()
            for chunk in chunks {
                let pre = Bool.random(using: &random)
                new.preformatted = pre
                old.preformatted = pre
                new.append(chunk)
                old.append(chunk)
                switch Int.random(in: 0..<6, using: &random) {
                case 0:
                    new.endParagraph()
                    old.endParagraph()
                case 1:
                    new.lineBreak()
                    old.lineBreak()
                case 2:
                    new.listMarker("- ")
                    old.listMarker("- ")
                case 3:
                    new.separator(" | ")
                    old.separator(" | ")
                default: break
                }
            }
            #expect(new.finish() == old.finish(), "\(chunks)")
        }
    }

    @Test("the NFC pre-check on bytes matches the check on scalars")
    func nfcCheck() {
        var random = Random(state: 3)
        for _ in 0..<5_000 {
            let text = Self.randomText(&random, pieces: Self.textPieces + ["\u{2FF}", "\u{300}", "\u{7FF}"], maxPieces: 8)
            #expect(TextSink.mayNeedNFC(Array(text.utf8)) == text.unicodeScalars.contains { $0.value >= 0x300 })
        }
    }

    /// Class and id pieces: every word of the lists, cut ends of them, separators and case.
    static let hintPieces: [String] = {
        var pieces = ["-", "_", " ", "#", "x", "1", "é", "HID", "Share", "sharedaddy", "hid", "hidden", "share", "a", "Ad"]
        for list in [OldClassHints.unlikelyWords, OldClassHints.maybeWords, OldClassHints.positiveWords,
                     OldClassHints.negativeWords, OldClassHints.bylineWords] {
            for word in list {
                let s = String(decoding: word, as: UTF8.self)
                pieces += [s, s.uppercased(), String(s.dropLast()), String(s.dropFirst())]
            }
        }
        return pieces
    }()

    @Test("ClassHints.of is unchanged")
    func classHints() {
        var random = Random(state: 4)
        for _ in 0..<50_000 {
            let cls = Bool.random(using: &random) ? Self.randomText(&random, pieces: Self.hintPieces, maxPieces: 5) : nil
            let id = Bool.random(using: &random) ? Self.randomText(&random, pieces: Self.hintPieces, maxPieces: 3) : nil
            let new = ClassHints.of(className: cls, id: id)
            let old = OldClassHints.of(className: cls, id: id)
            #expect(new.weight == old.weight && new.unlikely == old.unlikely && new.byline == old.byline
                && new.share == old.share, "\(String(describing: cls)) \(String(describing: id))")
        }
    }

    @Test("a link's leading # is read as hasPrefix did")
    func hashLinks() {
        var random = Random(state: 5)
        for _ in 0..<5_000 {
            let href = Self.randomText(&random, pieces: Self.textPieces.filter { $0 != "\u{00}" } + ["#", "#", "\u{FE0F}\u{20E3}"], maxPieces: 4)
            var bytes = Array(href.utf8)
            bytes.append(0)
            #expect(PageTree.startsWithHash(bytes) == href.hasPrefix("#"), "\(Array(href.unicodeScalars))")
        }
    }

    @Test("a link is trimmed as Foundation trims it")
    func linkTrimming() {
        var random = Random(state: 6)
        let pieces = Self.textPieces + ["/story/1", "https://example.org/a?b=c", "~", "!", "\u{1F}", "\u{21}"]
        for _ in 0..<20_000 {
            let href = Self.randomText(&random, pieces: pieces, maxPieces: 5)
            #expect(
                LinkCleaner.trimmed(href) == href.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(Array(href.unicodeScalars))")
        }
    }

    @Test("the title's words are split as before")
    func titleWords() {
        var random = Random(state: 7)
        let pieces = Self.textPieces + ["Title", "WORD", "x_y", "42", "\u{212A}", "İ", "ª", "²", "Ⅻ", ":", "|", "'"]
        for _ in 0..<20_000 {
            let text = Self.randomText(&random, pieces: pieces, maxPieces: 12)
            let new = TitleMatch.words(text)
            #expect(new == OldTitleMatch.words(text), "\(Array(text.unicodeScalars))")
            #expect(new.map { Array($0.utf8) } == OldTitleMatch.words(text).map { Array($0.utf8) })
            #expect(new.map(\.count) == OldTitleMatch.words(text).map(\.count))
        }
    }

    @Test("an element name's tag is what the String lookup gave")
    func tagOfName() {
        var random = Random(state: 9)
        let names = Tag.byName.keys.sorted()
        let pieces: [[UInt8]] = [[0x41], [0x61], [0x2D], [0x5F], [0x31], [0xE2, 0x84, 0xAA], [0xC3, 0x89], [0x7A]]
        var cases: [[UInt8]] = names.map { Array($0.utf8) } + names.map { Array($0.uppercased().utf8) }
        cases += [[], Array("blockquotes".utf8), Array("figcaptionfigcaption".utf8), Array("\u{212A}bd".utf8), Array("h7".utf8)]
        for _ in 0..<20_000 {
            var name = Array(names.randomElement(using: &random)!.utf8)
            for _ in 0..<Int.random(in: 0...2, using: &random) {
                name.insert(contentsOf: pieces.randomElement(using: &random)!, at: Int.random(in: 0...name.count, using: &random))
            }
            if Bool.random(using: &random) { name = name.map { $0 &- 0x61 < 26 && Bool.random(using: &random) ? $0 - 0x20 : $0 } }
            cases.append(name)
        }
        for name in cases {
            let terminated = name + [0]
            let old = Tag.byName[String(cString: terminated).lowercased()] ?? .other
            #expect(terminated.withUnsafeBufferPointer { Tag.of(name: $0.baseAddress!) } == old, "\(name)")
        }
    }

    @Test("a heading's similarity to the title is what the Sets of words gave")
    func titleSimilarity() {
        var random = Random(state: 8)
        let pieces = Self.textPieces + ["Title", "title", "WORD", "word", "x_y", "42", "a", "\r\n", "İ", ":", "|", "-"]
        for _ in 0..<20_000 {
            let title = Self.randomText(&random, pieces: pieces, maxPieces: 10)
            let heading = Bool.random(using: &random) ? title.uppercased() : Self.randomText(&random, pieces: pieces, maxPieces: 10)
            let old = 1 - Self.uniqueShare(OldTitleMatch.words(title), OldTitleMatch.words(heading))
            #expect(TitleMatch.Words(title).similarity(to: heading) == old, "\(Array(title.unicodeScalars)) | \(Array(heading.unicodeScalars))")
        }
    }

    /// Readability's share of `b`'s words (by length, spaces between them counted) not among `a`'s.
    static func uniqueShare(_ a: [Substring], _ b: [Substring]) -> Double {
        guard !b.isEmpty else { return 1 }
        let known = Set(a)
        let all = b.reduce(0) { $0 + $1.count } + b.count - 1
        let unique = b.filter { !known.contains($0) }
        let uniqueLength = unique.isEmpty ? 0 : unique.reduce(0) { $0 + $1.count } + unique.count - 1
        return Double(uniqueLength) / Double(all)
    }

    @Test("the hints cache key is the String it was, invalid UTF-8 repaired alike")
    func hintKey() {
        var random = Random(state: 6)
        let bytePieces: [[UInt8]] = [[0x61], [0x23], [0x20], [0xC3, 0xA9], [0xE2, 0x80], [0xE2], [0x80], [0xFF], [0xF0, 0x9F, 0x91]]
        for _ in 0..<5_000 {
            func value() -> [UInt8]? {
                guard Bool.random(using: &random) else { return nil }
                return (0..<Int.random(in: 0...4, using: &random)).flatMap { _ in bytePieces.randomElement(using: &random)! } + [0]
            }
            let cls = value()
            let id = value()
            let old: String? =
                cls == nil && id == nil
                ? nil : (cls.map { String(cString: $0) } ?? "") + "#" + (id.map { String(cString: $0) } ?? "")
            let new: String? = cls.withOptionalPointer { c in
                id.withOptionalPointer { i in PageTree.Attributes(className: c, id: i).hintKey }
            }
            #expect(new == old)
            #expect(new?.utf8.elementsEqual(old?.utf8 ?? "".utf8) ?? (old == nil))
        }
    }
}

extension Optional where Wrapped == [UInt8] {
    fileprivate func withOptionalPointer<R>(_ body: (UnsafePointer<UInt8>?) -> R) -> R {
        guard let self else { return body(nil) }
        return self.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
