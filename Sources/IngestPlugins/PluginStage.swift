public import IngestCore
public import Logging

/// An exec plugin in the pipeline: one stage type for every plugin, named by its instance.
///
/// The plugin's answer decides the article's fate (`continue` with changes, `drop`, `fail`). When the
/// plugin itself fails (timeout, crash, an answer that does not parse, not running), its manifest's
/// `on_error` decides: `skip` lets the article through unchanged with the error in its trace, `fail`
/// fails it, `retry` asks the runner to try it again later.
public struct PluginStage: Stage {
    public static let name = "plugin"

    /// Plugin stages are built by ``PluginHost``, never from a section alone.
    public struct Configuration: StageConfiguration {
        public init(from section: ConfigSection) {
            section.markAllRead()
        }
    }

    public let instance: PluginInstance
    public var name: String { instance.name }

    public init(configuration: Configuration, context: StageContext) throws {
        throw StageError("a plugin stage is built by the plugin host", disposition: .skipArticle)
    }

    init(instance: PluginInstance) {
        self.instance = instance
    }

    public func process(_ article: Article, logger: Logger) async throws -> StageOutcome {
        switch await instance.process(article) {
        case .reply(.continue(let changes)):
            guard let changes else { return .continue(article) }
            return .continue(changes.applied(to: article))
        case .reply(.drop(let reason)):
            return .drop(reason: reason)
        case .reply(.fail(let reason, let retry)):
            throw StageError("plugin \(name) failed the article: \(reason)", disposition: retry ? .retry : .skipArticle)
        case .error(let message):
            switch instance.manifest.onError {
            case .skip:
                var unchanged = article
                // The pipeline keeps this entry's detail as the note of the stage's own entry.
                unchanged.trace.append(
                    TraceEntry(stage: name, outcome: .continue, micros: 0, detail: "skipped: \(message)"))
                return .continue(unchanged)
            case .fail:
                throw StageError(message, disposition: .skipArticle)
            case .retry:
                throw StageError(message, disposition: .retry)
            }
        }
    }
}
