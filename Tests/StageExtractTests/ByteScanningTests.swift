import Foundation
import IngestCore
import Testing
@testable import StageExtract

/// The byte-level shortcuts of the text helpers must answer exactly as the Character- and String-level code
/// they replaced (kept here as the reference), on random text that mixes ASCII, accents, combining marks,
/// CR LF pairs, emoji and the separators the helpers look for.
@Suite("byte scanning agrees with the String code it replaced")
struct ByteScanningTests {
    /// Pieces random texts are made of: each is tricky for one helper or another.
    static let pieces = [
        "a", "B", "z", "Q", "7", " ", " ", "\n", "\n", "\n\n", "\r\n", "\r", "\t", ".", ",", "-", "'", "|", " | ",
        "by ", "By ", "BY: ", "Written by ", "posted BY ", "é", "É", "e\u{301}", "\u{301}", "ß", "İ", "\u{212A}", "ﬁ",
        "日本", "😀", "\u{A0}", "…", "Mr.", " the ", "Bank", "and", " & ",
    ]

    static func randomText(_ rng: inout SystemRandomNumberGenerator, pieces count: Int) -> String {
        var text = ""
        for _ in 0..<count { text += pieces.randomElement(using: &rng)! }
        return text
    }

    static func samples() -> [String] {
        var rng = SystemRandomNumberGenerator()
        var texts = ["", "\n", "\n\n\n", " \n \n ", "a\r\nb\nc", "by Jane\nand more", "\u{212A}elvin"]
        for _ in 0..<3_000 { texts.append(randomText(&rng, pieces: Int.random(in: 0...40, using: &rng))) }
        return texts
    }

    /// The paragraph split as it was, on String.Index steps through the UTF-8 view.
    static func referenceParagraphs(_ text: String) -> [Substring] {
        var result: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var i = utf8.startIndex
        var previousNewline = false
        func add(_ from: String.Index, _ to: String.Index) {
            var a = from
            var b = to
            while a < b, utf8[a] == 0x20 || utf8[a] == 0x0A { a = utf8.index(after: a) }
            while b > a, case let c = utf8[utf8.index(before: b)], c == 0x20 || c == 0x0A { b = utf8.index(before: b) }
            if a < b { result.append(text[a..<b]) }
        }
        while i < utf8.endIndex {
            let c = utf8[i]
            if c == 0x0A && previousNewline {
                add(start, i)
                start = utf8.index(after: i)
                previousNewline = false
            } else {
                previousNewline = c == 0x0A
            }
            i = utf8.index(after: i)
        }
        add(start, utf8.endIndex)
        return result
    }

    /// The word count as it was, every scalar through the unspaced-script tests.
    static func referenceWordCount(_ text: String) -> Int {
        var words = 0
        var inWord = false
        var hasAlnum = false
        var unspaced = 0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0x20 || v == 0x0A || v == 0x09 || v == 0x0D {
                if inWord && hasAlnum { words += 1 }
                inWord = false
                hasAlnum = false
                continue
            }
            if (0x3040...0x30FF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0x0E00...0x0E7F).contains(v) {
                unspaced += 1
                continue
            }
            inWord = true
            if !hasAlnum {
                if v < 0x80 {
                    hasAlnum = (v >= 0x30 && v <= 0x39) || (v | 0x20 >= 0x61 && v | 0x20 <= 0x7A)
                } else {
                    hasAlnum = scalar.properties.isAlphabetic
                }
            }
        }
        if inWord && hasAlnum { words += 1 }
        return words + (unspaced + 1) / 2
    }

    /// The case-insensitive ASCII search as it was, with the needle copied to a lowercased array.
    static func referenceFirstASCII(_ text: String, _ needle: String) -> Int? {
        let n = Array(needle.utf8).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        guard let first = n.first else { return 0 }
        let h = Array(text.utf8)
        guard h.count >= n.count else { return nil }
        var i = 0
        while i <= h.count - n.count {
            let lower = h[i...].prefix(n.count).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            if lower.first == first && lower == n { return i }
            i += 1
        }
        return nil
    }

    @Test("paragraphs: the same substrings as the String.Index scan")
    func paragraphs() {
        for text in Self.samples() {
            let ours = Sentences.paragraphs(text).map { Array($0.utf8) }
            let reference = Self.referenceParagraphs(text).map { Array($0.utf8) }
            #expect(ours == reference, "\(text.debugDescription)")
        }
    }

    @Test("lines: the same lines as split(separator: \"\\n\").prefix(limit)")
    func lines() {
        for text in Self.samples() {
            // Whole texts, and slices that start inside them (paragraphs are slices of the clean text).
            for paragraph in [Substring(text), text.dropFirst(), text.dropFirst(3).dropLast()] {
                for limit in [1, 3] {
                    let ours = Sentences.lines(paragraph, limit: limit).map { Array($0.utf8) }
                    let reference = paragraph.split(separator: "\n").prefix(limit).map { Array($0.utf8) }
                    #expect(ours == reference, "\(paragraph.debugDescription) limit \(limit)")
                }
            }
        }
    }

    @Test("word count: the same as scalar by scalar")
    func wordCount() {
        for text in Self.samples() {
            #expect(Sentences.wordCount(text) == Self.referenceWordCount(text), "\(text.debugDescription)")
        }
    }

    @Test("mayStart is true whenever the lowercased line starts with a lead")
    func leadFilter() {
        for text in Self.samples() {
            let line = Substring(text)
            let lower = String(line).lowercased()
            let starts = Bylines.textLeads.contains { lower.hasPrefix($0) }
            if starts { #expect(Bylines.mayStart(line, with: Bylines.textLeads), "\(text.debugDescription)") }
            // And it does filter: an ASCII line that starts with no lead is turned away.
            if !starts, text.utf8.prefix(16).allSatisfy({ $0 < 0x80 }) {
                #expect(!Bylines.mayStart(line, with: Bylines.textLeads), "\(text.debugDescription)")
            }
        }
    }

    @Test("firstASCII: the same offsets as with a copied, lowercased needle")
    func firstASCII() {
        let needles = ["", " | ", " and ", " And ", "by", "BYLINE", "é", "\n", "a"]
        for text in Self.samples() {
            for needle in needles {
                #expect(text.firstASCII(needle) == Self.referenceFirstASCII(text, needle), "\(text.debugDescription) \(needle)")
            }
        }
    }

    @Test("hasDigitOrMark: the same as testing each Character")
    func digitOrMark() {
        for text in Self.samples() {
            for word in text.split(separator: " ") {
                let reference = word.contains(where: { $0.isNumber || "@/\\:;|()[]{}<>#=+*".contains($0) })
                #expect(Bylines.hasDigitOrMark(word) == reference, "\(word.debugDescription)")
            }
        }
        #expect(Bylines.hasDigitOrMark("a@b") && Bylines.hasDigitOrMark("x7") && !Bylines.hasDigitOrMark("O'Neill"))
    }

    @Test("Substring.hasASCII: the same as on a String copy")
    func substringSearch() {
        for text in Self.samples() {
            let slice = Substring(text).dropFirst(text.isEmpty ? 0 : 1)
            for needle in [" | ", "by", "", "é"] {
                #expect(slice.hasASCII(needle) == String(slice).hasASCII(needle), "\(text.debugDescription) \(needle)")
            }
        }
    }

    @Test("written dates read the same from ASCII lines as before")
    func writtenDates() {
        let cases = [
            ("Published March 22, 2024", "2024-03-22T00:00:00Z"), ("22 Mar. 2024 10:05 PM", "2024-03-22T22:05:00Z"),
            ("Updated (2024-03-22) at 9:30", "2024-03-22T09:30:00Z"), ("sept 3rd, 2023", "2023-09-03T00:00:00Z"),
            ("Posted 12:00", nil), ("MAY 5 1999,12:30 a.m.", "1999-05-05T00:30:00Z"),
        ]
        let format = ISO8601DateFormatter()
        for (line, expected) in cases {
            #expect(Dates.written(line).map { format.string(from: $0.date) } == expected, "\(line)")
        }
    }

    @Test("Votes.leader: the strictly highest kind, as ranking the kinds did")
    func votesLeader() {
        let kinds: [Entity.Kind] = [.person, .organisation, .place]
        for p in 0...3 {
            for o in 0...3 {
                for l in 0...3 {
                    var votes = Votes()
                    votes[.person] = p
                    votes[.organisation] = o
                    votes[.place] = l
                    let ranked = kinds.map { ($0, votes[$0]) }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
                    let expected = ranked.first.flatMap { top in ranked.count > 1 && ranked[1].1 == top.1 ? nil : top }
                    #expect(votes.leader?.kind == expected?.0 && votes.leader?.votes == expected?.1, "\(p) \(o) \(l)")
                }
            }
        }
    }

    @Test("a token's shape is the shape of its text")
    func tokenShapes() {
        for text in Self.samples().prefix(500) {
            for token in Tokens.tokenize(text) where token.kind == .word {
                #expect(token.shape == Token.shape(of: token.text), "\(token.text.debugDescription)")
            }
        }
    }
}
