import Foundation
import IngestCore
@testable import IngestDaemon
import Synchronization
import Testing

/// The hand-over without waiting (`trySubmit`): a folder with many files ready passes them on without a
/// suspension per file, and falls back to waiting only when the buffer is full or intake is paused.
@Suite("handing documents over without waiting")
struct HandOverTests {
    @Test("trySend takes elements while there is room, refuses when full or finished, and keeps the order")
    func trySend() async {
        let buffer = BoundedBuffer<Int>(capacity: 3)
        #expect(buffer.trySend(1))
        #expect(buffer.trySend(2))
        #expect(buffer.trySend(3))
        #expect(!buffer.trySend(4), "full: the caller keeps the element")
        #expect(buffer.count == 3)
        #expect(await buffer.receive() == 1)
        #expect(buffer.trySend(4), "room again after a receive")
        buffer.finish()
        #expect(!buffer.trySend(5), "finished")
        var drained: [Int] = []
        while let next = await buffer.receive() { drained.append(next) }
        #expect(drained == [2, 3, 4])
    }

    @Test("trySend hands the element straight to a receiver already waiting")
    func trySendWakesReceiver() async {
        let buffer = BoundedBuffer<Int>(capacity: 1)
        let receiver = Task { await buffer.receive() }
        // Wait until the receiver is parked, so the element goes to it and not into the buffer.
        var handed = false
        for _ in 0..<500 {
            try? await Task.sleep(for: .milliseconds(2))
            if buffer.trySend(7) {
                handed = true
                break
            }
        }
        #expect(handed)
        #expect(await receiver.value == 7)
        #expect(buffer.count == 0, "the element went to the waiting receiver, not into the buffer")
    }

    @Test("waitForRoom returns once the buffer has drained to half, and at once when finished")
    func waitForRoom() async throws {
        let buffer = BoundedBuffer<Int>(capacity: 4)
        for i in 1...4 { #expect(buffer.trySend(i)) }
        let woken = Mutex(false)
        let waiter = Task {
            await buffer.waitForRoom()
            woken.withLock { $0 = true }
        }
        #expect(await buffer.receive() == 1)
        try await Task.sleep(for: .milliseconds(50))
        #expect(!woken.withLock { $0 }, "three of four left: more than half")
        #expect(await buffer.receive() == 2)
        await waiter.value
        #expect(woken.withLock { $0 }, "two of four left: half")
        // Room already: no wait.
        await buffer.waitForRoom()
        for i in 5...6 { #expect(buffer.trySend(i)) }
        let late = Task { await buffer.waitForRoom() }
        buffer.finish()
        await late.value
    }

    @Test("a paused intake takes nothing without waiting; resumed, it passes documents through")
    func pausedGate() {
        let sink = CountingSink()
        let gate = IntakeGate(sink: sink)
        gate.pause()
        #expect(!gate.trySubmit(Self.document()), "paused: the source must keep the file")
        #expect(sink.taken == 0)
        gate.resume()
        #expect(gate.trySubmit(Self.document()))
        #expect(sink.taken == 1)
    }

    @Test("the folder's hand-over passes a document through when the intake can take it at once")
    func handOverFastPath() async {
        let sink = CountingSink()
        let handOver = HandOverSink(sink: IntakeGate(sink: sink))
        await handOver.submit(Self.document())
        #expect(sink.taken == 1)
        #expect(sink.waited == 0, "taken without the waiting path")
    }

    private static func document() -> RawDocument {
        RawDocument(
            bytes: Array("hello".utf8), format: .text,
            origin: Origin(source: "test", kind: .folder, location: "/x", receivedAt: Date(), ledgerKey: nil),
            receipt: IgnoredReceipt())
    }
}

/// Takes every document it is offered, counting the two paths.
private final class CountingSink: DocumentSink {
    private let counts = Mutex((taken: 0, waited: 0))
    var taken: Int { counts.withLock { $0.taken } }
    var waited: Int { counts.withLock { $0.waited } }

    func submit(_ document: RawDocument) async {
        counts.withLock {
            $0.taken += 1
            $0.waited += 1
        }
    }

    func trySubmit(_ document: RawDocument) -> Bool {
        counts.withLock { $0.taken += 1 }
        return true
    }
}

private struct IgnoredReceipt: Receipt {
    func acknowledge(_ summary: IngestSummary) async {}
    func reject(_ failure: IngestFailure) async {}
    func release() async {}
}
