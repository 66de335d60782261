/// How key phrases are scored (setting `keywords_method`).
public enum KeywordMethod: String, Sendable, CaseIterable {
    /// YAKE-style statistics of the text alone (the default: measured better, see the README).
    case yake
    /// TF-IDF against a ``BackgroundModel`` of document frequencies.
    case tfidf
}
