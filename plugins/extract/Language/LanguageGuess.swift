/// What CLD2 says a text is written in.
public struct LanguageGuess: Sendable, Equatable {
    /// ISO 639-1 code ("en"); CLD2's own code where the language has no 639-1 code ("haw", "ceb").
    public var code: String
    /// 0…1: roughly the chance the code is right. See ``LanguageDetector`` for how it is computed.
    public var confidence: Double
    /// CLD2's own verdict: enough text, and a clear margin over the second language.
    public var reliable: Bool

    public init(code: String, confidence: Double, reliable: Bool) {
        self.code = code
        self.confidence = confidence
        self.reliable = reliable
    }
}
