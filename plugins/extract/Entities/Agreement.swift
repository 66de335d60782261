import Foundation
import IngestCore

/// Joins the mentions of one entity and decides its kind.
///
/// A mention that is the last word(s) of a longer name seen in the text ("Putin", "Mr Antonov" → "Antonov")
/// is that name; a lone first word of a longer organisation's or place's name ("Crocus") is that name
/// when it has no evidence of its own. Votes and counts are pooled, so one mention with a title makes every
/// mention of the name a person.
///
/// Names and words are compared as the numbers ``Mentions`` gives them (equal bytes, equal numbers). That is
/// String equality when every word is ASCII; when one is not, Strings are compared where bytes differ, as
/// String equality also equates canonically equivalent spellings.
enum Agreement {
    static func resolve(_ found: Mentions, view: TokenView, limit: Int, minimumVotes: Int) -> [Entity] {
        struct Group {
            /// The mention that started the group: its words are the group's.
            var mention: Int
            var votes: Votes
            var count: Int
            var first: Int
        }
        let mentions = found.list
        var groups: [Group] = []
        if found.ascii {
            var groupOfName = [Int32](repeating: -1, count: found.names)
            for (m, mention) in mentions.enumerated() {
                let g = Int(groupOfName[Int(mention.name)])
                if g >= 0 {
                    groups[g].count += 1
                    groups[g].votes += mention.votes
                } else {
                    groupOfName[Int(mention.name)] = Int32(groups.count)
                    groups.append(Group(mention: m, votes: mention.votes, count: 1, first: mention.position))
                }
            }
        } else {
            var index: [String: Int] = [:]
            index.reserveCapacity(mentions.count)
            for (m, mention) in mentions.enumerated() {
                let name = found.name(of: mention, view)
                if let g = index[name] {
                    groups[g].count += 1
                    groups[g].votes += mention.votes
                } else {
                    index[name] = groups.count
                    groups.append(Group(mention: m, votes: mention.votes, count: 1, first: mention.position))
                }
            }
        }
        // Word equality: equal numbers, or (beyond ASCII) equal Strings.
        let strings = found.ascii ? [] : found.wordTokens.map { view.string(view[Int($0)]) }
        let asciiWord = found.ascii ? [] : found.wordTokens.map { view[Int($0)].ascii }
        let ascii = found.ascii
        func same(_ a: Int32, _ b: Int32) -> Bool {
            a == b || (!ascii && !(asciiWord[Int(a)] && asciiWord[Int(b)]) && strings[Int(a)] == strings[Int(b)])
        }
        // Each group's length and end words in plain arrays: the loop below pairs every group with every
        // other, and most pairs are rejected on these alone.
        let words = groups.map { found.words(of: mentions[$0.mention]) }
        let lengths = words.map { $0.count }
        let firstWords = words.map { $0.first! }
        let lastWords = words.map { $0.last! }

        // Shorter names into longer ones, shortest first so chains settle.
        var target = Array(groups.indices)
        let byLength = groups.indices.sorted { lengths[$0] < lengths[$1] }
        // With ASCII words, the groups sharing a first or a last word are found through lists by word
        // number (`firstList`, `lastList`: the first group with that word, then each group's next) rather
        // than by trying every pair. The best candidate does not depend on the order they are tried in.
        let wordCount = found.ascii ? found.wordTokens.count : 0
        var firstList = [Int32](repeating: -1, count: wordCount)
        var lastList = [Int32](repeating: -1, count: wordCount)
        var nextFirst = [Int32](repeating: -1, count: found.ascii ? groups.count : 0)
        var nextLast = nextFirst
        if found.ascii {
            for h in groups.indices.reversed() {
                nextFirst[h] = firstList[Int(firstWords[h])]
                firstList[Int(firstWords[h])] = Int32(h)
                nextLast[h] = lastList[Int(lastWords[h])]
                lastList[Int(lastWords[h])] = Int32(h)
            }
        }
        // The groups' votes, counts and first positions as constants for the loop (a nested function that
        // captured the `groups` variable put it in a heap box).
        let votes = groups.map { $0.votes }
        let counts = groups.map { $0.count }
        let firsts = groups.map { $0.first }
        for g in byLength {
            guard lengths[g] < 3 else { continue }
            let short = words[g]
            // A known place or organisation ("Jordan", "Washington") is not someone's surname.
            let strongOwn = votes[g][.place] >= 6 || votes[g][.organisation] >= 6
            /// Whether the longer name `h`, which shares the first or the last word, takes this one.
            func takes(_ h: Int, sameFirst: Bool) -> Bool {
                guard h != g && lengths[h] > short.count else { return false }
                let long = words[h]
                let isPerson = votes[h][.person] > 0 || votes[g][.person] > 0
                let surname = isPerson && !strongOwn
                    && short.indices.allSatisfy { same(long[long.endIndex - short.count + ($0 - short.startIndex)], short[$0]) }
                let head = short.count == 1 && sameFirst && !isPerson && votes[g].isEmpty
                // A given name alone for a person named in full earlier ("Abiy" after "Abiy Ahmed").
                let givenName = short.count == 1 && sameFirst && votes[h][.person] > 0
                    && votes[g][.place] == 0 && votes[g][.organisation] == 0
                return surname || head || givenName
            }
            /// The most mentioned longer name, the earliest on a tie.
            func better(_ h: Int, than best: Int) -> Bool {
                best < 0 || counts[h] > counts[best] || (counts[h] == counts[best] && firsts[h] < firsts[best])
            }
            var best = -1
            if found.ascii {
                var h = Int(firstList[Int(firstWords[g])])
                while h >= 0 {
                    if takes(h, sameFirst: true) && better(h, than: best) { best = h }
                    h = Int(nextFirst[h])
                }
                h = Int(lastList[Int(lastWords[g])])
                while h >= 0 {
                    // Those with the same first word were tried above.
                    if firstWords[h] != firstWords[g] && takes(h, sameFirst: false) && better(h, than: best) { best = h }
                    h = Int(nextLast[h])
                }
            } else {
                for h in groups.indices {
                    // Cheap rejections first: most pairs share neither the last nor the first word.
                    let sameFirst = same(firstWords[h], firstWords[g])
                    guard sameFirst || same(lastWords[h], lastWords[g]) else { continue }
                    if takes(h, sameFirst: sameFirst) && better(h, than: best) { best = h }
                }
            }
            if best >= 0 {
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
        // Strings only now, for the entities kept.
        var entities: [(Entity, Int)] = []
        for group in groups where group.count > 0 {
            // Highest vote wins; a tie between kinds is no decision.
            guard let top = group.votes.leader, top.votes >= minimumVotes else { continue }
            let name = found.name(of: mentions[group.mention], view)
            entities.append((Entity(kind: top.kind, name: name, count: group.count), group.first))
        }
        entities.sort { a, b in a.0.count != b.0.count ? a.0.count > b.0.count : a.1 < b.1 }
        return entities.prefix(limit).map { $0.0 }
    }
}
