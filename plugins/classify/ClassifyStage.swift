import Foundation
public import IngestCore
public import Logging
import Synchronization

/// Gives each article topic labels with scores: from the taxonomy's keyword and phrase rules, from a
/// trained model, or from both.
///
/// How the two combine: each proposes labels with scores in 0…1; a label both propose keeps the higher
/// score; a rule's `force` phrase sets its label's score to 1 and `forbid` removes the label, whoever
/// proposed it. At most `max_labels` labels are kept, best first. Labels already on the article (from a
/// plugin earlier in the pipeline) are kept.
///
/// The stage never drops or fails an article: an article no rule matches simply gets no label.
///
/// - Important: the daemon calls ``reload()`` on SIGHUP when it keeps the running pipeline; it re-reads
///   the model and taxonomy files and swaps them in only when both load, so a bad file leaves the old ones
///   working.
public struct ClassifyStage: Stage {
    public static let name = "classify"

    public let configuration: Configuration
    private let context: StageContext
    private let current: Current

    /// The classifier in use, swapped whole by ``reload()`` while articles are being classified.
    private final class Current: Sendable {
        let value: Mutex<Classifier>
        init(_ classifier: Classifier) { value = Mutex(classifier) }
    }

    public init(configuration: Configuration, context: StageContext) throws {
        self.configuration = configuration
        self.context = context
        current = Current(try Self.load(configuration, context: context))
    }

    public func process(_ article: Article, logger: Logger) async throws -> StageOutcome {
        var article = article
        let labels = classifier.labels(title: article.title, text: article.text)
        // Labels from an earlier stage stay; ours are added after them unless the name is already there.
        let existing = Set(article.labels.map(\.name))
        article.labels += labels.filter { !existing.contains($0.name) }
        return .continue(article)
    }

    /// The labels the stage would give a text (what ``process(_:logger:)`` adds to an article).
    public func labels(title: String? = nil, text: String) -> [Label] {
        classifier.labels(title: title, text: text)
    }

    /// What is loaded now: for logs and `ingestctl status`.
    public var summary: String { classifier.summary }

    /// Loads the model file and the taxonomy file again and switches to them.
    ///
    /// Both are loaded before anything changes: when either fails, the error is thrown and the stage keeps
    /// classifying with what it had. Articles being classified during the swap finish with the old one.
    ///
    /// - Returns: a one-line summary of what is now loaded.
    @discardableResult
    public func reload() throws(ClassifyError) -> String {
        let fresh = try Self.load(configuration, context: context)
        current.value.withLock { $0 = fresh }
        return fresh.summary
    }

    private var classifier: Classifier { current.value.withLock { $0 } }

    private static func load(
        _ configuration: Configuration, context: StageContext
    ) throws(ClassifyError) -> Classifier {
        var matcher: RuleMatcher?
        var taxonomySource = "built-in taxonomy"
        if configuration.rules {
            let taxonomy: Taxonomy
            if let path = configuration.taxonomy.map({ configuration.resolve($0, in: context) }) {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw .io(path: path, reason: "cannot read the taxonomy")
                }
                taxonomy = try Taxonomy.parse(String(decoding: data, as: UTF8.self), source: path)
                taxonomySource = "taxonomy \(path)"
            } else {
                taxonomy = Taxonomy.builtIn()
            }
            var scoring = RuleMatcher.Scoring()
            scoring.titleWeight = configuration.titleWeight
            matcher = RuleMatcher(taxonomy, scoring: scoring)
        }
        var model: TextModel?
        var modelSource = "no model"
        if let path = configuration.model.map({ configuration.resolve($0, in: context) }) {
            let loaded = try ModelFile.read(from: path)
            model = loaded
            modelSource =
                "model \(path) (\(loaded.algorithm.rawValue), \(loaded.labels.count) labels, "
                + "\(loaded.documents) examples\(loaded.trainedAt.isEmpty ? "" : ", trained \(loaded.trainedAt)"))"
        }
        return Classifier(
            matcher: matcher, model: model, configuration: configuration,
            summary: configuration.rules ? "\(taxonomySource); \(modelSource)" : modelSource)
    }
}

/// One loaded combination of rules and model: immutable, shared by concurrent calls.
struct Classifier: Sendable {
    let matcher: RuleMatcher?
    let model: TextModel?
    let configuration: ClassifyStage.Configuration
    let summary: String
    /// Token buffers and feature counters kept between calls: a warm one has grown to fit an article.
    let scratch = ClassifyScratchPool()

    func labels(title: String?, text: String) -> [Label] {
        let buffers = scratch.take()
        defer { scratch.give(buffers) }
        let tokens = buffers.tokens
        var scores: [String: Double] = [:]
        var forced: Set<String> = []
        var forbidden: Set<String> = []
        if let matcher {
            // Tokenises title and text into `tokens` on the way, for the model below.
            let verdict = matcher.evaluate(title: title, text: text, tokens: tokens)
            // A rule label needs the absolute score and a fair share of the best topic's score, so an
            // article about one thing does not also get every topic it mentions once.
            let top = verdict.scores.first?.score ?? 0
            for (label, score) in verdict.scores where score >= configuration.minScore && score >= 0.6 * top {
                scores[label] = score
            }
            forced = verdict.forced
            forbidden = verdict.forbidden
        }
        if let model {
            if matcher == nil { Self.tokenize(title: title, text: text, into: tokens) }
            // The words of the title then the text: what the model would read in "title\n\ntext", without
            // building that string.
            var raw = [Float](repeating: 0, count: model.labels.count)
            let ranked = model.classify(tokens, counter: buffers.counter, scores: &raw)
            for (label, score) in ranked where score >= configuration.modelMinScore {
                // Single-label models vote for one label: the rest of their scores only rank the others.
                if !model.multiLabel && label != ranked[0].label { continue }
                scores[label] = max(scores[label] ?? 0, score)
            }
        }
        for label in forced { scores[label] = 1 }
        for label in forbidden { scores[label] = nil }
        let ranked = scores.map { Label(name: $0.key, score: ($0.value * 1000).rounded() / 1000) }
            .sorted { $0.score > $1.score || ($0.score == $1.score && $0.name < $1.name) }
        let kept = ranked.prefix(configuration.maxLabels)
        // Forced labels stay even past max_labels: the operator asked for them explicitly.
        return Array(kept) + ranked.dropFirst(configuration.maxLabels).filter { forced.contains($0.name) }
    }
}

extension Classifier {
    /// The words of `title` then `text`, for the model alone (no rules to tokenise them on the way).
    static func tokenize(title: String?, text: String, into tokens: TokenBuffer) {
        tokens.removeAll()
        if var title { title.withUTF8 { _ = tokens.append($0) } }
        var text = text
        text.withUTF8 { _ = tokens.append($0) }
    }
}

/// The per-call scratch space of ``Classifier/labels(title:text:)``.
final class ClassifyScratch: @unchecked Sendable {
    // @unchecked: used by one call at a time, handed over through ``ClassifyScratchPool``'s lock.
    let tokens = TokenBuffer()
    let counter = FeatureCounter()
}

/// A few ``ClassifyScratch``es shared by concurrent callers: each call takes one and gives it back.
final class ClassifyScratchPool: Sendable {
    private let pool = Mutex<[ClassifyScratch]>([])

    func take() -> ClassifyScratch {
        pool.withLock { $0.popLast() } ?? ClassifyScratch()
    }

    func give(_ scratch: ClassifyScratch) {
        pool.withLock { pool in
            // As many as there were concurrent calls, bounded: the pipeline runs a handful of workers.
            if pool.count < 16 { pool.append(scratch) }
        }
    }
}
