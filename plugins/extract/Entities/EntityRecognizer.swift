import Foundation
public import IngestCore

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
public struct EntityRecognizer: Sendable {
    let gazetteer: Gazetteer

    init(gazetteer: Gazetteer) {
        self.gazetteer = gazetteer
    }

    /// With the built-in gazetteer.
    public init() {
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
    public func entities(in text: String, english: Bool = true, limit: Int = 50) -> [Entity] {
        let tokens = Tokens.tokenize(text)
        let mentions = findMentions(tokens, english: english)
        return Agreement.resolve(mentions, limit: limit, minimumVotes: Self.minimumVotes)
    }

    func findMentions(_ tokens: [Token], english: Bool) -> [Mention] {
        let seen = SeenForms(tokens)
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
    private func extendRun(_ tokens: [Token], from start: Int) -> [Int] {
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
            if t.kind == .word, !t.capitalised, Cues.connectors.contains(t.text) {
                var k = j + 1
                if k < tokens.count, tokens[k].kind == .word, !tokens[k].capitalised, Cues.connectors.contains(tokens[k].text),
                    tokens[k].text != "for", t.text != "for"
                {
                    k += 1
                }
                guard k < tokens.count, tokens[k].kind == .word, tokens[k].capitalised, !tokens[k].sentenceStart else { break }
                let previous = tokens[run.last!].lower
                if t.text == "for" && !Cues.organisationHeads.contains(previous) && !Cues.organisationLeads.contains(previous) {
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
        _ fullRun: [Int], tokens: [Token], seen: SeenForms, english: Bool,
        into mentions: inout [Mention]
    ) {
        var run = ArraySlice(fullRun)
        // A known name as a whole ("The Hague") is kept before any stripping.
        // Stripping stops at a known name ("The Hague", "European Commission") and keeps an adjective that
        // belongs to an organisation's or a place's name ("British Museum").
        while let first = run.first, Cues.nonNames.contains(tokens[first].lower),
            gazetteer.kind(of: run.map { tokens[$0].text }.joined(separator: " ")) == nil
        {
            if Cues.demonyms.contains(tokens[first].lower), run.count > 1,
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
            seen.lowercase(tokens[first].lower) || Cues.connectors.contains(tokens[run[run.startIndex + 1]].text)
        {
            run = run.dropFirst()
            while let next = run.first, Cues.connectors.contains(tokens[next].text) { run = run.dropFirst() }
        }
        // Trailing joiners and calendar words are not part of a name ("Moscow on Friday" never joins, but
        // "Putin March" can).
        while let last = run.last, Cues.calendarWords.contains(tokens[last].lower) || !tokens[last].capitalised {
            run = run.dropLast()
        }
        guard !run.isEmpty else { return }
        // A title inside the run: the person's name follows it.
        if let t = run.lastIndex(where: { Cues.personTitles.contains(tokens[$0].lower) }) {
            var name = run[(t + 1)...]
            // "Secretary of State Antony Blinken": the role's "of X" is not the name.
            if let first = name.first, tokens[first].text == "of" { name = name.dropFirst(2) }
            var before = run[..<t]
            while let last = before.last, Cues.titleModifiers.contains(tokens[last].lower) { before = before.dropLast() }
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
        if words.count == 1, Cues.calendarWords.contains(tokens[run.first!].lower) || name.utf8.count < 2 { return }
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
            if Cues.personTitles.contains(p), words.count <= 4, !words.contains(where: Self.hasHead) {
                mention.votes[.person] += 4
            } else if english, Cues.placePrepositions.contains(p) {
                mention.votes[.place] += 2
            } else if english, Cues.weakPlacePrepositions.contains(p) {
                mention.votes[.place] += 1
            }
        }
        addContext(&mention, after: run.last!, tokens: tokens, english: english)
        mentions.append(mention)
    }

    /// Votes from the name itself: the gazetteer, acronyms, organisation and place words, given names.
    private func vote(_ mention: inout Mention, tokens: [Token], run: ArraySlice<Int>) {
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
        if words.count >= 2, Cues.organisationHeads.contains(last) {
            mention.votes[.organisation] += 4
        } else if words.count >= 3, let of = words.firstIndex(of: "of"), of >= 1,
            Cues.organisationLeads.contains(tokens[run[run.startIndex + of - 1]].lower)
        {
            // "Ministry of Defence", "Democratic Party of Lorvania", "National Museum of Ghana".
            mention.votes[.organisation] += 4
        } else if words.count >= 2, Cues.placeLeads.contains(first) {
            mention.votes[.place] += 4
        } else if words.count >= 2, Cues.placeHeads.contains(last) {
            mention.votes[.place] += 4
        } else if words.count >= 2, words.count <= 4, gazetteer.givenNames.contains(words[0]) {
            mention.votes[.person] += 3
        }
    }

    /// "said" after a name, or ", who".
    private func addContext(_ mention: inout Mention, after last: Int, tokens: [Token], english: Bool) {
        guard english, last + 1 < tokens.count else { return }
        let next = tokens[last + 1]
        let organisational = mention.words.contains(where: Self.hasHead)
        if next.kind == .word, Cues.speechVerbs.contains(next.lower) {
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
                return Cues.organisationHeads.contains(bytes: lower) || Cues.placeHeads.contains(bytes: lower)
            }
        }
        return ascii ?? isHead(lower: word.lowercased())
    }

    // Static, as is hasHead: a closure calling a method captured (and copied) the recogniser and its gazetteer.
    private static func isHead(lower w: String) -> Bool {
        Cues.organisationHeads.contains(w) || Cues.placeHeads.contains(w)
    }
}

/// Whether a sentence's first word is also seen capitalised inside a sentence, or in lowercase: what tells
/// a name that starts a sentence from an ordinary word that does.
///
/// Only the words that start a sentence are ever asked about, so only they are kept (a few dozen per
/// article), and every other word is one lookup in their table.
struct SeenForms {
    private var table = WordTable()
    private var insideCapitalised: [Bool] = []
    private var inLowercase: [Bool] = []
    /// One bit per key, picked by its ``Token/shape``: a token whose bit is clear is no key, and most
    /// tokens are turned away on that alone, without hashing their text (a few dozen keys set a few
    /// percent of the bits).
    private var filter = [UInt64](repeating: 0, count: 16)

    init(_ tokens: [Token]) {
        for token in tokens where token.kind == .word && token.sentenceStart {
            add(token.text, shape: token.shape)
            add(token.lower, shape: Token.shape(of: token.lower))
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
