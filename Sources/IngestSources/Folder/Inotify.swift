import Foundation
import Glibc
import Synchronization

/// One event read from an inotify descriptor.
struct InotifyEvent: Sendable, Equatable {
    var watch: Int32
    var mask: UInt32
    var cookie: UInt32
    /// The file's name inside the watched folder; empty for events about the folder itself.
    var name: String

    func has(_ flag: Int32) -> Bool { mask & UInt32(bitPattern: flag) != 0 }
}

/// A small wrapper over an inotify descriptor: creation, watches and reads, each retrying `EINTR` and
/// throwing errno with the function's name. The descriptor is non-blocking; waiting is done with `poll()`
/// by ``InotifyWatcher``. It is closed when the last reference goes away.
final class Inotify: Sendable {
    let descriptor: Int32

    init() throws(SourceError) {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw .lastSystemError("inotify_init1") }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Watches `path` for `mask`, returning the watch descriptor events carry.
    func addWatch(_ path: String, mask: UInt32) throws(SourceError) -> Int32 {
        while true {
            let wd = inotify_add_watch(descriptor, path, mask)
            if wd >= 0 { return wd }
            if errno != EINTR { throw .lastSystemError("inotify_add_watch", path: path) }
        }
    }

    func removeWatch(_ watch: Int32) {
        _ = inotify_rm_watch(descriptor, watch)
    }

    /// Reads the events queued now; empty when there are none.
    func readEvents(into buffer: UnsafeMutableRawBufferPointer) throws(SourceError) -> [InotifyEvent] {
        while true {
            let n = read(descriptor, buffer.baseAddress, buffer.count)
            if n > 0 { return Self.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
            if n == 0 { return [] }
            switch errno {
            case EINTR: continue
            case EAGAIN: return []
            default: throw .lastSystemError("read", path: "inotify")
            }
        }
    }

    /// Splits what `read(2)` returned into events. Swift imports `inotify_event` without its flexible
    /// `name[]` member, so the name (NUL-padded to `len` bytes) is read right after the fixed header.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> [InotifyEvent] {
        let header = MemoryLayout<inotify_event>.size
        var events: [InotifyEvent] = []
        var offset = 0
        while offset + header <= bytes.count {
            let raw = bytes.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
            let nameStart = offset + header
            let nameEnd = min(nameStart + Int(raw.len), bytes.count)
            var name = ""
            if nameEnd > nameStart {
                let field = UnsafeRawBufferPointer(rebasing: bytes[nameStart..<nameEnd])
                let length = field.firstIndex(of: 0) ?? field.count
                name = String(decoding: UnsafeRawBufferPointer(rebasing: field[0..<length]), as: UTF8.self)
            }
            events.append(InotifyEvent(watch: raw.wd, mask: raw.mask, cookie: raw.cookie, name: name))
            offset = nameStart + Int(raw.len)
        }
        return events
    }
}

/// A non-blocking pipe whose only job is to wake a thread blocked in `poll()`. (eventfd would do, but
/// `<sys/eventfd.h>` is not part of the Glibc module Swift imports.)
final class WakePipe: Sendable {
    let readEnd: Int32
    let writeEnd: Int32

    init() throws(SourceError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw .lastSystemError("pipe") }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    func wake() {
        var byte: UInt8 = 1
        // EAGAIN means the pipe is full: the reader will wake anyway.
        while write(writeEnd, &byte, 1) < 0 && errno == EINTR {}
    }
}

/// Reads inotify events on a thread of its own, so the blocking wait never occupies the cooperative
/// pool. The thread sleeps in `poll()` on the inotify descriptor and a wake pipe: no timeouts, no CPU
/// while idle. ``stop()`` wakes it and waits until it has exited.
final class InotifyWatcher: Sendable {
    /// What the thread hands over: a batch of events, or the error that ended it.
    typealias Handler = @Sendable (Result<[InotifyEvent], SourceError>) -> Void

    let inotify: Inotify
    private let wakePipe: WakePipe
    private let lifecycle = Mutex(Lifecycle())

    private struct Lifecycle {
        var exited = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    init() throws(SourceError) {
        inotify = try Inotify()
        wakePipe = try WakePipe()
    }

    /// Whether the reading thread is still running (it ends on ``stop()`` or a read error).
    var isRunning: Bool { !lifecycle.withLock { $0.exited } }

    func start(name: String, handler: @escaping Handler) {
        let thread = Thread { [self] in
            self.readLoop(handler)
            let waiters = lifecycle.withLock { state in
                state.exited = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        thread.name = name
        thread.start()
    }

    /// Wakes the thread and returns once it has exited.
    func stop() async {
        wakePipe.wake()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let exited = lifecycle.withLock { state in
                if !state.exited { state.waiters.append(continuation) }
                return state.exited
            }
            if exited { continuation.resume() }
        }
    }

    private func readLoop(_ handler: Handler) {
        // 64 KiB holds a few thousand events: one read per wake-up even in a burst.
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: 64 * 1024, alignment: MemoryLayout<inotify_event>.alignment)
        defer { buffer.deallocate() }
        while true {
            var fds = [
                pollfd(fd: inotify.descriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakePipe.readEnd, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                handler(.failure(.lastSystemError("poll", path: "inotify")))
                return
            }
            if fds[1].revents != 0 { return }
            let revents = Int32(fds[0].revents)
            if revents & Int32(POLLIN) != 0 {
                do {
                    let events = try inotify.readEvents(into: buffer)
                    if !events.isEmpty { handler(.success(events)) }
                } catch {
                    handler(.failure(error))
                    return
                }
            } else if revents & Int32(POLLERR | POLLHUP | POLLNVAL) != 0 {
                handler(.failure(.system(function: "poll", errno: EIO, path: "inotify")))
                return
            }
        }
    }
}
