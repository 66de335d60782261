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
    /// First-word hash → entries whose first word is that word exactly.
    private let exact: [UInt64: [Int32]]
    /// Prefix hash → one-word prefix entries (`terror*`), looked up for each prefix length in use.
    private let prefixes: [UInt64: [Int32]]
    private let prefixLengths: [Int]
    /// Every prefix term has at least this many bytes before its `*` (the taxonomy checks it): a word whose
    /// first bytes start no prefix term needs no further prefix lookups, which is most words.
    static let prefixProbe = 3
    /// A 64 Kibit filter over the hashes of the first ``prefixProbe`` bytes of the prefix terms.
    private let probeFilter: [UInt64]
    /// A 64 Kibit filter over every key of both tables: most words are in neither, and this answers
    /// "certainly not" from L1 cache before a dictionary lookup.
    private let filter: [UInt64]

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
        var exact: [UInt64: [Int32]] = [:]
        var prefixes: [UInt64: [Int32]] = [:]
        var lengths: Set<Int> = []
        var filter = [UInt64](repeating: 0, count: 1024)
        var probeFilter = [UInt64](repeating: 0, count: 1024)
        for (i, entry) in entries.enumerated() {
            let key = entry.pattern.words[0]
            if entry.pattern.words.count == 1 && entry.pattern.prefixLength > 0 {
                prefixes[key, default: []].append(Int32(i))
                lengths.insert(entry.pattern.prefixLength)
                let bit = Self.filterBit(entry.pattern.prefixProbe)
                probeFilter[bit >> 6] |= 1 << UInt64(bit & 63)
            } else {
                exact[key, default: []].append(Int32(i))
            }
            let bit = Self.filterBit(key)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
        }
        self.topics = taxonomy.topics.map(\.name)
        self.scoring = scoring
        self.entries = entries
        self.exact = exact
        self.prefixes = prefixes
        self.prefixLengths = lengths.sorted()
        self.filter = filter
        self.probeFilter = probeFilter
    }

    @inline(__always)
    private static func filterBit(_ key: UInt64) -> Int { Int(truncatingIfNeeded: mix64(key) >> 48) }

    @inline(__always)
    private func mayContain(_ key: UInt64) -> Bool {
        let bit = Self.filterBit(key)
        return filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    @inline(__always)
    private func mayStartPrefix(_ probe: UInt64) -> Bool {
        let bit = Self.filterBit(probe)
        return probeFilter[bit >> 6] & (1 << UInt64(bit & 63)) != 0
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
        var counts = [Double](repeating: 0, count: entries.count)
        var words = 0
        if let title {
            _ = count(title, into: &counts, times: scoring.titleWeight)
        }
        words = count(text, into: &counts, times: 1)

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

    /// Adds `times` to the count of every term occurrence in `text`; returns the number of words.
    private func count(_ text: String, into counts: inout [Double], times: Double) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            // The words of the text, kept so phrases can look ahead.
            var hashes: [UInt64] = []
            var starts: [Int32] = []
            var lengths: [Int32] = []
            hashes.reserveCapacity(bytes.count / 4)
            starts.reserveCapacity(bytes.count / 4)
            lengths.reserveCapacity(bytes.count / 4)
            Tokenizer.forEachWord(in: bytes) { hash, start, length in
                hashes.append(hash)
                starts.append(Int32(start))
                lengths.append(Int32(length))
            }
            for i in hashes.indices {
                let hash = hashes[i]
                if mayContain(hash), let candidates = exact[hash] {
                    for e in candidates where matches(entries[Int(e)].pattern, at: i, hashes, starts, lengths, bytes) {
                        counts[Int(e)] += times
                    }
                }
                let length = Int(lengths[i])
                guard !prefixLengths.isEmpty, length >= Self.prefixProbe else { continue }
                // One-word prefix terms: hash the word's first k bytes for each prefix length k in use, once
                // its first bytes are known to start some prefix term.
                let start = Int(starts[i])
                var h = Tokenizer.fnvOffset
                var k = 0
                while k < Self.prefixProbe {
                    h = (h ^ UInt64(Tokenizer.lowercased(bytes[start + k]))) &* Tokenizer.fnvPrime
                    k += 1
                }
                guard mayStartPrefix(h) else { continue }
                for target in prefixLengths {
                    guard target <= length else { break }
                    while k < target {
                        h = (h ^ UInt64(Tokenizer.lowercased(bytes[start + k]))) &* Tokenizer.fnvPrime
                        k += 1
                    }
                    if mayContain(h), let candidates = prefixes[h] {
                        for e in candidates where entries[Int(e)].pattern.prefixLength == target {
                            counts[Int(e)] += times
                        }
                    }
                }
            }
            return hashes.count
        }
    }

    /// Whether the words from `i` on spell `pattern` (its first word already matched).
    private func matches(
        _ pattern: TermPattern, at i: Int, _ hashes: [UInt64], _ starts: [Int32], _ lengths: [Int32],
        _ bytes: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        let n = pattern.words.count
        guard i + n <= hashes.count else { return false }
        for j in 1..<max(1, n) {
            let isLast = j == n - 1
            if isLast && pattern.prefixLength > 0 {
                let length = Int(lengths[i + j])
                guard length >= pattern.prefixLength else { return false }
                var h = Tokenizer.fnvOffset
                let start = Int(starts[i + j])
                for k in 0..<pattern.prefixLength {
                    h = (h ^ UInt64(Tokenizer.lowercased(bytes[start + k]))) &* Tokenizer.fnvPrime
                }
                if h != pattern.words[j] { return false }
            } else if hashes[i + j] != pattern.words[j] {
                return false
            }
        }
        return true
    }
}
