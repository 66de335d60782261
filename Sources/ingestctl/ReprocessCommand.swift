import ArgumentParser
import Foundation
import IngestDaemon

/// `ingestctl reprocess`: stored articles through the current pipeline again, inside the running daemon.
struct Reprocess: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run stored articles through the current pipeline again (after a rule or model changed).",
        discussion: """
            The running ingestd reloads its stages' files (classify rules and model, as SIGHUP does), makes \
            each selected article again from its kept raw input, and replaces it in place: same article id, \
            its queue row back to ready, no new rows. Articles the pipeline leaves as they were are not \
            touched. Needs store.keep_raw (the default) when the articles were ingested.
            Exit status: 0 when every selected article was reprocessed or unchanged; 1 when some failed, had \
            no raw input or were unknown; 69 when ingestd is not running.
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Articles committed since TIME: ISO 8601, a day (2026-11-28), or an age (30m, 2h, 7d).")
    var since: String?
    @Option(help: "Articles from this source (a folder's or a feed's name).") var source: String?
    @Flag(help: "Do not reload the stages' files first.") var noReload = false
    @Argument(help: "Article ids.") var ids: [Int64] = []

    func validate() throws {
        if ids.isEmpty && since == nil && source == nil {
            throw ValidationError("name the articles: ids, --since TIME or --source NAME")
        }
        if !ids.isEmpty && (since != nil || source != nil) {
            throw ValidationError("give article ids, or --since/--source, not both")
        }
        if let since, parseTime(since) == nil {
            throw ValidationError("--since: '\(since)' is not a time (ISO 8601, 2026-11-28, or an age such as 2h)")
        }
    }

    func run() throws {
        // Reprocessing runs while the request waits: allow it time for many articles.
        let client = try connection.requireDaemon(timeout: 3600)
        let request = ReprocessRequest(ids: ids, source: source, since: since.flatMap { parseTime($0) }, reload: !noReload)
        let report = try connection.call(client, "POST", "/v1/reprocess", body: request, as: ReprocessReport.self)
        if connection.wantsJSON {
            try printJSONLine(report)
        } else {
            let colourOn = connection.wantsColour
            if !report.reloaded.isEmpty { print("reloaded: \(report.reloaded.joined(separator: ", "))") }
            printTable(
                ["RESULT", "ARTICLES"],
                [["selected", "\(report.selected)"], ["changed", "\(report.reprocessed)"],
                 ["unchanged", "\(report.unchanged)"], ["failed", "\(report.failed)"],
                 ["missing raw input", "\(report.missingRaw)"]],
                colour: colourOn, columns: [0])
            if !report.changedIds.isEmpty {
                print("\nchanged (back to ready): \(report.changedIds.map(String.init).joined(separator: " "))")
            }
            for (id, reason) in report.failures.sorted(by: { (Int64($0.key) ?? 0) < (Int64($1.key) ?? 0) }) {
                print("failed \(id): \(reason)")
            }
        }
        if !report.unknown.isEmpty {
            note("no article \(report.unknown.map(String.init).joined(separator: ", ")); `ingestctl queue peek` lists stored ones")
        }
        if report.selected == 0 && report.unknown.isEmpty {
            note("no stored article matches\(source.map { " source '\($0)'" } ?? "")\(since.map { " since \($0)" } ?? "")")
            throw ExitCode(Exit.failure)
        }
        if report.missingRaw > 0 {
            note("\(report.missingRaw) article(s) have no kept raw input (store.keep_raw was off): they cannot be reprocessed")
        }
        if report.failed > 0 || report.missingRaw > 0 || !report.unknown.isEmpty { throw ExitCode(Exit.failure) }
    }
}
