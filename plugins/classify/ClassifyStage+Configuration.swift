public import IngestCore

extension ClassifyStage {
    /// The `[stages.classify]` section. See plugins/classify/README.md and classify.toml.
    ///
    /// - Configuration keys (section `stages.classify`):
    ///   - `rules` (bool, default: true): apply the taxonomy's keyword and phrase rules.
    ///   - `taxonomy` (string, default: "", the built-in taxonomy): a TOML file that replaces it.
    ///   - `model` (string, default: "", none): a model file from `ingestctl classify train`; a relative path
    ///     is taken from the daemon's state directory.
    ///   - `min_score` (float, default: 0.5): the score a rule label needs.
    ///   - `model_min_score` (float, default: 0.5): the score a model label needs.
    ///   - `max_labels` (int, default: 3): at most this many labels, best first (forced labels always stay).
    ///   - `title_weight` (float, default: 2.0): a rule term in the title counts this many times.
    public struct Configuration: StageConfiguration, Equatable {
        public var rules = true
        public var taxonomy: String?
        public var model: String?
        public var minScore = 0.5
        public var modelMinScore = 0.5
        public var maxLabels = 3
        public var titleWeight = 2.0

        public init() {}

        public init(from section: ConfigSection) {
            rules = section.bool("rules", default: rules)
            taxonomy = section.optionalString("taxonomy").flatMap { $0.isEmpty ? nil : $0 }
            model = section.optionalString("model").flatMap { $0.isEmpty ? nil : $0 }
            minScore = section.double("min_score", default: minScore, range: 0...1)
            modelMinScore = section.double("model_min_score", default: modelMinScore, range: 0...1)
            maxLabels = section.int("max_labels", default: maxLabels, range: 1...100)
            titleWeight = section.double("title_weight", default: titleWeight, range: 0...100)
            if !rules && model == nil {
                section.problem("rules", "with rules off and no model the stage has nothing to classify with")
            }
            if !rules && taxonomy != nil {
                section.problem("taxonomy", "a taxonomy is set but rules = false: it would never be used")
            }
        }

        /// `path` as the stage opens it: relative paths are taken from the state directory.
        func resolve(_ path: String, in context: StageContext) -> String {
            path.hasPrefix("/") ? path : "\(context.stateDirectory)/\(path)"
        }
    }
}
