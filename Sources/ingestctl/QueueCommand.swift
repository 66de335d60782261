import ArgumentParser
import Foundation
import IngestCore
import IngestDaemon
import IngestStore

struct Queue: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read, consume and maintain the queue: stats, peek, claim, ack, nack, retry, purge.",
        subcommands: [Stats.self, Peek.self, Claim.self, Ack.self, Nack.self, Retry.self, Purge.self])

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rows per queue and state.")
        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            let stats: [QueueStats]
            switch try connection.connect() {
            case .daemon(let client): stats = try connection.call(client, "GET", "/v1/queue/stats", as: [QueueStats].self)
            case .database(let store): stats = try store.queueStats()
            }
            if connection.wantsJSON { return try stats.forEach(printJSONLine) }
            printQueues(stats)
        }
    }

    struct Peek: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show queue rows without claiming them.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The queue.") var queue = "default"
        @Option(help: "Only rows in this state (ready, leased, done, dead).") var state: String?
        @Option(help: "How many rows.") var limit = 20

        func validate() throws {
            if let state, QueueState(rawValue: state) == nil { throw ValidationError("--state must be one of ready, leased, done, dead") }
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() throws {
            let rows: [QueueRow]
            switch try connection.connect() {
            case .daemon(let client):
                var target = "/v1/queue/peek?queue=\(queue.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? queue)&limit=\(limit)"
                if let state { target += "&state=\(state)" }
                rows = try connection.call(client, "GET", target, as: [QueueRow].self)
            case .database(let store):
                rows = try store.peek(queue: queue, state: state.flatMap(QueueState.init(rawValue:)), limit: limit)
            }
            if connection.wantsJSON { return try rows.forEach(printJSONLine) }
            printTable(
                ["ID", "ARTICLE", "STATE", "ATTEMPTS", "LEASE OWNER", "LAST ERROR"],
                rows.map { ["\($0.id)", "\($0.articleId)", $0.state.rawValue, "\($0.attempts)", $0.leaseOwner ?? "-", short($0.lastError, 40)] },
                colour: connection.wantsColour, columns: [2])
        }
    }

    struct Claim: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lease articles to a consumer; prints one JSON line per claimed article.",
            discussion: "Acknowledge each with `ingestctl queue ack ID --consumer NAME` once processed, or nack it. An unacknowledged lease expires and the article is handed out again.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The queue.") var queue = "default"
        @Option(help: "Who claims: the same name must ack. Default: ingestctl@HOSTNAME.") var consumer = defaultConsumer()
        @Option(help: "Most articles to claim.") var limit = 1
        @Option(help: "Lease length in seconds (default: the queue's lease_secs).") var leaseSecs: Int?

        func validate() throws {
            if limit < 1 || limit > 10_000 { throw ValidationError("--limit must be within 1…10000") }
            if let leaseSecs, leaseSecs < 1 { throw ValidationError("--lease-secs must be at least 1") }
        }

        func run() throws {
            let claimed: [ClaimedArticle]
            switch try connection.connect() {
            case .daemon(let client):
                let request = ClaimRequest(queue: queue, consumer: consumer, limit: limit, leaseSecs: leaseSecs)
                claimed = try connection.call(client, "POST", "/v1/queue/claim", body: request, as: [ClaimedArticle].self)
            case .database(let store):
                claimed = try store.claim(queue: queue, consumer: consumer, limit: limit, leaseSecs: leaseSecs)
            }
            if connection.wantsJSON { return try claimed.forEach(printJSONLine) }
            if claimed.isEmpty { return print("nothing to claim in queue '\(queue)'") }
            printTable(
                ["ID", "ARTICLE", "ATTEMPT", "LEASED UNTIL", "TITLE"],
                claimed.map { ["\($0.item.id)", "\($0.item.articleId)", "\($0.item.attempts)", iso($0.item.leaseExpiresAt), short($0.article.title)] })
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark claimed rows done (ids from arguments, or from stdin with `-`).")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The consumer that claimed them.") var consumer = defaultConsumer()
        @Argument(help: "Queue row ids, or `-` to read ids (or claim JSON lines) from stdin.") var ids: [String]

        func run() throws {
            let numbers = try readIds(ids)
            let response: AckResponse
            switch try connection.connect() {
            case .daemon(let client):
                response = try connection.call(client, "POST", "/v1/queue/ack", body: AckRequest(ids: numbers, consumer: consumer), as: AckResponse.self)
            case .database(let store):
                let done = try store.ack(ids: numbers, consumer: consumer)
                response = AckResponse(acknowledged: done, notLeased: numbers.filter { !done.contains($0) })
            }
            if connection.wantsJSON { try printJSONLine(response) } else {
                print("acknowledged \(response.acknowledged.count) of \(numbers.count)")
            }
            if !response.notLeased.isEmpty {
                note("not leased to '\(consumer)' (expired and claimed again, already done, or unknown): \(response.notLeased.map(String.init).joined(separator: " "))")
                throw ExitCode.failure
            }
        }
    }

    struct Nack: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a claimed row back: ready again after a backoff, or dead after its last attempt.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The consumer that claimed it.") var consumer = defaultConsumer()
        @Option(help: "Why it failed (kept as last_error).") var error = "nacked"
        @Option(help: "Retry after this many seconds instead of the backoff.") var retryAfterSecs: Int?
        @Argument(help: "The queue row id.") var id: Int64

        func run() throws {
            let response: NackResponse
            switch try connection.connect() {
            case .daemon(let client):
                let request = NackRequest(id: id, consumer: consumer, error: error, retryAfterSecs: retryAfterSecs)
                response = try connection.call(client, "POST", "/v1/queue/nack", body: request, as: NackResponse.self)
            case .database(let store):
                response = NackResponse(id: id, state: try store.nack(id: id, consumer: consumer, error: error, retryAfterSecs: retryAfterSecs))
            }
            if connection.wantsJSON { try printJSONLine(response) }
            guard let state = response.state else {
                note("row \(id) is not leased to '\(consumer)'")
                throw ExitCode.failure
            }
            if !connection.wantsJSON { print("row \(id) is now \(state.rawValue)") }
        }
    }
}

func defaultConsumer() -> String {
    "ingestctl@\(ProcessInfo.processInfo.hostName)"
}

/// Ids from arguments; `-` reads stdin, where each line is an id or a claim's JSON line.
func readIds(_ arguments: [String]) throws -> [Int64] {
    var ids: [Int64] = []
    for argument in arguments {
        if argument == "-" {
            while let line = readLine() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                if let id = Int64(trimmed) { ids.append(id); continue }
                struct Claimed: Decodable { struct Item: Decodable { var id: Int64 }; var item: Item }
                guard let claimed = try? JSONDecoder().decode(Claimed.self, from: Data(trimmed.utf8)) else {
                    throw ValidationError("stdin: '\(short(trimmed, 40))' is neither an id nor a claimed article")
                }
                ids.append(claimed.item.id)
            }
        } else if let id = Int64(argument) {
            ids.append(id)
        } else {
            throw ValidationError("'\(argument)' is not a queue row id")
        }
    }
    if ids.isEmpty { throw ValidationError("no ids given") }
    return ids
}
