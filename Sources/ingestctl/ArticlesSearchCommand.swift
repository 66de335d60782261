import ArgumentParser
import Foundation
import IngestCore
import IngestDaemon
import IngestStore

extension Articles {
    /// `ingestctl articles search QUERY`.
    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Full-text search over stored articles' titles and texts, best match first.",
            discussion: """
                Every word of QUERY must appear (any case, accents ignored). --fts passes QUERY to SQLite FTS5 \
                as is: OR, NOT, "a phrase", prefix*, title:word. Works without a running daemon. \
                Exit status: 0 when something matched, 1 when nothing did.
                """)
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Most results.") var limit = 20
        @Flag(help: "QUERY is FTS5 syntax.") var fts = false
        @Argument(help: "What to look for.") var query: [String]

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
            if query.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { throw ValidationError("give words to search for") }
        }

        func run() throws {
            let text = query.joined(separator: " ")
            let hits: [SearchHit]
            switch try connection.connect() {
            case .daemon(let client):
                hits = try connection.call(
                    client, "POST", "/v1/articles/search", body: SearchRequest(query: text, limit: limit, raw: fts),
                    as: [SearchHit].self)
            case .database(let store):
                do { hits = try store.search(text, limit: limit, raw: fts) } catch { throw CLIError("\(error)") }
            }
            if connection.wantsJSON {
                try hits.forEach(printJSONLine)
            } else if !hits.isEmpty {
                printTable(
                    ["ID", "STATUS", "SOURCE", "TITLE", "SNIPPET"],
                    hits.map { ["\($0.id)", $0.status, $0.source, short($0.title, 40), $0.snippet.replacingOccurrences(of: "\n", with: " ")] },
                    colour: connection.wantsColour, columns: [1])
            }
            if hits.isEmpty { throw fail("no article matches '\(text)'") }
        }
    }

    /// `ingestctl articles trace ID`.
    struct Trace: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What each stage did to an article: outcome, note or reason, time taken.",
            discussion: "Works without a running daemon. Exit status: 0, or 1 when there is no such article.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The article id.") var id: Int64

        struct Output: Encodable {
            var id: Int64
            var status: String
            var dropStage: String?
            var dropReason: String?
            var trace: [TraceEntry]
        }

        func run() throws {
            let stored: StoredArticle
            switch try connection.connect() {
            case .daemon(let client):
                stored = try connection.call(client, "GET", "/v1/articles/\(id)", as: StoredArticle.self)
            case .database(let store):
                guard let found = try store.article(id: id) else { throw fail("no article \(id)") }
                stored = found
            }
            let trace = stored.article.trace
            if connection.wantsJSON {
                return try printJSONLine(Output(id: id, status: stored.status, dropStage: stored.dropStage, dropReason: stored.dropReason, trace: trace))
            }
            print("article \(id): \(stored.status)\(stored.dropStage.map { " by \($0): \(stored.dropReason ?? "")" } ?? "")")
            if trace.isEmpty { return print("(no stages ran)") }
            printTable(
                ["STAGE", "OUTCOME", "TIME", "NOTE"],
                trace.map { [$0.stage, $0.outcome.rawValue, formatMicros($0.micros), $0.detail ?? "-"] },
                colour: connection.wantsColour, columns: [1])
        }
    }
}
