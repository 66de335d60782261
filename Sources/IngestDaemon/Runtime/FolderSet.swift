import Foundation
import IngestCore
import IngestSources
import Logging
import ServiceLifecycle
import Synchronization

/// The watched folders, as one service whose set a reload can change: each folder source runs in a child
/// task of its own, and ``apply(_:)`` starts the added ones and stops the removed ones.
///
/// A folder that stops (removed, or changed and restarted with its new settings) hands over what it
/// already passed on: a file being read is still submitted, files already submitted are committed and
/// moved to `done/` as usual, and files not yet taken stay in the folder, untouched. A changed folder's new
/// source starts only once the old one has stopped and every file it submitted was answered, so no file is
/// ever in flight twice.
///
/// - Important: A folder that cannot be created at start stops the daemon, as it always did; one added by
///   a reload that cannot be created only shows as `failing` in `ingestctl status`.
final class FolderSet: Service, Sendable {
    /// One folder source and how to stop it.
    final class Handle: Sendable {
        let source: FolderSource
        /// A folder of the configuration the daemon started with: its failure to start is fatal.
        let initial: Bool
        private let stopSignal: AsyncStream<Void>
        private let stopBell: AsyncStream<Void>.Continuation
        private let ended = Atomic<Bool>(false)
        private let stopped = Atomic<Bool>(false)

        init(source: FolderSource, initial: Bool) {
            self.source = source
            self.initial = initial
            (stopSignal, stopBell) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        }

        var name: String { source.configuration.name }

        /// Asks the source to stop; it finishes the file it is reading first.
        func stop() {
            stopped.store(true, ordering: .releasing)
            stopBell.yield()
            stopBell.finish()
        }

        var isStopRequested: Bool { stopped.load(ordering: .acquiring) }

        /// Stopped, and every file it submitted was committed, rejected or released.
        var isDrained: Bool {
            ended.load(ordering: .acquiring) && (source.status().counts["in_flight"] ?? 0) == 0
        }

        /// Runs the source until it is stopped, the daemon shuts down, or the task is cancelled.
        func run(logger: Logger) async throws {
            defer { ended.store(true, ordering: .releasing) }
            guard !isStopRequested else { return }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [source, initial] in
                    do {
                        try await source.run()
                    } catch {
                        // The source shows `failing` with the error in its status.
                        logger.error(
                            "folder source cannot run", metadata: ["source": "\(source.configuration.name)", "error": "\(error)"])
                        if initial { throw error }
                    }
                }
                group.addTask { [stopSignal] in
                    // Ends at stop() or when the group is cancelled (the source ended first).
                    for await _ in stopSignal { break }
                }
                defer { group.cancelAll() }
                _ = try await group.next()
            }
        }
    }

    private struct State {
        var active: [Handle]
        /// Sources stopped by a reload that may still have files in flight.
        var retiring: [Handle] = []
    }

    private let sink: HandOverSink
    private let feeds: FeedFileContext?
    private let logger: Logger
    private let state: Mutex<State>
    private let starts: AsyncStream<Handle>
    private let startBell: AsyncStream<Handle>.Continuation

    init(folders: [FolderSource.Configuration], sink: any DocumentSink, feeds: FeedFileContext?, logger: Logger) {
        self.sink = HandOverSink(sink: sink)
        self.feeds = feeds
        self.logger = logger
        (starts, startBell) = AsyncStream<Handle>.makeStream()
        let handover = self.sink
        let handles = folders.map {
            Handle(source: FolderSource(configuration: $0, sink: handover, feeds: feeds, logger: logger), initial: true)
        }
        state = Mutex(State(active: handles))
        for handle in handles { startBell.yield(handle) }
    }

    /// A snapshot of every running folder, for `ingestctl status`.
    func statuses() -> [SourceStatus] {
        state.withLock { $0.active }.map { $0.source.status() }
    }

    func run() async throws {
        let startBell = self.startBell
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    for await handle in starts {
                        group.addTask {
                            do {
                                try await self.start(handle)
                            } catch {
                                // A folder of the start configuration could not run: the daemon stops.
                                startBell.finish()
                                throw error
                            }
                        }
                    }
                    // Shutting down: the sources see the graceful shutdown (or cancellation) themselves.
                }
            } onGracefulShutdown: {
                startBell.finish()
            }
        } onCancel: {
            startBell.finish()
            self.sink.cancelAll()
        }
    }

    /// Runs `handle` once the sources stopped earlier on the same folder have handed over their files.
    private func start(_ handle: Handle) async throws {
        let folder = handle.source.folder
        while !Task.isCancelled && !handle.isStopRequested {
            let waiting = state.withLock { s in
                s.retiring.contains { $0.source.folder == folder && !$0.isDrained }
            }
            guard waiting else { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        try await handle.run(logger: logger)
    }

    /// Makes the running folders those of `folders`: an unchanged folder keeps running, a removed one stops,
    /// a changed one (same name, other settings) stops and starts again with its new settings, a new one
    /// starts. Returns the names added, removed and changed.
    func apply(_ folders: [FolderSource.Configuration]) -> (added: [String], removed: [String], changed: [String]) {
        var added: [String] = []
        var removed: [String] = []
        var changed: [String] = []
        var toStart: [Handle] = []
        let wanted = Dictionary(folders.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        state.withLock { s in
            s.retiring.removeAll { $0.isDrained }
            var kept: [String: Handle] = [:]
            for handle in s.active {
                if let config = wanted[handle.name], config == handle.source.configuration {
                    kept[handle.name] = handle
                } else {
                    handle.stop()
                    s.retiring.append(handle)
                    if wanted[handle.name] == nil { removed.append(handle.name) } else { changed.append(handle.name) }
                }
            }
            var active: [Handle] = []
            for config in folders {
                if let handle = kept[config.name] {
                    active.append(handle)
                    continue
                }
                if !changed.contains(config.name) { added.append(config.name) }
                let handle = Handle(
                    source: FolderSource(configuration: config, sink: sink, feeds: feeds, logger: logger), initial: false)
                active.append(handle)
                toStart.append(handle)
            }
            s.active = active
        }
        for handle in toStart { startBell.yield(handle) }
        return (added, removed, changed)
    }
}

/// Passes documents to the intake, shielded from the cancellation that stops a removed folder: a file the
/// folder was handing over when it was told to stop is handed over in full (while intake is paused it
/// waits for the resume, as any file does), instead of the cancellation reaching the intake gate, which
/// would take it for the daemon shutting down. Cancelling the whole set (the daemon going down after a
/// failure) cancels the hand-overs too.
final class HandOverSink: DocumentSink, Sendable {
    private let sink: any DocumentSink
    private let tasks = Mutex<(next: Int, running: [Int: Task<Void, Never>], cancelled: Bool)>((0, [:], false))

    init(sink: any DocumentSink) {
        self.sink = sink
    }

    func submit(_ document: RawDocument) async {
        let sink = self.sink
        // Taken at once, it cannot be interrupted: no task is needed. When the buffer is full, wait for it
        // to drain to half and fill it again: a burst of files costs a suspension per half buffer instead
        // of the task and two trips through the executor's queue per file that the path below costs.
        if sink.trySubmit(document) { return }
        await sink.waitForRoom()
        if sink.trySubmit(document) { return }
        // An unstructured task keeps the task locals (the graceful shutdown) but not the cancellation.
        let task = Task { await sink.submit(document) }
        let id = tasks.withLock { t -> Int? in
            if t.cancelled { return nil }
            t.next += 1
            t.running[t.next] = task
            return t.next
        }
        if id == nil { task.cancel() }
        await task.value
        if let id { _ = tasks.withLock { $0.running.removeValue(forKey: id) } }
    }

    func trySubmit(_ document: RawDocument) -> Bool { sink.trySubmit(document) }

    func waitForRoom() async { await sink.waitForRoom() }

    func cancelAll() {
        let running = tasks.withLock { t in
            t.cancelled = true
            return Array(t.running.values)
        }
        for task in running { task.cancel() }
    }
}
