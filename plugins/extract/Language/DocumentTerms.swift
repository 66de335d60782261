/// The words of one text reduced to terms (lowercased, stemmed) with the counts both scorers need, and
/// the candidate key phrases. Flat arrays and ``IntTable``s throughout: this runs once per article.
struct DocumentTerms {
    /// Plain numbers only (no String): the array is made, read and freed without reference counting.
    struct Term {
        /// The word kit's number for the stem (see ``stems``).
        var stemId: Int32
        var isStop: Bool
        var count: Int32 = 0
        /// Written with a capital not at a sentence start.
        var upperCount: Int32 = 0
        var acronymCount: Int32 = 0
        /// Distinct sentences it occurs in, and the last of them (-1: none yet).
        var sentenceCount: Int32 = 0
        var lastSentence: Int32 = -1
        /// Words next to it (within a phrase segment): distinct ones and all occurrences.
        var leftDistinct: Int32 = 0
        var leftTotal: Int32 = 0
        var rightDistinct: Int32 = 0
        var rightTotal: Int32 = 0
    }

    /// What a token is to the extractor: its term (-1 for numbers and over-long words) and whether this
    /// spelling is a stop word. The flag belongs to the spelling, not the term: "will" and "wills" share
    /// a stem, and only the first is a stop word.
    struct TokenTerm {
        var term: Int32
        var isStop: Bool
        /// The pair this token forms with the token before it, or -1 (no term on either side, or
        /// punctuation between them): two-word candidates are found through it without a hash lookup.
        var pair: Int32 = -1
        /// The next token with the same term (-1: none): a phrase's occurrences are looked for along it.
        var next: Int32 = -1
    }

    /// A candidate key phrase: 1 to 3 words, inside one phrase segment, no number, neither first nor last
    /// a stop word. Its terms are packed in `key`, 21 bits each (term + 1), first word highest.
    struct Candidate {
        var key: UInt64
        var length: Int32
        var count: Int32 = 0
        /// Token index of the first word of its first and of its last occurrence: the occurrences
        /// themselves are only looked for when a phrase is shown (``occurrences(of:into:)``).
        var firstOccurrence: Int32
        var lastOccurrence: Int32

        /// The term at `position` (0 = first word).
        @inline(__always)
        func term(_ position: Int) -> Int32 {
            Int32(truncatingIfNeeded: (key >> UInt64(21 * (Int(length) - 1 - position))) & 0x1F_FFFF) - 1
        }
    }

    static let maximumWords = 3
    /// Longer "words" (unsegmented CJK text, URLs) are never keywords.
    static let maximumWordBytes = 64

    let tokens: TextTokens
    /// One per token.
    private(set) var tokenTerms: [TokenTerm] = []
    private(set) var terms: [Term] = []
    /// The stem of each term, only when asked for (TF-IDF and the background model read them; YAKE does
    /// not, and fetching each from the kit's large table was a cache miss).
    private(set) var stems: [String] = []
    private(set) var candidates: [Candidate] = []
    /// How often each pair of adjacent terms (within a phrase segment) occurs, by pair number (see
    /// ``TokenTerm/pair``).
    private var pairCounts: [Int32] = []

    init(tokens: TextTokens, kit: WordKit, withStems: Bool) {
        self.tokens = tokens
        readTerms(kit)
        if withStems { stems = terms.map { kit.stems[Int($0.stemId)] } }
        collectCandidates()
    }

    /// Reads each token's term and counts the terms, their pairs and sentences, in one pass.
    private mutating func readTerms(_ kit: WordKit) {
        // Two levels: this text's own spellings first (a small table that stays in cache: most words
        // repeat within an article), then the kit's memory of every spelling seen (large: one cache miss
        // per spelling). The kit is asked about the text's spellings one after the other, in a loop of
        // its own: lookups that do not wait on each other overlap their cache misses.
        let list = tokens.tokens
        // Spelling → its number, in order of first appearance; each token's spelling (-1: no term).
        var bySpelling = IntTable(capacity: list.count / 2)
        var spellingOfToken = [Int32](repeating: -1, count: list.count)
        var firstOfSpelling: [Int32] = []
        spellingOfToken.withUnsafeMutableBufferPointer { spellingOfToken in
            for index in list.indices {
                let token = list[index]
                if token.isNumber || Int(token.end - token.start) > Self.maximumWordBytes { continue }
                spellingOfToken[index] = bySpelling.value(for: token.hash) {
                    firstOfSpelling.append(Int32(index))
                    return Int32(firstOfSpelling.count - 1)
                }.value
            }
        }
        let words = firstOfSpelling.map { first in
            let token = list[Int(first)]
            return kit.word(hash: token.hash, length: Int(token.end - token.start)) { Self.lowercased(tokens, token) }
        }
        // The kit's stem id + 1 → this text's term.
        var termOfStem = IntTable(capacity: list.count / 2)
        var pairs = IntTable(capacity: list.count)
        // Terms and pairs are at most one per token: made and counted in place, through buffer pointers
        // (each `terms[t].x += 1` on an array checked uniqueness and bounds again, eight times a word).
        var pairCounts = [Int32](repeating: 0, count: list.count)
        var pairsMade = 0
        var lastOfTerm = [Int32](repeating: -1, count: list.count)
        var tokenTerms: [TokenTerm] = []
        let terms = [Term](unsafeUninitializedCapacity: list.count) { terms, termsMade in
            // Each spelling's term << 1 | stop. Terms are numbered as their stems first appear in the text:
            // spellings are numbered in that order too.
            let termOfSpelling = words.map { word in
                let (term, _) = termOfStem.value(for: UInt64(word.stem + 1)) {
                    (terms.baseAddress! + termsMade).initialize(to: Term(stemId: word.stem, isStop: word.stop))
                    termsMade += 1
                    return Int32(termsMade - 1)
                }
                return term << 1 | (word.stop ? 1 : 0)
            }
            tokenTerms = [TokenTerm](unsafeUninitializedCapacity: list.count) { tokenTerms, initialized in
                pairCounts.withUnsafeMutableBufferPointer { pairCounts in
                    lastOfTerm.withUnsafeMutableBufferPointer { lastOfTerm in
                        for index in list.indices {
                            let token = list[index]
                            let spelling = spellingOfToken[index]
                            guard spelling >= 0 else {
                                tokenTerms[index] = TokenTerm(term: -1, isStop: true)
                                continue
                            }
                            let packed = termOfSpelling[Int(spelling)]
                            let term = packed >> 1
                            tokenTerms[index] = TokenTerm(term: term, isStop: packed & 1 == 1)

                            let t = Int(term)
                            if lastOfTerm[t] >= 0 { tokenTerms[Int(lastOfTerm[t])].next = Int32(index) }
                            lastOfTerm[t] = Int32(index)
                            terms[t].count += 1
                            if token.allUpper {
                                terms[t].acronymCount += 1
                            } else if token.firstUpper && !token.sentenceInitial {
                                terms[t].upperCount += 1
                            }
                            if terms[t].lastSentence != token.sentence {
                                terms[t].lastSentence = token.sentence
                                terms[t].sentenceCount += 1
                            }
                            // The word before, when nothing but spaces lies between.
                            guard index > 0, list[index - 1].segment == token.segment else { continue }
                            let previous = tokenTerms[index - 1].term
                            guard previous >= 0 else { continue }
                            let p = Int(previous)
                            terms[t].leftTotal += 1
                            terms[p].rightTotal += 1
                            let (pair, isNew) = pairs.value(for: Self.pairKey(previous, term)) {
                                pairsMade += 1
                                return Int32(pairsMade - 1)
                            }
                            pairCounts[Int(pair)] += 1
                            tokenTerms[index].pair = pair
                            if isNew {
                                terms[t].leftDistinct += 1
                                terms[p].rightDistinct += 1
                            }
                        }
                    }
                }
                initialized = list.count
            }
        }
        pairCounts.removeLast(pairCounts.count - pairsMade)
        self.terms = terms
        self.tokenTerms = tokenTerms
        self.pairCounts = pairCounts
    }

    private static func lowercased(_ tokens: TextTokens, _ token: WordToken) -> String {
        guard token.isASCII else { return tokens.text(of: token).lowercased() }
        var bytes = tokens.bytes[Int(token.start)..<Int(token.end)]
        for i in bytes.indices where bytes[i] &- 65 < 26 { bytes[i] |= 0x20 }
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(a + 1)) << 32 | UInt64(UInt32(b + 1)) }

    /// How often the term of token `index` directly follows the term of the token before it (0 when the
    /// two form no pair). For a word of a candidate's first occurrence this is the count of the candidate's
    /// own pair there, found without a hash lookup.
    func pairCount(endingAt index: Int) -> Int {
        let pair = tokenTerms[index].pair
        return pair >= 0 ? Int(pairCounts[Int(pair)]) : 0
    }

    /// The median sentence of each term: of the distinct sentences it occurs in, number `count / 2`
    /// (from 0). Only YAKE reads it, so it is worked out here, in a second pass, rather than by keeping
    /// every term's list of sentences.
    func medianSentences() -> [Int32] {
        let list = tokens.tokens
        var median = [Int32](repeating: 0, count: terms.count)
        var seen = [Int32](repeating: 0, count: terms.count)
        var last = [Int32](repeating: -1, count: terms.count)
        median.withUnsafeMutableBufferPointer { median in
            seen.withUnsafeMutableBufferPointer { seen in
                last.withUnsafeMutableBufferPointer { last in
                    terms.withUnsafeBufferPointer { terms in
                        for index in list.indices {
                            let term = tokenTerms[index].term
                            guard term >= 0 else { continue }
                            let t = Int(term)
                            let sentence = list[index].sentence
                            guard last[t] != sentence else { continue }
                            last[t] = sentence
                            if seen[t] == terms[t].sentenceCount / 2 { median[t] = sentence }
                            seen[t] += 1
                        }
                    }
                }
            }
        }
        return median
    }

    private mutating func collectCandidates() {
        let list = tokens.tokens
        let count = list.count
        let tokenTerms = self.tokenTerms
        // One-word candidates by their term and two-word ones by their pair, in plain arrays; only
        // three-word ones go through a hash table.
        var singleWord = [Int32](repeating: -1, count: terms.count)
        var byPair = [Int32](repeating: -1, count: pairCounts.count)
        // Distinct three-word phrases are usually fewer than one per two tokens (else the table grows).
        var byKey = IntTable(capacity: count / 2)
        // At most three candidates start at a token: the array is filled in place, without a check of
        // its uniqueness and capacity at each step.
        candidates = [Candidate](unsafeUninitializedCapacity: count * Self.maximumWords) { candidates, made in
            func make(_ key: UInt64, length: Int32, at start: Int) -> Int32 {
                let at = Int32(start)
                (candidates.baseAddress! + made).initialize(
                    to: Candidate(key: key, length: length, count: 1, firstOccurrence: at, lastOccurrence: at))
                made += 1
                return Int32(made - 1)
            }
            func seenAgain(_ candidate: Int32, at start: Int) {
                candidates[Int(candidate)].count += 1
                candidates[Int(candidate)].lastOccurrence = Int32(start)
            }
            /// One more occurrence of the candidate in `slot` (-1: none yet, so it is made).
            func tally(_ slot: inout Int32, _ key: UInt64, length: Int32, at start: Int) {
                if slot < 0 {
                    slot = make(key, length: length, at: start)
                } else {
                    seenAgain(slot, at: start)
                }
            }
            singleWord.withUnsafeMutableBufferPointer { singleWord in
                byPair.withUnsafeMutableBufferPointer { byPair in
                    for start in 0..<count {
                        let first = tokenTerms[start]
                        guard first.term >= 0, !first.isStop else { continue }
                        var key = UInt64(first.term + 1)
                        let term = Int(first.term)
                        tally(&singleWord[term], key, length: 1, at: start)
                        // A pair with the next token means: the same segment, and a term on both sides.
                        guard start + 1 < count, tokenTerms[start + 1].pair >= 0 else { continue }
                        let second = tokenTerms[start + 1]
                        key = key << 21 | UInt64(second.term + 1)
                        if !second.isStop {
                            tally(&byPair[Int(second.pair)], key, length: 2, at: start)
                        }
                        guard start + 2 < count, tokenTerms[start + 2].pair >= 0 else { continue }
                        let third = tokenTerms[start + 2]
                        guard !third.isStop else { continue }
                        key = key << 21 | UInt64(third.term + 1)
                        let (candidate, isNew) = byKey.value(for: key) { make(key, length: 3, at: start) }
                        if !isNew { seenAgain(candidate, at: start) }
                    }
                }
            }
        }
    }

    /// Whether the candidate occurs at token `start`: the same terms, in one segment, and the ends no stop
    /// words as spelt there (as ``collectCandidates()`` counted it).
    private func occurs(_ candidate: Candidate, at start: Int) -> Bool {
        let length = Int(candidate.length)
        let list = tokens.tokens
        guard start + length <= list.count, !tokenTerms[start].isStop, !tokenTerms[start + length - 1].isStop
        else { return false }
        for position in 0..<length {
            guard tokenTerms[start + position].term == candidate.term(position) else { return false }
            if position > 0 && list[start + position].segment != list[start].segment { return false }
        }
        return true
    }

    /// Writes the token index of the first word of the candidate's first occurrences (as many as
    /// `found` holds), in text order; returns how many it wrote.
    func occurrences(of candidate: Candidate, into found: UnsafeMutableBufferPointer<Int>) -> Int {
        var count = 0
        var start = Int(candidate.firstOccurrence)
        let last = Int(candidate.lastOccurrence)
        // Every occurrence starts with the first term: follow that term's tokens only.
        while start >= 0 && start <= last && count < found.count {
            if occurs(candidate, at: start) {
                found[count] = start
                count += 1
            }
            start = Int(tokenTerms[start].next)
        }
        return count
    }

    /// Up to three terms of a phrase, held inline (an array was an allocation per candidate ranked).
    struct PhraseTerms: RandomAccessCollection {
        private var storage: (Int32, Int32, Int32) = (0, 0, 0)
        private(set) var endIndex = 0
        var startIndex: Int { 0 }

        subscript(position: Int) -> Int32 {
            switch position {
            case 0: storage.0
            case 1: storage.1
            default: storage.2
            }
        }

        mutating func append(_ term: Int32) {
            switch endIndex {
            case 0: storage.0 = term
            case 1: storage.1 = term
            default: storage.2 = term
            }
            endIndex += 1
        }
    }

    /// The candidate's content words: its ends, and inner words that are no stop words. A stop word's
    /// stem may be shared with a content word's ("will", "wills"), so the ends always count.
    func contentTerms(of candidate: Candidate) -> PhraseTerms {
        let length = Int(candidate.length)
        var content = PhraseTerms()
        for i in 0..<length {
            let term = candidate.term(i)
            if i == 0 || i == length - 1 || !terms[Int(term)].isStop { content.append(term) }
        }
        return content
    }

    /// How the candidate is written most often. An occurrence at a sentence start counts half, so
    /// "Maternity pay" at the head of a sentence yields to "maternity pay" inside one.
    func displayForm(of candidate: Candidate) -> String {
        // The first 12 occurrences are read, kept on the stack (this runs for every phrase shown).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 12) { buffer in
            let found = occurrences(of: candidate, into: buffer)
            return displayForm(of: candidate, occurrences: UnsafeBufferPointer(rebasing: buffer[..<found]))
        }
    }

    private func displayForm(of candidate: Candidate, occurrences: UnsafeBufferPointer<Int>) -> String {
        var form: String
        var single: Bool
        var allInitial: Bool
        if let ascii = asciiDisplayForm(of: candidate, occurrences: occurrences) {
            (form, single, allInitial) = ascii
        } else {
            var forms: [String: Double] = [:]
            let length = Int(candidate.length)
            allInitial = true
            for first in occurrences {
                // The words as written, with single spaces between.
                var text = tokens.text(of: tokens.tokens[first])
                for i in (first + 1)..<(first + length) {
                    text += " "
                    text += tokens.text(of: tokens.tokens[i])
                }
                let initial = tokens.tokens[first].sentenceInitial
                allInitial = allInitial && initial
                forms[text, default: 0] += initial ? 0.5 : 1
            }
            let best = forms.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }
            guard let key = best?.key else { return "" }
            form = key
            single = forms.count == 1
        }
        // Seen only at sentence starts, a word that is written lowercase elsewhere is shown lowercase.
        if single && allInitial {
            let term = terms[Int(candidate.term(0))]
            if term.upperCount == 0 && term.acronymCount == 0 && term.count > candidate.count, let first = form.first {
                form = first.lowercased() + form.dropFirst()
            }
        }
        return form
    }
}
