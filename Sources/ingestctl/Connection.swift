import ArgumentParser
import Foundation
import Glibc
import IngestCore
import IngestDaemon
import IngestStore

/// Options every subcommand that talks to the daemon shares.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "The config file (default: $INGESTD_CONFIG, else /etc/ingestd/ingestd.toml if it exists, else embedded defaults).")
    var config: String?

    @Option(name: .long, help: "The control socket (default: from the config).")
    var socket: String?

    @Flag(name: .long, help: "JSON lines instead of a table (the default when output is not a terminal).")
    var json = false

    @Flag(name: .long, help: "A table even when output is not a terminal (without colour).")
    var table = false

    /// JSON when asked, or when the output goes to a pipe or a file and no table was asked for.
    var wantsJSON: Bool { json || (!table && isatty(STDOUT_FILENO) == 0) }

    func loadConfiguration() throws -> IngestConfiguration {
        do {
            return try ConfigLoader.load(path: config ?? ConfigLoader.defaultPath()).0
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The store, opened directly, for when the daemon is down. Never creates a database.
    func openStore(_ configuration: IngestConfiguration) throws -> any StoreBackend {
        do {
            return try StoreOpener.open(configuration.store, queue: configuration.queue, createIfMissing: false)
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// A failure whose message is the whole story; printed without a usage hint.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

enum Via {
    case daemon(ControlClient)
    case database(any StoreBackend)
}

extension ConnectionOptions {
    /// The daemon when it runs; the database otherwise, saying so on stderr.
    func connect() throws -> Via {
        // The config is read once, and only when something needs it: --socket alone is enough to talk to a daemon.
        var configuration: IngestConfiguration?
        func config() throws -> IngestConfiguration {
            if let configuration { return configuration }
            let loaded = try loadConfiguration()
            configuration = loaded
            return loaded
        }
        let client = ControlClient(socketPath: try socket ?? config().daemon.controlSocket)
        do {
            _ = try client.request("GET", "/v1/version")
            return .daemon(client)
        } catch .notRunning(let path) {
            note("ingestd is not running (no answer on \(path)); reading the database directly")
            return .database(try openStore(config()))
        } catch .cannotConnect(let path, let why) where why == String(cString: strerror(EACCES)) {
            throw permissionDenied(path)
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// Sends a request and decodes the JSON answer, turning error answers into a message.
    func call<T: Decodable>(_ client: ControlClient, _ method: String, _ target: String, body: (some Encodable)? = Optional<Int>.none, as type: T.Type) throws -> T {
        let data = try body.map { try ControlAPI.encoder().encode($0) }
        let response: ControlClient.Response
        do {
            response = try client.request(method, target, body: data)
        } catch {
            throw CLIError("\(error)")
        }
        guard response.status == 200 else {
            let message = (try? ControlAPI.decoder().decode(ErrorResponse.self, from: response.body))?.error
            throw CLIError(message ?? "daemon answered \(response.status)")
        }
        do {
            return try ControlAPI.decoder().decode(type, from: response.body)
        } catch {
            throw CLIError("cannot read the daemon's answer: \(error)")
        }
    }
}

func note(_ message: String) {
    FileHandle.standardError.write(Data("ingestctl: \(message)\n".utf8))
}

/// Prints one JSON value on one line.
func printJSONLine<T: Encodable>(_ value: T) throws {
    let data = try ControlAPI.encoder().encode(value)
    print(String(decoding: data, as: UTF8.self))
}

/// Prints rows as an aligned table with a header.
func printTable(_ header: [String], _ rows: [[String]]) {
    var widths = header.map(\.count)
    for row in rows {
        for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            .joined(separator: "  ")
    }
    print(line(header))
    for row in rows { print(line(row)) }
}

/// A title shortened to fit a table cell.
func short(_ s: String?, _ width: Int = 50) -> String {
    guard let s, !s.isEmpty else { return "-" }
    return s.count <= width ? s : String(s.prefix(width - 1)) + "…"
}

func iso(_ date: Date?) -> String {
    guard let date else { return "-" }
    return date.formatted(.iso8601)
}
