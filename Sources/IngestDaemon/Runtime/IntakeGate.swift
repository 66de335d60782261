import Foundation
import IngestCore
import ServiceLifecycle
import Synchronization

/// Stands between the sources and the pipeline: `ingestctl pause` closes it, `resume` opens it.
///
/// While it is closed a source's ``submit(_:)`` waits, so the source holds the document: a file stays in
/// the inbox (it moves only after its commit) and a feed's items are neither committed nor marked seen;
/// the feed poller starts no scheduled poll meanwhile.
/// Nothing is lost. A graceful shutdown (or the cancellation of a waiting source) opens the gate for good;
/// what waited there is released (offered again at the next start), not ingested.
final class IntakeGate: DocumentSink, Sendable {
    private let sink: any DocumentSink
    private let state = Mutex(State())

    private struct State {
        var paused = false
        var shuttingDown = false
        var nextId = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var onResume: [@Sendable () -> Void] = []
    }

    init(sink: any DocumentSink) {
        self.sink = sink
    }

    var current: IntakeState {
        state.withLock { IntakeState(paused: $0.paused, waiting: $0.waiters.count) }
    }

    func pause() {
        state.withLock { $0.paused = true }
    }

    func resume() {
        let (waiters, actions) = state.withLock { state in
            state.paused = false
            defer { state.waiters = [:] }
            return (Array(state.waiters.values), state.onResume)
        }
        waiters.forEach { $0.resume() }
        actions.forEach { $0() }
    }

    /// Runs `action` at every resume (the feed poller looks at what came due meanwhile).
    func onResume(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.onResume.append(action) }
    }

    /// The sources' statuses, `paused` while the gate is closed.
    func mark(_ statuses: [SourceStatus]) -> [SourceStatus] {
        guard state.withLock({ $0.paused }) else { return statuses }
        return statuses.map { status in
            var status = status
            if status.state == "running" { status.state = "paused" }
            return status
        }
    }

    func submit(_ document: RawDocument) async {
        guard await waitWhilePaused() else {
            await document.receipt.release()
            return
        }
        await sink.submit(document)
    }

    func trySubmit(_ document: RawDocument) -> Bool {
        isOpen && sink.trySubmit(document)
    }

    func waitForRoom() async {
        // Paused: the waiting belongs to `submit`, which waits for the resume.
        if isOpen { await sink.waitForRoom() }
    }

    /// Neither paused nor shutting down: a document may pass without waiting here.
    private var isOpen: Bool { state.withLock { !$0.paused && !$0.shuttingDown } }

    /// Waits while the gate is closed; `false` when the wait ended because the daemon is shutting down.
    private func waitWhilePaused() async -> Bool {
        while true {
            let proceed: Bool? = state.withLock { state in
                if state.shuttingDown { return false }
                return state.paused ? nil : true
            }
            if let proceed { return proceed }
            // Cancellation ends the wait as a shutdown does: the daemon is going down (a service failed).
            await withTaskCancellationOrGracefulShutdownHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let parked = state.withLock { state -> Bool in
                        guard state.paused, !state.shuttingDown else { return false }
                        state.waiters[state.nextId] = continuation
                        state.nextId += 1
                        return true
                    }
                    if !parked { continuation.resume() }
                }
            } onCancelOrGracefulShutdown: {
                self.shutDown()
            }
        }
    }

    private func shutDown() {
        let waiters = state.withLock { state in
            state.shuttingDown = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }
}
