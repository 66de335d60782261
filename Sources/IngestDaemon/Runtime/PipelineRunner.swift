import Foundation
public import IngestCore
public import IngestStore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Takes documents from the sources, decodes them, runs each article through the pipeline, and commits
/// what comes out in batches, acknowledging each document's receipt only after its commit.
///
/// Work is bounded: ``submit(_:)`` waits while the input buffer is full. On graceful shutdown the runner
/// stops taking documents, finishes the ones it has, commits them and returns.
public final class PipelineRunner: Service, DocumentSink {
    /// The pipeline and routes a document starting now goes through; a reload replaces them (see
    /// ``replace(pipeline:router:)``).
    private let active: Mutex<(pipeline: Pipeline, router: Router)>
    private let store: any ArticleStore
    private let storeConfiguration: StoreConfiguration
    private let workers: Int
    private let logger: Logger
    let stats: RuntimeStats
    private let input: BoundedBuffer<RawDocument>
    private let commits: BoundedBuffer<PendingCommit>
    /// Where commits, recorded failures and the search index flush run: a thread of their own, not one of the cooperative
    /// pool's (one per core). A commit waits for the disk (fsync); on the pool that wait took a core's
    /// thread away from the stages, and a burst kept only one of two cores busy meanwhile.
    private let storeQueue = DispatchQueue(label: "ingestd.store")
    /// A commit happened: the search index may have articles to take (see ``runSearchIndexFlush()``).
    private let committed: AsyncStream<Void>
    private let committedSignal: AsyncStream<Void>.Continuation

    private struct PendingCommit: Sendable {
        var entry: CommitEntry
        var receipt: any Receipt
        var trace: [[TraceEntry]]
        /// The pipeline that made it, which hears of its fate.
        var pipeline: Pipeline
    }

    public init(
        pipeline: Pipeline, store: any ArticleStore, storeConfiguration: StoreConfiguration, workers: Int,
        router: Router = Router(), logger: Logger
    ) {
        active = Mutex((pipeline, router))
        self.store = store
        self.storeConfiguration = storeConfiguration
        self.workers = workers
        self.logger = logger
        self.stats = RuntimeStats(stageNames: pipeline.names)
        self.input = BoundedBuffer(capacity: max(16, workers * 8))
        self.commits = BoundedBuffer(capacity: storeConfiguration.batchSize * 2)
        (committed, committedSignal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The pipeline documents starting now go through.
    public var pipeline: Pipeline { active.withLock { $0.pipeline } }

    /// The pipeline and the router documents starting now go through, read together.
    public var current: (pipeline: Pipeline, router: Router) { active.withLock { $0 } }

    /// A reload: documents that start after this call go through `pipeline` and `router`; those already in
    /// a stage finish with the ones they started with, and their stages hear of their fate.
    public func replace(pipeline: Pipeline, router: Router) {
        active.withLock { $0 = (pipeline, router) }
    }

    public func submit(_ document: RawDocument) async {
        if !(await input.send(document)) {
            // Shutting down: the source keeps the document and offers it again at the next start.
            await document.receipt.release()
        }
    }

    public func trySubmit(_ document: RawDocument) -> Bool { input.trySend(document) }

    public func waitForRoom() async { await input.waitForRoom() }

    public func run() async throws {
        // Cancellation (another service failed) ends intake the same way a graceful shutdown does: what is
        // already taken is still processed and committed, which costs at most one buffer's worth of work.
        await withTaskCancellationHandler {
            await runUntilDrained()
        } onCancel: {
            self.input.finish()
        }
    }

    private func runUntilDrained() async {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { flusher in
                flusher.addTask { await self.runSearchIndexFlush() }
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.runCommitter() }
                    await withTaskGroup(of: Void.self) { workerGroup in
                        for _ in 0..<workers {
                            workerGroup.addTask {
                                while let document = await self.input.receive() {
                                    await self.process(document)
                                }
                            }
                        }
                    }
                    // Every worker has finished: what they produced is in `commits`; let the committer drain it.
                    commits.finish()
                }
                // Everything is committed: the flush indexes the last articles and stops.
                committedSignal.finish()
                flusher.cancelAll()
            }
        } onGracefulShutdown: {
            self.input.finish()
        }
    }

    /// Commits fill the search index a chunk at a time; this indexes what they left behind a second after a
    /// commit, so `ingestctl search` lags the queue by about a second (and a search catches up itself). It
    /// wakes only after commits: an idle daemon polls nothing.
    private func runSearchIndexFlush() async {
        for await _ in committed {
            // Cancelled at the end of the run: flush at once.
            try? await Task.sleep(for: .seconds(1))
            await flushSearchIndex()
        }
        await flushSearchIndex()
    }

    private func flushSearchIndex() async {
        do {
            try await onStoreQueue { store throws(StoreError) in try store.flushSearchIndex() }
        } catch {
            logger.warning("cannot index articles for search", metadata: ["error": "\(error)"])
        }
    }

    // MARK: processing

    private func process(_ document: RawDocument) async {
        // One pipeline for the whole document, even when a reload swaps it meanwhile.
        let (pipeline, router) = active.withLock { $0 }
        let articles: [Article]
        let clock = ContinuousClock()
        let started = clock.now
        do {
            // The first stage may make an HTML page's text itself (clean does): then decoding leaves it.
            articles = try DocumentDecoder.decode(
                document, leavingHTMLText: pipeline.stages.first?.makesTextFromHTML ?? false)
            stats.recordDecode(
                ok: true, source: document.origin.source, articles: articles.count,
                micros: Self.micros(clock.now - started))
        } catch {
            stats.recordDecode(ok: false, micros: Self.micros(clock.now - started))
            await fail(document, error)
            return
        }
        var outcomes: [ArticleOutcome] = []
        var traces: [[TraceEntry]] = []
        // What stages log about this input says where it came from (SOURCE, LOCATION in the journal).
        var inputLogger = logger
        inputLogger[metadataKey: "source"] = .string(document.origin.source)
        inputLogger[metadataKey: "location"] = .string(document.origin.location)
        for article in articles {
            var attempt = 0
            while true {
                let result = await pipeline.run(article, logger: inputLogger)
                switch result {
                case .completed(let done):
                    outcomes.append(ArticleOutcome(article: done, queue: router.queue(for: done)))
                case .dropped(let dropped, let stage, let reason):
                    outcomes.append(ArticleOutcome(article: dropped, drop: .init(stage: stage, reason: reason)))
                case .failed(let failed, let stage, let error):
                    stats.record(trace: failed.trace)
                    // Whatever the stages hold for it (a dedupe reservation) goes, retried or not.
                    await pipeline.finished(failed, committed: false)
                    if error.disposition == .retry && attempt < 3 {
                        attempt += 1
                        try? await Task.sleep(for: .seconds(1 << attempt))
                        continue
                    }
                    // One article failing fails its whole document: nothing of it is half-ingested.
                    for done in outcomes { await pipeline.finished(done.article, committed: false) }
                    let failure = IngestFailure(stage: stage, reason: error.message, retryable: error.disposition == .retry)
                    await fail(document, failure)
                    return
                }
                traces.append(result.article.trace)
                break
            }
        }
        var entry = CommitEntry(
            ledgerKey: document.origin.ledgerKey, source: document.origin.source, location: document.origin.location,
            raw: storeConfiguration.keepRaw ? document.bytes : nil, rawSHA256: document.sha256, format: articles.first?.format,
            outcomes: outcomes)
        // Here, on this worker, rather than on the one committer; an entry that cannot be prepared is left
        // as it is, and its commit reports why.
        try? entry.prepare(keepRaw: storeConfiguration.keepRaw)
        if !(await commits.send(PendingCommit(entry: entry, receipt: document.receipt, trace: traces, pipeline: pipeline))) {
            await finished(entry, committed: false, pipeline: pipeline)
            await document.receipt.release()
        }
    }

    private func fail(_ document: RawDocument, _ failure: IngestFailure) async {
        logger.warning(
            "input failed",
            metadata: ["source": "\(document.origin.source)", "location": "\(document.origin.location)",
                       "stage": "\(failure.stage)", "reason": "\(failure.reason)"])
        let origin = document.origin
        do {
            try await onStoreQueue { store throws(StoreError) in
                try store.recordFailure(
                    ledgerKey: origin.ledgerKey, source: origin.source, location: origin.location, failure: failure)
            }
        } catch {
            logger.error("cannot record failure", metadata: ["error": "\(error)"])
        }
        await document.receipt.reject(failure)
    }

    // MARK: committing

    private func runCommitter() async {
        let delay = storeConfiguration.batchDelayMillis
        // Receipts are answered (files moved) while the next batch commits; the group waits for all of
        // them before the runner returns, so nothing committed is left unacknowledged at shutdown.
        await withTaskGroup(of: Void.self) { receipts in
            while let first = await commits.receive() {
                var batch = [first]
                func gather() {
                    while batch.count < storeConfiguration.batchSize, let next = commits.tryReceive() { batch.append(next) }
                }
                gather()
                // A short wait lets a burst share one transaction; an idle daemon pays only this much latency.
                if batch.count < storeConfiguration.batchSize && delay > 0 {
                    try? await Task.sleep(for: .milliseconds(delay))
                    gather()
                }
                let answers = await commit(batch)
                receipts.addTask {
                    for answer in answers { await answer() }
                }
            }
        }
    }

    /// Runs a blocking store call on ``storeQueue`` and waits for it without holding a pool thread.
    private func onStoreQueue<T: Sendable>(
        _ body: @escaping @Sendable (any ArticleStore) throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        let store = self.store
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            storeQueue.async {
                continuation.resume(returning: Result { () throws(StoreError) -> T in try body(store) })
            }
        }
        return try result.get()
    }

    /// Commits `batch` and returns how to answer each receipt. Retries while the store says retrying can
    /// help; isolates an entry the store refuses.
    private func commit(_ batch: [PendingCommit]) async -> [@Sendable () async -> Void] {
        var backoff = Duration.milliseconds(250)
        for attempt in 1...6 {
            do {
                let entries = batch.map(\.entry)
                let results = try await onStoreQueue { store throws(StoreError) in try store.commit(entries) }
                committedSignal.yield()
                var answers: [@Sendable () async -> Void] = []
                for (pending, result) in zip(batch, results) {
                    await finished(pending.entry, committed: !result.alreadyIngested, pipeline: pending.pipeline)
                    if !result.alreadyIngested {
                        pending.trace.forEach(stats.record(trace:))
                        logCommitted(pending.entry, result)
                    }
                    stats.recordCommit(
                        source: pending.entry.source, enqueued: result.enqueued, dropped: result.dropped,
                        alreadyIngested: result.alreadyIngested)
                    let summary = IngestSummary(enqueued: result.enqueued, dropped: result.dropped, alreadyIngested: result.alreadyIngested)
                    answers.append { await pending.receipt.acknowledge(summary) }
                }
                return answers
            } catch {
                stats.recordStoreError(error.description)
                logger.error("commit failed", metadata: ["error": "\(error)", "batch": "\(batch.count)", "attempt": "\(attempt)"])
                if !error.retryable {
                    if batch.count > 1 {
                        // Find the one entry the store refuses; commit the others.
                        var answers: [@Sendable () async -> Void] = []
                        for pending in batch { answers += await commit([pending]) }
                        return answers
                    }
                    guard let pending = batch.first else { return [] }
                    await finished(pending.entry, committed: false, pipeline: pending.pipeline)
                    let failure = IngestFailure(stage: "store", reason: error.message, retryable: false)
                    let entry = pending.entry
                    try? await onStoreQueue { store throws(StoreError) in
                        try store.recordFailure(
                            ledgerKey: entry.ledgerKey, source: entry.source, location: entry.location, failure: failure)
                    }
                    return [{ await pending.receipt.reject(failure) }]
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(10))
            }
        }
        // The store stayed unavailable: give the documents back; their sources offer them again later.
        for pending in batch { await finished(pending.entry, committed: false, pipeline: pending.pipeline) }
        return batch.map { pending in { await pending.receipt.release() } }
    }

    /// One debug line per stored article, with its id: `journalctl ARTICLE_ID=42` finds what happened to it.
    private func logCommitted(_ entry: CommitEntry, _ result: CommitResult) {
        guard logger.logLevel <= .debug else { return }
        for (outcome, id) in zip(entry.outcomes, result.articleIds) {
            var metadata: Logger.Metadata = [
                "article.id": "\(id)", "source": .string(entry.source), "location": .string(entry.location),
            ]
            if let drop = outcome.drop {
                metadata["stage"] = .string(drop.stage)
                metadata["reason"] = .string(drop.reason)
                logger.debug("article stored as dropped", metadata: metadata)
            } else {
                metadata["queue"] = .string(outcome.queue)
                logger.debug("article enqueued", metadata: metadata)
            }
        }
    }

    private static func micros(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    /// Tells the stages the fate of every article of `entry`.
    private func finished(_ entry: CommitEntry, committed: Bool, pipeline: Pipeline) async {
        for outcome in entry.outcomes { await pipeline.finished(outcome.article, committed: committed) }
    }
}
