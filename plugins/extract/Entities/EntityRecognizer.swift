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

    /// A name found in the text: its votes, where it is, and its words as numbers (see ``Mentions``).
    struct Mention {
        var votes = Votes()
        /// The token index of its first word.
        var position: Int
        /// Its words are `words[wordStart ..< wordStart + wordCount]` of ``Mentions``.
        var wordStart: Int32
        var wordCount: Int32
        /// Its name (the words joined by spaces) as a number: equal bytes, equal numbers.
        var name: Int32
    }

    /// The entities of `text`, most mentioned first, at most `limit`.
    ///
    /// - Parameter english: whether the English cues (prepositions, verbs of speech) apply.
    public func entities(in text: String, english: Bool = true, limit: Int = 50) -> [Entity] {
        let tokens = TokenList(text)
        return tokens.withView { view in
            var finder = MentionFinder(view: view, gazetteer: gazetteer, english: english)
            finder.findMentions()
            return Agreement.resolve(finder.found, view: view, limit: limit, minimumVotes: Self.minimumVotes)
        }
    }
}

/// The mentions of one text, their words numbered by their bytes: Agreement compares names and words as
/// numbers, and makes Strings only for the entities it returns.
struct Mentions {
    var list: [EntityRecognizer.Mention] = []
    /// Each mention's words as word numbers, one mention after another.
    var words: [Int32] = []
    /// For each word number, a token with that text.
    var wordTokens: [Int32] = []
    /// How many names are numbered.
    var names = 0
    /// No word has a character beyond ASCII. Then equal Strings are equal bytes and so equal numbers;
    /// otherwise Strings that differ in bytes can still be equal (canonically equivalent: "é" as one scalar
    /// or two), and ``Agreement`` compares Strings as it always did.
    var ascii = true

    func words(of mention: EntityRecognizer.Mention) -> ArraySlice<Int32> {
        words[Int(mention.wordStart)..<Int(mention.wordStart + mention.wordCount)]
    }

    /// The mention's words joined by spaces, made from their bytes in one go.
    func name(of mention: EntityRecognizer.Mention, _ view: TokenView) -> String {
        let words = words(of: mention)
        var length = max(0, words.count - 1)
        for word in words { length += view[Int(wordTokens[Int(word)])].length }
        return String(unsafeUninitializedCapacity: length) { name in
            var at = 0
            for word in words {
                if at > 0 {
                    name[at] = 0x20
                    at += 1
                }
                let text = view.text(view[Int(wordTokens[Int(word)])])
                UnsafeMutableRawPointer(name.baseAddress! + at).copyMemory(from: text.baseAddress!, byteCount: text.count)
                at += text.count
            }
            return at
        }
    }
}

/// Step 1 to 3 of ``EntityRecognizer`` on one text: its runs of capitalised words, made into mentions with
/// their votes.
///
/// A run is a list of token indexes in one buffer that is refilled for each run; the words are looked up by
/// their bytes (``TokenView``), in ``Cues/table`` for every cue list at once.
struct MentionFinder {
    typealias Mention = EntityRecognizer.Mention
    let view: TokenView
    let gazetteer: Gazetteer
    let english: Bool
    let seen: SeenForms
    /// ``Cues/table``, held here: read for most words of every run.
    let cues = Cues.table
    private(set) var found = Mentions()
    /// Where a run's words are joined by spaces, to look the name up and number it.
    private var scratch = [UInt8](repeating: 0, count: 256)
    private var wordNumbers = ByteTable(capacity: 128)
    private var nameNumbers = ByteTable(capacity: 128)

    init(view: TokenView, gazetteer: Gazetteer, english: Bool) {
        self.view = view
        self.gazetteer = gazetteer
        self.english = english
        seen = SeenForms(view)
        found.list.reserveCapacity(64)
        found.words.reserveCapacity(128)
    }

    /// A run's token indexes: a slice of a buffer that is refilled for each run, read without reference
    /// counting.
    typealias Run = Slice<UnsafeBufferPointer<Int32>>

    mutating func findMentions() {
        // A run never holds more tokens than the text. Allocated rather than borrowed from an array: calling
        // `handle` (mutating) from inside a `withUnsafe…` closure copied the whole finder for every run.
        let buffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, view.count))
        defer { buffer.deallocate() }
        var i = 0
        while i < view.count {
            guard view[i].isWord, view[i].capitalised else {
                i += 1
                continue
            }
            let count = extendRun(into: buffer, from: i)
            let run = UnsafeBufferPointer(rebasing: buffer[0..<count])
            handle(run[...])
            i = Int(run[count - 1]) + 1
        }
    }

    /// The token indexes of the words of the run starting at `start`, into `run`.
    private func extendRun(into run: UnsafeMutableBufferPointer<Int32>, from start: Int) -> Int {
        run[0] = Int32(start)
        var count = 1
        let n = view.count
        var j = start + 1
        while j < n, !view[Int(run[count - 1])].possessive {
            let t = view[j]
            if t.isWord, t.capitalised, !t.sentenceStart {
                run[count] = Int32(j)
                count += 1
                j += 1
                continue
            }
            // An initial: "John F. Kennedy".
            if view.isMark(t, 0x2E), view.isOneCharacter(view[Int(run[count - 1])]), j + 1 < n, view[j + 1].isWord,
                view[j + 1].capitalised
            {
                j += 1
                continue
            }
            // One or two joiners before a capitalised word ("Bank of England", "Anko van der Werff").
            if t.isWord, !t.capitalised, case let joiner = textCues(Int32(j)), joiner.contains(.connector) {
                var k = j + 1
                if k < n, view[k].isWord, !view[k].capitalised, case let next = textCues(Int32(k)),
                    next.contains(.connector), !next.contains(.for), !joiner.contains(.for)
                {
                    k += 1
                }
                guard k < n, view[k].isWord, view[k].capitalised, !view[k].sentenceStart else { break }
                let previous = lowerCues(run[count - 1])
                if joiner.contains(.for) && !previous.contains(.organisationHead) && !previous.contains(.organisationLead) {
                    break
                }
                for m in j...k {
                    run[count] = Int32(m)
                    count += 1
                }
                j = k + 1
                continue
            }
            break
        }
        return count
    }

    private mutating func handle(_ fullRun: Run) {
        var run = fullRun
        // A known name as a whole ("The Hague") is kept before any stripping.
        // Stripping stops at a known name ("The Hague", "European Commission") and keeps an adjective that
        // belongs to an organisation's or a place's name ("British Museum").
        while let first = run.first, case let firstCues = lowerCues(first), firstCues.contains(.nonName), kind(ofJoined: run) == nil {
            if firstCues.contains(.demonym), run.count > 1,
                let last = run.last, lowerCues(last).isHead || run.contains(where: { textCues($0).contains(.of) })
            {
                break
            }
            run = run.dropFirst()
        }
        // A sentence's first word that is an ordinary word elsewhere ("Shares of Norvik Holdings", "Members
        // of the Harbour Board"): not part of the name, nor is the joiner after it.
        if let first = run.first, token(first).sentenceStart, run.count > 1,
            !seen.capitalisedInside(view.text(token(first))), !gazetteer.entryWords.contains(bytes: view.text(token(first))),
            seen.lowercase(view.lower(token(first))) || textCues(run[run.startIndex + 1]).contains(.connector)
        {
            run = run.dropFirst()
            while let next = run.first, textCues(next).contains(.connector) { run = run.dropFirst() }
        }
        // Trailing joiners and calendar words are not part of a name ("Moscow on Friday" never joins, but
        // "Putin March" can).
        while let last = run.last, lowerCues(last).contains(.calendarWord) || !token(last).capitalised {
            run = run.dropLast()
        }
        guard !run.isEmpty else { return }
        // A title inside the run: the person's name follows it.
        if let t = run.lastIndex(where: { lowerCues($0).contains(.personTitle) }) {
            var name = run[(t + 1)...]
            // "Secretary of State Antony Blinken": the role's "of X" is not the name.
            if let first = name.first, textCues(first).contains(.of) { name = name.dropFirst(2) }
            var before = run[..<t]
            while let last = before.last, lowerCues(last).contains(.titleModifier) { before = before.dropLast() }
            if !before.isEmpty {
                handle(before)
            }
            // "General Court", "Premier League": a title word that starts an institution's name.
            let institution = name.contains(where: { lowerCues($0).isHead })
            if !name.isEmpty, name.count <= 4, !institution {
                var (mention, _) = makeMention(name)
                mention.votes[.person] += 4
                addContext(&mention, words: name)
                found.list.append(mention)
                return
            }
            if !institution {
                guard !name.isEmpty else { return }
                run = name
            }
        }
        let first = token(run.first!)
        if run.count == 1, lowerCues(run.first!).contains(.calendarWord) || first.length < 2 { return }
        // A lone capitalised word that starts a sentence is just the sentence's first word, unless it is a
        // name elsewhere or a known one.
        if run.count == 1, first.sentenceStart, !seen.capitalisedInside(view.text(first)),
            gazetteer.kind(bytes: view.text(first)) == nil, !first.acronym
        {
            return
        }
        var (mention, known) = makeMention(run)
        vote(&mention, known: known, run: run)
        let start = Int(run.first!)
        if start > 0, case let previous = view[start - 1], previous.isWord, !previous.capitalised {
            let p = lowerCues(Int32(start - 1))
            if p.contains(.personTitle), run.count <= 4, !run.contains(where: { lowerCues($0).isHead }) {
                mention.votes[.person] += 4
            } else if english, p.contains(.placePreposition) {
                mention.votes[.place] += 2
            } else if english, p.contains(.weakPlacePreposition) {
                mention.votes[.place] += 1
            }
        }
        addContext(&mention, words: run)
        found.list.append(mention)
    }

    /// Votes from the name itself: the gazetteer, acronyms, organisation and place words, given names.
    private func vote(_ mention: inout Mention, known: Entity.Kind?, run: Run) {
        if let kind = known {
            mention.votes[kind] += 6
            return
        }
        let count = run.count
        if count == 1, token(run.first!).acronym, view.characterCount(token(run.first!)) <= 8 {
            mention.votes[.organisation] += 3
            return
        }
        let last = lowerCues(run.last!)
        let first = lowerCues(run.first!)
        if count >= 2, last.contains(.organisationHead) {
            mention.votes[.organisation] += 4
        } else if count >= 3, let of = run.firstIndex(where: { textCues($0).contains(.of) }), of > run.startIndex,
            lowerCues(run[of - 1]).contains(.organisationLead)
        {
            // "Ministry of Defence", "Democratic Party of Lorvania", "National Museum of Ghana".
            mention.votes[.organisation] += 4
        } else if count >= 2, first.contains(.placeLead) {
            mention.votes[.place] += 4
        } else if count >= 2, last.contains(.placeHead) {
            mention.votes[.place] += 4
        } else if count >= 2, count <= 4, gazetteer.givenNames.contains(bytes: view.text(token(run.first!))) {
            mention.votes[.person] += 3
        }
    }

    /// "said" after a name, or ", who".
    private func addContext(_ mention: inout Mention, words: Run) {
        let last = Int(words.last!)
        guard english, last + 1 < view.count else { return }
        let next = view[last + 1]
        let organisational = words.contains(where: { lowerCues($0).isHead })
        if next.isWord, lowerCues(Int32(last + 1)).contains(.speechVerb) {
            if organisational { mention.votes[.organisation] += 1 } else if words.count <= 3 {
                mention.votes[.person] += 2
            }
        } else if view.isMark(next, 0x2C), last + 2 < view.count, case let who = view[last + 2], who.isWord,
            lowerCues(Int32(last + 2)).contains(.who), !organisational
        {
            mention.votes[.person] += 2
        }
    }

    /// The mention of `words`, its words and name numbered, and the gazetteer's kind for the name.
    private mutating func makeMention(_ words: Run) -> (Mention, known: Entity.Kind?) {
        let start = Int32(found.words.count)
        for i in words {
            let t = token(i)
            let (number, new) = wordNumbers.number(view.text(t))
            if new { found.wordTokens.append(i) }
            found.words.append(number)
            if !t.ascii { found.ascii = false }
        }
        let length = join(words)
        let name = nameNumbers.number(scratch, count: length).number
        found.names = nameNumbers.count
        let mention = Mention(position: Int(words.first!), wordStart: start, wordCount: Int32(words.count), name: name)
        return (mention, scratch.withUnsafeBufferPointer { gazetteer.kind(bytes: UnsafeBufferPointer(rebasing: $0[..<length])) })
    }

    /// The gazetteer's kind for the run's words joined by spaces.
    private mutating func kind(ofJoined run: Run) -> Entity.Kind? {
        let length = join(run)
        return scratch.withUnsafeBufferPointer { gazetteer.kind(bytes: UnsafeBufferPointer(rebasing: $0[..<length])) }
    }

    /// The words' texts joined by spaces, into the start of `scratch`; their length.
    private mutating func join(_ words: Run) -> Int {
        let view = self.view
        var length = max(0, words.count - 1)
        for i in words { length += view[Int(i)].length }
        if scratch.count < length { scratch = [UInt8](repeating: 0, count: length * 2) }
        return scratch.withUnsafeMutableBufferPointer { scratch in
            var at = 0
            for i in words {
                if i != words.first! {
                    scratch[at] = 0x20
                    at += 1
                }
                let text = view.text(view[Int(i)])
                UnsafeMutableRawPointer(scratch.baseAddress! + at).copyMemory(from: text.baseAddress!, byteCount: text.count)
                at += text.count
            }
            return at
        }
    }

    @inline(__always) private func token(_ i: Int32) -> TextToken { view[Int(i)] }
    /// The lists of ``Cues`` token `i`'s lowercase form is on.
    @inline(__always) private func lowerCues(_ i: Int32) -> Cue { cues.cues(view.lower(view[Int(i)])) }

    /// The lists token `i`'s text itself is on. The lists hold lowercase ASCII only, so a text with a capital
    /// or another character is on none, and any other text is its own lowercase form.
    @inline(__always) private func textCues(_ i: Int32) -> Cue {
        view[Int(i)].flags.contains(.lowerIsText) ? lowerCues(i) : []
    }
}

/// Whether a sentence's first word is also seen capitalised inside a sentence, or in lowercase: what tells
/// a name that starts a sentence from an ordinary word that does.
///
/// Only the words that start a sentence are ever asked about, so only they are kept (a few dozen per
/// article), and every other word is one lookup in their table.
struct SeenForms {
    private var table = ByteTable(capacity: 64)
    private var insideCapitalised: [Bool] = []
    private var inLowercase: [Bool] = []
    /// One bit per key, picked by its ``TextToken/shape``: a token whose bit is clear is no key, and most
    /// tokens are turned away on that alone, without hashing their text (a few dozen keys set a few
    /// percent of the bits).
    private var filter = [UInt64](repeating: 0, count: 16)

    init(_ view: TokenView) {
        for token in view.tokens where token.isWord && token.sentenceStart {
            add(view.text(token), shape: token.shape)
            let lower = view.lower(token)
            add(lower, shape: Token.shape(count: lower.count, first: lower.first ?? 0, last: lower.last ?? 0))
        }
        guard table.count > 0 else { return }
        for token in view.tokens where token.isWord {
            let bit = Self.bit(token.shape)
            guard filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { continue }
            if token.capitalised {
                if !token.sentenceStart, let i = table.value(view.text(token)) { insideCapitalised[Int(i)] = true }
            } else if let i = table.value(view.text(token)) {
                inLowercase[Int(i)] = true
            }
        }
    }

    private mutating func add(_ form: UnsafeBufferPointer<UInt8>, shape: UInt32) {
        guard table.number(form).new else { return }
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
    func capitalisedInside(_ word: UnsafeBufferPointer<UInt8>) -> Bool { table.value(word).map { insideCapitalised[Int($0)] } ?? false }

    /// `word` (the lowercase form of a sentence's first word) is seen as a word in lowercase.
    func lowercase(_ word: UnsafeBufferPointer<UInt8>) -> Bool { table.value(word).map { inLowercase[Int($0)] } ?? false }
}
