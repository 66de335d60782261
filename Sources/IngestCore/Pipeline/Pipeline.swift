public import Logging

/// The ordered list of stages every article goes through.
///
/// Each stage's outcome and time are appended to the article's trace, including the one that dropped or
/// failed it, so a user can always see why an article did not reach the queue.
public struct Pipeline: Sendable {
    public let stages: [any Stage]

    public init(stages: [any Stage]) {
        self.stages = stages
    }

    /// The stage names, in order.
    public var names: [String] { stages.map(\.name) }

    /// Runs `article` through every stage, stopping at the first drop or failure.
    public func run(_ article: Article, logger: Logger) async -> PipelineResult {
        var current = article
        let clock = ContinuousClock()
        for stage in stages {
            // Text decoding left for a stage that makes it itself: any other stage reads it as decoded.
            if current.textPendingFromHTML && !stage.makesTextFromHTML { current.readPendingText() }
            let name = stage.name
            let start = clock.now
            do {
                let outcome = try await stage.process(current, logger: logger)
                let micros = Self.micros(clock.now - start)
                switch outcome {
                case .continue(var next):
                    // One entry the stage appended is its note (see `StageOutcome.continue`).
                    let note = next.trace.count == current.trace.count + 1 ? next.trace.last?.detail : nil
                    next.trace = current.trace
                    next.trace.append(TraceEntry(stage: name, outcome: .continue, micros: micros, detail: note))
                    current = next
                case .drop(let reason):
                    current.readPendingText()
                    current.trace.append(TraceEntry(stage: name, outcome: .drop, micros: micros, detail: reason))
                    logger.debug("dropped", metadata: ["stage": "\(name)", "reason": "\(reason)"])
                    return .dropped(current, stage: name, reason: reason)
                case .dropRecorded(var changed, let reason):
                    changed.readPendingText()
                    changed.trace = current.trace
                    changed.trace.append(TraceEntry(stage: name, outcome: .drop, micros: micros, detail: reason))
                    logger.debug("dropped", metadata: ["stage": "\(name)", "reason": "\(reason)"])
                    return .dropped(changed, stage: name, reason: reason)
                }
            } catch {
                let micros = Self.micros(clock.now - start)
                let stageError =
                    (error as? StageError) ?? StageError("\(error)", disposition: .skipArticle)
                current.readPendingText()
                current.trace.append(
                    TraceEntry(stage: name, outcome: .fail, micros: micros, detail: stageError.message))
                return .failed(current, stage: name, error: stageError)
            }
        }
        current.readPendingText()
        return .completed(current)
    }

    /// Tells every stage an article's fate is sealed (see ``Stage/finished(_:committed:)``).
    public func finished(_ article: Article, committed: Bool) async {
        for stage in stages { await stage.finished(article, committed: committed) }
    }

    private static func micros(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}

/// Where an article ended up after the pipeline.
public enum PipelineResult: Sendable {
    /// Passed every stage: to be enqueued.
    case completed(Article)
    /// A stage dropped it on purpose: recorded with the reason, not enqueued.
    case dropped(Article, stage: String, reason: String)
    /// A stage failed on it.
    case failed(Article, stage: String, error: StageError)

    public var article: Article {
        switch self {
        case .completed(let a), .dropped(let a, _, _), .failed(let a, _, _): return a
        }
    }
}
