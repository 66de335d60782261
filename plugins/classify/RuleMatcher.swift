import Glibc

/// The taxonomy compiled for matching: every term indexed by the hash of its first word, so one pass over
/// the article's words finds every term, whatever the size of the taxonomy.
struct RuleMatcher: Sendable {
    /// How evidence becomes a score and which scores become labels (from `[stages.classify]`).
    struct Scoring: Sendable, Equatable {
        /// A term in the title counts this many times.
        var titleWeight = 2.0
        /// Evidence at which a topic scores 1 − 1/e ≈ 0.63.
        var saturation = 5.0
        /// Articles longer than this many words have their evidence divided by √(words / this), so a long
        /// article's passing mentions do not add up to a topic.
        var damping = 400.0
    }

    private enum Kind: UInt8, Sendable { case evidence, force, forbid }

    private struct Entry: Sendable {
        var pattern: TermPattern
        var topic: Int
        var weight: Double
        var kind: Kind
    }

    let topics: [String]
    let scoring: Scoring
    private let entries: [Entry]
    /// The hash tables the single pass over an article's words looks each word up in.
    private let index: RuleIndex
    /// Every prefix term has at least this many bytes before its `*` (the taxonomy checks it): a word whose
    /// first bytes start no prefix term needs no further prefix lookups, which is most words.
    static let prefixProbe = 3

    /// A bit index (0..<32768) from a word's first three bytes, the same whatever their ASCII case (the low
    /// five bits of a letter are its case-blind part). Words whose first three bytes start no prefix term
    /// are turned away by one bit test, before any hashing.
    @inline(__always)
    static func gateIndex(_ bytes: UnsafePointer<UInt8>) -> Int {
        Int(bytes[0] & 31) << 10 | Int(bytes[1] & 31) << 5 | Int(bytes[2] & 31)
    }

    init(_ taxonomy: Taxonomy, scoring: Scoring) {
        var entries: [Entry] = []
        for (index, topic) in taxonomy.topics.enumerated() {
            for term in topic.terms {
                if let pattern = TermPattern(term.text) {
                    entries.append(Entry(pattern: pattern, topic: index, weight: term.weight, kind: .evidence))
                }
            }
            for phrase in topic.force {
                if let pattern = TermPattern(phrase) {
                    entries.append(Entry(pattern: pattern, topic: index, weight: 0, kind: .force))
                }
            }
            for phrase in topic.forbid {
                if let pattern = TermPattern(phrase) {
                    entries.append(Entry(pattern: pattern, topic: index, weight: 0, kind: .forbid))
                }
            }
        }
        self.topics = taxonomy.topics.map(\.name)
        self.scoring = scoring
        self.entries = entries
        self.index = RuleIndex(entries.map(\.pattern))
    }

    /// What the rules say about one article.
    struct Verdict: Sendable, Equatable {
        /// Every topic with evidence, score in 0…1, best first.
        var scores: [(label: String, score: Double)]
        var forced: Set<String>
        var forbidden: Set<String>

        static func == (a: Verdict, b: Verdict) -> Bool {
            a.scores.map(\.label) == b.scores.map(\.label) && a.scores.map(\.score) == b.scores.map(\.score)
                && a.forced == b.forced && a.forbidden == b.forbidden
        }
    }

    func evaluate(title: String?, text: String) -> Verdict {
        evaluate(title: title, text: text, tokens: TokenBuffer())
    }

    /// What the rules say about one article, leaving the words of `title` then `text` in `tokens` (cleared
    /// first), as the model reads them: one tokenisation serves both.
    func evaluate(title: String?, text: String, tokens: TokenBuffer) -> Verdict {
        tokens.removeAll()
        var counts = [Double](repeating: 0, count: entries.count)
        var words = 0
        counts.withUnsafeMutableBufferPointer { counts in
            if var title {
                title.withUTF8 { bytes in
                    let first = tokens.append(bytes)
                    _ = index.count(tokens, from: first, bytes, into: counts.baseAddress!, times: scoring.titleWeight)
                }
            }
            var text = text
            text.withUTF8 { bytes in
                let first = tokens.append(bytes)
                words = index.count(tokens, from: first, bytes, into: counts.baseAddress!, times: 1)
            }
        }

        var evidence = [Double](repeating: 0, count: topics.count)
        var forced: Set<String> = []
        var forbidden: Set<String> = []
        for (entry, n) in zip(entries, counts) where n > 0 {
            switch entry.kind {
            case .evidence: evidence[entry.topic] += entry.weight * (1 + log(n))
            case .force: forced.insert(topics[entry.topic])
            case .forbid: forbidden.insert(topics[entry.topic])
            }
        }
        let damping = max(1, (Double(words) / scoring.damping).squareRoot())
        var scores: [(label: String, score: Double)] = []
        for (topic, e) in zip(topics, evidence) where e > 0 {
            scores.append((topic, 1 - exp(-e / damping / scoring.saturation)))
        }
        scores.sort { $0.score > $1.score || ($0.score == $1.score && $0.label < $1.label) }
        return Verdict(scores: scores, forced: forced, forbidden: forbidden)
    }
}

/// The terms of a taxonomy as flat open-addressing hash tables, for one pass over an article's words with
/// no allocation, no `String` and no dictionary per word.
///
/// - `exact`: first-word hash → the terms that start with that word (whole words and phrases, including
///   phrases whose last word is a prefix, `air strike*`).
/// - `filter`: one bit per hash of a first word, 1/32 full: most words start no term and are turned away
///   by this bit (a few KiB, always in L1 cache) before any probing of `exact`, whose slots are 1/4 full.
/// - the one-word prefix terms (`terror*`) grouped by ``RuleMatcher/gateIndex(_:)`` of their first
///   ``RuleMatcher/prefixProbe`` bytes, shortest prefix first, so the word's hash is extended byte by byte
///   and compared with each in turn. A word's group is found by the rank of its bit in the gate bitmap:
///   no hashing and no probing.
///
/// `@unchecked Sendable`: raw memory written only in `init` and freed in `deinit`.
private final class RuleIndex: @unchecked Sendable {
    /// One slot of a table: a key and the range of ``ids`` it maps to; `end == 0` marks an empty slot
    /// (a used slot's range is never empty).
    struct Slot {
        var key: UInt64 = 0
        var begin: Int32 = 0
        var end: Int32 = 0
    }

    struct Table {
        var slots: UnsafeMutablePointer<Slot>
        /// Per slot, 16 bits of its key (never 0) or 0 when empty: a small array (8 KiB for the default
        /// taxonomy) that stays in L1 cache and answers most lookups, which are misses, without touching
        /// ``slots``.
        var tags: UnsafeMutablePointer<UInt16>
        var mask: Int
        var shift: UInt64

        init(_ groups: [(key: UInt64, ids: [Int32])], ids: inout [Int32]) {
            // At most a quarter full, so a word in no term (most words) almost always meets an empty slot
            // at once.
            var capacity = 16
            var bits: UInt64 = 4
            while capacity < groups.count * 4 {
                capacity <<= 1
                bits += 1
            }
            slots = .allocate(capacity: capacity)
            slots.initialize(repeating: Slot(), count: capacity)
            tags = .allocate(capacity: capacity)
            tags.initialize(repeating: 0, count: capacity)
            mask = capacity - 1
            shift = 64 - bits
            for group in groups {
                var slot = Table.slot(group.key, shift)
                while slots[slot].end != 0 { slot = (slot + 1) & mask }
                let begin = Int32(ids.count)
                ids += group.ids
                slots[slot] = Slot(key: group.key, begin: begin, end: Int32(ids.count))
                tags[slot] = Table.tag(group.key)
            }
        }

        // Fibonacci hashing: one multiply, high bits. FNV's low bits depend only on the low bits of the
        // bytes, so they would bucket poorly on their own.
        @inline(__always)
        static func slot(_ key: UInt64, _ shift: UInt64) -> Int {
            Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15) >> shift)
        }

        // The low bits: the slot index comes from the high bits of the product, so the two are independent.
        @inline(__always)
        static func tag(_ key: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: key) | 1 }

        /// The range of ids for `key`; empty when no term has it.
        @inline(__always)
        func find(_ key: UInt64) -> (begin: Int, end: Int) {
            var slot = Table.slot(key, shift)
            let tag = Table.tag(key)
            while true {
                let t = tags[slot]
                if t == 0 { return (0, 0) }
                if t == tag {
                    let s = slots[slot]
                    if s.key == key { return (Int(s.begin), Int(s.end)) }
                }
                slot = (slot &+ 1) & mask
            }
        }
    }

    private let exact: Table
    private let filter: UnsafeMutablePointer<UInt64>
    private let filterShift: UInt64
    private let hasPrefixes: Bool
    /// 32 Kibit over ``RuleMatcher/gateIndex(_:)`` of the prefix terms' first bytes.
    private let gate: UnsafeMutablePointer<UInt64>
    /// Per 64-bit word of ``gate``: the set bits before it. A set bit's rank is its prefix group's index.
    private let gateRank: UnsafeMutablePointer<Int32>
    /// Per prefix group: its range of ``ids``.
    private let groupBegin: UnsafeMutablePointer<Int32>
    private let groupEnd: UnsafeMutablePointer<Int32>
    /// Entry ids, grouped by table slot.
    private let ids: UnsafeMutablePointer<Int32>
    /// Per entry: where its word hashes start in ``words``, how many, and its prefix length (0: exact).
    private let wordStart: UnsafeMutablePointer<Int32>
    private let wordCount: UnsafeMutablePointer<Int32>
    private let prefixLength: UnsafeMutablePointer<Int32>
    private let words: UnsafeMutablePointer<UInt64>

    init(_ patterns: [TermPattern]) {
        var exactGroups: [UInt64: [Int32]] = [:]
        var prefixGroups: [Int: [Int32]] = [:]
        var exactOrder: [UInt64] = []
        for (i, pattern) in patterns.enumerated() {
            if pattern.words.count == 1 && pattern.prefixLength > 0 {
                prefixGroups[pattern.prefixGate, default: []].append(Int32(i))
            } else {
                if exactGroups[pattern.words[0]] == nil { exactOrder.append(pattern.words[0]) }
                exactGroups[pattern.words[0], default: []].append(Int32(i))
            }
        }
        var ids: [Int32] = []
        exact = Table(exactOrder.map { ($0, exactGroups[$0]!) }, ids: &ids)
        var filterBits: UInt64 = 9
        while 1 << filterBits < exactOrder.count * 32 { filterBits += 1 }
        filterShift = 64 - filterBits
        filter = .allocate(capacity: (1 << Int(filterBits)) / 64)
        filter.initialize(repeating: 0, count: (1 << Int(filterBits)) / 64)
        for key in exactOrder {
            let bit = RuleIndex.filterBit(key, filterShift)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
        }
        // Groups in gate order, so a group's index is the rank of its gate bit. Shortest prefix first: the
        // scan extends one running hash and stops at the first prefix longer than the word. Equal lengths
        // keep taxonomy order (the entry index breaks ties).
        hasPrefixes = !prefixGroups.isEmpty
        gate = .allocate(capacity: 512)
        gate.initialize(repeating: 0, count: 512)
        groupBegin = .allocate(capacity: max(1, prefixGroups.count))
        groupEnd = .allocate(capacity: max(1, prefixGroups.count))
        for (rank, key) in prefixGroups.keys.sorted().enumerated() {
            gate[key >> 6] |= 1 << UInt64(key & 63)
            let byLength = prefixGroups[key]!.sorted {
                (patterns[Int($0)].prefixLength, $0) < (patterns[Int($1)].prefixLength, $1)
            }
            groupBegin[rank] = Int32(ids.count)
            ids += byLength
            groupEnd[rank] = Int32(ids.count)
        }
        gateRank = .allocate(capacity: 512)
        var before: Int32 = 0
        for w in 0..<512 {
            gateRank[w] = before
            before += Int32(gate[w].nonzeroBitCount)
        }
        self.ids = .allocate(capacity: max(1, ids.count))
        self.ids.initialize(from: ids, count: ids.count)
        let n = max(1, patterns.count)
        wordStart = .allocate(capacity: n)
        wordCount = .allocate(capacity: n)
        prefixLength = .allocate(capacity: n)
        let total = patterns.reduce(0) { $0 + $1.words.count }
        words = .allocate(capacity: max(1, total))
        var w = 0
        for (i, pattern) in patterns.enumerated() {
            wordStart[i] = Int32(w)
            wordCount[i] = Int32(pattern.words.count)
            prefixLength[i] = Int32(pattern.prefixLength)
            for h in pattern.words {
                words[w] = h
                w += 1
            }
        }
    }

    deinit {
        exact.slots.deallocate()
        exact.tags.deallocate()
        filter.deallocate()
        gate.deallocate()
        gateRank.deallocate()
        groupBegin.deallocate()
        groupEnd.deallocate()
        ids.deallocate()
        wordStart.deallocate()
        wordCount.deallocate()
        prefixLength.deallocate()
        words.deallocate()
    }

    /// The ``filter`` bit of a first word's hash: high bits of another multiplier than ``Table/slot(_:_:)``'s,
    /// so a word that shares a slot with a term rarely also shares its bit.
    @inline(__always)
    static func filterBit(_ key: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0xd6e8_feb8_6659_fd93) >> shift)
    }

    /// Adds `times` to `counts[entry]` for every term occurrence among the words `first..<tokens.count`,
    /// which came from `bytes`; returns the number of those words. A phrase never runs past the last of
    /// them (the title's phrases do not continue into the text).
    func count(
        _ tokens: TokenBuffer, from first: Int, _ bytes: UnsafeBufferPointer<UInt8>,
        into counts: UnsafeMutablePointer<Double>, times: Double
    ) -> Int {
        let hashes = tokens.hashes
        let starts = tokens.starts
        let lengths = tokens.lengths
        let end = tokens.count
        let exact = exact
        let filter = filter
        let filterShift = filterShift
        let gateRank = gateRank
        let groupBegin = groupBegin
        let groupEnd = groupEnd
        let ids = ids
        let wordStart = wordStart
        let wordCount = wordCount
        let prefixLength = prefixLength
        let words = words
        let gate = gate
        let base = bytes.baseAddress!
        var i = first
        while i < end {
            let hash = hashes[i]
            let bit = RuleIndex.filterBit(hash, filterShift)
            let found = filter[bit >> 6] & (1 << UInt64(bit & 63)) == 0 ? (begin: 0, end: 0) : exact.find(hash)
            var c = found.begin
            while c < found.end {
                let e = Int(ids[c])
                c &+= 1
                let n = Int(wordCount[e])
                // The first word matched by the lookup; the rest must follow within these words.
                guard n == 1 || i + n <= end else { continue }
                let w = Int(wordStart[e])
                var ok = true
                var j = 1
                while j < n {
                    if j == n - 1 && prefixLength[e] > 0 {
                        let p = Int(prefixLength[e])
                        if Int(lengths[i + j]) < p {
                            ok = false
                            break
                        }
                        var h = Tokenizer.fnvOffset
                        let s = base + Int(starts[i + j])
                        for k in 0..<p { h = (h ^ UInt64(Tokenizer.lowercased(s[k]))) &* Tokenizer.fnvPrime }
                        if h != words[w + j] { ok = false }
                    } else if hashes[i + j] != words[w + j] {
                        ok = false
                    }
                    if !ok { break }
                    j += 1
                }
                if ok { counts[e] += times }
            }
            let length = Int(lengths[i])
            let s = base + Int(starts[i])
            if hasPrefixes && length >= RuleMatcher.prefixProbe {
                let g = RuleMatcher.gateIndex(s)
                let gateWord = gate[g >> 6]
                let gateBit: UInt64 = 1 << UInt64(g & 63)
                if gateWord & gateBit != 0 {
                    let group = Int(gateRank[g >> 6]) + (gateWord & (gateBit &- 1)).nonzeroBitCount
                    var h = Tokenizer.fnvOffset
                    var k = 0
                    var c = Int(groupBegin[group])
                    let candidatesEnd = Int(groupEnd[group])
                    while c < candidatesEnd {
                        let e = Int(ids[c])
                        c &+= 1
                        let target = Int(prefixLength[e])
                        if target > length { break }
                        while k < target {
                            h = (h ^ UInt64(Tokenizer.lowercased(s[k]))) &* Tokenizer.fnvPrime
                            k += 1
                        }
                        // The gate index is case-blind and lossy (digits share bits with letters): the
                        // prefix's full hash decides.
                        if h == words[Int(wordStart[e])] { counts[e] += times }
                    }
                }
            }
            i += 1
        }
        return end - first
    }
}
