public import IngestCore

extension CleanStage {
    /// The `[stages.clean]` section. Every key is documented in plugins/clean/README.md and clean.toml.
    public struct Configuration: StageConfiguration, Sendable, Equatable {
        /// What becomes of the article's `html`.
        public enum HTMLOutput: String, Sendable, CaseIterable {
            /// Left as decoding gave it (the whole page).
            case page
            /// Replaced by the sanitised main content: the default. The page's metadata reaches extract
            /// either way (``PageReading``), and the raw page is kept in `rawInput` for reprocessing, so
            /// storing it a second time in every article row (three quarters of a row's bytes on the
            /// benchmark's pages) buys nothing.
            case main
            /// Removed.
            case none
        }

        public var html: HTMLOutput = .main
        /// Below this many words of main text, a page that says it is an error or a login wall is dropped;
        /// 0 never drops one.
        public var thinPageWords = 80
        /// Larger HTML fails the article instead of being parsed (bounds the memory one page can take).
        public var maxHTMLBytes = 16 * 1024 * 1024
        /// Query parameters removed from links; a trailing `*` matches a prefix.
        public var trackingParams: [String] = LinkCleaner.defaultTrackingParams

        public init() {}

        public init(from section: ConfigSection) {
            let choice = section.choice("html", default: html.rawValue, allowed: HTMLOutput.allCases.map(\.rawValue))
            html = HTMLOutput(rawValue: choice) ?? .main
            thinPageWords = section.int("thin_page_words", default: thinPageWords, range: 0...100_000)
            maxHTMLBytes = section.int("max_html_bytes", default: maxHTMLBytes, range: 1_024...1_073_741_824)
            trackingParams = section.strings("tracking_params", default: trackingParams)
            for (i, name) in trackingParams.enumerated() where name.isEmpty || name == "*" {
                section.problems.add("\(section.keyPath("tracking_params"))[\(i)]", "'\(name)' would match every parameter")
            }
        }
    }
}
