extension KeywordExtractor {
    /// The stems of `text` as the background model counts them (content words only), for building a
    /// model from a collection (`ingestctl extract background`).
    public func backgroundStems(of text: String, title: String?, language: String?) -> Set<String> {
        let tokens = TextTokens(title: title, text: text, maxBytes: Self.maxBytes)
        let document = stemmers.withKit(for: language) { DocumentTerms(tokens: tokens, kit: $0) }
        return Set(document.terms.lazy.filter { !$0.isStop }.map(\.stem))
    }
}
