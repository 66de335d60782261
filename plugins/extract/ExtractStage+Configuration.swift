import Foundation
public import ExtractLanguage
public import IngestCore

extension ExtractStage {
    /// The `[stages.extract]` section. Every key is documented in plugins/extract/README.md and extract.toml.
    ///
    /// - Configuration keys (section `stages.extract`):
    ///   - `summary_sentences` (int, default: 3, 0…20): sentences in `metadata.summary`; 0 for none.
    ///   - `summary_method` (string, default: "lead"): "lead" (the first sentences) or "central" (the
    ///     sentences most like the rest of the article, in text order).
    ///   - `language` (bool, default: true): detect the language of the clean text (CLD2).
    ///   - `keywords` (int, default: 10, 0…100): key phrases in `keywords`; 0 for none.
    ///   - `keywords_method` (string, default: "yake"): "yake" or "tfidf" (against a background model).
    ///   - `keywords_background` (string, default: "", learn from the articles seen): tfidf only, a background
    ///     model file from `ingestctl extract background`; a relative path is taken from the state directory.
    ///   - `entities` (bool, default: true): find people, organisations and places.
    ///   - `max_entities` (int, default: 50, 1…1000): at most this many entities, most mentioned first.
    ///   - `gazetteer` (string, default: "", the built-in lists only): a file of more names
    ///     (`KIND<TAB>Name` lines), added to the built-in lists; a relative path is taken from the state
    ///     directory.
    ///   - `words_per_minute` (int, default: 230, 50…2000): reading speed for `metadata.readingMinutes`.
    ///   - `max_json_ld_bytes` (int, default: 1048576, 1024…16777216): a bigger JSON-LD block is skipped.
    public struct Configuration: StageConfiguration, Sendable, Equatable {
        public var summarySentences = 3
        public var summaryMethod = "lead"
        public var language = true
        public var maxKeywords = 10
        public var keywordsMethod: KeywordMethod = .yake
        public var keywordsBackground: String?
        public var entities = true
        public var maxEntities = 50
        public var gazetteer: String?
        public var wordsPerMinute = 230
        public var maxJSONLDBytes = 1_048_576

        public init() {}

        public init(from section: ConfigSection) {
            summarySentences = section.int("summary_sentences", default: summarySentences, range: 0...20)
            summaryMethod = section.choice(
                "summary_method", default: summaryMethod, allowed: Summary.Method.allCases.map(\.rawValue))
            language = section.bool("language", default: language)
            maxKeywords = section.int("keywords", default: maxKeywords, range: 0...100)
            let method = section.choice(
                "keywords_method", default: keywordsMethod.rawValue, allowed: KeywordMethod.allCases.map(\.rawValue))
            keywordsMethod = KeywordMethod(rawValue: method) ?? .yake
            keywordsBackground = section.optionalString("keywords_background").flatMap { $0.isEmpty ? nil : $0 }
            if keywordsBackground != nil && keywordsMethod != .tfidf {
                section.problem("keywords_background", "a background model is only read with keywords_method = \"tfidf\"")
            }
            entities = section.bool("entities", default: entities)
            maxEntities = section.int("max_entities", default: maxEntities, range: 1...1_000)
            gazetteer = section.optionalString("gazetteer").flatMap { $0.isEmpty ? nil : $0 }
            wordsPerMinute = section.int("words_per_minute", default: wordsPerMinute, range: 50...2_000)
            maxJSONLDBytes = section.int("max_json_ld_bytes", default: maxJSONLDBytes, range: 1_024...16_777_216)
            if !entities && gazetteer != nil {
                section.problem("gazetteer", "a gazetteer is set but entities = false: it would never be used")
            }
        }

        /// `path` as the stage opens it: relative paths are taken from the state directory.
        func resolve(_ path: String, in context: StageContext) -> String {
            path.hasPrefix("/") ? path : "\(context.stateDirectory)/\(path)"
        }
    }
}
