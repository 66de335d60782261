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
        // Shorter names into longer ones, shortest first so chains settle.
        var target = Array(groups.indices)
        let byLength = groups.indices.sorted { groups[$0].words.count < groups[$1].words.count }
        for g in byLength {
            let short = groups[g].words
            guard short.count < 3 else { continue }
            // A known place or organisation ("Jordan", "Washington") is not someone's surname.
            let strongOwn = groups[g].votes[.place] >= 6 || groups[g].votes[.organisation] >= 6
            var best: Int?
            for h in groups.indices where h != g && groups[h].words.count > short.count {
                let long = groups[h].words
                // Cheap rejections first: most pairs share neither the last nor the first word.
                guard long.last == short.last || long.first == short.first else { continue }
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
            let ranked = group.votes.ranked
            guard let top = ranked.first, top.value >= minimumVotes else { continue }
            if ranked.count > 1, ranked[1].value == top.value { continue }
            entities.append((Entity(kind: top.key, name: group.words.joined(separator: " "), count: group.count), group.first))
        }
        entities.sort { a, b in a.0.count != b.0.count ? a.0.count > b.0.count : a.1 < b.1 }
        return entities.prefix(limit).map(\.0)
    }
}
