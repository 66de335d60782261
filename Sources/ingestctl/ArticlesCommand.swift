import ArgumentParser
import Foundation
import IngestCore
import IngestDaemon
import IngestStore

struct Articles: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Look up stored articles.", subcommands: [Show.self, Trace.self, Search.self, Duplicates.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An article's fields, queue row and stage trace.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The article id.") var id: Int64

        func run() throws {
            let stored: StoredArticle
            switch try connection.connect() {
            case .daemon(let client):
                stored = try connection.call(client, "GET", "/v1/articles/\(id)", as: StoredArticle.self)
            case .database(let store):
                guard let found = try store.article(id: id) else { throw CLIError("no article \(id)") }
                stored = found
            }
            if connection.wantsJSON { return try printJSONLine(stored) }
            let a = stored.article
            var fields: [(String, String)] = [
                ("id", "\(a.id.map(String.init) ?? "-")"), ("status", stored.status), ("title", a.title ?? "-"),
                ("url", a.url ?? "-"), ("published", a.published ?? "-"), ("authors", a.authors.isEmpty ? "-" : a.authors.joined(separator: ", ")),
                ("language", a.language ?? "-"), ("format", a.format.rawValue), ("source", a.origin.source),
                ("location", a.origin.location), ("received", iso(a.origin.receivedAt)), ("committed", iso(stored.committedAt)),
            ]
            if let stage = stored.dropStage { fields.append(("dropped by", "\(stage): \(stored.dropReason ?? "")")) }
            if let cluster = a.clusterId { fields.append(("cluster", cluster)) }
            if let original = a.duplicateOf { fields.append(("duplicate of", "article \(original)")) }
            if let q = stored.queueItem {
                fields.append(("queue", "\(q.queue) row \(q.id): \(q.state.rawValue), \(q.attempts) attempts\(q.lastError.map { ", last error: \($0)" } ?? "")"))
            }
            if !a.labels.isEmpty { fields.append(("labels", a.labels.map { "\($0.name) \(String(format: "%.2f", $0.score))" }.joined(separator: ", "))) }
            if !a.keywords.isEmpty { fields.append(("keywords", a.keywords.joined(separator: ", "))) }
            for (k, v) in a.fields.sorted(by: { $0.key < $1.key }) { fields.append(("field \(k)", v)) }
            let width = fields.map(\.0.count).max() ?? 0
            for (k, v) in fields { print("\(k.padding(toLength: width, withPad: " ", startingAt: 0))  \(v)") }
            print("\nTRACE")
            if a.trace.isEmpty { print("(no stages)") } else {
                printTable(["STAGE", "OUTCOME", "MICROS", "DETAIL"], a.trace.map { [$0.stage, $0.outcome.rawValue, "\($0.micros)", $0.detail ?? "-"] })
            }
            print("\nTEXT")
            print(a.text)
        }
    }

    struct Duplicates: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An article's dedupe cluster: the original and every copy, with why each belongs to it.",
            discussion: "Reads the database (safe next to a running ingestd).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Any article id of the cluster.") var id: Int64

        /// One member as `--json` prints it.
        struct Member: Encodable {
            var id: Int64?
            var role: String
            var status: String
            var duplicateOf: Int64?
            var title: String?
            var source: String
            var location: String
            var reason: String?
        }

        func run() throws {
            let configuration = try connection.loadConfiguration()
            let store = try connection.openStore(configuration)
            let cluster: [StoredArticle]
            do { cluster = try store.cluster(of: id) } catch { throw CLIError("\(error)") }
            guard !cluster.isEmpty else {
                if (try? store.article(id: id)) == nil { throw CLIError("no article \(id)") }
                throw CLIError("article \(id) is in no dedupe cluster (dedupe did not run on it)")
            }
            let members = cluster.map { stored -> Member in
                let a = stored.article
                let isCopy = a.duplicateOf != nil || a.fields["duplicate_reason"] != nil || stored.dropStage == "dedupe"
                // The reason is the dedupe trace entry's detail (drop) or the field it leaves (mark).
                let reason = a.trace.last { $0.stage == "dedupe" }?.detail ?? a.fields["duplicate_reason"]
                return Member(
                    id: a.id, role: isCopy ? "copy" : "original", status: stored.status, duplicateOf: a.duplicateOf,
                    title: a.title, source: a.origin.source, location: a.origin.location, reason: isCopy ? reason : nil)
            }
            if connection.wantsJSON {
                for member in members { try printJSONLine(member) }
                return
            }
            print("cluster \(cluster[0].article.clusterId ?? "-"): \(members.count) articles")
            printTable(
                ["ID", "ROLE", "STATUS", "SOURCE", "TITLE", "WHY"],
                members.map { m in
                    [m.id.map(String.init) ?? "-", m.role, m.status, m.source, short(m.title, 40), m.reason ?? "-"]
                })
        }
    }
}
