import Foundation

/// YAKE (Campos et al., "YAKE! Keyword extraction from single documents using multiple local features",
/// Information Sciences 509, 2020), written from the paper: needs nothing but the text itself.
///
/// Each term gets five features — casing (capitals not at a sentence start, acronyms), position (median
/// sentence), frequency (against the mean and spread of the text's terms), relatedness (how many distinct
/// words stand next to it: a word found beside everything is stop-word-like) and spread (share of
/// sentences it occurs in) — combined as
/// `H = rel × pos / (case + freq / rel + spread / rel)`; lower is more important. A phrase scores
/// `S = ∏ H / (count × (1 + Σ H))` over its content words, lower again is better; a stop word inside a
/// phrase multiplies by `1 + (1 − p)` and subtracts `1 − p` from the sum, `p` being how often it joins its
/// two neighbours.
enum YakeScorer {
    /// `log(n)` and the position weight `log(log(3 + n))` for small `n`, worked out once (by the same
    /// calls, so to the same values) rather than three logarithms per term of every text.
    private static let logs: [Double] = (0..<1_024).map { log(Double($0)) }
    private static let positions: [Double] = (0..<1_024).map { log(log(3 + Double($0))) }

    /// One score per candidate, higher is better (1 / S).
    static func scores(_ document: DocumentTerms) -> [Double] {
        let terms = document.terms
        var content = 0
        var sum = 0.0
        var sumSquares = 0.0
        var maxCount: Int32 = 0
        for term in terms {
            maxCount = max(maxCount, term.count)
            guard !term.isStop else { continue }
            content += 1
            sum += Double(term.count)
            sumSquares += Double(term.count) * Double(term.count)
        }
        guard content > 0 else { return [] }
        let mean = sum / Double(content)
        let deviation = (max(0, sumSquares / Double(content) - mean * mean)).squareRoot()
        let sentences = Double(max(document.tokens.sentenceCount, 1))

        let medians = document.medianSentences()
        let logs = Self.logs
        let positions = Self.positions
        var weight = [Double](repeating: 0, count: terms.count)
        for (index, term) in terms.enumerated() where term.count > 0 {
            let count = Double(term.count)
            let logCount = Int(term.count) < logs.count ? logs[Int(term.count)] : log(count)
            let casing = Double(max(term.upperCount, term.acronymCount)) / (1 + logCount)
            let median = Int(medians[index])
            let position = median < positions.count ? positions[median] : log(log(3 + Double(medians[index])))
            let frequency = count / (mean + deviation)
            let left = term.leftTotal > 0 ? Double(term.leftDistinct) / Double(term.leftTotal) : 0
            let right = term.rightTotal > 0 ? Double(term.rightDistinct) / Double(term.rightTotal) : 0
            let relatedness = 1 + (left + right) * count / Double(maxCount)
            let spread = Double(term.sentenceCount) / sentences
            weight[index] = relatedness * position / (casing + frequency / relatedness + spread / relatedness)
        }

        // Read through buffer pointers: a few array reads per candidate, a few thousand candidates.
        return weight.withUnsafeBufferPointer { weight in
            terms.withUnsafeBufferPointer { terms in
                document.candidates.map { candidate in
                    var product = 1.0
                    var total = 0.0
                    let length = Int(candidate.length)
                    for position in 0..<length {
                        let term = candidate.term(position)
                        // The ends are content words by construction (a stop word's stem may be shared
                        // with a content word's: "will", "wills"), so only inner words are read as connectors.
                        if position == 0 || position == length - 1 || !terms[Int(term)].isStop {
                            product *= weight[Int(term)]
                            total += weight[Int(term)]
                            continue
                        }
                        // A connector the text uses every time binds ("Bank of England"); a chance one does not.
                        // The pairs it forms with its neighbours, as counted where the phrase first occurs.
                        let before = candidate.term(position - 1)
                        let after = candidate.term(position + 1)
                        let at = Int(candidate.firstOccurrence) + position
                        let joinsBefore =
                            Double(document.pairCount(endingAt: at)) / Double(max(terms[Int(before)].count, 1))
                        let joinsAfter =
                            Double(document.pairCount(endingAt: at + 1)) / Double(max(terms[Int(after)].count, 1))
                        let loose = 1 - joinsBefore * joinsAfter
                        product *= 1 + loose
                        total -= loose
                    }
                    let s = product / (Double(candidate.count) * (1 + total))
                    return s > 0 ? 1 / s : 0
                }
            }
        }
    }
}
