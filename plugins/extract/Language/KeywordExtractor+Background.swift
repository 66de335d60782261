extension KeywordExtractor {
    /// The stems of `text` as the background model counts them (content words only), for building a
    /// model from a collection (`ingestctl extract background`).
    public func backgroundStems(of text: String, title: String?, language: String?) -> Set<String> {
        let tokens = TextTokens(title: title, text: text, maxBytes: Self.maxBytes)
        let document = stemmers.withKit(for: language) { DocumentTerms(tokens: tokens, kit: $0, withStems: true) }
        return Set(document.terms.indices.lazy.filter { !document.terms[$0].isStop }.map { document.stems[$0] })
    }
}
