import Foundation
import IngestCore
import IngestStore
import Logging

/// Runs stored articles through the current pipeline again (`ingestctl reprocess`, `POST /v1/reprocess`),
/// after a rule, a model or a stage changed, and replaces each in place.
///
/// Each article is made again from its kept raw input: decoded as it was (an input of several articles,
/// a JSON Lines file, gives the one at the article's position), with its stored origin and its own id, so
/// dedupe does not take it for a copy of itself. What the pipeline gives replaces the stored article and
/// its queue row in one transaction (``SQLiteStore/replace(_:)``): same article id, the row `ready`
/// again, no new rows. An article the pipeline leaves as it was is not touched; one that fails keeps its
/// stored version.
struct Reprocessor: Sendable {
    /// The pipeline and router in use now: a reload (SIGHUP) may have replaced the ones of the start.
    let active: @Sendable () -> (pipeline: Pipeline, router: Router)
    let store: any StoreBackend
    let logger: Logger

    /// Articles read from the store at once.
    static let chunk = 200

    enum Failure: Error {
        /// A stage could not reload its files; nothing was reprocessed.
        case reload(String)
        case store(StoreError)
    }

    func run(_ request: ReprocessRequest) async throws(Failure) -> ReprocessReport {
        var report = ReprocessReport()
        let (pipeline, router) = active()
        if request.reload ?? true {
            for case let stage as any ReloadableStage in pipeline.stages {
                do {
                    _ = try stage.reload()
                    report.reloaded.append(stage.name)
                } catch {
                    throw .reload("stage \(stage.name) cannot reload its files: \(error)")
                }
            }
        }
        let found: [Int64]
        do {
            (found, report.unknown) = try store.reprocessSelection(ids: request.ids, source: request.source, since: request.since)
        } catch {
            throw .store(error)
        }
        report.selected = found.count
        // A chunk at a time, so memory holds a few hundred inputs, not every one selected.
        for start in stride(from: 0, to: found.count, by: Self.chunk) {
            let ids = Array(found[start..<min(start + Self.chunk, found.count)])
            let inputs: [ReprocessInput]
            do {
                inputs = try store.reprocessInputs(articleIds: ids)
            } catch {
                // Some articles may be replaced already: report, do not throw the report away.
                report.failed += ids.count
                for id in ids { report.failures[String(id)] = error.description }
                continue
            }
            for input in inputs {
                await reprocess(input, pipeline: pipeline, router: router, into: &report)
            }
        }
        report.changedIds.sort()
        logger.info(
            "reprocessed",
            metadata: ["selected": "\(report.selected)", "changed": "\(report.reprocessed)",
                       "unchanged": "\(report.unchanged)", "failed": "\(report.failed)", "missing_raw": "\(report.missingRaw)"])
        return report
    }

    private func reprocess(
        _ input: ReprocessInput, pipeline: Pipeline, router: Router, into report: inout ReprocessReport
    ) async {
        func fail(_ article: Article, _ reason: String) {
            report.failed += 1
            report.failures[article.id.map(String.init) ?? "?"] = reason
        }
        guard let bytes = input.bytes, let first = input.articles.first?.stored else {
            report.missingRaw += input.articles.count
            return
        }
        let document = RawDocument(
            bytes: bytes, format: input.format ?? first.format, origin: first.origin, receipt: NoReceipt())
        let decoded: [Article]
        do {
            decoded = try DocumentDecoder.decode(document)
        } catch {
            for (_, stored) in input.articles { fail(stored, "decode: \(error.reason)") }
            return
        }
        for (position, stored) in input.articles {
            guard position < decoded.count else {
                fail(stored, "its input now decodes to \(decoded.count) articles, not \(position + 1) or more")
                continue
            }
            var article = decoded[position]
            article.id = stored.id
            article.origin = stored.origin
            let outcome: ArticleOutcome
            switch await pipeline.run(article, logger: logger) {
            case .completed(let done):
                outcome = ArticleOutcome(article: done, queue: router.queue(for: done))
            case .dropped(let dropped, let stage, let reason):
                outcome = ArticleOutcome(article: dropped, drop: .init(stage: stage, reason: reason))
            case .failed(let failed, let stage, let error):
                await pipeline.finished(failed, committed: false)
                fail(stored, "\(stage): \(error.message)")
                continue
            }
            do {
                let result = try store.replace(outcome)
                await pipeline.finished(outcome.article, committed: result == .changed)
                switch result {
                case .changed:
                    report.reprocessed += 1
                    if let id = stored.id { report.changedIds.append(id) }
                case .unchanged:
                    report.unchanged += 1
                case .missing:
                    fail(stored, "deleted while it was reprocessed")
                }
            } catch {
                await pipeline.finished(outcome.article, committed: false)
                fail(stored, error.description)
            }
        }
    }
}

/// Reprocessing has no source to answer.
private struct NoReceipt: Receipt {
    func acknowledge(_ summary: IngestSummary) async {}
    func reject(_ failure: IngestFailure) async {}
    func release() async {}
}
