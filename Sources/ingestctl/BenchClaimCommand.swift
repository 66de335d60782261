import ArgumentParser
import Foundation
import IngestCore
import IngestDaemon
import IngestStore
import Synchronization

/// `ingestctl bench claim`: the claim rate of concurrent consumers on the configured store (SQLite or
/// PostgreSQL), for scripts/bench_shared.py. Fills the queue with small articles, then runs `consumers`
/// threads that claim a batch and ack it until the queue is empty, and checks no row was delivered twice.
struct ClaimBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Time concurrent consumers claiming and acking a filled queue; print one JSON object.")

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .long, help: "Articles to enqueue first.") var fill = 20_000
    @Option(name: .long, help: "Consumers claiming at the same time, one thread each.") var consumers = 8
    @Option(name: .long, help: "Rows per claim.") var batch = 10
    @Option(name: .long, help: "A queue name of this run's own, so earlier rows do not count.")
    var queue = "bench-\(UUID().uuidString.prefix(8))"

    struct Result: Encodable {
        var backend: String
        var consumers: Int
        var batch: Int
        var acked: Int
        var deliveredTwice: Int
        var wallSecs: Double
        var ackedPerSec: Double
        var claimsPerSec: Double
    }

    func run() throws {
        let configuration = try connection.loadConfiguration()
        let store = try StoreOpener.open(configuration.store, queue: configuration.queue)
        let entries = (0..<fill).map { i in
            CommitEntry(
                ledgerKey: nil, source: "bench", location: "claim-\(i)", raw: nil, format: .text,
                outcomes: [ArticleOutcome(
                    article: Article(
                        text: "Claim benchmark article \(i).", title: "Article \(i)",
                        origin: Origin(source: "bench", kind: .cli, location: "claim-\(i)", receivedAt: Date()),
                        format: .text),
                    queue: queue)])
        }
        for start in stride(from: 0, to: entries.count, by: 500) {
            _ = try store.commit(Array(entries[start..<min(start + 500, entries.count)]))
        }

        struct Tally { var acked: [Int64] = []; var claims = 0; var error: String? }
        let tally = Mutex(Tally())
        let group = DispatchGroup()
        let started = ContinuousClock.now
        for worker in 0..<consumers {
            group.enter()
            // Threads: the store's calls block, as a consumer program's would.
            Thread { [queue, batch] in
                defer { group.leave() }
                do {
                    while true {
                        let claimed = try store.claim(queue: queue, consumer: "bench-\(worker)", limit: batch, leaseSecs: 600)
                        if claimed.isEmpty { return }
                        let acked = try store.ack(ids: claimed.map(\.item.id), consumer: "bench-\(worker)")
                        tally.withLock { $0.acked += acked; $0.claims += 1 }
                    }
                } catch {
                    tally.withLock { $0.error = "\(error)" }
                }
            }.start()
        }
        group.wait()
        let elapsed = ContinuousClock.now - started
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let result = tally.withLock { $0 }
        if let error = result.error { throw CLIError("a consumer failed: \(error)") }
        let output = Result(
            backend: configuration.store.backend, consumers: consumers, batch: batch, acked: result.acked.count,
            deliveredTwice: result.acked.count - Set(result.acked).count, wallSecs: wall,
            ackedPerSec: Double(result.acked.count) / wall, claimsPerSec: Double(result.claims) / wall)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(output), as: UTF8.self))
    }
}
