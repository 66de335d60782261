import Foundation
import IngestCore

/// Joins the mentions of one entity and decides its kind.
///
/// A mention that is the last word(s) of a longer name seen in the text ("Putin", "Mr Antonov" → "Antonov")
/// is that name; a lone first word of a longer organisation's or place's name ("Crocus") is that name
/// when it has no evidence of its own. Votes and counts are pooled, so one mention with a title makes every
/// mention of the name a person.
enum Agreement {
    static func resolve(_ mentions: [EntityRecognizer.Mention], limit: Int, minimumVotes: Int) -> [Entity] {
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
        func ends(_ word: String?) -> EndWord {
            guard let word else { return EndWord(word: nil, number: -1, ascii: true) }
            let number = numbers[word] ?? {
                let new = numbers.count
                numbers[word] = new
                return new
            }()
            return EndWord(word: word, number: number, ascii: word.utf8.allSatisfy { $0 < 0x80 })
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

/// A name's first or last word, numbered for quick comparison (see ``Agreement/resolve(_:limit:minimumVotes:)``).
private struct EndWord {
    var word: String?
    var number: Int
    var ascii: Bool

    /// The same as `word == other.word`.
    @inline(__always)
    func same(as other: EndWord) -> Bool {
        number == other.number || (!(ascii && other.ascii) && word == other.word)
    }
}
