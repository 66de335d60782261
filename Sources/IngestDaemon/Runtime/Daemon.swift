import Foundation
public import IngestCore
import IngestPlugins
import IngestSources
import IngestStore
public import Logging
import ServiceLifecycle
import UnixSignals

/// Builds the store, the pipeline runner, the sources and the control server from a configuration and
/// runs them as one service group until SIGTERM or SIGINT.
///
/// Shutdown order is the reverse of start: sources stop taking new files, then the control API closes,
/// then the pipeline finishes what is in flight and commits it. Nothing is acknowledged before its commit.
public final class Daemon: Sendable {
    private let configuration: IngestConfiguration
    private let logger: Logger

    public init(configuration: IngestConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        let startedAt = Date()
        let notifier = SystemdNotifier()
        let socketPath = configuration.daemon.controlSocket
        try ControlServer.prepare(path: socketPath)

        let store: any StoreBackend
        do {
            store = try StoreOpener.open(configuration.store, queue: configuration.queue)
        } catch {
            throw DaemonError.store(error.description)
        }
        // Built again now that the store is open: dedupe compares with the fingerprints it keeps. The exec
        // plugins get the daemon's host, which starts them before any article comes and stops them last.
        let plugins = ConfigLoader.pluginHost(for: configuration, logger: logger)
        let pipeline = try ConfigLoader.pipeline(for: configuration, duplicateIndex: store, plugins: plugins)
        let runner = PipelineRunner(
            pipeline: pipeline, store: store, storeConfiguration: configuration.store,
            workers: configuration.daemon.workers, router: configuration.router, logger: logger)
        // Sources hand documents to the pipeline through the gate `ingestctl pause` closes.
        let intake = IntakeGate(sink: runner)
        let feeds = Self.feedPoller(configuration, store: store, sink: intake, logger: logger) { intake.current.paused }
        intake.onResume { feeds.wake() }
        // The folders run as one service, so that a reload can add and remove them.
        let folders = FolderSet(folders: configuration.folders, sink: intake, feeds: feeds.fileContext, logger: logger)
        let reloader = ConfigReloader(
            configuration: configuration, runner: runner, store: store, plugins: plugins, feeds: feeds,
            folders: folders, logger: logger)

        let config = configuration
        let status: @Sendable () -> StatusReport = {
            let snapshot = runner.stats.snapshot()
            let queues = (try? store.queueStats()) ?? []
            return StatusReport(
                version: ControlAPI.ingestdVersion, pid: getpid(), startedAt: startedAt,
                uptimeSecs: Int(Date().timeIntervalSince(startedAt)), config: config.origin,
                database: store.location, pipeline: runner.pipeline.names,
                sources: intake.mark(folders.statuses() + feeds.statuses()),
                stages: snapshot.stages, queues: queues,
                articlesLastMinute: snapshot.articlesLastMinute, enqueuedSinceStart: snapshot.enqueued,
                droppedSinceStart: snapshot.dropped, lastStoreError: snapshot.lastStoreError,
                plugins: plugins.statuses(), oldestReadySecs: oldestReadyAges(store: store, queues: queues),
                lastReload: reloader.lastResult)
        }
        let operations = OperatorRoutes(
            store: store,
            reprocessor: Reprocessor(active: { runner.current }, store: store, logger: logger),
            intake: intake)
        let control = ControlServer(
            path: socketPath, store: store, feeds: feeds, status: status, plugins: { plugins.statuses() },
            operations: operations, logger: logger)
        let heartbeat = Heartbeat(notifier: notifier, status: status, logger: logger)

        // Started in this order, stopped in reverse: sources first, the pipeline, then the plugins it used.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: PluginService(host: plugins)), .init(service: runner), .init(service: control),
            .init(service: heartbeat),
        ]
        if configuration.metrics.enabled {
            // Off by default. Bound here, before anything starts, so a port in use stops the start with why.
            let metrics = DaemonMetrics(
                stats: runner.stats, store: store, feeds: { feeds.listings() }, plugins: { plugins.statuses() },
                startedAt: startedAt)
            services.append(.init(service: try MetricsServer(configuration: configuration.metrics, metrics: metrics, logger: logger)))
        }
        services.append(.init(service: folders))
        services.append(.init(service: feeds))
        services.append(.init(service: ReloadOnHangup(reloader: reloader, notifier: notifier, status: status, logger: logger)))
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info(
            "ingestd started",
            metadata: ["config": "\(configuration.origin)", "database": "\(store.location)",
                       "socket": "\(socketPath)", "pipeline": "\(pipeline.names)"])
        plugins.start()
        do {
            try await group.run()
        } catch {
            // Whatever failed, no plugin outlives the daemon.
            await plugins.stop()
            throw error
        }
        await plugins.stop()
        notifier.notify("STATUS=stopped")
        logger.info("ingestd stopped")
    }

    /// The feed poller, with one libcurl fetcher shared by every feed and their full-content fetches. It
    /// runs even with no feeds configured, since `ingestctl feeds add` can add some at any time.
    static func feedPoller(
        _ configuration: IngestConfiguration, store: any StoreBackend, sink: any DocumentSink, logger: Logger,
        isPaused: @escaping @Sendable () -> Bool = { false }
    ) -> FeedPoller {
        var fetch = HTTPFetcher.Configuration()
        fetch.maxConcurrentTransfers = configuration.feedFetch.maxConcurrent
        fetch.maxPerHost = configuration.feedFetch.perHost
        fetch.maxBodyBytes = configuration.feedFetch.maxBodyBytes
        fetch.totalTimeout = .seconds(configuration.feedFetch.timeoutSecs)
        fetch.userAgent = HTTPFetcher.userAgent(version: ControlAPI.ingestdVersion)
        return FeedPoller(
            configuration: .init(feeds: configuration.feeds, fetch: configuration.feedFetch),
            fetcher: HTTPFetcher(configuration: fetch), registry: store, ledger: store, sink: sink, logger: logger,
            isPaused: isPaused, leases: store.feedLeases, instance: configuration.store.instance)
    }
}

/// Keeps the exec plugins running while the daemon runs and stops them at the end of the shutdown: it is
/// the first service, so the last stopped, once the pipeline has finished what it had.
struct PluginService: Service {
    let host: PluginHost

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true { try await Task.sleep(for: .seconds(86_400)) }
        }
        await host.stop()
    }
}

/// Tells systemd the daemon is ready once the services run, and keeps its status line fresh. Sends
/// STOPPING=1 when the shutdown begins. It sleeps between updates; nothing polls.
struct Heartbeat: Service {
    let notifier: SystemdNotifier
    let status: @Sendable () -> StatusReport
    let logger: Logger

    func run() async throws {
        try? await Task.sleep(for: .milliseconds(100))
        notifier.notify("READY=1\nSTATUS=\(summary())")
        let interval = notifier.watchdogInterval ?? .seconds(10)
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                notifier.notify("WATCHDOG=1\nSTATUS=\(summary())")
            }
        }
        notifier.notify("STOPPING=1")
    }

    private func summary() -> String { Self.summary(status()) }

    /// The `STATUS=` line: "42 articles/min, queue 17 ready, 1 failing feed", and ", reload failed: 2
    /// problems" while the last reload was refused.
    static func summary(_ s: StatusReport) -> String {
        let depth = s.queues.reduce(0) { $0 + ($1.counts["ready"] ?? 0) }
        let failing = s.sources.filter { $0.kind == .feed && $0.state == "failing" }.count
        var line = "\(s.articlesLastMinute) articles/min, queue \(depth) ready, \(failing) failing feed\(failing == 1 ? "" : "s")"
        if let reload = s.lastReload, !reload.ok {
            line += ", reload failed: \(reload.problems.count) problem\(reload.problems.count == 1 ? "" : "s")"
        }
        return line
    }
}
