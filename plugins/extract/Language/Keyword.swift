/// One key phrase of a text and its score (higher is better; only comparable within one text).
public struct Keyword: Sendable, Equatable {
    public var phrase: String
    public var score: Double

    public init(phrase: String, score: Double) {
        self.phrase = phrase
        self.score = score
    }
}
