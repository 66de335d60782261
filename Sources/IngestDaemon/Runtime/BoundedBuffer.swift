import Synchronization

/// A first-in first-out buffer with a capacity: `send` suspends while it is full, `receive` while it is
/// empty. This is the pipeline's backpressure: a source that finds 100,000 files waits here instead of
/// reading them all into memory.
final class BoundedBuffer<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var head = 0
        var senders: [(Element, CheckedContinuation<Bool, Never>)] = []
        var receivers: [CheckedContinuation<Element?, Never>] = []
        /// Waiting in ``waitForRoom()`` for the buffer to drain to half.
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        var finished = false
        var count: Int { items.count - head }
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Adds `element`, waiting for room. Returns `false` when the buffer was finished (element not taken).
    @discardableResult
    func send(_ element: Element) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let resume: (() -> Void)? = state.withLock { s in
                if s.finished { return { continuation.resume(returning: false) } }
                if !s.receivers.isEmpty {
                    let receiver = s.receivers.removeFirst()
                    return {
                        receiver.resume(returning: element)
                        continuation.resume(returning: true)
                    }
                }
                if s.count < capacity {
                    s.items.append(element)
                    return { continuation.resume(returning: true) }
                }
                s.senders.append((element, continuation))
                return nil
            }
            resume?()
        }
    }

    /// Adds `element` if there is room now; false when full or finished (element not taken).
    func trySend(_ element: Element) -> Bool {
        let (taken, wake): (Bool, CheckedContinuation<Element?, Never>?) = state.withLock { s in
            if s.finished { return (false, nil) }
            if !s.receivers.isEmpty { return (true, s.receivers.removeFirst()) }
            guard s.count < capacity else { return (false, nil) }
            s.items.append(element)
            return (true, nil)
        }
        wake?.resume(returning: element)
        return taken
    }

    /// Returns once the buffer is at most half full (or finished). A sender with many elements ready waits
    /// here and then fills the buffer with ``trySend(_:)``: one suspension per half buffer, not per element.
    func waitForRoom() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let parked = state.withLock { s in
                guard !s.finished, s.count > capacity / 2 else { return false }
                s.roomWaiters.append(continuation)
                return true
            }
            if !parked { continuation.resume() }
        }
    }

    /// The next element, waiting for one; `nil` once the buffer is finished and empty.
    func receive() async -> Element? {
        if let immediate = tryReceive() { return immediate }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
            let resume: (() -> Void)? = state.withLock { s in
                if let element = Self.pop(&s) {
                    let wake = admitSender(&s)
                    return {
                        wake?()
                        continuation.resume(returning: element)
                    }
                }
                if s.finished { return { continuation.resume(returning: nil) } }
                s.receivers.append(continuation)
                return nil
            }
            resume?()
        }
    }

    /// An element if one is there now, without waiting.
    func tryReceive() -> Element? {
        let (element, wake): (Element?, (() -> Void)?) = state.withLock { s in
            guard let element = Self.pop(&s) else { return (nil, nil) }
            return (element, admitSender(&s))
        }
        wake?()
        return element
    }

    /// No more sends: waiting senders get `false`, receivers drain what is left and then get `nil`.
    func finish() {
        let (senders, receivers, roomWaiters) = state.withLock { s in
            s.finished = true
            let senders = s.senders
            s.senders = []
            let roomWaiters = s.roomWaiters
            s.roomWaiters = []
            let receivers = s.count == 0 ? s.receivers : []
            if s.count == 0 { s.receivers = [] }
            return (senders, receivers, roomWaiters)
        }
        for (_, c) in senders { c.resume(returning: false) }
        for w in roomWaiters { w.resume() }
        for r in receivers { r.resume(returning: nil) }
    }

    var count: Int { state.withLock { $0.count } }

    private static func pop(_ s: inout State) -> Element? {
        guard s.count > 0 else { return nil }
        let element = s.items[s.head]
        s.head += 1
        if s.head > 64 && s.head * 2 > s.items.count {
            s.items.removeFirst(s.head)
            s.head = 0
        }
        return element
    }

    /// Moves one waiting sender's element into the room just made, or wakes those waiting for room once
    /// the buffer is down to half; returns how to wake them.
    private func admitSender(_ s: inout State) -> (() -> Void)? {
        if !s.senders.isEmpty {
            let (element, continuation) = s.senders.removeFirst()
            s.items.append(element)
            return { continuation.resume(returning: true) }
        }
        guard !s.roomWaiters.isEmpty, s.count <= capacity / 2 else { return nil }
        let waiters = s.roomWaiters
        s.roomWaiters = []
        return { waiters.forEach { $0.resume() } }
    }
}
