/// The key phrases of a text: candidates of one to three words (never starting or ending with a stop
/// word, never crossing punctuation), Snowball-stemmed so "election" and "elections" are one term and
/// shown as written most often, scored by ``KeywordMethod`` and freed of repeats (a phrase inside a
/// better one, or holding one, is skipped).
///
/// Thread-safe (stemmers are not: keep one per task/thread or a small locked pool).
public final class KeywordExtractor: Sendable {
    public let method: KeywordMethod
    /// The document frequencies TF-IDF reads; nil with YAKE unless one was given.
    public let background: BackgroundModel?
    /// Whether each text scored with TF-IDF is then added to ``background`` (learning at run time).
    public let learns: Bool
    /// Bytes of a text read at most (the title comes on top). An article's key phrases are settled long
    /// before 64 KB; a 5 MB document dropped in a folder then costs what a long article costs.
    public static let maxBytes = 65_536
    let stemmers = StemmerPool()

    /// YAKE, no background model.
    public convenience init() {
        self.init(method: .yake)
    }

    /// `background` defaults to an empty model that learns from the texts seen when `method` is TF-IDF.
    public init(method: KeywordMethod, background: BackgroundModel? = nil, learns: Bool = true) {
        self.method = method
        self.background = background ?? (method == .tfidf ? BackgroundModel() : nil)
        self.learns = learns
    }

    /// The top key phrases of `text`, best first; `language` is an ISO 639-1 code (nil: no stemming, no stop words).
    public func keywords(in text: String, title: String?, language: String?, limit: Int) -> [Keyword] {
        keywords(in: text, title: title, language: language, limit: limit, method: method)
    }

    /// As above, scored with `method` rather than the extractor's own (for comparisons).
    /// Scores are relative to the best phrase (1.0). `backgroundHoldsText`: the background model was built
    /// from a collection that includes this very text, so TF-IDF takes it out again (leave-one-out, for
    /// evaluations); the text is then not learnt a second time.
    public func keywords(
        in text: String, title: String?, language: String?, limit: Int, method: KeywordMethod,
        backgroundHoldsText: Bool = false
    ) -> [Keyword] {
        guard limit > 0, !text.isEmpty || !(title ?? "").isEmpty else { return [] }
        let tokens = TextTokens(title: title, text: text, maxBytes: Self.maxBytes)
        guard !tokens.tokens.isEmpty else { return [] }
        let document = stemmers.withKit(for: language) {
            DocumentTerms(tokens: tokens, kit: $0, withStems: method == .tfidf)
        }
        guard !document.candidates.isEmpty else { return [] }

        let scores: [Double]
        switch method {
        case .yake:
            scores = YakeScorer.scores(document)
        case .tfidf:
            let model = background ?? BackgroundModel()
            let stems = document.stems
            var frequencies = model.frequencies(of: stems, language: language)
            if backgroundHoldsText {
                frequencies.documents = max(0, frequencies.documents - 1)
                for (index, term) in document.terms.enumerated() where !term.isStop {
                    frequencies.counts[index] = max(0, frequencies.counts[index] - 1)
                }
            }
            scores = TfIdfScorer.scores(document, frequencies: frequencies)
            if learns, background != nil, !backgroundHoldsText {
                let content = document.terms.indices.lazy.filter { !document.terms[$0].isStop }.map { stems[$0] }
                model.add(stems: content, language: language)
            }
        }
        return Self.select(document, scores: scores, limit: limit)
    }

    /// Best first, skipping a phrase that shares more than half of its content words (or of a taken
    /// phrase's) with a phrase already taken: "maternity pay" and "maternity pay plan" are one keyword, and
    /// so are "Secretary Patricia Hewitt" and "Industry Secretary Patricia"; "maternity pay" and "pay rise"
    /// are two.
    static func select(_ document: DocumentTerms, scores: [Double], limit: Int) -> [Keyword] {
        // Most candidates never come near the top: rank a few times `limit` of the best, and all of
        // them only when repeats use that up.
        let (best, positive) = top(scores, count: limit * 6)
        let first = choose(document, scores: scores, order: best, limit: limit)
        if first.count == limit || positive <= limit * 6 { return first }
        // Candidates come in the order of their first occurrence, so a lower index is earlier.
        let all = scores.indices.filter { scores[$0] > 0 }.sorted { a, b in
            scores[a] != scores[b] ? scores[a] > scores[b] : a < b
        }
        return choose(document, scores: scores, order: all, limit: limit)
    }

    /// The `count` best candidates of those scoring above 0, best first (ties: earlier in the text first),
    /// and how many score above 0.
    private static func top(_ scores: [Double], count: Int) -> (best: [Int], positive: Int) {
        var best: [Int] = []
        best.reserveCapacity(count + 1)
        var positive = 0
        // Once `best` is full, what a candidate must beat to enter: the score of the last one kept.
        var floor = 0.0
        scores.withUnsafeBufferPointer { scores in
            // Indices only grow, so a candidate never beats an equal score already kept (that one is
            // earlier): a plain `>` is the whole comparison.
            for index in scores.indices {
                let score = scores[index]
                guard score > 0 else { continue }
                positive += 1
                if best.count == count && !(score > floor) { continue }
                // After every kept candidate scoring at least as much (a prefix: `best` runs from high
                // to low), found by halving.
                var low = 0
                var high = best.count
                while low < high {
                    let middle = (low + high) / 2
                    if scores[best[middle]] >= score { low = middle + 1 } else { high = middle }
                }
                best.insert(index, at: low)
                if best.count > count { best.removeLast() }
                if best.count == count { floor = scores[best[count - 1]] }
            }
        }
        return (best, positive)
    }

    private static func choose(_ document: DocumentTerms, scores: [Double], order: [Int], limit: Int) -> [Keyword] {
        // Content words of the phrases taken (three at most each, held inline: plain lists beat sets here).
        var taken: [DocumentTerms.PhraseTerms] = []
        var result: [Keyword] = []
        guard let best = order.first.map({ scores[$0] }) else { return [] }
        for index in order {
            let candidate = document.candidates[index]
            let content = document.contentTerms(of: candidate)
            let repeats = taken.contains { other in
                let shared = content.reduce(0) { $0 + (other.contains($1) ? 1 : 0) }
                return 2 * shared > min(other.count, content.count)
            }
            if repeats { continue }
            taken.append(content)
            result.append(Keyword(phrase: document.displayForm(of: candidate), score: scores[index] / best))
            if result.count == limit { break }
        }
        return result
    }
}
