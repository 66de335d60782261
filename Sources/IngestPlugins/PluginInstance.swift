import Foundation
import Glibc
import IngestCore
import Logging
import Synchronization

/// One plugin as the host runs it: its process (started once, restarted with backoff when it dies), the
/// articles in flight matched to answers by id, the per-article timeout, and the counters `ingestctl` shows.
///
/// Answers arrive on reader threads and timeouts are found by a watchdog task; both resume the waiting
/// article under one lock, so an answer and a timeout for the same id can never both count.
public final class PluginInstance: Sendable {
    public let name: String
    private let settings: [String: JSONValue]
    private let logger: Logger
    private let state: Mutex<State>
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: Mutex<AsyncStream<Void>?>

    /// What the stage gets for one article.
    enum Answer: Sendable {
        case reply(PluginProtocol.Reply)
        /// The plugin failed on it (timeout, crash, a bad answer, not running): `on_error` decides.
        case error(String)
    }

    enum Phase: String, Sendable {
        case idle, starting, running, restarting, failed, stopping, stopped
    }

    private struct Pending {
        var id: UInt64
        var line: Data
        var continuation: CheckedContinuation<Answer, Never>
        var enqueuedAt: ContinuousClock.Instant
        var sentAt: ContinuousClock.Instant?
        var generation = 0
    }

    private struct Counts {
        var requests = 0, continued = 0, dropped = 0, failed = 0, errors = 0, timeouts = 0
        var badLines = 0, unknownIds = 0, lateAnswers = 0, stderrLines = 0
    }

    private struct State {
        var manifest: PluginManifest
        var identity: String
        var phase = Phase.idle
        var process: PluginProcess?
        var generation = 0
        var handshakeDeadline: ContinuousClock.Instant?
        var capabilities: [String] = []
        var nextId: UInt64 = 1
        var inFlight: [UInt64: Pending] = [:]
        var waiting: [Pending] = []
        /// Ids that timed out recently: an answer for one is late, not unknown.
        var timedOut: Set<UInt64> = []
        var timedOutOrder: [UInt64] = []
        var lastAnswerAt: ContinuousClock.Instant?
        /// Why the host killed the current process, to say so when it exits.
        var killReason: [Int: String] = [:]
        var consecutiveFailures = 0
        var restarts = 0
        var counts = Counts()
        var lastError: String?
        var lastErrorAt: Date?
        var watchdogIdle = true
        var logSecond = 0
        var logged = 0
        var suppressed = 0
        var retry: RestartTimer?
    }

    /// Failures in a row (no answer in between) after which the plugin is `failed`.
    static let maxConsecutiveFailures = 5
    /// How long a `failed` plugin waits before the next try.
    static let failedRetryDelay = Duration.seconds(60)

    init(manifest: PluginManifest, settings: [String: JSONValue], logger: Logger) {
        name = manifest.name
        self.settings = settings
        var logger = logger
        logger[metadataKey: "plugin"] = "\(manifest.name)"
        self.logger = logger
        state = Mutex(State(manifest: manifest, identity: Self.identity(of: manifest)))
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wake = continuation
        wakes = Mutex(stream)
    }

    public var manifest: PluginManifest { state.withLock { $0.manifest } }

    // MARK: articles

    /// Sends `article` to the plugin and waits for its answer, the timeout, or the plugin's end.
    func process(_ article: Article) async -> Answer {
        let body = PluginProtocol.request(id: 0, article: article)
        let answer: Answer = await withCheckedContinuation { continuation in
            var immediate: Answer?
            var needsStart = false
            var wakeWatchdog = false
            state.withLock { s in
                s.counts.requests += 1
                switch s.phase {
                case .failed:
                    immediate = .error("plugin \(name) is failed (\(s.lastError ?? "no reason"))")
                case .stopping, .stopped:
                    immediate = .error("plugin \(name) is stopped")
                default:
                    let id = s.nextId
                    s.nextId += 1
                    s.waiting.append(
                        Pending(id: id, line: Self.withId(body, id), continuation: continuation, enqueuedAt: .now))
                    if s.phase == .idle { needsStart = true }
                    dispatch(&s)
                    if s.watchdogIdle {
                        s.watchdogIdle = false
                        wakeWatchdog = true
                    }
                }
                if immediate != nil { s.counts.errors += 1 }
            }
            if let immediate { continuation.resume(returning: immediate) }
            if needsStart { self.start() }
            if wakeWatchdog { wake.yield() }
        }
        return answer
    }

    /// The request prefix with the real id: `{"id":0,` becomes `{"id":N,`.
    private static func withId(_ body: Data, _ id: UInt64) -> Data {
        var line = Data("{\"id\":\(id)".utf8)
        line.append(body[(body.startIndex + 7)...])
        return line
    }

    /// Sends waiting articles while the plugin runs and has free slots. Called with the lock held.
    private func dispatch(_ s: inout State) {
        guard s.phase == .running, let process = s.process else { return }
        while !s.waiting.isEmpty && s.inFlight.count < s.manifest.maxInFlight {
            var pending = s.waiting.removeFirst()
            pending.sentAt = .now
            pending.generation = process.generation
            process.send(pending.line)
            pending.line = Data()
            s.inFlight[pending.id] = pending
        }
    }

    // MARK: the process

    /// Starts the plugin if it is not running or starting. Returns at once; the handshake goes on.
    public func start() {
        let generation: Int? = state.withLock { s in
            switch s.phase {
            case .idle, .restarting, .failed:
                s.phase = .starting
                s.generation += 1
                s.handshakeDeadline = .now + .milliseconds(s.manifest.startTimeoutMillis)
                s.watchdogIdle = false
                return s.generation
            default:
                return nil
            }
        }
        guard let generation else { return }
        wake.yield()
        startWatchdog()
        let manifest = state.withLock { $0.manifest }
        let spec = SpawnSpec(
            executable: manifest.command[0], arguments: manifest.command, environment: manifest.processEnvironment,
            directory: manifest.directory)
        // On the spawner's thread, not in a task: see `ProcessSpawner.spawn(_:then:)`.
        ProcessSpawner.shared.spawn(spec) { [self] result in
            switch result {
            case .success(let child): started(child, generation: generation, manifest: manifest)
            case .failure(let error): processEnded(generation: generation, reason: error.description)
            }
        }
    }

    /// The child runs: watch it and send the host's hello.
    private func started(_ child: SpawnedChild, generation: Int, manifest: PluginManifest) {
        let limits = PluginProcess.Limits(
            maxLineBytes: manifest.maxLineBytes, maxBytesPerSecond: manifest.maxOutputBytesPerSecond,
            maxNoiseLinesPerSecond: manifest.maxNoiseLinesPerSecond)
        let process = PluginProcess(child: child, generation: generation, limits: limits) { [self] process, event in
            self.handle(event, from: process)
        }
        let keep: Bool = state.withLock { s in
            guard s.generation == generation, s.phase == .starting else { return false }
            s.process = process
            return true
        }
        guard keep else {
            // Stopped while it was starting.
            process.closeInput()
            process.kill()
            return
        }
        let hello = PluginProtocol.HostHello(
            hello: .init(
                protocols: PluginProtocol.versions, host: "ingestd", plugin: manifest.name,
                maxInFlight: manifest.maxInFlight, timeoutMs: manifest.timeoutMillis,
                capabilities: PluginProtocol.hostCapabilities, settings: settings))
        process.send(PluginProtocol.line(hello))
        logger.info(
            "plugin started",
            metadata: ["pid": "\(process.pid)", "command": "\(manifest.command.joined(separator: " "))"])
    }

    private func handle(_ event: ProcessEvent, from process: PluginProcess) {
        switch event {
        case .line(let data): handleLine(data, from: process)
        case .stderr(let text):
            let log = state.withLock { s in
                s.counts.stderrLines += 1
                return shouldLog(&s)
            }
            if log { logger.notice("\(text)", metadata: ["pid": "\(process.pid)", "stream": "stderr"]) }
        case .flood(let why):
            let reason = "killed for flooding its output: \(why)"
            state.withLock { s in condemn(&s, process, reason) }
            recordError(reason)
        case .exit(let status):
            let reason = state.withLock { $0.killReason.removeValue(forKey: process.generation) }
            processEnded(generation: process.generation, reason: reason.map { "\($0); \(status)" } ?? "\(status)")
        }
    }

    private func handleLine(_ data: Data, from process: PluginProcess) {
        if data.isEmpty { return }
        let message: PluginProtocol.Message
        do {
            message = try PluginProtocol.parse(data)
        } catch {
            badLine(error, from: process)
            return
        }
        switch message {
        case .hello(let version, let capabilities):
            let problem: String? = state.withLock { s in
                guard s.phase == .starting, s.generation == process.generation else {
                    return "a hello after the handshake"
                }
                guard PluginProtocol.versions.contains(version) else {
                    return
                        "it speaks protocol \(version); this ingestd speaks \(PluginProtocol.versions.map(String.init).joined(separator: ", "))"
                }
                s.phase = .running
                s.capabilities = capabilities
                s.handshakeDeadline = nil
                dispatch(&s)
                return nil
            }
            if let problem {
                badLine(PluginProtocol.BadLine(description: problem), from: process)
                if problem.hasPrefix("it speaks") {
                    state.withLock { condemn(&$0, process, "handshake failed: \(problem)") }
                    process.kill()
                }
            } else {
                logger.debug("plugin ready", metadata: ["capabilities": "\(capabilities)"])
            }
        case .reply(let id, let reply):
            var resumed: Pending?
            var late = false
            var handshake = false
            state.withLock { s in
                if s.phase == .starting && s.generation == process.generation {
                    handshake = true
                    return
                }
                if let pending = s.inFlight[id], pending.generation == process.generation {
                    s.inFlight[id] = nil
                    resumed = pending
                    s.lastAnswerAt = .now
                    s.consecutiveFailures = 0
                    switch reply {
                    case .continue: s.counts.continued += 1
                    case .drop: s.counts.dropped += 1
                    case .fail: s.counts.failed += 1
                    }
                    dispatch(&s)
                } else if s.timedOut.contains(id) {
                    s.counts.lateAnswers += 1
                    late = true
                }
            }
            if handshake {
                state.withLock { condemn(&$0, process, "handshake failed: it answered before its hello") }
                process.kill()
                recordError("handshake failed: an answer before the plugin's hello")
            } else if let resumed {
                resumed.continuation.resume(returning: .reply(reply))
            } else if late {
                logger.debug("late answer discarded", metadata: ["id": "\(id)"])
            } else {
                state.withLock { $0.counts.unknownIds += 1 }
                recordError("an answer for unknown id \(id) was dropped")
                if !process.noise() { floodKill(process) }
            }
        }
    }

    /// A line that does not parse: dropped with a clear error. If it named an id in flight, that article
    /// gets the error now rather than at its timeout.
    private func badLine(_ error: PluginProtocol.BadLine, from process: PluginProcess) {
        var failed: Pending?
        var starting = false
        state.withLock { s in
            s.counts.badLines += 1
            starting = s.phase == .starting && s.generation == process.generation
            if let id = error.id, let pending = s.inFlight[id], pending.generation == process.generation {
                s.inFlight[id] = nil
                failed = pending
                s.counts.errors += 1
                dispatch(&s)
            }
        }
        let message = "dropped a line that is not a valid answer: \(error.description)"
        recordError(message)
        failed?.continuation.resume(returning: .error("plugin \(name) \(message)"))
        if starting {
            state.withLock { condemn(&$0, process, "handshake failed: \(error.description)") }
            process.kill()
        } else if !process.noise() {
            floodKill(process)
        }
    }

    /// Marks `process` as being killed for `reason`: nothing more is sent to it, and articles wait for its
    /// successor. Called with the lock held; the caller kills it after.
    private func condemn(_ s: inout State, _ process: PluginProcess, _ reason: String) {
        s.killReason[process.generation] = reason
        if process.generation == s.generation && (s.phase == .running || s.phase == .starting) {
            s.phase = .restarting
            s.handshakeDeadline = nil
        }
    }

    private func floodKill(_ process: PluginProcess) {
        let limit = state.withLock { s in
            condemn(
                &s, process,
                "killed for flooding its output: more than \(s.manifest.maxNoiseLinesPerSecond) lines a second that are not answers"
            )
            return s.manifest.maxNoiseLinesPerSecond
        }
        process.kill()
        recordError("killed for flooding its output: more than \(limit) lines a second that are not answers")
    }

    /// The process `generation` is gone (or never started): its articles in flight fail, and the plugin is
    /// started again after a backoff, or marked failed after too many failures in a row.
    private func processEnded(generation: Int, reason: String) {
        var failed: [Pending] = []
        var restartAfter: Duration?
        var stopped = false
        let message = "plugin \(name) \(reason)"
        state.withLock { s in
            for (id, pending) in s.inFlight where pending.generation == generation {
                s.inFlight[id] = nil
                failed.append(pending)
            }
            s.counts.errors += failed.count
            guard generation == s.generation else { return }
            s.process = nil
            s.handshakeDeadline = nil
            if s.phase == .stopping || s.phase == .stopped {
                s.phase = .stopped
                stopped = true
                return
            }
            s.restarts += 1
            s.consecutiveFailures += 1
            if s.consecutiveFailures >= Self.maxConsecutiveFailures {
                s.phase = .failed
                // Nobody waits for a plugin that keeps failing: on_error decides for them now.
                failed += s.waiting
                s.counts.errors += s.waiting.count
                s.waiting = []
                restartAfter = Self.failedRetryDelay
            } else {
                s.phase = .restarting
                restartAfter = .milliseconds(100 * (1 << (s.consecutiveFailures - 1)))
            }
        }
        if stopped && failed.isEmpty {
            logger.info("plugin stopped", metadata: ["status": "\(reason)"])
        } else {
            recordError(reason)
            logger.warning("plugin ended", metadata: ["reason": "\(reason)", "in_flight_failed": "\(failed.count)"])
        }
        for pending in failed { pending.continuation.resume(returning: .error(message)) }
        if let restartAfter {
            // A Dispatch timer, not a sleeping task: when the tasks' few threads are all busy (a loaded
            // machine), a task's wake-up can come late enough for waiting articles to pass their start
            // timeout although the plugin would be back long before.
            let restart = RestartTimer(DispatchWorkItem { [self] in start() })
            state.withLock { $0.retry = restart }
            let nanos = restartAfter.components.seconds * 1_000_000_000 + restartAfter.components.attoseconds / 1_000_000_000
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanos)), execute: restart.item)
        }
    }

    // MARK: timeouts

    private func startWatchdog() {
        guard
            let stream = wakes.withLock({ w -> AsyncStream<Void>? in
                defer { w = nil }
                return w
            })
        else { return }
        Task { [self] in
            var iterator = stream.makeAsyncIterator()
            while true {
                let (idle, tick) = self.checkTimeouts()
                if self.state.withLock({ $0.phase == .stopped }) { return }
                if idle {
                    guard await iterator.next() != nil else { return }
                } else {
                    try? await Task.sleep(for: tick)
                }
            }
        }
    }

    /// Fails what waited too long; kills a plugin that stopped answering. Returns whether there is nothing
    /// left to watch, and how long to sleep otherwise.
    private func checkTimeouts() -> (idle: Bool, tick: Duration) {
        let now = ContinuousClock.now
        var expired: [(Pending, String)] = []
        var kill: PluginProcess?
        var cancels: [UInt64] = []
        let result: (Bool, Duration) = state.withLock { s in
            let timeout = Duration.milliseconds(s.manifest.timeoutMillis)
            if s.phase == .starting, let deadline = s.handshakeDeadline, now >= deadline, let process = s.process {
                condemn(&s, process, "handshake failed: no hello within \(s.manifest.startTimeoutMillis) ms")
                kill = process
            }
            var hung = false
            for (id, pending) in s.inFlight {
                guard let sent = pending.sentAt, now - sent >= timeout else { continue }
                s.inFlight[id] = nil
                s.counts.timeouts += 1
                s.counts.errors += 1
                s.timedOut.insert(id)
                s.timedOutOrder.append(id)
                if s.timedOutOrder.count > 4096 { s.timedOut.remove(s.timedOutOrder.removeFirst()) }
                expired.append((pending, "plugin \(name) timed out after \(s.manifest.timeoutMillis) ms"))
                cancels.append(id)
                // No answer at all since this article was sent: the plugin is stuck, not just slow on one.
                if (s.lastAnswerAt ?? sent) <= sent { hung = true }
            }
            if hung, let process = s.process {
                condemn(&s, process, "killed: no answer for \(s.manifest.timeoutMillis) ms (hung)")
                kill = process
            }
            if s.phase != .running {
                // Waiting for the plugin to come up is bounded by its start timeout, not the per-article one:
                // a slow start (or a restart's backoff) is not the article's fault.
                let startTimeout = Duration.milliseconds(s.manifest.startTimeoutMillis)
                s.waiting.removeAll { pending in
                    guard now - pending.enqueuedAt >= startTimeout else { return false }
                    expired.append(
                        (
                            pending,
                            "plugin \(name) is not running (\(s.phase.rawValue)\(s.lastError.map { ": \($0)" } ?? ""))"
                        ))
                    s.counts.errors += 1
                    return true
                }
            }
            if !expired.isEmpty { dispatch(&s) }
            if !s.capabilities.contains("cancel") {
                cancels = []
            } else if let process = s.process {
                for id in cancels { process.send(PluginProtocol.line(PluginProtocol.Cancel(cancel: id))) }
            }
            let idle = s.inFlight.isEmpty && s.waiting.isEmpty && s.phase != .starting
            if idle { s.watchdogIdle = true }
            let tick = Duration.milliseconds(min(250, max(5, s.manifest.timeoutMillis / 10)))
            return (idle, tick)
        }
        if let kill { kill.kill() }
        for (pending, message) in expired {
            recordError(String(message.dropFirst("plugin \(name) ".count)))
            pending.continuation.resume(returning: .error(message))
        }
        return result
    }

    // MARK: stop and reload

    /// Closes the plugin's stdin and waits for it to exit (it should, at the end of its input); after
    /// `grace`, SIGTERM, then SIGKILL. Articles still waiting get an error.
    public func stop(grace: Duration = .seconds(3)) async {
        var failed: [Pending] = []
        let process: PluginProcess? = state.withLock { s in
            s.retry?.cancel()
            s.retry = nil
            failed = s.waiting
            s.waiting = []
            if s.process == nil {
                s.phase = .stopped
            } else {
                s.phase = .stopping
            }
            return s.process
        }
        for pending in failed { pending.continuation.resume(returning: .error("plugin \(name) is stopping")) }
        wake.yield()
        guard let process else { return }
        process.closeInput()
        if await !waitUntilStopped(grace) {
            process.terminate()
            if await !waitUntilStopped(.seconds(1)) {
                process.kill()
                _ = await waitUntilStopped(.seconds(5))
            }
        }
        state.withLock { $0.phase = .stopped }
        wake.yield()
    }

    private func waitUntilStopped(_ limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.process == nil }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return state.withLock { $0.process == nil }
    }

    /// SIGHUP: a failed plugin is tried again at once; a plugin whose manifest or files changed is
    /// restarted (its articles in flight finish on the old process, new ones go to the new one).
    public func reload(manifest: PluginManifest?) {
        let manifest = manifest ?? state.withLock { $0.manifest }
        let identity = Self.identity(of: manifest)
        var old: PluginProcess?
        let restart: Bool = state.withLock { s in
            let changed = identity != s.identity
            s.manifest = manifest
            s.identity = identity
            switch s.phase {
            case .failed, .restarting:
                s.retry?.cancel()
                s.consecutiveFailures = 0
                return true
            case .running where changed, .starting where changed:
                // The old process finishes what it has; its exit then counts for nothing.
                old = s.process
                s.process = nil
                s.generation += 1
                s.phase = .restarting
                return true
            default:
                return false
            }
        }
        if let old {
            old.closeInput()
            let grace = Duration.milliseconds(manifest.timeoutMillis) + .seconds(1)
            Task {
                try? await Task.sleep(for: grace)
                old.kill()
            }
        }
        if restart {
            logger.info("plugin restarting on reload")
            start()
        }
    }

    /// A fingerprint of the manifest and of the files in the plugin's folder: when it changes, a reload
    /// restarts the plugin.
    static func identity(of manifest: PluginManifest) -> String {
        let fm = FileManager.default
        var parts = ["\(manifest)"]
        let files = ((try? fm.contentsOfDirectory(atPath: manifest.directory)) ?? []).sorted()
        for file in files + [manifest.command[0]] {
            let path = file.hasPrefix("/") ? file : (manifest.directory as NSString).appendingPathComponent(file)
            if let attributes = try? fm.attributesOfItem(atPath: path) {
                parts.append(
                    "\(path) \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0) \(attributes[.size] ?? 0)"
                )
            }
        }
        return parts.joined(separator: "\n")
    }

    // MARK: status

    public func status() -> PluginStatus {
        state.withLock { s in
            let c = s.counts
            return PluginStatus(
                name: name, description: s.manifest.description, directory: s.manifest.directory,
                command: s.manifest.command, state: s.phase.rawValue, pid: s.process?.pid, restarts: s.restarts,
                inFlight: s.inFlight.count, waiting: s.waiting.count,
                counts: [
                    "requests": c.requests, "continued": c.continued, "dropped": c.dropped, "failed": c.failed,
                    "errors": c.errors, "timeouts": c.timeouts, "bad_lines": c.badLines, "unknown_ids": c.unknownIds,
                    "late_answers": c.lateAnswers, "stderr_lines": c.stderrLines,
                ],
                onError: s.manifest.onError.rawValue, timeoutMs: s.manifest.timeoutMillis,
                maxInFlight: s.manifest.maxInFlight, lastError: s.lastError, lastErrorAt: s.lastErrorAt)
        }
    }

    /// Remembers `message` as the last error and logs it, at most 20 lines a second.
    private func recordError(_ message: String) {
        let log = state.withLock { s in
            s.lastError = message
            s.lastErrorAt = Date()
            return shouldLog(&s)
        }
        if log { logger.warning("plugin error", metadata: ["error": "\(message)"]) }
    }

    private func shouldLog(_ s: inout State) -> Bool {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        if ts.tv_sec != s.logSecond {
            if s.suppressed > 0 {
                logger.warning("plugin log lines suppressed", metadata: ["count": "\(s.suppressed)"])
            }
            s.logSecond = ts.tv_sec
            s.logged = 0
            s.suppressed = 0
        }
        s.logged += 1
        if s.logged > 20 {
            s.suppressed += 1
            return false
        }
        return true
    }
}

/// A pending restart, cancelled when the plugin is stopped or started otherwise first.
/// `@unchecked Sendable`: `DispatchWorkItem` is thread-safe (cancel and perform may race by design).
final class RestartTimer: @unchecked Sendable {
    let item: DispatchWorkItem
    init(_ item: DispatchWorkItem) { self.item = item }
    func cancel() { item.cancel() }
}
