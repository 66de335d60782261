import ArgumentParser
import Foundation
import IngestCore
import IngestDaemon
import IngestPlugins
import IngestStore

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Uptime, each source with its counts and last error, each stage's counts, the queue by state.")

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        switch try connection.connect() {
        case .daemon(let client):
            let report = try connection.call(client, "GET", "/v1/status", as: StatusReport.self)
            if connection.wantsJSON { return try printJSONLine(report) }
            printReport(report)
        case .database(let store):
            let queues = try store.queueStats()
            let totals = try store.totals()
            if connection.wantsJSON {
                struct Offline: Encodable { var running = false; var queues: [QueueStats]; var totals: StoreTotals }
                return try printJSONLine(Offline(queues: queues, totals: totals))
            }
            print("ingestd: not running")
            print("articles: \(totals.articles) stored, \(totals.dropped) dropped")
            if let failure = totals.lastFailure { print("last failure: \(failure)") }
            print("\nINPUTS (from the ledger)")
            printTable(["SOURCE", "INGESTED", "FAILED"], totals.inputsBySource.sorted { $0.key < $1.key }.map {
                [$0.key, "\($0.value["ingested"] ?? 0)", "\($0.value["failed"] ?? 0)"]
            })
            printQueues(queues)
        }
    }

    private func printReport(_ r: StatusReport) {
        print("ingestd \(r.version), pid \(r.pid), up \(duration(r.uptimeSecs))")
        print("config: \(r.config)")
        print("database: \(r.database)")
        print("pipeline: \(r.pipeline.isEmpty ? "(no stages)" : r.pipeline.joined(separator: " → "))")
        print("throughput: \(r.articlesLastMinute) articles in the last minute; \(r.enqueuedSinceStart) enqueued, \(r.droppedSinceStart) dropped since start")
        if let error = r.lastStoreError { print("last store error: \(error)") }
        if let reload = r.lastReload {
            if reload.ok {
                let restart = reload.needsRestart.isEmpty ? "" : "; needs a restart: \(reload.needsRestart.joined(separator: ", "))"
                print("last reload: ok at \(iso(reload.at)) (\(reload.summary ?? "applied")\(restart))")
            } else {
                print("last reload: FAILED at \(iso(reload.at)), \(reload.problems.count) problem\(reload.problems.count == 1 ? "" : "s"); the previous configuration keeps running")
                for problem in reload.problems { print("  - \(problem)") }
            }
        }
        print("\nSOURCES")
        printTable(
            ["NAME", "KIND", "STATE", "SEEN", "DONE", "FAILED", "LAST ERROR"],
            sourcesByTrouble(r.sources).map { s in
                [s.name, s.kind.rawValue, s.state, "\(s.counts["seen"] ?? 0)", "\(s.counts["done"] ?? 0)",
                 "\(s.counts["failed"] ?? 0)", s.lastError.map { "\(short($0, 60)) (\(iso(s.lastErrorAt)))" } ?? "-"]
            })
        print("\nSTAGES")
        printTable(
            ["STAGE", "PROCESSED", "DROPPED", "FAILED", "P50", "P99"],
            r.stages.map { ["\($0.name)", "\($0.processed)", "\($0.dropped)", "\($0.failed)", millis($0.p50Ms), millis($0.p99Ms)] })
        if let plugins = r.plugins, !plugins.isEmpty {
            print("\nPLUGINS")
            printPlugins(plugins)
        }
        printQueues(r.queues, oldestReady: r.oldestReadySecs)
    }

    /// Failing feeds first, then those backing off, then the rest, each group in the daemon's order: what
    /// needs a look comes at the top.
    private func sourcesByTrouble(_ sources: [SourceStatus]) -> [SourceStatus] {
        func rank(_ s: SourceStatus) -> Int {
            switch s.state {
            case "failing": 0
            case "backing_off": 1
            default: 2
            }
        }
        return sources.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }
}

/// The queue counts by state; with `oldestReady` (a live daemon's answer), how long each queue's oldest
/// ready row has waited.
func printQueues(_ queues: [QueueStats], oldestReady: [String: Int]? = nil) {
    print("\nQUEUES")
    let states = QueueState.allCases.map(\.rawValue)
    var header = ["QUEUE"] + states.map { $0.uppercased() }
    if oldestReady != nil { header.append("OLDEST READY") }
    printTable(header, queues.map { q in
        var row = [q.queue] + states.map { "\(q.counts[$0] ?? 0)" }
        if let oldestReady { row.append(oldestReady[q.queue].map { duration($0) } ?? "-") }
        return row
    })
}

/// A latency in milliseconds, with the precision that matters at its size; `-` when unknown.
private func millis(_ ms: Double?) -> String {
    guard let ms else { return "-" }
    if ms < 1 { return String(format: "%.3fms", ms) }
    if ms < 100 { return String(format: "%.1fms", ms) }
    if ms < 10_000 { return String(format: "%.0fms", ms) }
    return String(format: "%.1fs", ms / 1_000)
}

private func duration(_ secs: Int) -> String {
    if secs < 60 { return "\(secs)s" }
    if secs < 3600 { return "\(secs / 60)m\(secs % 60)s" }
    if secs < 86_400 { return "\(secs / 3600)h\(secs % 3600 / 60)m" }
    return "\(secs / 86_400)d\(secs % 86_400 / 3600)h"
}
