import Foundation
import Glibc
import Synchronization

/// How a plugin process ended.
struct ExitStatus: Sendable, CustomStringConvertible {
    var raw: Int32

    var description: String {
        let signal = raw & 0x7f
        if signal == 0 { return "exited with status \((raw >> 8) & 0xff)" }
        return
            "killed by signal \(signal)\(signal == SIGKILL ? " (SIGKILL)" : signal == SIGSEGV ? " (SIGSEGV)" : signal == SIGTERM ? " (SIGTERM)" : "")"
    }
}

/// What a plugin wrote, as its readers hand it over.
enum ProcessEvent: Sendable {
    /// One line of stdout, without its newline.
    case line(Data)
    /// One line of stderr.
    case stderr(String)
    /// Output over a cap: the process is being killed.
    case flood(String)
    /// The process is gone (reaped).
    case exit(ExitStatus)
}

/// One running plugin process: a writer thread feeding its stdin, reader threads for stdout and stderr,
/// and a thread that reaps it (so it never lingers as a zombie).
///
/// Blocking I/O on threads of its own keeps a stuck plugin from ever holding one of the daemon's task
/// threads. Readers poll with a short timeout, so they end when told even if a grandchild keeps a pipe open.
final class PluginProcess: Sendable {
    let pid: pid_t
    let generation: Int
    private let writer: LineWriter
    /// True once the process exited: from then on its pid may be reused, so it is never signalled again.
    private let exited = Mutex(false)
    private let stopReading = StopFlag()
    private let meter: OutputMeter

    struct Limits: Sendable {
        var maxLineBytes: Int
        var maxBytesPerSecond: Int
        var maxNoiseLinesPerSecond: Int
    }

    init(
        child: SpawnedChild, generation: Int, limits: Limits,
        events: @escaping @Sendable (PluginProcess, ProcessEvent) -> Void
    ) {
        pid = child.pid
        self.generation = generation
        writer = LineWriter(fd: child.stdin)
        meter = OutputMeter(limits: limits)
        let stopReading = self.stopReading
        let meter = self.meter
        // The reaper waits for both readers (their end of file) before it reports the exit, so the last
        // answers a plugin wrote are handled before its articles in flight are failed.
        let readers = DispatchGroup()
        readers.enter()
        readers.enter()
        Thread.detachNewThread { [self] in
            defer { readers.leave() }
            let process = self
            LineReader.run(fd: child.stdout, maxLine: limits.maxLineBytes, meter: meter, stop: stopReading) { event in
                switch event {
                case .line(let data):
                    events(process, .line(data))
                    return true
                case .flood(let why):
                    process.kill()
                    events(process, .flood(why))
                    return false
                }
            }
        }
        Thread.detachNewThread { [self] in
            defer { readers.leave() }
            let process = self
            LineReader.run(fd: child.stderr, maxLine: 64 << 10, meter: meter, stop: stopReading, truncate: true) {
                event in
                switch event {
                case .line(let data):
                    guard meter.noise() else {
                        process.kill()
                        events(
                            process,
                            .flood("more than \(limits.maxNoiseLinesPerSecond) lines a second that are not answers"))
                        return false
                    }
                    events(process, .stderr(String(decoding: data, as: UTF8.self)))
                    return true
                case .flood(let why):
                    process.kill()
                    events(process, .flood(why))
                    return false
                }
            }
        }
        Thread.detachNewThread { [self] in
            let process = self
            let status = process.reap()
            // A grandchild that escaped the kill could keep a pipe open: the readers get a moment, no more.
            _ = readers.wait(timeout: .now() + .milliseconds(500))
            stopReading.set()
            process.writer.abort()
            events(process, .exit(status))
        }
    }

    /// Queues one line (with its newline) for the plugin's stdin.
    func send(_ line: Data) {
        writer.send(line)
    }

    /// Closes stdin once what is queued is written: a plugin exits when its input ends.
    func closeInput() {
        writer.finish()
    }

    /// Counts one line that was not an answer; false when that is more than allowed this second.
    func noise() -> Bool {
        meter.noise()
    }

    /// SIGKILL to the plugin's process group (its children too), unless it is already gone.
    func kill() {
        exited.withLock { gone in
            guard !gone else { return }
            _ = Glibc.kill(-pid, SIGKILL)
            _ = Glibc.kill(pid, SIGKILL)
        }
    }

    /// SIGTERM to the process group: the polite request before ``kill()``.
    func terminate() {
        exited.withLock { gone in
            guard !gone else { return }
            _ = Glibc.kill(-pid, SIGTERM)
        }
    }

    /// Waits for the exit without reaping, kills what is left of the process group while the pid cannot be
    /// reused, then reaps.
    private func reap() -> ExitStatus {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        exited.withLock { gone in
            _ = Glibc.kill(-pid, SIGKILL)
            gone = true
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return ExitStatus(raw: status)
    }
}

/// A flag one thread sets and others read.
final class StopFlag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}

/// Per-second caps on what a plugin writes.
final class OutputMeter: Sendable {
    private struct Window {
        var second = 0
        var bytes = 0
        var noise = 0
    }
    private let window = Mutex(Window())
    let limits: PluginProcess.Limits

    init(limits: PluginProcess.Limits) {
        self.limits = limits
    }

    private static func second() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return ts.tv_sec
    }

    /// False when `count` more bytes go over the cap for this second.
    func bytes(_ count: Int) -> Bool {
        let now = Self.second()
        return window.withLock { w in
            if w.second != now { w = Window(second: now) }
            w.bytes += count
            return w.bytes <= limits.maxBytesPerSecond
        }
    }

    func noise() -> Bool {
        let now = Self.second()
        return window.withLock { w in
            if w.second != now { w = Window(second: now) }
            w.noise += 1
            return w.noise <= limits.maxNoiseLinesPerSecond
        }
    }
}

/// Reads lines from a pipe on the calling thread until end of file, a cap, or `stop`.
enum LineReader {
    enum Event {
        case line(Data)
        case flood(String)
    }

    /// With `truncate`, a line longer than `maxLine` is cut (stderr); without, it is a flood (stdout).
    static func run(
        fd: Int32, maxLine: Int, meter: OutputMeter, stop: StopFlag, truncate: Bool = false,
        _ handle: (Event) -> Bool
    ) {
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var partial = Data()
        var skipping = false  // the rest of a truncated line
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while !stop.isSet {
            let ready = poll(&poller, 1, 250)
            if ready == 0 { continue }
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            let n = read(fd, &buffer, buffer.count)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            if n == 0 { break }
            guard meter.bytes(n) else {
                _ = handle(.flood("more than \(meter.limits.maxBytesPerSecond) bytes of output in one second"))
                return
            }
            var start = 0
            while start < n {
                guard let newline = buffer[start..<n].firstIndex(of: 0x0A) else {
                    if !skipping { partial.append(contentsOf: buffer[start..<n]) }
                    break
                }
                if skipping {
                    skipping = false
                } else if partial.isEmpty {
                    guard handle(.line(Data(buffer[start..<newline]))) else { return }
                } else {
                    partial.append(contentsOf: buffer[start..<newline])
                    guard handle(.line(partial)) else { return }
                    partial = Data()
                }
                start = newline + 1
            }
            if partial.count > maxLine {
                if truncate {
                    guard handle(.line(partial.prefix(maxLine))) else { return }
                    partial = Data()
                    skipping = true
                } else {
                    _ = handle(.flood("a line longer than \(maxLine) bytes"))
                    return
                }
            }
        }
        if !partial.isEmpty && !skipping { _ = handle(.line(partial)) }
    }
}

/// Feeds a plugin's stdin from a queue, on its own thread, so a plugin that stops reading blocks nothing
/// but this thread (until the plugin is killed and the write fails).
final class LineWriter: @unchecked Sendable {
    private let fd: Int32
    private let condition = NSCondition()
    private var queue: [Data] = []
    private var finishing = false
    private var aborted = false

    init(fd: Int32) {
        self.fd = fd
        Thread.detachNewThread { [self] in self.loop() }
    }

    func send(_ line: Data) {
        condition.lock()
        if !finishing && !aborted {
            queue.append(line)
            condition.signal()
        }
        condition.unlock()
    }

    /// Closes the pipe after writing what is queued.
    func finish() {
        condition.lock()
        finishing = true
        condition.signal()
        condition.unlock()
    }

    /// Drops what is queued and closes the pipe.
    func abort() {
        condition.lock()
        aborted = true
        queue.removeAll()
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        defer { close(fd) }
        while true {
            condition.lock()
            while queue.isEmpty && !finishing && !aborted { condition.wait() }
            if aborted || (queue.isEmpty && finishing) {
                condition.unlock()
                return
            }
            // Everything queued goes out in one write: many articles in flight cost few system calls.
            var chunk = Data()
            if queue.count == 1 {
                chunk = queue[0]
            } else {
                chunk.reserveCapacity(queue.reduce(0) { $0 + $1.count })
                for line in queue { chunk.append(line) }
            }
            queue.removeAll(keepingCapacity: true)
            condition.unlock()
            guard writeAll(chunk) else {
                condition.lock()
                aborted = true
                queue.removeAll()
                condition.unlock()
                return
            }
        }
    }

    private func writeAll(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return true }
            var offset = 0
            while offset < raw.count {
                let n = write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}
