/// Short lists of common function words (articles, pronouns, prepositions, conjunctions, auxiliaries and
/// a few very common adverbs) per language, written for this project. A key phrase never starts or ends
/// with one; inside a phrase they may stand ("Bank of England").
///
/// The lists are lowercase; look words up lowercased. Words of one character are treated as stop words
/// by the keyword extractor whatever the language.
public enum StopWords {
    /// The languages with a list (ISO 639-1).
    public static var languages: [String] { lists.keys.sorted() }

    /// The list for an ISO 639-1 code ("nb" and "nn" share "no"), or nil when there is none.
    public static func words(for language: String) -> Set<String>? {
        let code = language == "nb" || language == "nn" ? "no" : language
        return lists[code]
    }

    private static let lists: [String: Set<String>] = {
        var result: [String: Set<String>] = [:]
        for (code, text) in StopWordLists.text {
            result[code] = Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        }
        return result
    }()
}
