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
        print("\nSOURCES")
        printTable(
            ["NAME", "KIND", "STATE", "SEEN", "DONE", "FAILED", "LAST ERROR"],
            r.sources.map { s in
                [s.name, s.kind.rawValue, s.state, "\(s.counts["seen"] ?? 0)", "\(s.counts["done"] ?? 0)",
                 "\(s.counts["failed"] ?? 0)", s.lastError.map { "\(short($0, 60)) (\(iso(s.lastErrorAt)))" } ?? "-"]
            })
        print("\nSTAGES")
        printTable(["STAGE", "PROCESSED", "DROPPED", "FAILED"], r.stages.map { ["\($0.name)", "\($0.processed)", "\($0.dropped)", "\($0.failed)"] })
        if let plugins = r.plugins, !plugins.isEmpty {
            print("\nPLUGINS")
            printPlugins(plugins)
        }
        printQueues(r.queues)
    }
}

func printQueues(_ queues: [QueueStats]) {
    print("\nQUEUES")
    let states = QueueState.allCases.map(\.rawValue)
    printTable(["QUEUE"] + states.map { $0.uppercased() }, queues.map { q in [q.queue] + states.map { "\(q.counts[$0] ?? 0)" } })
}

private func duration(_ secs: Int) -> String {
    if secs < 60 { return "\(secs)s" }
    if secs < 3600 { return "\(secs / 60)m\(secs % 60)s" }
    if secs < 86_400 { return "\(secs / 3600)h\(secs % 3600 / 60)m" }
    return "\(secs / 86_400)d\(secs % 86_400 / 3600)h"
}
