import Foundation
import IngestCore
/// A few sentences that stand for the article.
///
/// `lead`: the first sentences, which is how news is written (the lead carries the story). `central`: the
/// sentences most similar to the rest of the article (sum of cosine similarities of word counts, stop words
/// left out), in their original order. Byline and date lines, list items and sentences under five words are
/// never summary sentences.
enum Summary {
    enum Method: String, CaseIterable, Sendable { case lead, central }

    static func make(paragraphs: [Substring], title: String?, count: Int, method: Method, stopWords: Set<String>) -> String? {
        guard count > 0 else { return nil }
        var sentences: [Substring] = []
        let titleKey = title.map(Titles.key)
        for paragraph in paragraphs {
            // A bar is rare in prose: look for one before searching for " | ".
            if paragraph.hasPrefix("- ") || (paragraph.utf8.contains(0x7C) && paragraph.hasASCII(" | ")) { continue }
            Sentences.eachSentence(of: paragraph) { sentence in
                guard usable(sentence, titleKey: titleKey) else { return true }
                sentences.append(sentence)
                return !(method == .lead && sentences.count == count) && sentences.count < 400
            }
            if method == .lead && sentences.count == count { break }
        }
        guard !sentences.isEmpty else { return nil }
        let chosen = method == .lead || sentences.count <= count
            ? Array(sentences.prefix(count)) : central(sentences, count: count, stopWords: stopWords)
        return chosen.joined(separator: " ")
    }

    private static func usable(_ sentence: Substring, titleKey: String?) -> Bool {
        var spaces = 0
        for b in sentence.utf8 where b == 0x20 { spaces += 1 }
        guard spaces >= 4, spaces <= 79 else { return false }
        let lower = sentence.asciiLowercasedPrefix(24) ?? sentence.prefix(24).lowercased()
        if Bylines.textLeads.contains(where: { lower.hasPrefix($0) }) { return false }
        if Dates.dateLeads.contains(where: { lower.hasPrefix($0) }) { return false }
        if let titleKey, sentence.utf8.count <= titleKey.utf8.count * 2, Titles.key(String(sentence)) == titleKey {
            return false
        }
        return true
    }

    /// The `count` sentences with the highest summed cosine similarity to all others, in text order.
    static func central(_ sentences: [Substring], count: Int, stopWords: Set<String>) -> [Substring] {
        var vocabulary: [Substring: Int] = [:]
        let vectors: [[Int: Double]] = sentences.map { sentence in
            var v: [Int: Double] = [:]
            for word in sentence.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) where word.count > 2 {
                let w = Substring(word)
                if stopWords.contains(String(w)) { continue }
                let id = vocabulary[w] ?? { let n = vocabulary.count; vocabulary[w] = n; return n }()
                v[id, default: 0] += 1
            }
            return v
        }
        let norms = vectors.map { $0.values.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        var scores = [Double](repeating: 0, count: sentences.count)
        for i in 0..<sentences.count where norms[i] > 0 {
            for j in (i + 1)..<max(i + 1, sentences.count) where norms[j] > 0 {
                var dot = 0.0
                let (small, large) = vectors[i].count < vectors[j].count ? (vectors[i], vectors[j]) : (vectors[j], vectors[i])
                for (k, x) in small { if let y = large[k] { dot += x * y } }
                let sim = dot / (norms[i] * norms[j])
                scores[i] += sim
                scores[j] += sim
            }
        }
        let top = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(count)
        return top.sorted().map { sentences[$0] }
    }
}
