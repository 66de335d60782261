import Foundation
import Glibc
public import IngestCore
public import Logging
public import ServiceLifecycle

/// Watches a folder and hands every complete text file dropped there to the pipeline; once the store has
/// committed it the file moves to `done/` (or is deleted), and a file that cannot be ingested moves to
/// `failed/` with `NAME.error.json` beside it.
///
/// Files are found two ways: inotify announces files when they are closed after writing or renamed into
/// the folder (`IN_CLOSE_WRITE`, `IN_MOVED_TO`; symbolic links by `IN_CREATE`), and a scan of the folder at
/// start, after an inotify queue overflow and after a release finds the rest. The inotify read runs on a
/// thread of its own, asleep in `poll()` while nothing happens. When inotify is not available the folder
/// is scanned every two seconds instead.
///
/// - Important: At most ``Configuration/maxInFlight`` files are submitted and not yet answered through
///   their receipts, and ``DocumentSink/submit(_:)`` suspends while the pipeline is full: both bound the
///   memory a burst of files costs. A file is never submitted again while it is in flight.
public struct FolderSource: Service {
    public let configuration: Configuration
    private let core: FolderCore

    /// - Parameter feeds: how RSS, Atom and JSON Feed documents dropped in the folder are ingested item by
    ///   item; without it they are refused.
    public init(configuration: Configuration, sink: any DocumentSink, feeds: FeedFileContext? = nil, logger: Logger) {
        self.configuration = configuration
        core = FolderCore(configuration: configuration, sink: sink, feeds: feeds, logger: logger)
    }

    /// The absolute path of the watched folder.
    public var folder: String { core.folder }

    /// A snapshot for `ingestctl status`; safe to call from any thread. Counts: `seen`, `submitted`,
    /// `done`, `failed`, `released`, `already_ingested`, `in_flight`, `pending`.
    public func status() -> SourceStatus { core.status() }

    /// Watches until graceful shutdown or cancellation. Throws when the folder cannot be created.
    public func run() async throws {
        let core = self.core
        do {
            try core.prepareDirectories()
        } catch {
            core.setPhase("failing")
            core.recordError("\(error)")
            throw error
        }
        let watcher = startWatching()
        core.setPhase("running")
        core.logger.info(
            "watching folder", metadata: ["folder.path": .string(core.folder), "inotify": "\(watcher != nil)"])
        // Files already there when we start; the watch is in place first so none falls in between.
        core.requestRescan()
        await withTaskCancellationOrGracefulShutdownHandler {
            var loop = FolderLoop(core: core, watcher: watcher)
            await loop.run()
        } onCancelOrGracefulShutdown: {
            core.requestStop()
        }
        await watcher?.stop()
        core.setPhase("stopped")
        core.logger.info("stopped watching folder", metadata: ["folder.path": .string(core.folder)])
    }

    /// Starts the inotify thread, or returns nil (and the source scans periodically) when inotify cannot
    /// be used, e.g. when the user's inotify instances or watches are exhausted.
    private func startWatching() -> InotifyWatcher? {
        do {
            let watcher = try InotifyWatcher()
            let watch = try watcher.inotify.addWatch(core.folder, mask: FolderCore.watchMask)
            core.setWatch(watch)
            watcher.start(name: "inotify-\(configuration.name)") { [core] in core.handle($0) }
            return watcher
        } catch {
            core.recordError("inotify unavailable, scanning every \(FolderCore.pollInterval): \(error)")
            core.setWatch(nil)
            return nil
        }
    }

    /// Runs a single scan of the folder without inotify and returns once every file found has been
    /// submitted (or refused). For tests and one-shot runs; ``run()`` is the service.
    func scanOnce() async throws(SourceError) {
        try core.prepareDirectories()
        var loop = FolderLoop(core: core, watcher: nil)
        await loop.scan(pollAgain: false)
    }

    /// The shared state, for tests in this module.
    var shared: FolderCore { core }
}

/// The source's one sequential worker: takes announced names and scan results one file at a time, so
/// no two paths ever race for the same file. It lives in ``FolderSource/run()``'s task.
struct FolderLoop {
    let core: FolderCore
    let watcher: InotifyWatcher?
    private var doorbell: AsyncStream<Void>.Iterator

    init(core: FolderCore, watcher: InotifyWatcher?) {
        self.core = core
        self.watcher = watcher
        doorbell = core.doorbell.makeAsyncIterator()
    }

    mutating func run() async {
        while !core.isStopping && !Task.isCancelled {
            if let name = core.popPending() {
                // Only an empty file announced by inotify waits (see FolderScanner.inspect); look again later.
                if let wait = await offer(name, requireSettled: false) {
                    core.scheduleRescan(after: wait + .milliseconds(20))
                }
            } else if core.takeRescan() {
                await scan(pollAgain: true)
            } else if await doorbell.next() == nil {
                return
            }
        }
    }

    /// Waits for the doorbell; false when the task is cancelled or the source stopping.
    private mutating func wait() async -> Bool {
        guard !core.isStopping else { return false }
        return await doorbell.next() != nil && !core.isStopping
    }

    /// Streams through the folder, offering each entry; schedules the next look for files that were
    /// still being written, and in polling mode the next poll.
    mutating func scan(pollAgain: Bool) async {
        if pollAgain && core.isPolling { rewatch() }
        let directory: DirectoryStream
        do {
            directory = try DirectoryStream(core.folder)
        } catch {
            core.recordError("cannot scan: \(error)")
            // The folder may have been removed; create it again and watch it from the next poll.
            try? core.prepareDirectories()
            if pollAgain { core.scheduleRescan(after: FolderCore.pollInterval) }
            return
        }
        var soonest: Duration?
        while let name = directory.next() {
            if core.isStopping || Task.isCancelled { return }
            if let wait = await offer(name, requireSettled: true) {
                soonest = min(soonest ?? wait, wait)
            }
        }
        if let soonest { core.scheduleRescan(after: soonest + .milliseconds(20)) }
        if pollAgain && core.isPolling { core.scheduleRescan(after: FolderCore.pollInterval) }
    }

    /// Tries to watch the folder again after the watch was lost (folder deleted or moved away).
    private func rewatch() {
        guard let watcher, watcher.isRunning else { return }
        do {
            try core.prepareDirectories()
            let watch = try watcher.inotify.addWatch(core.folder, mask: FolderCore.watchMask)
            core.setWatch(watch)
            core.setPhase("running")
            core.logger.notice("watching folder again", metadata: ["folder.path": .string(core.folder)])
        } catch {
            core.setPhase("failing")
            core.recordError("cannot watch the folder: \(error)")
        }
    }

    /// Looks at one file and submits it, refuses it, or leaves it. Returns how long to wait before looking
    /// again when it was found by a scan still being written.
    mutating func offer(_ name: String, requireSettled: Bool) async -> Duration? {
        if core.scanner.isIgnoredName(name) || core.isInFlight(name) { return nil }
        // Wait for room before reading, so at most max_in_flight files (and about max_in_flight_bytes) are
        // held at once.
        while core.inFlightIsFull {
            guard await wait() else { return nil }
        }
        let now = Self.nowNanos()
        switch core.scanner.inspect(name, requireSettled: requireSettled, nowNanos: now) {
        case .ignore:
            return nil
        case .wait(let remaining):
            return remaining
        case .reject(let failure):
            core.count("seen")
            core.moveToFailed(name, failure)
            return nil
        case .take(let file):
            guard core.beginInFlight(name, bytes: file.size) else { return nil }
            if file.format == .feed || (file.format == .json && FeedParser.isJSONFeed(file.bytes)) {
                await FeedFile(core: core, file: file).submitItems()
                return nil
            }
            let origin = Origin(
                source: core.configuration.name, kind: .folder, location: file.path, receivedAt: Date(),
                ledgerKey: file.ledgerKey)
            let document = RawDocument(
                bytes: file.bytes, format: file.format, origin: origin,
                receipt: FolderReceipt(fileName: name, core: core), sha256: file.sha256)
            core.logger.debug("file submitted", metadata: ["file": .string(name), "bytes": "\(file.size)"])
            await core.sink.submit(document)
            return nil
        }
    }

    static func nowNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
