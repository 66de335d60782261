public import IngestCore

extension DedupeStage {
    /// What to do with a duplicate.
    public enum Action: String, Sendable, CaseIterable {
        /// Record it as dropped, with `duplicate_of` and the reason; never enqueued.
        case drop
        /// Enqueue it too, with `duplicate_of` and the cluster id, for consumers that want every copy.
        case mark
    }

    /// The `[stages.dedupe]` section.
    ///
    /// - Configuration keys:
    ///   - `action` (string, default: "drop"): `drop` a duplicate, or `mark` it and enqueue it anyway.
    ///   - `threshold` (float, default: 0.7, 0.1…1.0): the similarity from which two texts are one story: the
    ///     larger of their shingles' Jaccard similarity and the containment of the shorter in the longer.
    ///   - `window_days` (int, default: 30, 1…3650): how long an article is remembered.
    ///   - `min_words` (int, default: 20, 3…10000): texts shorter than this are compared exactly (title and
    ///     text), not by similarity: a few words say too little about the story.
    ///   - `match_url` (bool, default: true): the same canonical URL makes a duplicate.
    ///   - `match_item_id` (bool, default: true): the same feed item id, when it is a URI (`urn:…`,
    ///     `https://…`, `tag:…`), makes a duplicate.
    public struct Configuration: StageConfiguration, Equatable {
        public var action: Action
        public var threshold: Double
        public var windowDays: Int
        public var minWords: Int
        public var matchURL: Bool
        public var matchItemId: Bool

        public init(
            action: Action = .drop, threshold: Double = 0.7, windowDays: Int = 30, minWords: Int = 20,
            matchURL: Bool = true, matchItemId: Bool = true
        ) {
            self.action = action
            self.threshold = threshold
            self.windowDays = windowDays
            self.minWords = minWords
            self.matchURL = matchURL
            self.matchItemId = matchItemId
        }

        public init(from section: ConfigSection) {
            let d = Configuration()
            self.init(
                action: Action(
                    rawValue: section.choice("action", default: d.action.rawValue, allowed: Action.allCases.map(\.rawValue)))
                    ?? .drop,
                threshold: section.double("threshold", default: d.threshold, range: 0.1...1.0),
                windowDays: section.int("window_days", default: d.windowDays, range: 1...3650),
                minWords: section.int("min_words", default: d.minWords, range: 3...10_000),
                matchURL: section.bool("match_url", default: d.matchURL),
                matchItemId: section.bool("match_item_id", default: d.matchItemId))
        }
    }
}
