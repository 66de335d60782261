import Foundation
import IngestStore
import IngestTestKit
import Testing

/// Claims every article in `consumer`'s name with ingestctl, acknowledging each claim, until the queue is
/// empty. Returns the row ids it was handed.
func consume(_ daemon: DaemonProcess, consumer: String) throws -> [Int64] {
    var handed: [Int64] = []
    var emptyClaims = 0
    while emptyClaims < 2 {
        let claim = try daemon.ctl(["queue", "claim", "--consumer", consumer, "--limit", "5", "--lease-secs", "60"])
        guard claim.status == 0 else { throw DaemonProcessError(message: "claim failed: \(claim.stderr)") }
        let lines = claim.stdout.split(separator: "\n")
        if lines.isEmpty {
            emptyClaims += 1
            continue
        }
        struct Claimed: Decodable { struct Item: Decodable { var id: Int64 }; var item: Item }
        let ids = try lines.map { try JSONDecoder().decode(Claimed.self, from: Data($0.utf8)).item.id }
        handed += ids
        let ack = try daemon.ctl(["queue", "ack", "--consumer", consumer, "-"], stdin: claim.stdout)
        guard ack.status == 0 else { throw DaemonProcessError(message: "ack failed: \(ack.stderr)") }
    }
    return handed
}

@Suite("consumers sharing the queue", .serialized)
struct ConsumerTests {
    @Test("four processes claim and ack concurrently: no article is handed to two of them")
    func concurrentConsumers() async throws {
        let dir = try TemporaryDirectory("consumers")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir)
        try await daemon.start()
        let count = 200
        for n in 0..<count { try Data(story(n).utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/q\(n).txt")) }
        #expect(await waitUntil(timeout: .seconds(60)) { queueCount(daemon) == count })

        let handed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for c in 0..<4 { group.addTask { try consume(daemon, consumer: "consumer-\(c)") } }
            var all: [Int64] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(handed.count == count, "every row handed out once")
        #expect(Set(handed).count == count, "no row handed to two consumers")
        let stats = try daemon.ctl(["queue", "stats", "--json"])
        #expect(stats.stdout.contains("\"done\":\(count)"))
        #expect(daemon.stop() == 0)
    }

    @Test("an unacknowledged lease expires and the article is claimed again; the late ack is refused")
    func leaseExpiry() async throws {
        let dir = try TemporaryDirectory("lease")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir)
        try await daemon.start()
        try Data(story(7).utf8).write(to: URL(fileURLWithPath: "\(daemon.inbox)/lease.txt"))
        #expect(await waitUntil { queueCount(daemon) == 1 })

        // The lease is short, yet long enough for the next ingestctl to start on a loaded machine; should
        // that take longer, the claim in the meantime may rightly get the row, and is then the second one.
        let lease = 4
        let claimed = ContinuousClock.now
        let first = try daemon.ctl(["queue", "claim", "--consumer", "slow", "--lease-secs", "\(lease)"])
        // The lease began somewhere between `claimed` and now: a slow start of ingestctl on a loaded
        // machine moves it later, so waiting for its end must count from now, not from `claimed`.
        let claimReturned = ContinuousClock.now
        #expect(first.stdout.contains("\"attempts\":1"))
        let meanwhile = try daemon.ctl(["queue", "claim", "--consumer", "other"])
        if ContinuousClock.now - claimed < .seconds(lease) {
            #expect(meanwhile.stdout.isEmpty, "a valid lease must not be handed out again")
        }
        var second = meanwhile
        if meanwhile.stdout.isEmpty {
            try await Task.sleep(until: claimReturned + .seconds(lease) + .milliseconds(300))
            second = try daemon.ctl(["queue", "claim", "--consumer", "other"])
        }
        #expect(second.stdout.contains("\"attempts\":2"))
        #expect(second.stdout.contains("\"leaseOwner\":\"other\""))
        let lateAck = try daemon.ctl(["queue", "ack", "--consumer", "slow", "1"])
        #expect(lateAck.status != 0)
        #expect(lateAck.stderr.contains("not leased to 'slow'"))
        let ack = try daemon.ctl(["queue", "ack", "--consumer", "other", "1"])
        #expect(ack.status == 0)
        #expect(daemon.stop() == 0)
    }
}
