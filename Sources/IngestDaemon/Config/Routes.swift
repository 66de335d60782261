public import IngestCore

/// One `[[routes]]` table: articles with a label, or from a source, go to a named queue.
///
/// - Configuration keys:
///   - `queue` (string, required): the queue's name (letters, digits, `-`, `_`).
///   - `label` (string): articles carrying this label with at least `min_score`.
///   - `source` (string): articles from this source (a folder's or a feed's name).
///   - `min_score` (float, default: 0.5, 0…1): the label's score from which the route applies.
///
/// A route names a label, a source, or both (then both must match). Routes are tried in order and the first
/// that matches decides; an article no route takes goes to `default`.
public struct Route: Sendable, Equatable {
    public var queue: String
    public var label: String?
    public var source: String?
    public var minScore: Double

    public init(queue: String, label: String? = nil, source: String? = nil, minScore: Double = 0.5) {
        self.queue = queue
        self.label = label
        self.source = source
        self.minScore = minScore
    }

    init(from section: ConfigSection) {
        let queue = section.optionalString("queue")
        if queue == nil, !section.has("queue") { section.problem("queue", "is required") }
        if let queue, queue.isEmpty || !queue.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            section.problem("queue", "'\(queue)' is not a queue name (letters, digits, '-' and '_')")
        }
        let label = section.optionalString("label")
        let source = section.optionalString("source")
        if label == nil && source == nil && !section.has("label") && !section.has("source") {
            section.problem(nil, "a route needs a label, a source, or both")
        }
        let minScore = section.double("min_score", default: 0.5, range: 0...1)
        section.finish()
        self.init(queue: queue ?? "default", label: label, source: source, minScore: minScore)
    }

    func matches(_ article: Article) -> Bool {
        if let source, article.origin.source != source { return false }
        if let label, !article.labels.contains(where: { $0.name == label && $0.score >= minScore }) { return false }
        return true
    }
}

/// Chooses each finished article's queue from the routes.
public struct Router: Sendable, Equatable {
    public static let defaultQueue = "default"
    public var routes: [Route]

    public init(routes: [Route] = []) {
        self.routes = routes
    }

    public func queue(for article: Article) -> String {
        routes.first { $0.matches(article) }?.queue ?? Self.defaultQueue
    }
}
