import Foundation
public import IngestCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Polls every feed — those in the config and those added with `ingestctl feeds add` — on its own
/// schedule, and hands each new item to the pipeline as a document of its own.
///
/// One task sleeps until the next feed is due (or until `ingestctl feeds poll` or a reload rings), starts
/// the polls that are due, and goes back to sleep; the fetcher bounds how many run at once, overall and per
/// host. A poll (``FeedPoll``) fetches with the saved validators, parses, looks the items up in the ledger,
/// submits the new ones, waits until the store committed them, and only then saves the response's
/// validators: a crash before that commit leaves the old validators, so the next poll gets the document
/// again instead of a 304 that would lose the items.
///
/// A feed is never disabled: errors lengthen its delay up to the backoff cap, and its state in
/// `ingestctl feeds list` says why.
public final class FeedPoller: Service {
    public struct Configuration: Sendable {
        public var feeds: [FeedSourceConfiguration]
        public var fetch: FeedFetchConfiguration
        public var health: FeedHealth
        /// How often feeds added or removed with `ingestctl` are picked up without a reload request.
        public var refreshInterval: Duration

        public init(
            feeds: [FeedSourceConfiguration], fetch: FeedFetchConfiguration = FeedFetchConfiguration(),
            health: FeedHealth = FeedHealth(), refreshInterval: Duration = .seconds(60)
        ) {
            self.feeds = feeds
            self.fetch = fetch
            self.health = health
            self.refreshInterval = refreshInterval
        }
    }

    let configuration: Configuration
    let fetcher: HTTPFetcher
    let registry: any FeedRegistry
    let ledger: any IngestLedger
    /// With a store shared by several instances: each feed is polled by the one holding its lease.
    let leases: (any FeedLeases)?
    /// This instance's name in the leases.
    let instance: String
    let sink: any DocumentSink
    let logger: Logger
    let state = FeedPollerState()
    /// The config's `[[sources.feeds]]`: those of ``configuration`` until a reload brings others.
    private let configFeeds: Mutex<[FeedSourceConfiguration]>
    /// Whether intake is paused (`ingestctl pause`): no scheduled poll starts; ``wake()`` on resume.
    let isPaused: @Sendable () -> Bool
    private let bell: AsyncStream<Void>.Continuation
    private let doorbell: AsyncStream<Void>

    public init(
        configuration: Configuration, fetcher: HTTPFetcher, registry: any FeedRegistry, ledger: any IngestLedger,
        sink: any DocumentSink, logger: Logger, isPaused: @escaping @Sendable () -> Bool = { false },
        leases: (any FeedLeases)? = nil, instance: String = "ingestd"
    ) {
        self.isPaused = isPaused
        self.leases = leases
        self.instance = instance
        self.configuration = configuration
        configFeeds = Mutex(configuration.feeds)
        self.fetcher = fetcher
        self.registry = registry
        self.ledger = ledger
        self.sink = sink
        self.logger = logger
        (doorbell, bell) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        // Loaded now, not only at run: the folder sources and the control API may ask before it starts.
        loadFeeds()
    }

    /// Every feed with its state, for `ingestctl feeds list`.
    public func listings() -> [FeedListing] { state.listings() }

    /// One status per feed, for `ingestctl status`.
    public func statuses() -> [SourceStatus] { state.statuses() }

    /// How a feed document dropped in a watched folder is keyed: as the feed it says it is served from
    /// (`atom:link rel="self"`, JSON Feed `feed_url`), when that is one of ours, so a copy of a polled feed
    /// shares its ledger.
    public var fileContext: FeedFileContext {
        FeedFileContext(ledger: ledger) { [state] feed in feed.feedURL.flatMap { state.feed(at: $0) } }
    }

    /// Re-reads the feeds added or removed with `ingestctl` (also done every ``Configuration/refreshInterval``).
    public func reload() {
        loadFeeds()
        bell.yield()
    }

    /// SIGHUP with a new config: its `[[sources.feeds]]` replace the config's feeds. An added feed is polled
    /// when due (at once, unless a saved state says later), a removed one is no longer polled (its state row
    /// stays, for a later return), and a changed one polls with its new settings from its next poll; a
    /// shorter interval also brings the next poll forward. Feeds added with `ingestctl` are read again too.
    public func reload(configFeeds feeds: [FeedSourceConfiguration]) {
        configFeeds.withLock { $0 = feeds }
        reload()
    }

    /// Looks again at what is due: intake resumed after a pause.
    public func wake() {
        bell.yield()
    }

    /// Polls the named feeds (all when `names` is empty) now, and returns what each poll did.
    public func pollNow(_ names: [String]) async throws(FeedPollError) -> [FeedPollReport] {
        if state.isStopping { throw .stopping }
        // A feed added a moment ago may not be loaded yet.
        if !Set(names).isSubset(of: state.names) { loadFeeds() }
        let known = state.names
        if let unknown = names.first(where: { !known.contains($0) }) { throw .unknownFeed(unknown) }
        let targets = names.isEmpty ? known.sorted() : names
        let reports = await withTaskGroup(of: (Int, FeedPollReport?).self) { group in
            for (i, name) in targets.enumerated() {
                group.addTask { [state, bell] in (i, await state.requestPoll(name) { bell.yield() }) }
            }
            var reports = [FeedPollReport?](repeating: nil, count: targets.count)
            for await (i, report) in group { reports[i] = report }
            return reports
        }
        if reports.contains(where: { $0 == nil }) { throw .stopping }
        return reports.compactMap { $0 }
    }

    public func run() async throws {
        // The feeds were loaded by init; the loop refreshes them every refreshInterval.
        logger.info("polling feeds", metadata: ["feeds": "\(state.names.count)"])
        let refresh = configuration.refreshInterval
        await withTaskCancellationOrGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                var lastRefresh = ContinuousClock.now
                while !state.isStopping && !Task.isCancelled {
                    if ContinuousClock.now - lastRefresh >= refresh {
                        loadFeeds()
                        lastRefresh = .now
                    }
                    // While intake is paused only polls asked for by name start (their items wait at the gate).
                    let paused = isPaused()
                    for job in state.takeDue(now: Date(), forcedOnly: paused) {
                        group.addTask { await FeedPoll(poller: self, job: job).run() }
                    }
                    let untilDue = state.untilNextDue(now: Date(), forcedOnly: paused)
                        .map { Duration.milliseconds(Int64($0 * 1000) + 5) }
                    let untilRefresh = refresh - (ContinuousClock.now - lastRefresh)
                    await waitForBell(upTo: min(untilDue ?? untilRefresh, untilRefresh))
                }
                // Polls in flight see the cancellation: their fetch ends, they submit nothing more, and
                // they record nothing, so the next start polls those feeds again with the old validators.
                group.cancelAll()
            }
        } onCancelOrGracefulShutdown: { [state, bell] in
            state.stop()
            bell.yield()
        }
        logger.info("stopped polling feeds")
    }

    /// Sleeps until `delay` passed or the doorbell rang.
    private func waitForBell(upTo delay: Duration) async {
        guard delay > .zero else { return }
        var iterator = doorbell.makeAsyncIterator()
        let timer = Task { [bell] in
            try? await Task.sleep(for: delay)
            bell.yield()
        }
        _ = await iterator.next()
        timer.cancel()
    }

    /// The config's feeds and the added ones; an added feed whose name a config feed has is skipped
    /// (the config wins; `ingestctl feeds add` refuses such names, but the config may change later).
    private func loadFeeds() {
        var definitions: [(FeedDefinition, UpdatedItemsPolicy)] = configFeeds.withLock { $0 }.map { ($0.definition, $0.updatedItems) }
        var names = Set(definitions.map(\.0.name))
        var saved: [String: FeedState] = [:]
        do {
            for added in try registry.addedFeeds() {
                guard names.insert(added.name).inserted else {
                    logger.warning("an added feed has the name of a config feed; the config's is used", metadata: ["feed": "\(added.name)"])
                    continue
                }
                definitions.append((added, .ignore))
            }
            saved = try registry.feedStates()
        } catch {
            logger.error("cannot read the added feeds and feed states", metadata: ["error": "\(error)"])
            // Keep polling what is known rather than dropping the added feeds until the store answers again.
            if !state.names.isEmpty { return }
        }
        state.replaceFeeds(definitions, savedStates: saved)
    }
}
