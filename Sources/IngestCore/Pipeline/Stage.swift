public import Logging

/// One processing step of the pipeline: clean, dedupe, extract, classify, or an operator's plugin.
///
/// A stage gets the article as it is so far and returns what should happen to it. Configuration is plain
/// data read from the stage's `stages.<name>` section; ``init(configuration:context:)`` builds the running
/// stage from it.
///
/// - Important: a stage never imports the store, a source or the daemon. What it must persist it reaches
///   through an interface in ``StageContext``.
public protocol Stage: Sendable {
    associatedtype Configuration: StageConfiguration
    /// The name the pipeline list and the config section use (a lowercase verb).
    static var name: String { get }
    /// This stage's name in the pipeline and the trace: ``name`` for built-in stages; an exec plugin's
    /// stage, one type for every plugin, answers with its plugin's name.
    var name: String { get }
    init(configuration: Configuration, context: StageContext) throws
    /// Continue with the article (changed or not) or drop it with a reason; throw ``StageError`` to fail it.
    func process(_ article: Article, logger: Logger) async throws -> StageOutcome
    /// Called once the article's fate is sealed: `committed` is true when it (queued or dropped) is in the
    /// store, false when it never got there (a later stage failed it, the input was already ingested, the
    /// daemon stopped). Stages that hold state for articles in flight release it here.
    func finished(_ article: Article, committed: Bool) async
    /// The stage sets an HTML page's text from its HTML itself, so the plain text decoding would read is
    /// left for it to make (``Article/textPendingFromHTML``). False unless a stage says so.
    var makesTextFromHTML: Bool { get }
}

extension Stage {
    public var name: String { Self.name }
    public var makesTextFromHTML: Bool { false }
    public func finished(_ article: Article, committed: Bool) async {}
}

/// A stage with files it can read again without a restart (a model, rules). On SIGHUP the daemon calls
/// ``reload()`` on every such stage of its pipeline.
public protocol ReloadableStage: Stage {
    /// Reads the files again and returns a one-line summary for the log. When they are wrong it throws and
    /// the stage keeps what it had: an operator's mistake must not stop the pipeline.
    func reload() throws -> String
}

/// A stage's configuration: read from its section, every problem reported with its key path.
public protocol StageConfiguration: Sendable {
    /// Reads the section. Problems go to the section's problem list, never thrown one at a time.
    init(from section: ConfigSection)
}

/// What a stage decided about an article.
public enum StageOutcome: Sendable {
    /// Go on to the next stage with this (possibly changed) article. A stage that lets an article through
    /// with something to say (an exec plugin that failed under `on_error = "skip"`) appends one
    /// ``TraceEntry`` to the article's trace: the pipeline keeps its `detail` in the stage's entry.
    case `continue`(Article)
    /// Stop here on purpose: a duplicate, an empty page, a rule. Recorded, never enqueued.
    case drop(reason: String)
    /// As ``drop(reason:)``, recording the article as this stage changed it (a duplicate keeps which
    /// article it duplicates).
    case dropRecorded(Article, reason: String)
}

/// A stage failed to process an article. The runner acts on ``disposition``, never on the message.
public struct StageError: Error, Sendable, CustomStringConvertible {
    public enum Disposition: String, Sendable, Codable {
        /// Trying again later can help (a timeout, a resource briefly unavailable).
        case retry
        /// This article cannot pass this stage; the input goes to `failed/`.
        case skipArticle
    }
    public var message: String
    public var disposition: Disposition

    public init(_ message: String, disposition: Disposition) {
        self.message = message
        self.disposition = disposition
    }

    public var description: String { message }
}

/// What a stage may use besides its configuration.
public struct StageContext: Sendable {
    /// Where a stage may keep files of its own (models, caches).
    public var stateDirectory: String
    /// The fingerprints of committed articles, for dedupe; `nil` where there is no store (`ingestctl run`).
    public var duplicateIndex: (any DuplicateIndex)?

    public init(stateDirectory: String, duplicateIndex: (any DuplicateIndex)? = nil) {
        self.stateDirectory = stateDirectory
        self.duplicateIndex = duplicateIndex
    }
}

extension Stage {
    /// Reads the configuration from `section` and builds the stage; `nil` when the section had problems
    /// (they are in the section's problem list).
    public static func make(from section: ConfigSection, context: StageContext) -> (any Stage)? {
        let before = section.problems.count
        let configuration = Configuration(from: section)
        section.finish()
        guard section.problems.count == before else { return nil }
        do {
            return try Self(configuration: configuration, context: context)
        } catch {
            section.problem(nil, "cannot start stage: \(error)")
            return nil
        }
    }
}
