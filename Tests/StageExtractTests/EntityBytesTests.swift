import Foundation
import IngestCore
import Testing
@testable import StageExtract

/// The entity recogniser reads tokens as byte spans and looks words up by their bytes: each byte helper must
/// answer as the String code it stands for, on text mixing ASCII names and cues with accents, combining
/// marks, the Kelvin sign (canonically equal to K), curly apostrophes and other scripts. (While it was
/// rewritten, its entities were also compared with the String-based recogniser's on these texts and on 675
/// documents; that copy of the old code is not kept, as it would pin the recogniser's behaviour.)
@Suite("entity recognition on bytes agrees with the String code it replaced")
struct EntityBytesTests {
    /// Pieces of random texts: names, cue words, joiners, possessives, abbreviations, and characters where
    /// bytes and Strings part ways.
    static let pieces = [
        " ", " ", " ", " ", "\n", "\n\n", ". ", ", ", ": ", "! ", "? ", " - ", "\t", "\u{A0}", "•",
        "the", "The", "of", "for", "Of", "oF", "van", "der", "de", "bin", "al-", "el-", "and", "in", "near", "at", "from",
        "said", "says", "who", "Who", "President", "president", "Mr", "Mr.", "Dr", "Prime", "Minister", "Secretary",
        "Vladimir", "Putin", "Kenya", "Jordan", "Washington", "Moscow", "Crocus", "City", "Hall", "Bank", "England",
        "Ministry", "Defence", "Committee", "Holdings", "Ltd", "Inc.", "University", "Oxford", "River", "Tarn",
        "Street", "Museum", "British", "Russian", "European", "Commission", "Monday", "March", "May", "NATO",
        "FSB", "G7", "U.S.", "U.K.", "F.", "J.", "Abiy", "Ahmed", "Anna", "Jean-Pierre", "O'Neill", "O’Neill",
        "'s", "’s", "s'", "Putin's", "Putin’s", "NATO's", "Zoë", "Zoë’s", "Élan", "ÉLAN", "e\u{301}", "E\u{301}cole",
        "\u{212A}abul", "Kabul", "\u{212A}ING", "İstanbul", "Istanbul", "ΣΟΦΙΑ", "Σοφία", "Москва", "Путин",
        "日本", "😀", "ß", "ﬁ", "Ǆ", "ǅ", "1999", "42", "Straße", "STRASSE", "Ⓐ", "ǈ", "A", "a", "B", "X",
    ]

    static func randomText(_ rng: inout SystemRandomNumberGenerator, pieces count: Int) -> String {
        var text = ""
        for _ in 0..<count {
            text += pieces.randomElement(using: &rng)!
            if Int.random(in: 0..<3, using: &rng) > 0 { text += " " }
        }
        return text
    }

    static func samples(_ count: Int = 2_000) -> [String] {
        var rng = SystemRandomNumberGenerator()
        var texts = [
            "", "\n", ". .", "A", "Kenya", "U.S.", "President Halvard Ostergaard spoke. Later, Ostergaard said so. Mr Ostergaard left.",
            "Officials said Russia's Investigative Committee opened a case in \u{212A}abul. Kabul officials said Kabul was calm.",
            "The Bank of England and the bank of Lorland met the Ministry of Defence near Crocus City Hall.",
            "Zoë Martin spoke. Zoe\u{308} Martin spoke again, and Martin said more.",
            // More tokens than a third of the bytes: tokenized again with room for one per byte.
            String(repeating: "Kenya!", count: 40), String(repeating: "A.", count: 100), String(repeating: "…", count: 300),
            String(repeating: "Mr. Putin. ", count: 30) + String(repeating: "!?", count: 200),
            String(repeating: "!", count: 500), String(repeating: "a,", count: 300) + "Kenya said.",
        ]
        for _ in 0..<count { texts.append(randomText(&rng, pieces: Int.random(in: 0...60, using: &rng))) }
        return texts
    }

    @Test("character questions on spans answer as String does")
    func characterQuestions() {
        for text in Self.samples(500) {
            TokenList(text).withView { view in
                for t in view.tokens where t.isWord {
                    let word = view.string(t)
                    #expect(view.isOneCharacter(t) == (word.count == 1), "\(word.debugDescription)")
                    #expect(view.characterCount(t) == word.count, "\(word.debugDescription)")
                    #expect(view.endsWithDot(t) == word.hasSuffix("."), "\(word.debugDescription)")
                    #expect(t.ascii == word.utf8.allSatisfy { $0 < 0x80 })
                    #expect(String(decoding: view.lower(t), as: UTF8.self) == word.lowercased())
                }
            }
        }
    }

    @Test("eight bytes at a time: the ASCII letters and digits a byte loop counts")
    func asciiWordLetters() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("azAZ09@[`{/:.-' ".utf8) + [0x80, 0xC3, 0xA9, 0xE2, 0xFF, 0x7F, 0x00]
        for _ in 0..<20_000 {
            let bytes = (0..<8).map { _ in
                Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            var length = 0, capitals = 0, smalls = 0
            for b in bytes {
                guard (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) else { break }
                length += 1
                if b >= 0x41 && b <= 0x5A { capitals += 1 }
                if b >= 0x61 && b <= 0x7A { smalls += 1 }
            }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let run = ASCIIWord.letters(word)
            #expect(run.length == length && run.capitals == capitals && run.smalls == smalls, "\(bytes)")
        }
    }

    @Test("the cue table answers as the lists do, for every word and for others")
    func cueTable() {
        let lists: [(Cue, [String])] = [
            (.personTitle, Cues.personTitles), (.titleModifier, Cues.titleModifiers),
            (.organisationHead, Cues.organisationHeads), (.organisationLead, Cues.organisationLeads),
            (.placeHead, Cues.placeHeads), (.placeLead, Cues.placeLeads), (.demonym, Cues.demonyms),
            (.placePreposition, Cues.placePrepositions), (.weakPlacePreposition, Cues.weakPlacePrepositions),
            (.speechVerb, Cues.speechVerbs), (.connector, Cues.connectors), (.nonName, Cues.nonNames),
            (.calendarWord, Cues.calendarWords), (.of, ["of"]), (.for, ["for"]), (.who, ["who"]),
        ]
        var words = Set(lists.flatMap { $0.1 })
        for text in Self.samples(300) { for token in Tokens.tokenize(text) { words.insert(token.lower); words.insert(token.text) } }
        words.formUnion(["", "o", "f", "ofx", "xof", "Of", "in.", "inc", "inc.", "ltd.", "co-founder", "kelvin"])
        for word in words {
            var expected: Cue = []
            for (cue, list) in lists where list.contains(where: { Array($0.utf8) == Array(word.utf8) }) { expected.insert(cue) }
            let found = Array(word.utf8).withUnsafeBufferPointer { Cues.table.cues($0) }
            #expect(found == expected, "\(word.debugDescription)")
        }
    }

    @Test("ByteTable numbers keys by their bytes, as a Dictionary of byte arrays does")
    func byteTable() {
        var rng = SystemRandomNumberGenerator()
        var table = ByteTable(capacity: 4)
        var reference: [[UInt8]: Int32] = [:]
        for _ in 0..<5_000 {
            let key = (0..<Int.random(in: 0...20, using: &rng)).map { _ in UInt8.random(in: 0x61...0x66, using: &rng) }
            let expected = reference[key] ?? Int32(reference.count)
            let isNew = reference[key] == nil
            reference[key] = expected
            let (number, new) = key.withUnsafeBufferPointer { table.number($0) }
            #expect(number == expected && new == isNew, "\(key)")
            #expect(key.withUnsafeBufferPointer { table.value($0) } == expected)
        }
        #expect(table.count == reference.count)
    }

    @Test("gazetteer lookups by bytes (behind the shape filter) answer as lookups by String")
    func gazetteerBytes() {
        let gazetteer = Gazetteer.builtIn
        var names = Set(GazetteerData.places + GazetteerData.organisations + GazetteerData.givenNames)
        for text in Self.samples(300) {
            let words = Tokens.tokenize(text).filter { $0.kind == .word }.map(\.text)
            names.formUnion(words)
            for (a, b) in zip(words, words.dropFirst()) { names.insert(a + " " + b) }
        }
        names.formUnion(["", "X", "Kenyaa", "Bosnia and Herzegovina", "Cocos (Keeling) Islands", "\u{212A}abul"])
        for name in names {
            let found = Array(name.utf8).withUnsafeBufferPointer { gazetteer.kind(bytes: $0) }
            #expect(found == gazetteer.kind(of: name), "\(name.debugDescription)")
        }
    }

    @Test("a shape filter never turns away a word that was put in")
    func shapeFilter() {
        var rng = SystemRandomNumberGenerator()
        var filter = ShapeFilter()
        var words: [[UInt8]] = []
        for _ in 0..<2_000 {
            let word = (0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            word.withUnsafeBufferPointer { filter.insert($0) }
            words.append(word)
        }
        for word in words { #expect(word.withUnsafeBufferPointer { filter.mayContain($0) }) }
    }
}
