/// The words of one text reduced to terms (lowercased, stemmed) with the counts both scorers need, and
/// the candidate key phrases. Flat arrays and ``IntTable``s throughout: this runs once per article.
struct DocumentTerms {
    struct Term {
        var stem: String
        var isStop: Bool
        var count: Int32 = 0
        /// Written with a capital not at a sentence start.
        var upperCount: Int32 = 0
        var acronymCount: Int32 = 0
        /// Distinct sentences it occurs in, and the first and last entry of its list in ``sentenceEntries``.
        var sentenceCount: Int32 = 0
        var firstSentenceEntry: Int32 = -1
        var lastSentenceEntry: Int32 = -1
        /// Words next to it (within a phrase segment): distinct ones and all occurrences.
        var leftDistinct: Int32 = 0
        var leftTotal: Int32 = 0
        var rightDistinct: Int32 = 0
        var rightTotal: Int32 = 0
    }

    /// A candidate key phrase: 1 to 3 words, inside one phrase segment, no number, neither first nor last
    /// a stop word. Its terms are packed in `key`, 21 bits each (term + 1), first word highest.
    struct Candidate {
        var key: UInt64
        var length: Int32
        var count: Int32 = 0
        /// Token index of its first occurrence's first word, and the first and last entry of its
        /// occurrence list in ``occurrenceEntries``.
        var firstOccurrence: Int32
        var firstEntry: Int32 = -1
        var lastEntry: Int32 = -1

        /// The term at `position` (0 = first word).
        @inline(__always)
        func term(_ position: Int) -> Int32 {
            Int32(truncatingIfNeeded: (key >> UInt64(21 * (Int(length) - 1 - position))) & 0x1F_FFFF) - 1
        }
    }

    /// A list entry: a value and the next entry (-1 ends the list).
    struct Entry {
        var value: Int32
        var next: Int32
    }

    static let maximumWords = 3
    /// Longer "words" (unsegmented CJK text, URLs) are never keywords.
    static let maximumWordBytes = 64

    let tokens: TextTokens
    /// The term of each token (-1 for numbers and over-long words).
    private(set) var termOfToken: [Int32] = []
    private(set) var tokenIsStop: [Bool] = []
    private(set) var terms: [Term] = []
    private(set) var candidates: [Candidate] = []
    private var sentenceEntries: [Entry] = []
    private(set) var occurrenceEntries: [Entry] = []
    /// How often term b directly follows term a, within a phrase segment.
    private var pairCounts: IntTable

    init(tokens: TextTokens, kit: WordKit) {
        self.tokens = tokens
        let count = tokens.tokens.count
        pairCounts = IntTable(capacity: count)
        termOfToken.reserveCapacity(count)
        tokenIsStop.reserveCapacity(count)
        readTerms(kit)
        countTerms()
        collectCandidates()
    }

    private mutating func readTerms(_ kit: WordKit) {
        // Two levels: this text's own spellings first (a small table that stays in cache: most words
        // repeat within an article), then the kit's memory of every spelling seen (large: one cache miss).
        // Spelling → term << 1 | stop.
        var bySpelling = IntTable(capacity: tokens.tokens.count / 2)
        // The kit's stem id + 1 → this text's term.
        var termOfStem = IntTable(capacity: tokens.tokens.count / 2)
        for token in tokens.tokens {
            let length = Int(token.end - token.start)
            if token.isNumber || length > Self.maximumWordBytes {
                termOfToken.append(-1)
                tokenIsStop.append(true)
                continue
            }
            let (packed, _) = bySpelling.value(for: token.hash) {
                let word = kit.word(hash: token.hash, length: length) { Self.lowercased(tokens, token) }
                let (term, _) = termOfStem.value(for: UInt64(word.stem + 1)) {
                    terms.append(Term(stem: kit.stems[Int(word.stem)], isStop: word.stop))
                    return Int32(terms.count - 1)
                }
                return term << 1 | (word.stop ? 1 : 0)
            }
            termOfToken.append(packed >> 1)
            tokenIsStop.append(packed & 1 == 1)
        }
    }

    private static func lowercased(_ tokens: TextTokens, _ token: WordToken) -> String {
        guard token.isASCII else { return tokens.text(of: token).lowercased() }
        var bytes = tokens.bytes[Int(token.start)..<Int(token.end)]
        for i in bytes.indices where bytes[i] &- 65 < 26 { bytes[i] |= 0x20 }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func countTerms() {
        let list = tokens.tokens
        // The counts go through a buffer pointer: each `terms[t].x += 1` on the array checked uniqueness
        // and bounds again, eight times a word. The array is moved out meanwhile, so nothing else sees it.
        var counted = terms
        terms = []
        defer { terms = counted }
        counted.withUnsafeMutableBufferPointer { terms in
            for index in list.indices {
                let token = list[index]
                let term = termOfToken[index]
                guard term >= 0 else { continue }
                let t = Int(term)
                terms[t].count += 1
                if token.allUpper {
                    terms[t].acronymCount += 1
                } else if token.firstUpper && !token.sentenceInitial {
                    terms[t].upperCount += 1
                }
                let last = terms[t].lastSentenceEntry
                if last < 0 || sentenceEntries[Int(last)].value != token.sentence {
                    let entry = Int32(sentenceEntries.count)
                    sentenceEntries.append(Entry(value: token.sentence, next: -1))
                    if last < 0 { terms[t].firstSentenceEntry = entry } else { sentenceEntries[Int(last)].next = entry }
                    terms[t].lastSentenceEntry = entry
                    terms[t].sentenceCount += 1
                }
                // The word before, when nothing but spaces lies between.
                guard index > 0, list[index - 1].segment == token.segment else { continue }
                let previous = termOfToken[index - 1]
                guard previous >= 0 else { continue }
                let p = Int(previous)
                terms[t].leftTotal += 1
                terms[p].rightTotal += 1
                if pairCounts.add(1, to: Self.pairKey(previous, term)) == 1 {
                    terms[t].leftDistinct += 1
                    terms[p].rightDistinct += 1
                }
            }
        }
    }

    @inline(__always)
    static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(a + 1)) << 32 | UInt64(UInt32(b + 1)) }

    /// How often `b` directly follows `a`.
    func pairCount(_ a: Int32, _ b: Int32) -> Int { Int(pairCounts.value(for: Self.pairKey(a, b)) ?? 0) }

    /// The median sentence of a term.
    func medianSentence(of term: Term) -> Int32 {
        var entry = term.firstSentenceEntry
        var steps = term.sentenceCount / 2
        while steps > 0 {
            entry = sentenceEntries[Int(entry)].next
            steps -= 1
        }
        return entry >= 0 ? sentenceEntries[Int(entry)].value : 0
    }

    private mutating func collectCandidates() {
        let list = tokens.tokens
        // One-word candidates by their term, in a plain array: a third or more of all lookups, and the
        // hash table's probes were cache misses. Longer ones (keys of 2^21 and up, so never a term + 1)
        // go through the table.
        var singleWord = [Int32](repeating: -1, count: terms.count)
        var index = IntTable(capacity: list.count)
        for start in list.indices {
            guard termOfToken[start] >= 0, !tokenIsStop[start] else { continue }
            var key: UInt64 = 0
            for length in 1...Self.maximumWords {
                let last = start + length - 1
                guard last < list.count, list[last].segment == list[start].segment, termOfToken[last] >= 0
                else { break }
                key = key << 21 | UInt64(termOfToken[last] + 1)
                if tokenIsStop[last] { continue }
                let position: Int32
                if length == 1 {
                    let term = Int(termOfToken[start])
                    if singleWord[term] < 0 {
                        candidates.append(Candidate(key: key, length: 1, firstOccurrence: Int32(start)))
                        singleWord[term] = Int32(candidates.count - 1)
                    }
                    position = singleWord[term]
                } else {
                    position = index.value(for: key) {
                        candidates.append(Candidate(key: key, length: Int32(length), firstOccurrence: Int32(start)))
                        return Int32(candidates.count - 1)
                    }.value
                }
                // Read, change and write back once (each `candidates[c].x =` checked uniqueness again).
                let c = Int(position)
                var candidate = candidates[c]
                candidate.count += 1
                let entry = Int32(occurrenceEntries.count)
                occurrenceEntries.append(Entry(value: Int32(start), next: -1))
                let previous = candidate.lastEntry
                if previous < 0 { candidate.firstEntry = entry } else { occurrenceEntries[Int(previous)].next = entry }
                candidate.lastEntry = entry
                candidates[c] = candidate
            }
        }
    }

    /// The candidate's content words: its ends, and inner words that are no stop words. A stop word's
    /// stem may be shared with a content word's ("will", "wills"), so the ends always count.
    func contentTerms(of candidate: Candidate) -> [Int32] {
        let length = Int(candidate.length)
        return (0..<length).compactMap { i in
            let term = candidate.term(i)
            return i == 0 || i == length - 1 || !terms[Int(term)].isStop ? term : nil
        }
    }

    /// How the candidate is written most often. An occurrence at a sentence start counts half, so
    /// "Maternity pay" at the head of a sentence yields to "maternity pay" inside one.
    func displayForm(of candidate: Candidate) -> String {
        let read = 12  // occurrences looked at
        var form: String
        var single: Bool
        var allInitial: Bool
        if let ascii = asciiDisplayForm(of: candidate, occurrences: read) {
            (form, single, allInitial) = ascii
        } else {
            var forms: [String: Double] = [:]
            let length = Int(candidate.length)
            var entry = candidate.firstEntry
            var seen = 0
            allInitial = true
            while entry >= 0 && seen < read {
                let first = Int(occurrenceEntries[Int(entry)].value)
                // The words as written, with single spaces between.
                var text = tokens.text(of: tokens.tokens[first])
                for i in (first + 1)..<(first + length) {
                    text += " "
                    text += tokens.text(of: tokens.tokens[i])
                }
                let initial = tokens.tokens[first].sentenceInitial
                allInitial = allInitial && initial
                forms[text, default: 0] += initial ? 0.5 : 1
                entry = occurrenceEntries[Int(entry)].next
                seen += 1
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
