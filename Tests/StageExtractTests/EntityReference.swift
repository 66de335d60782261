// The entity recogniser as it was before it read tokens as byte spans (commit 78564d4), kept as the
// reference the byte-level recogniser must agree with exactly. Only renamed (Ref…) and reading its cue lists
// from ``Cues``.
import Foundation
import IngestCore
@testable import StageExtract

/// The cue lists as the `WordSet`s the reference code looked words up in.
enum RefCues {
    static let personTitles = WordSet(Cues.personTitles)
    static let titleModifiers = WordSet(Cues.titleModifiers)
    static let organisationHeads = WordSet(Cues.organisationHeads)
    static let organisationLeads = WordSet(Cues.organisationLeads)
    static let placeHeads = WordSet(Cues.placeHeads)
    static let placeLeads = WordSet(Cues.placeLeads)
    static let demonyms = WordSet(Cues.demonyms)
    static let placePrepositions = WordSet(Cues.placePrepositions)
    static let weakPlacePrepositions = WordSet(Cues.weakPlacePrepositions)
    static let speechVerbs = WordSet(Cues.speechVerbs)
    static let connectors = WordSet(Cues.connectors)
    static let nonNames = WordSet(Cues.nonNames)
    static let calendarWords = WordSet(Cues.calendarWords)
}

/// The text as words and punctuation, with sentence starts marked: what entity recognition reads.
struct RefToken {
    enum Kind { case word, punctuation }
    var kind: Kind
    var text: String
    /// ``text`` lowercased (the same string when it has no capitals).
    var lower: String
    /// The first letter is a capital.
    var capitalised: Bool
    /// Two or more letters, all capitals (an acronym: FSB, NATO), digits allowed (G7).
    var acronym: Bool
    /// The first word of a sentence or paragraph, where every word is capitalised whatever it is.
    var sentenceStart: Bool
    /// The word ended with a possessive `'s` (removed from ``text``): a name ends here.
    var possessive: Bool
    /// ``text``'s length and first and last bytes (``shape(of:)``), taken while the bytes are at hand: lets
    /// a table of a few words (``RefSeenForms``) turn most tokens away without hashing their text.
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

enum RefTokens {
    /// Splits text into tokens. Words are letters and digits with inner hyphens and apostrophes
    /// (`Jean-Pierre`, `O'Neill`); dotted abbreviations such as `U.S.` stay one word.
    static func tokenize(_ text: String) -> [RefToken] {
        var text = text
        return text.withUTF8 { tokenize(bytes: $0) }
    }

    /// The same on the text's UTF-8 bytes, decoding scalars where they are read: no scalar or offset arrays
    /// are built, and a word's String is cut straight from the bytes.
    private static func tokenize(bytes: UnsafeBufferPointer<UInt8>) -> [RefToken] {
        let n = bytes.count
        var tokens: [RefToken] = []
        tokens.reserveCapacity(n / 5)
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
        func string(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
        }
        let asciiMarks = Self.asciiMarks
        var i = 0
        var atSentenceStart = true
        while i < n {
            let (s, width) = decode(i)
            if s == " " || s == "\t" || s == "\u{A0}" || s == "\r" {
                i += width
                continue
            }
            if s == "\n" {
                atSentenceStart = true
                i += width
                continue
            }
            if isWordScalar(s) {
                // Byte offsets; `count` is the word's length in scalars so far.
                var j = i + width
                var count = 1
                while j < n {
                    // ASCII letters and digits, most of every word, need no decoding.
                    let b = bytes[j]
                    if b &- 0x30 < 10 || (b | 0x20) &- 0x61 < 26 {
                        j += 1
                        count += 1
                        continue
                    }
                    let (c, cw) = decode(j)
                    if isWordScalar(c) { j += cw; count += 1; continue }
                    // Inner hyphen or apostrophe, or the dots of U.S.-style abbreviations.
                    if c == "-" || c == "'" || c == "’" || c == ".", j + cw < n, case let (d, dw) = decode(j + cw), isWordScalar(d) {
                        if c == "." {
                            let initial = count == 1 && isUpper(s)
                            // The scalar two before the dot (which may lie before the word) is a dot too.
                            let previous = before(j)
                            let dotted = previous > 0 && bytes[before(previous)] == 0x2E
                            if !initial && !dotted { break }
                        }
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
                var possessive = false
                if count > 2, bytes[end - 1] == 0x73, isApostrophe(before(end - 1)) {
                    wordEnd = before(end - 1)
                    wordCount = count - 2
                    possessive = true
                } else if count > 2, case let last = before(end), isApostrophe(last), bytes[last - 1] == 0x73 {
                    wordEnd = last
                    wordCount = count - 1
                    possessive = true
                }
                let word = string(i, wordEnd)
                // Arabic names' article: "el-Sisi", "al-Assad" are capitalised names.
                var firstIndex = i
                if wordCount > 3, bytes[i + 2] == 0x2D, bytes[i] == 0x61 || bytes[i] == 0x65, bytes[i + 1] == 0x6C {
                    firstIndex = i + 3
                }
                var letters = 0
                var allUpper = true
                var hasUpper = false
                var ascii = true
                var k = i
                while k < wordEnd {
                    let b = bytes[k]
                    if b < 0x80 {
                        if b >= 0x41 && b <= 0x5A { letters += 1; hasUpper = true } else if b >= 0x61 && b <= 0x7A { letters += 1; allUpper = false }
                        k += 1
                        continue
                    }
                    ascii = false
                    hasUpper = true
                    let (c, cw) = decode(k)
                    if c.properties.isAlphabetic {
                        letters += 1
                        if !c.properties.isUppercase { allUpper = false }
                    }
                    k += cw
                }
                let lower: String
                if !hasUpper {
                    lower = word
                } else if ascii {
                    lower = String(unsafeUninitializedCapacity: wordEnd - i) { out in
                        for m in i..<wordEnd {
                            let b = bytes[m]
                            out[m - i] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
                        }
                        return wordEnd - i
                    }
                } else {
                    lower = word.lowercased()
                }
                tokens.append(RefToken(kind: .word, text: word, lower: lower, capitalised: isUpper(decode(firstIndex).0),
                                    acronym: letters >= 2 && allUpper, sentenceStart: atSentenceStart, possessive: possessive,
                                    shape: RefToken.shape(count: wordEnd - i, first: bytes[i], last: bytes[wordEnd - 1])))
                atSentenceStart = false
                i = end
                continue
            }
            // Punctuation: one token per scalar. A sentence ends at . ! ? : unless the word before is an
            // abbreviation or an initial.
            let mark = bytes[i] < 0x80 ? asciiMarks[Int(bytes[i])] : string(i, i + width)
            tokens.append(RefToken(kind: .punctuation, text: mark, lower: mark, capitalised: false, acronym: false, sentenceStart: false, possessive: false))
            if s == "." || s == "!" || s == "?" || s == ":" || s == "•" {
                if s != "." || !endsInAbbreviation(tokens) { atSentenceStart = true }
            }
            i += width
        }
        return tokens
    }

    /// Each ASCII character as a String, made once: punctuation tokens are a fifth of all tokens.
    private static let asciiMarks: [String] = (0..<128).map { String(Unicode.Scalar(UInt8($0))) }

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

    /// The token before a final `.` is an abbreviation (Mr, Dr, St…) or a single capital (an initial).
    private static func endsInAbbreviation(_ tokens: [RefToken]) -> Bool {
        guard tokens.count >= 2 else { return false }
        let previous = tokens[tokens.count - 2]
        guard previous.kind == .word else { return false }
        if previous.text.count == 1 && previous.capitalised { return true }
        if previous.text.hasSuffix(".") { return true }
        return Sentences.abbreviations.contains(previous.lower)
    }
}


/// Finds the people, organisations and places of a text.
///
/// 1. Candidates are runs of capitalised words (joined by "of", "de", "bin"…, initials and hyphens allowed).
///    A run stops at a possessive ("Russia's Investigative Committee" is two names). Leading words that
///    only start a sentence ("The", "According", "Russian") are stripped, and a single capitalised word at the
///    start of a sentence is kept only if it is capitalised elsewhere too, or known to the gazetteer.
/// 2. A title inside or before a run ("President", "spokesperson", "Mr") makes what follows it a person.
/// 3. Each mention collects votes: the gazetteer (strongest), a title, an organisation's or a place's
///    word ("Committee", "Hall"), an acronym, a known given name, "in"/"near" before it, "said" after it.
/// 4. Mentions agree: a surname alone joins the full name seen in the text ("Putin" → "Vladimir Putin"),
///    pooling its votes and count. An entity whose votes stay weak is left out: a missing entity is better
///    than a wrong one.
///
/// The cues are English words; in other languages only the gazetteer, acronyms and names' own words count.
struct RefRecognizer: Sendable {
    let gazetteer: Gazetteer

    init(gazetteer: Gazetteer) {
        self.gazetteer = gazetteer
    }

    /// With the built-in gazetteer.
    init() {
        self.init(gazetteer: .builtIn)
    }

    /// Votes below this for every kind leave the entity out.
    static let minimumVotes = 2

    struct Mention {
        let words: [String]
        var votes = Votes()
        var position: Int
        /// The words joined by spaces, made once (the gazetteer and the agreement both read it).
        let name: String

        init(words: [String], name: String? = nil, position: Int) {
            self.words = words
            self.position = position
            self.name = name ?? words.joined(separator: " ")
        }
    }

    /// The entities of `text`, most mentioned first, at most `limit`.
    ///
    /// - Parameter english: whether the English cues (prepositions, verbs of speech) apply.
    func entities(in text: String, english: Bool = true, limit: Int = 50) -> [Entity] {
        let tokens = RefTokens.tokenize(text)
        let mentions = findMentions(tokens, english: english)
        return RefAgreement.resolve(mentions, limit: limit, minimumVotes: Self.minimumVotes)
    }

    func findMentions(_ tokens: [RefToken], english: Bool) -> [Mention] {
        let seen = RefSeenForms(tokens)
        var mentions: [Mention] = []
        var i = 0
        while i < tokens.count {
            // The two flags only: copying the whole token retained and released its two strings.
            guard tokens[i].kind == .word, tokens[i].capitalised else {
                i += 1
                continue
            }
            let run = extendRun(tokens, from: i)
            handle(run, tokens: tokens, seen: seen, english: english, into: &mentions)
            i = (run.last ?? i) + 1
        }
        return mentions
    }

    /// The token indexes of the words of the run starting at `start`.
    private func extendRun(_ tokens: [RefToken], from start: Int) -> [Int] {
        var run = [start]
        var j = start + 1
        while j < tokens.count, !tokens[run.last!].possessive {
            let t = tokens[j]
            if t.kind == .word, t.capitalised, !t.sentenceStart {
                run.append(j)
                j += 1
                continue
            }
            // An initial: "John F. Kennedy".
            if t.kind == .punctuation, t.text == ".", tokens[run.last!].text.count == 1,
                j + 1 < tokens.count, tokens[j + 1].kind == .word, tokens[j + 1].capitalised
            {
                j += 1
                continue
            }
            // One or two joiners before a capitalised word ("Bank of England", "Anko van der Werff").
            if t.kind == .word, !t.capitalised, RefCues.connectors.contains(t.text) {
                var k = j + 1
                if k < tokens.count, tokens[k].kind == .word, !tokens[k].capitalised, RefCues.connectors.contains(tokens[k].text),
                    tokens[k].text != "for", t.text != "for"
                {
                    k += 1
                }
                guard k < tokens.count, tokens[k].kind == .word, tokens[k].capitalised, !tokens[k].sentenceStart else { break }
                let previous = tokens[run.last!].lower
                if t.text == "for" && !RefCues.organisationHeads.contains(previous) && !RefCues.organisationLeads.contains(previous) {
                    break
                }
                run.append(contentsOf: j...k)
                j = k + 1
                continue
            }
            break
        }
        return run
    }

    private func handle(
        _ fullRun: [Int], tokens: [RefToken], seen: RefSeenForms, english: Bool,
        into mentions: inout [Mention]
    ) {
        var run = ArraySlice(fullRun)
        // A known name as a whole ("The Hague") is kept before any stripping.
        // Stripping stops at a known name ("The Hague", "European Commission") and keeps an adjective that
        // belongs to an organisation's or a place's name ("British Museum").
        while let first = run.first, RefCues.nonNames.contains(tokens[first].lower),
            gazetteer.kind(of: run.map { tokens[$0].text }.joined(separator: " ")) == nil
        {
            if RefCues.demonyms.contains(tokens[first].lower), run.count > 1,
                let last = run.last, Self.isHead(lower: tokens[last].lower) || run.contains(where: { tokens[$0].text == "of" })
            {
                break
            }
            run = run.dropFirst()
        }
        // A sentence's first word that is an ordinary word elsewhere ("Shares of Norvik Holdings", "Members
        // of the Harbour Board"): not part of the name, nor is the joiner after it.
        if let first = run.first, tokens[first].sentenceStart, run.count > 1,
            !seen.capitalisedInside(tokens[first].text), !gazetteer.entryWords.contains(tokens[first].text),
            seen.lowercase(tokens[first].lower) || RefCues.connectors.contains(tokens[run[run.startIndex + 1]].text)
        {
            run = run.dropFirst()
            while let next = run.first, RefCues.connectors.contains(tokens[next].text) { run = run.dropFirst() }
        }
        // Trailing joiners and calendar words are not part of a name ("Moscow on Friday" never joins, but
        // "Putin March" can).
        while let last = run.last, RefCues.calendarWords.contains(tokens[last].lower) || !tokens[last].capitalised {
            run = run.dropLast()
        }
        guard !run.isEmpty else { return }
        // A title inside the run: the person's name follows it.
        if let t = run.lastIndex(where: { RefCues.personTitles.contains(tokens[$0].lower) }) {
            var name = run[(t + 1)...]
            // "Secretary of State Antony Blinken": the role's "of X" is not the name.
            if let first = name.first, tokens[first].text == "of" { name = name.dropFirst(2) }
            var before = run[..<t]
            while let last = before.last, RefCues.titleModifiers.contains(tokens[last].lower) { before = before.dropLast() }
            if !before.isEmpty {
                handle(Array(before), tokens: tokens, seen: seen, english: english, into: &mentions)
            }
            // "General Court", "Premier League": a title word that starts an institution's name.
            let institution = name.contains(where: { Self.isHead(lower: tokens[$0].lower) })
            if !name.isEmpty, name.count <= 4, !institution {
                var mention = Mention(words: name.map { tokens[$0].text }, position: name.first!)
                mention.votes[.person] += 4
                addContext(&mention, after: name.last!, tokens: tokens, english: english)
                mentions.append(mention)
                return
            }
            if !institution {
                guard !name.isEmpty else { return }
                run = name
            }
        }
        let words = run.map { tokens[$0].text }
        let name = words.joined(separator: " ")
        if words.count == 1, RefCues.calendarWords.contains(tokens[run.first!].lower) || name.utf8.count < 2 { return }
        // A lone capitalised word that starts a sentence is just the sentence's first word, unless it is a
        // name elsewhere or a known one.
        if words.count == 1, tokens[run.first!].sentenceStart, !seen.capitalisedInside(name),
            gazetteer.kind(of: name) == nil, !tokens[run.first!].acronym
        {
            return
        }
        var mention = Mention(words: words, name: name, position: run.first!)
        vote(&mention, tokens: tokens, run: run)
        let previous = run.first! > 0 ? tokens[run.first! - 1] : nil
        if let previous, previous.kind == .word, !previous.capitalised {
            let p = previous.lower
            if RefCues.personTitles.contains(p), words.count <= 4, !words.contains(where: Self.hasHead) {
                mention.votes[.person] += 4
            } else if english, RefCues.placePrepositions.contains(p) {
                mention.votes[.place] += 2
            } else if english, RefCues.weakPlacePrepositions.contains(p) {
                mention.votes[.place] += 1
            }
        }
        addContext(&mention, after: run.last!, tokens: tokens, english: english)
        mentions.append(mention)
    }

    /// Votes from the name itself: the gazetteer, acronyms, organisation and place words, given names.
    private func vote(_ mention: inout Mention, tokens: [RefToken], run: ArraySlice<Int>) {
        let words = mention.words
        if let kind = gazetteer.kind(of: mention.name) {
            mention.votes[kind] += 6
            return
        }
        if words.count == 1, tokens[run.first!].acronym, words[0].count <= 8 {
            mention.votes[.organisation] += 3
            return
        }
        // The tokens' own lowercase forms: `words` are their texts.
        let last = tokens[run.last!].lower
        let first = tokens[run.first!].lower
        if words.count >= 2, RefCues.organisationHeads.contains(last) {
            mention.votes[.organisation] += 4
        } else if words.count >= 3, let of = words.firstIndex(of: "of"), of >= 1,
            RefCues.organisationLeads.contains(tokens[run[run.startIndex + of - 1]].lower)
        {
            // "Ministry of Defence", "Democratic Party of Lorvania", "National Museum of Ghana".
            mention.votes[.organisation] += 4
        } else if words.count >= 2, RefCues.placeLeads.contains(first) {
            mention.votes[.place] += 4
        } else if words.count >= 2, RefCues.placeHeads.contains(last) {
            mention.votes[.place] += 4
        } else if words.count >= 2, words.count <= 4, gazetteer.givenNames.contains(words[0]) {
            mention.votes[.person] += 3
        }
    }

    /// "said" after a name, or ", who".
    private func addContext(_ mention: inout Mention, after last: Int, tokens: [RefToken], english: Bool) {
        guard english, last + 1 < tokens.count else { return }
        let next = tokens[last + 1]
        let organisational = mention.words.contains(where: Self.hasHead)
        if next.kind == .word, RefCues.speechVerbs.contains(next.lower) {
            if organisational { mention.votes[.organisation] += 1 } else if mention.words.count <= 3 {
                mention.votes[.person] += 2
            }
        } else if next.text == ",", last + 2 < tokens.count, tokens[last + 2].lower == "who", !organisational {
            mention.votes[.person] += 2
        }
    }

    /// Whether `word` lowercased is an organisation's or a place's last word. An ASCII word is lowercased
    /// on the stack: `lowercased()` made a String for every word of every mention.
    private static func hasHead(_ word: String) -> Bool {
        var word = word
        let ascii = word.withUTF8 { bytes -> Bool? in
            guard bytes.count <= 32, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
                for i in bytes.indices {
                    let b = bytes[i]
                    buffer[i] = b &- 0x41 < 26 ? b | 0x20 : b
                }
                let lower = UnsafeBufferPointer(rebasing: buffer[..<bytes.count])
                return RefCues.organisationHeads.contains(bytes: lower) || RefCues.placeHeads.contains(bytes: lower)
            }
        }
        return ascii ?? isHead(lower: word.lowercased())
    }

    // Static, as is hasHead: a closure calling a method captured (and copied) the recogniser and its gazetteer.
    private static func isHead(lower w: String) -> Bool {
        RefCues.organisationHeads.contains(w) || RefCues.placeHeads.contains(w)
    }
}

/// Whether a sentence's first word is also seen capitalised inside a sentence, or in lowercase: what tells
/// a name that starts a sentence from an ordinary word that does.
///
/// Only the words that start a sentence are ever asked about, so only they are kept (a few dozen per
/// article), and every other word is one lookup in their table.
struct RefSeenForms {
    private var table = WordTable()
    private var insideCapitalised: [Bool] = []
    private var inLowercase: [Bool] = []
    /// One bit per key, picked by its ``RefToken/shape``: a token whose bit is clear is no key, and most
    /// tokens are turned away on that alone, without hashing their text (a few dozen keys set a few
    /// percent of the bits).
    private var filter = [UInt64](repeating: 0, count: 16)

    init(_ tokens: [RefToken]) {
        for token in tokens where token.kind == .word && token.sentenceStart {
            add(token.text, shape: token.shape)
            add(token.lower, shape: RefToken.shape(of: token.lower))
        }
        guard table.count > 0 else { return }
        filter.withUnsafeBufferPointer { filter in
            for token in tokens where token.kind == .word {
                let bit = Self.bit(token.shape)
                guard filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { continue }
                if token.capitalised {
                    if !token.sentenceStart, let i = table[token.text] { insideCapitalised[i] = true }
                } else if let i = table[token.text] {
                    inLowercase[i] = true
                }
            }
        }
    }

    private mutating func add(_ form: String, shape: UInt32) {
        guard table[form] == nil else { return }
        table[form] = insideCapitalised.count
        insideCapitalised.append(false)
        inLowercase.append(false)
        let bit = Self.bit(shape)
        filter[bit >> 6] |= 1 << UInt64(bit & 63)
    }

    @inline(__always)
    private static func bit(_ shape: UInt32) -> Int {
        Int((shape &* 0x85EB_CA6B) >> 22)
    }

    /// `word` (a sentence's first word) is seen capitalised away from a sentence start.
    func capitalisedInside(_ word: String) -> Bool { table[word].map { insideCapitalised[$0] } ?? false }

    /// `word` (the lowercase form of a sentence's first word) is seen as a word in lowercase.
    func lowercase(_ word: String) -> Bool { table[word].map { inLowercase[$0] } ?? false }
}


/// Joins the mentions of one entity and decides its kind.
///
/// A mention that is the last word(s) of a longer name seen in the text ("Putin", "Mr Antonov" → "Antonov")
/// is that name; a lone first word of a longer organisation's or place's name ("Crocus") is that name
/// when it has no evidence of its own. Votes and counts are pooled, so one mention with a title makes every
/// mention of the name a person.
enum RefAgreement {
    static func resolve(_ mentions: [RefRecognizer.Mention], limit: Int, minimumVotes: Int) -> [Entity] {
        struct Group {
            var words: [String]
            var votes: Votes
            var count: Int
            var first: Int
        }
        var groups: [Group] = []
        var index: [String: Int] = [:]
        index.reserveCapacity(mentions.count)
        for mention in mentions {
            let name = mention.name
            if let g = index[name] {
                groups[g].count += 1
                groups[g].votes += mention.votes
            } else {
                index[name] = groups.count
                groups.append(Group(words: mention.words, votes: mention.votes, count: 1, first: mention.position))
            }
        }
        // Each group's length and end words in plain arrays: the loop below pairs every group with every
        // other, and reading them from `groups[h]` retained and released its word list each time. The end
        // words are numbered by their bytes, so two ASCII words compare as two integers (for ASCII, equal
        // bytes and equal Strings are the same thing); a pair with other characters still compares the
        // Strings, which equate canonically equivalent spellings.
        var numbers = WordTable()
        func ends(_ word: String?) -> RefEndWord {
            guard let word else { return RefEndWord(word: nil, number: -1, ascii: true) }
            let number = numbers[word] ?? {
                let new = numbers.count
                numbers[word] = new
                return new
            }()
            return RefEndWord(word: word, number: number, ascii: word.utf8.allSatisfy { $0 < 0x80 })
        }
        let lengths = groups.map { $0.words.count }
        let firstWords = groups.map { ends($0.words.first) }
        let lastWords = groups.map { ends($0.words.last) }

        // Shorter names into longer ones, shortest first so chains settle.
        var target = Array(groups.indices)
        let byLength = groups.indices.sorted { lengths[$0] < lengths[$1] }
        for g in byLength {
            let short = groups[g].words
            guard short.count < 3 else { continue }
            // A known place or organisation ("Jordan", "Washington") is not someone's surname.
            let strongOwn = groups[g].votes[.place] >= 6 || groups[g].votes[.organisation] >= 6
            var best: Int?
            for h in groups.indices where h != g && lengths[h] > short.count {
                // Cheap rejections first: most pairs share neither the last nor the first word.
                guard lastWords[h].same(as: lastWords[g]) || firstWords[h].same(as: firstWords[g]) else { continue }
                let long = groups[h].words
                let isPerson = groups[h].votes[.person] > 0 || groups[g].votes[.person] > 0
                let surname = Array(long.suffix(short.count)) == short && isPerson && !strongOwn
                let head = short.count == 1 && long.first == short.first && !isPerson && groups[g].votes.isEmpty
                // A given name alone for a person named in full earlier ("Abiy" after "Abiy Ahmed").
                let givenName = short.count == 1 && long.first == short.first && groups[h].votes[.person] > 0
                    && groups[g].votes[.place] == 0 && groups[g].votes[.organisation] == 0
                guard surname || head || givenName else { continue }
                // The most mentioned longer name, the earliest on a tie.
                if best == nil || groups[h].count > groups[best!].count
                    || (groups[h].count == groups[best!].count && groups[h].first < groups[best!].first)
                {
                    best = h
                }
            }
            if let best {
                target[g] = target[best]
            }
        }
        for g in groups.indices where target[g] != g {
            var t = target[g]
            while target[t] != t { t = target[t] }
            groups[t].count += groups[g].count
            groups[t].votes += groups[g].votes
            groups[t].first = min(groups[t].first, groups[g].first)
            groups[g].count = 0
        }
        var entities: [(Entity, Int)] = []
        for group in groups where group.count > 0 {
            // Highest vote wins; a tie between kinds is no decision.
            guard let top = group.votes.leader, top.votes >= minimumVotes else { continue }
            entities.append((Entity(kind: top.kind, name: group.words.joined(separator: " "), count: group.count), group.first))
        }
        entities.sort { a, b in a.0.count != b.0.count ? a.0.count > b.0.count : a.1 < b.1 }
        return entities.prefix(limit).map(\.0)
    }
}

/// A name's first or last word, numbered for quick comparison (see ``RefAgreement/resolve(_:limit:minimumVotes:)``).
private struct RefEndWord {
    var word: String?
    var number: Int
    var ascii: Bool

    /// The same as `word == other.word`.
    @inline(__always)
    func same(as other: RefEndWord) -> Bool {
        number == other.number || (!(ascii && other.ascii) && word == other.word)
    }
}
