import Foundation
import IngestCore
import IngestPlugins
import IngestSources
import IngestStages
import IngestStore
import Logging
import Synchronization

/// Reads the configuration again from where the daemon got it and applies what changed, or refuses it
/// whole (SIGHUP, `ingestctl reload`).
///
/// - An invalid configuration (any problem, or a pipeline that cannot be built) changes nothing: every
///   problem is logged with its key path, and ``lastResult`` says the reload failed until one succeeds.
/// - A valid one is applied: config feeds added, removed or changed (``FeedPoller/reload(configFeeds:)``),
///   folders added, removed or changed (``FolderSet/apply(_:)``), and, when `[pipeline]`, a built-in
///   stage's section or `[[routes]]` changed, a new pipeline for the documents that start after it (stages
///   whose section did not change keep their running instance, with its state). Stages read their files
///   again (a classify model, rules) and exec plugins that failed or changed are restarted, as before.
/// - Settings only a restart can change (``restartOnlyKeys(current:new:)``) keep their running value, and
///   a warning names each of them.
final class ConfigReloader: Sendable {
    private struct State {
        /// What runs now: the last applied configuration, with the restart-only settings it started with.
        var configuration: IngestConfiguration
        var last: ReloadResult?
    }

    private let state: Mutex<State>
    private let runner: PipelineRunner
    private let store: any StoreBackend
    private let plugins: PluginHost
    private let feeds: FeedPoller
    private let folders: FolderSet
    private let logger: Logger

    init(
        configuration: IngestConfiguration, runner: PipelineRunner, store: any StoreBackend, plugins: PluginHost,
        feeds: FeedPoller, folders: FolderSet, logger: Logger
    ) {
        state = Mutex(State(configuration: configuration))
        self.runner = runner
        self.store = store
        self.plugins = plugins
        self.feeds = feeds
        self.folders = folders
        self.logger = logger
    }

    /// The last reload's result; `nil` before the first.
    var lastResult: ReloadResult? { state.withLock { $0.last } }

    /// Loads the configuration again and applies it, or refuses it; returns (and keeps) what happened.
    @discardableResult
    func reload() -> ReloadResult {
        let current = state.withLock { $0.configuration }
        let at = Date()
        let fresh: IngestConfiguration
        do {
            (fresh, _) = try ConfigLoader.load(path: current.path)
        } catch {
            return refuse(error.problems, at: at)
        }

        let restart = Self.restartOnlyKeys(current: current, new: fresh)
        var next = fresh
        next.daemon = current.daemon
        next.store = current.store
        next.queue = current.queue
        next.metrics = current.metrics
        next.feedFetch = current.feedFetch
        next.plugins = current.plugins
        let builtIn = Set(builtInStages.names)
        for name in Set(current.stagesValues.keys).union(fresh.stagesValues.keys) where !builtIn.contains(name) {
            next.stagesValues[name] = current.stagesValues[name]
        }

        // Manifests are read again first, so that a plugin added to the pipeline is found.
        plugins.reload()
        let running = runner.pipeline
        var replacement: Pipeline?
        // The stages that keep their running instance: every one, unless a new pipeline is built.
        var kept = Set(running.names)
        if next.pipeline != current.pipeline || next.stagesValues != current.stagesValues || next.router != current.router {
            let old = Dictionary(running.stages.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let built: Pipeline
            do {
                built = try ConfigLoader.pipeline(
                    for: next, duplicateIndex: store, provider: ReusingProvider(host: plugins, running: old))
            } catch {
                return refuse(error.problems, at: at)
            }
            // A stage whose section did not change keeps its instance: what it holds (dedupe's reservations
            // of articles in flight, a loaded model, a plugin process) stays valid.
            kept = []
            replacement = Pipeline(stages: built.stages.map { stage in
                guard let previous = old[stage.name], next.stagesValues[stage.name] == current.stagesValues[stage.name]
                else { return stage }
                kept.insert(stage.name)
                return previous
            })
        }
        // Stages that kept their instance read their files again (a new instance read them when it was made).
        for case let stage as any ReloadableStage in (replacement ?? running).stages where kept.contains(stage.name) {
            do {
                let summary = try stage.reload()
                logger.info("stage reloaded", metadata: ["stage": "\(stage.name)", "loaded": "\(summary)"])
            } catch {
                logger.error(
                    "stage reload failed; it keeps what it had", metadata: ["stage": "\(stage.name)", "error": "\(error)"])
            }
        }

        if let replacement {
            runner.replace(pipeline: replacement, router: next.router)
            logger.info(
                "pipeline replaced; articles already in a stage finish with the old one",
                metadata: ["pipeline": "\(replacement.names)", "previous": "\(running.names)"])
        }
        let feedChanges = Self.changes(current.feeds, next.feeds, name: \.name)
        feeds.reload(configFeeds: next.feeds)
        let folderChanges = folders.apply(next.folders)
        for key in restart {
            logger.warning("setting changed, but it needs a restart; the running value stays", metadata: ["key": "\(key)"])
        }

        func counts(_ c: (added: [String], removed: [String], changed: [String])) -> String {
            "+\(c.added.count) -\(c.removed.count) ~\(c.changed.count)"
        }
        let summary = "folders \(counts(folderChanges)), feeds \(counts(feedChanges)), pipeline "
            + (replacement.map { $0.names.joined(separator: " → ") } ?? "unchanged")
        logger.info(
            "configuration reloaded",
            metadata: [
                "config": "\(next.origin)", "summary": "\(summary)",
                "folders.added": "\(folderChanges.added)", "folders.removed": "\(folderChanges.removed)",
                "folders.changed": "\(folderChanges.changed)", "feeds.added": "\(feedChanges.added)",
                "feeds.removed": "\(feedChanges.removed)", "feeds.changed": "\(feedChanges.changed)",
            ])
        let result = ReloadResult(at: at, ok: true, needsRestart: restart, summary: summary)
        state.withLock {
            $0.configuration = next
            $0.last = result
        }
        return result
    }

    /// Logs every problem (one line each, with its key path), keeps the running configuration, and records
    /// the failed reload.
    private func refuse(_ problems: [ConfigProblem], at: Date) -> ReloadResult {
        for problem in problems {
            logger.error(
                "reload refused: configuration problem",
                metadata: ["key": .string(problem.keyPath), "problem": .string(problem.message)])
        }
        logger.error(
            "reload refused; the running configuration stays",
            metadata: ["problems": "\(problems.count)"])
        let result = ReloadResult(at: at, ok: false, problems: problems.map(\.description))
        state.withLock { $0.last = result }
        return result
    }

    /// The settings that differ between `current` and `new` but are only read at start: the store, the
    /// control socket, the workers, the log level, the queue's settings, the metrics listener, the feed
    /// fetcher's limits, the plugin folders and the exec plugins' own sections.
    static func restartOnlyKeys(current c: IngestConfiguration, new n: IngestConfiguration) -> [String] {
        var keys: [String] = []
        func check<T: Equatable>(_ key: String, _ a: T, _ b: T) {
            if a != b { keys.append(key) }
        }
        check("daemon.state_dir", c.daemon.stateDirectory, n.daemon.stateDirectory)
        check("daemon.control_socket", c.daemon.controlSocket, n.daemon.controlSocket)
        check("daemon.workers", c.daemon.workers, n.daemon.workers)
        check("daemon.log_level", c.daemon.logLevel, n.daemon.logLevel)
        check("store.backend", c.store.backend, n.store.backend)
        check("store.path", c.store.path, n.store.path)
        check("store.url", c.store.url ?? "", n.store.url ?? "")
        check("store.instance", c.store.instance, n.store.instance)
        check("store.batch_size", c.store.batchSize, n.store.batchSize)
        check("store.batch_delay_ms", c.store.batchDelayMillis, n.store.batchDelayMillis)
        check("store.keep_raw", c.store.keepRaw, n.store.keepRaw)
        check("queue.lease_secs", c.queue.leaseSecs, n.queue.leaseSecs)
        check("queue.max_attempts", c.queue.maxAttempts, n.queue.maxAttempts)
        check("queue.retry_backoff_secs", c.queue.retryBackoffSecs, n.queue.retryBackoffSecs)
        check("metrics.enabled", c.metrics.enabled, n.metrics.enabled)
        check("metrics.listen", c.metrics.listen, n.metrics.listen)
        check("metrics.allow_non_loopback", c.metrics.allowNonLoopback, n.metrics.allowNonLoopback)
        check("feeds.max_concurrent", c.feedFetch.maxConcurrent, n.feedFetch.maxConcurrent)
        check("feeds.per_host", c.feedFetch.perHost, n.feedFetch.perHost)
        check("feeds.max_body_bytes", c.feedFetch.maxBodyBytes, n.feedFetch.maxBodyBytes)
        check("feeds.backoff_cap_secs", c.feedFetch.backoffCapSecs, n.feedFetch.backoffCapSecs)
        check("feeds.timeout_secs", c.feedFetch.timeoutSecs, n.feedFetch.timeoutSecs)
        check("plugins", c.plugins, n.plugins)
        let builtIn = Set(builtInStages.names)
        for name in Set(c.stagesValues.keys).union(n.stagesValues.keys).sorted() where !builtIn.contains(name) {
            check("stages.\(name)", c.stagesValues[name], n.stagesValues[name])
        }
        return keys
    }

    /// The names added, removed and changed from `old` to `new`.
    static func changes<T: Equatable>(_ old: [T], _ new: [T], name: (T) -> String) -> (added: [String], removed: [String], changed: [String]) {
        let before = Dictionary(old.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
        let added = new.map(name).filter { before[$0] == nil }
        let removed = old.map(name).filter { after[$0] == nil }
        let changed = new.map(name).filter { before[$0] != nil && before[$0] != after[$0] }
        return (added, removed, changed)
    }
}

/// Builds a reloaded pipeline's exec plugin stages: one already running keeps its instance (and process);
/// a new one is made by the daemon's plugin host.
private struct ReusingProvider: StageProvider {
    let host: PluginHost
    let running: [String: any Stage]

    var names: [String] { host.names }

    func makeStage(named name: String, section: ConfigSection, context: StageContext) -> (any Stage)? {
        if let stage = running[name] {
            section.markAllRead()
            return stage
        }
        return host.makeStage(named: name, section: section, context: context)
    }
}
