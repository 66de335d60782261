import Foundation
import Glibc
import IngestCore
import Logging
import Synchronization

/// The shared state of one folder source: what is in flight, what inotify announced, the counters
/// `ingestctl status` shows. The inotify thread, the source's loop and the receipts all reach it, so
/// every field is behind one mutex, held only for bookkeeping, never across I/O or a suspension.
final class FolderCore: Sendable {
    /// Most names inotify may announce before the loop gets to them. Beyond it (a burst of 100,000
    /// files) names are dropped and a rescan is flagged instead: memory stays bounded, nothing is lost.
    static let pendingLimit = 4_096
    /// How soon a released file is offered again.
    static let releaseRescanDelay: Duration = .seconds(3)
    /// How often the folder is scanned when inotify is not available.
    static let pollInterval: Duration = .seconds(2)
    static let watchMask = UInt32(bitPattern: IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MOVE_SELF | IN_ONLYDIR)

    let configuration: FolderSource.Configuration
    let scanner: FolderScanner
    let sink: any DocumentSink
    /// How feed documents dropped here are split into items; `nil`: they are refused.
    let feeds: FeedFileContext?
    let logger: Logger
    private let state: Mutex<State>
    private let bell: AsyncStream<Void>.Continuation
    /// Rung whenever there may be work: inotify events, a freed slot, a due rescan, a stop request.
    /// Holding at most one element means rings while the loop is busy coalesce into one wake-up.
    let doorbell: AsyncStream<Void>

    var folder: String { scanner.folder }

    struct State {
        var phase = "stopped"
        var counts: [String: Int] = [
            "seen": 0, "submitted": 0, "done": 0, "failed": 0, "released": 0, "already_ingested": 0,
        ]
        /// Each file in flight with its size.
        var inFlight: [String: Int] = [:]
        var inFlightBytes = 0
        /// Names announced by inotify, oldest first (`pending[pendingHead...]`), and the same as a set so
        /// that IN_MOVED_TO followed by IN_CLOSE_WRITE for one file queues it once.
        var pending: [String] = []
        var pendingHead = 0
        var pendingSet: Set<String> = []
        var rescanNeeded = false
        /// No working inotify watch: scan every ``FolderCore/pollInterval`` and try to watch again.
        var polling = false
        var watch: Int32?
        var stopping = false
        var timer: (deadline: ContinuousClock.Instant, task: Task<Void, Never>)?
        var lastError: String?
        var lastErrorAt: Date?
    }

    enum Completion {
        case acknowledged(IngestSummary)
        case rejected(IngestFailure)
        case released
    }

    init(
        configuration: FolderSource.Configuration, sink: any DocumentSink, feeds: FeedFileContext?, logger: Logger
    ) {
        self.configuration = configuration
        self.feeds = feeds
        scanner = FolderScanner(configuration: configuration, folder: Self.absolute(configuration.path))
        self.sink = sink
        var logger = logger
        logger[metadataKey: "source"] = .string(configuration.name)
        self.logger = logger
        state = Mutex(State())
        (doorbell, bell) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The path made absolute against the working directory, so that origins and moves do not depend on
    /// where the daemon was started from later.
    static func absolute(_ path: String) -> String {
        let result = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        // "a//b/./c/" → "a/b/c": locations in origins and logs read cleanly. ".." stays: it may cross a link.
        let parts = result.split(separator: "/").filter { $0 != "." }
        return "/" + parts.joined(separator: "/")
    }

    func ring() { bell.yield() }

    // MARK: status

    func status() -> SourceStatus {
        state.withLock { s in
            var counts = s.counts
            counts["in_flight"] = s.inFlight.count
            counts["pending"] = s.pending.count - s.pendingHead
            return SourceStatus(
                name: configuration.name, kind: .folder, location: folder, state: s.phase, counts: counts,
                lastError: s.lastError, lastErrorAt: s.lastErrorAt)
        }
    }

    func setPhase(_ phase: String) { state.withLock { $0.phase = phase } }

    func count(_ key: String, by n: Int = 1) { state.withLock { $0.counts[key, default: 0] += n } }

    func recordError(_ message: String, file: String? = nil) {
        var metadata: Logger.Metadata = ["error": .string(message)]
        if let file { metadata["file"] = .string(file) }
        logger.error("folder source problem", metadata: metadata)
        state.withLock {
            $0.lastError = file.map { "\($0): \(message)" } ?? message
            $0.lastErrorAt = Date()
        }
    }

    // MARK: folders

    /// Creates the folder and its done and failed subfolders when missing.
    func prepareDirectories() throws(SourceError) {
        for path in [folder, folder + "/" + configuration.doneDirectory, folder + "/" + configuration.failedDirectory] {
            try Self.makeDirectory(path)
        }
    }

    /// `mkdir -p` for one path; an existing directory (or a link to one) is fine, anything else is not.
    static func makeDirectory(_ path: String) throws(SourceError) {
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else {
                throw .folder(path: path, reason: "exists and is not a folder")
            }
            return
        }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw .lastSystemError("mkdir", path: path) }
    }

    // MARK: inotify events

    /// Called on the inotify thread with each batch. It only files names and flags and rings the
    /// doorbell: it never blocks on the pipeline, so the kernel's queue keeps draining.
    func handle(_ result: Result<[InotifyEvent], SourceError>) {
        let events: [InotifyEvent]
        switch result {
        case .failure(let error):
            recordError("inotify stopped, scanning every \(Self.pollInterval): \(error)")
            state.withLock {
                $0.polling = true
                $0.rescanNeeded = true
                $0.watch = nil
            }
            ring()
            return
        case .success(let batch):
            events = batch
        }
        // A symbolic link placed in the folder announces itself only with IN_CREATE; regular files wait
        // for IN_CLOSE_WRITE or IN_MOVED_TO, when they are complete.
        let links = Set(
            events.lazy.filter { $0.has(IN_CREATE) && !$0.has(IN_ISDIR) && !$0.name.isEmpty }
                .map(\.name).filter { self.isSymbolicLink($0) })
        var overflowed = false
        state.withLock { s in
            for event in events {
                if event.has(IN_Q_OVERFLOW) {
                    s.rescanNeeded = true
                    overflowed = true
                    continue
                }
                guard event.watch == s.watch else { continue }  // a watch given up already
                if event.has(IN_IGNORED) || event.has(IN_MOVE_SELF) {
                    // The folder was deleted or moved away: its old inode tells us nothing any more.
                    s.watch = nil
                    s.polling = true
                    s.rescanNeeded = true
                    continue
                }
                if event.has(IN_ISDIR) || event.name.isEmpty || scanner.isIgnoredName(event.name) { continue }
                if event.has(IN_CREATE) && !event.has(IN_CLOSE_WRITE) && !event.has(IN_MOVED_TO) {
                    guard links.contains(event.name) else { continue }
                }
                Self.enqueue(event.name, in: &s)
            }
        }
        if overflowed { logger.notice("inotify queue overflowed; rescanning") }
        ring()
    }

    private func isSymbolicLink(_ name: String) -> Bool {
        var st = stat()
        return lstat(scanner.path(of: name), &st) == 0 && st.st_mode & S_IFMT == S_IFLNK
    }

    private static func enqueue(_ name: String, in s: inout State) {
        if s.pendingSet.contains(name) { return }
        if s.pendingSet.count >= pendingLimit {
            s.rescanNeeded = true
            return
        }
        s.pending.append(name)
        s.pendingSet.insert(name)
    }

    func popPending() -> String? {
        state.withLock { s in
            guard s.pendingHead < s.pending.count else { return nil }
            let name = s.pending[s.pendingHead]
            s.pendingHead += 1
            s.pendingSet.remove(name)
            if s.pendingHead == s.pending.count {
                s.pending.removeAll(keepingCapacity: s.pending.count <= 1_024)
                s.pendingHead = 0
            } else if s.pendingHead >= 1_024 && s.pendingHead * 2 >= s.pending.count {
                s.pending.removeFirst(s.pendingHead)
                s.pendingHead = 0
            }
            return name
        }
    }

    /// Takes the "rescan needed" flag, clearing it.
    func takeRescan() -> Bool {
        state.withLock { s in
            defer { s.rescanNeeded = false }
            return s.rescanNeeded
        }
    }

    func requestRescan() {
        state.withLock { $0.rescanNeeded = true }
        ring()
    }

    var isPolling: Bool { state.withLock { $0.polling } }
    var isStopping: Bool { state.withLock { $0.stopping } }

    func setWatch(_ watch: Int32?) {
        state.withLock {
            $0.watch = watch
            $0.polling = watch == nil
        }
    }

    /// Asks the loop to finish; it notices at its next step.
    func requestStop() {
        let timer = state.withLock { s in
            s.stopping = true
            defer { s.timer = nil }
            return s.timer?.task
        }
        timer?.cancel()
        ring()
    }

    /// Makes sure a rescan happens `delay` from now (or sooner, if one is already due sooner). One timer
    /// task at most, and none while idle.
    func scheduleRescan(after delay: Duration) {
        let deadline = ContinuousClock.now + delay
        state.withLock { s in
            if s.stopping { return }
            if let timer = s.timer, timer.deadline <= deadline { return }
            s.timer?.task.cancel()
            let task = Task { [self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                guard !Task.isCancelled else { return }
                state.withLock { s in
                    if s.timer?.deadline == deadline { s.timer = nil }
                    s.rescanNeeded = true
                }
                ring()
            }
            s.timer = (deadline, task)
        }
    }

    // MARK: in flight

    var inFlightCount: Int { state.withLock { $0.inFlight.count } }

    /// No room for another file: ``Configuration/maxInFlight`` files, or ``Configuration/maxInFlightBytes``
    /// bytes, are in flight (checked before a file is read, so one file may go past the bytes).
    var inFlightIsFull: Bool {
        state.withLock { s in
            s.inFlight.count >= configuration.maxInFlight
                || (!s.inFlight.isEmpty && s.inFlightBytes >= configuration.maxInFlightBytes)
        }
    }

    func isInFlight(_ name: String) -> Bool { state.withLock { $0.inFlight[name] != nil } }

    /// Marks `name` (of `bytes` bytes) in flight; false when it already is.
    func beginInFlight(_ name: String, bytes: Int) -> Bool {
        state.withLock { s in
            guard s.inFlight[name] == nil else { return false }
            s.inFlight[name] = bytes
            s.inFlightBytes += bytes
            s.counts["seen", default: 0] += 1
            s.counts["submitted", default: 0] += 1
            return true
        }
    }

    /// What a receipt's one call does. The file is moved before it stops counting as in flight, so a
    /// scan in between cannot find it in the folder and offer it again.
    func complete(_ name: String, _ completion: Completion) {
        var fileLogger = logger
        fileLogger[metadataKey: "file"] = .string(name)
        switch completion {
        case .acknowledged(let summary):
            do throws(SourceError) {
                switch configuration.onSuccess {
                case .delete:
                    try FileMoves.remove(scanner.path(of: name))
                case .move:
                    _ = try FileMoves.moveAside(name, folder: folder, subfolder: configuration.doneDirectory)
                }
            } catch {
                recordError("committed, but cannot clear from the folder: \(error)", file: name)
            }
            state.withLock {
                $0.counts["done", default: 0] += 1
                if summary.alreadyIngested { $0.counts["already_ingested", default: 0] += 1 }
            }
            fileLogger.debug(
                "file done", metadata: ["enqueued": "\(summary.enqueued)", "dropped": "\(summary.dropped)"])
        case .rejected(let failure):
            moveToFailed(name, failure)
        case .released:
            count("released")
            fileLogger.debug("file released; offering it again later")
            scheduleRescan(after: Self.releaseRescanDelay)
        }
        state.withLock { s in
            if let bytes = s.inFlight.removeValue(forKey: name) { s.inFlightBytes -= bytes }
        }
        ring()
    }

    /// Moves `name` to the failed folder and writes its reason beside it. Used for the source's own
    /// refusals (size, type, binary, links) and for rejected receipts.
    func moveToFailed(_ name: String, _ failure: IngestFailure) {
        count("failed")
        logger.warning(
            "file failed",
            metadata: ["file": .string(name), "stage": .string(failure.stage), "reason": .string(failure.reason)])
        let directory = folder + "/" + configuration.failedDirectory
        let report = FileMoves.ErrorReport(file: name, source: configuration.name, failure: failure, time: Date())
        var reported: String?
        do {
            // The report is written first, under the name the file will get: a kill -9 between the two
            // steps left files in failed/ without their reason. A report left by a kill before the move is
            // replaced when the file, still in the watched folder, fails again.
            _ = try FileMoves.moveAside(name, folder: folder, subfolder: configuration.failedDirectory) { finalName in
                do {
                    try FileMoves.writeReport(report, besides: finalName, in: directory)
                    reported = finalName
                } catch {
                    recordError("cannot write the error report: \(error)", file: name)
                }
            }
        } catch {
            // The file did not move: no report stays for it.
            if let reported { try? FileMoves.remove(directory + "/" + reported + ".error.json") }
            if error.errno == ENOENT { return }  // gone already: nothing left to explain
            recordError("cannot move to \(configuration.failedDirectory): \(error)", file: name)
        }
    }
}
