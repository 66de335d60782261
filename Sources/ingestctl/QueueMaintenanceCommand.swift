import ArgumentParser
import Foundation
import IngestDaemon
import IngestStore

extension Queue {
    /// `ingestctl queue retry`.
    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put dead rows (and rows waiting out a nack's backoff) back to ready, attempts reset.",
            discussion: """
                By row id, or every dead row with --all-dead (of --queue, or of every queue). The last error \
                stays for the record. Works without a running daemon. Exit status: 0 when every named row was \
                retried, 1 when some were not (leased, done, unknown).
                """)
        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Every dead row.") var allDead = false
        @Option(help: "With --all-dead: only this queue.") var queue: String?
        @Argument(help: "Queue row ids.") var ids: [Int64] = []

        func validate() throws {
            if ids.isEmpty && !allDead { throw ValidationError("give queue row ids, or --all-dead") }
            if queue != nil && !allDead { throw ValidationError("--queue goes with --all-dead") }
        }

        func run() throws {
            let report: RetryReport
            switch try connection.connect() {
            case .daemon(let client):
                report = try connection.call(
                    client, "POST", "/v1/queue/retry", body: RetryRequest(ids: ids, allDead: allDead, queue: queue),
                    as: RetryReport.self)
            case .database(let store):
                do { report = try store.retry(ids: ids, allDead: allDead, queue: queue) } catch { throw CLIError("\(error)") }
            }
            if connection.wantsJSON {
                try printJSONLine(report)
            } else {
                print("retried \(report.retried.count) row\(report.retried.count == 1 ? "" : "s")\(report.retried.isEmpty ? "" : ": " + report.retried.map(String.init).joined(separator: " "))")
            }
            if !report.skipped.isEmpty {
                let list = report.skipped.sorted { (Int64($0.key) ?? 0) < (Int64($1.key) ?? 0) }.map { "\($0.key) (\($0.value))" }
                throw fail("not retried, only dead or nacked rows are: \(list.joined(separator: ", "))")
            }
        }
    }

    /// `ingestctl queue purge`.
    struct Purge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete acknowledged (done) rows, and dead ones with --dead; their articles stay.",
            discussion: "Works without a running daemon. Exit status: 0.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Dead rows too.") var dead = false
        @Option(help: "Only rows last changed longer ago than this (90s, 30m, 12h, 7d).") var olderThan: String?
        @Option(help: "Only this queue (default: every queue).") var queue: String?

        func validate() throws {
            if let olderThan, parseDuration(olderThan) == nil {
                throw ValidationError("--older-than: '\(olderThan)' is not a duration (90s, 30m, 12h, 7d)")
            }
        }

        func run() throws {
            let secs = olderThan.flatMap(parseDuration)
            let report: PurgeReport
            switch try connection.connect() {
            case .daemon(let client):
                report = try connection.call(
                    client, "POST", "/v1/queue/purge", body: PurgeRequest(queue: queue, dead: dead, olderThanSecs: secs),
                    as: PurgeReport.self)
            case .database(let store):
                let before = secs.map { Date().addingTimeInterval(-Double($0)) }
                do { report = try store.purge(queue: queue, dead: dead, olderThan: before) } catch { throw CLIError("\(error)") }
            }
            if connection.wantsJSON { return try printJSONLine(report) }
            print("purged \(report.done) done row\(report.done == 1 ? "" : "s")\(dead ? " and \(report.dead) dead row\(report.dead == 1 ? "" : "s")" : "")")
        }
    }
}
