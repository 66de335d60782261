import ArgumentParser
import Foundation
import Glibc
import IngestCore
import IngestDaemon

/// ingestctl's exit codes (docs/CLI.md lists them with each command).
enum Exit {
    /// Done.
    static let ok: Int32 = 0
    /// The operation failed or did part of what was asked: an unknown id, a row not retried, no match.
    static let failure: Int32 = 1
    /// The configuration is invalid (`validate`, `config check`, `reload`).
    static let invalidConfig: Int32 = 2
    /// Bad arguments (swift-argument-parser's usage error, EX_USAGE).
    static let usage: Int32 = 64
    /// The command needs a running ingestd and none answers on the socket (EX_UNAVAILABLE).
    static let daemonNotRunning: Int32 = 69
    /// The socket exists but this user may not use it (EX_NOPERM).
    static let permissionDenied: Int32 = 77
}

/// Prints `message` and ends the command with `code`.
func fail(_ message: String, _ code: Int32 = Exit.failure) -> ExitCode {
    note(message)
    return ExitCode(code)
}

extension ConnectionOptions {
    /// A client to the running daemon, for commands that need one. Ends the command with a message saying
    /// what to do when nothing answers (69) or the socket may not be used (77).
    func requireDaemon(timeout: Int = 30) throws -> ControlClient {
        let path: String
        if let socket {
            path = socket
        } else {
            // The socket's path comes from the config: an invalid one is reported as such (exit 2).
            do {
                path = try ConfigLoader.load(path: config ?? ConfigLoader.defaultPath()).0.daemon.controlSocket
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw fail("fix the configuration, or name the daemon's socket with --socket", Exit.invalidConfig)
            }
        }
        var client = ControlClient(socketPath: path)
        client.timeout = timeout
        do {
            _ = try client.request("GET", "/v1/version")
            return client
        } catch .notRunning(let path) {
            throw fail(
                "is ingestd running? nothing answers on \(path). Start it with `ingestd\(config.map { " --config \($0)" } ?? "")` "
                    + "(or `systemctl start ingestd`), or name its socket with --socket",
                Exit.daemonNotRunning)
        } catch .cannotConnect(let path, let why) where why == String(cString: strerror(EACCES)) {
            throw permissionDenied(path)
        } catch {
            throw fail("\(error)")
        }
    }

    /// Says why the socket may not be used and what to do; ends the command with 77.
    func permissionDenied(_ path: String) -> ExitCode {
        fail(
            "permission denied on \(path): the socket is mode 0660; run as the ingestd user or a member of its group "
                + "(e.g. `sudo -u ingestd ingestctl …` or `usermod -aG ingestd $USER`)",
            Exit.permissionDenied)
    }

    /// Whether to colour: a terminal, not JSON, and the user did not opt out (NO_COLOR, TERM=dumb).
    var wantsColour: Bool {
        let environment = ProcessInfo.processInfo.environment
        return !wantsJSON && isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }
}

/// ANSI colours for a state word: green for what works, yellow for what waits, red for what failed.
func colour(_ text: String, on: Bool) -> String {
    guard on else { return text }
    let code: String
    switch text {
    case "running", "ready", "done", "ok", "continue", "queued", "changed": code = "32"
    case "paused", "leased", "backing_off", "drop", "dropped", "stopped", "unchanged": code = "33"
    case "failing", "dead", "fail", "failed": code = "31"
    default: return text
    }
    return "\u{1B}[\(code)m\(text)\u{1B}[0m"
}

/// As ``printTable(_:_:)``, with the cells of `colouredColumns` coloured after padding (ANSI codes take no
/// room on screen).
func printTable(_ header: [String], _ rows: [[String]], colour on: Bool, columns colouredColumns: Set<Int>) {
    var widths = header.map(\.count)
    for row in rows {
        for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
    }
    func line(_ cells: [String], paint: Bool) -> String {
        cells.enumerated().map { i, c in
            let padded = i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            guard paint, colouredColumns.contains(i) else { return padded }
            return colour(c, on: on) + String(repeating: " ", count: padded.count - c.count)
        }
        .joined(separator: "  ")
    }
    print(line(header, paint: false))
    for row in rows { print(line(row, paint: true)) }
}

/// A time given on the command line: ISO 8601 (`2026-11-28T10:00:00Z`), a day (`2026-11-28`, UTC
/// midnight), or an age (`90s`, `30m`, `2h`, `7d`: that long ago).
func parseTime(_ text: String, now: Date = Date()) -> Date? {
    if let secs = parseDuration(text) { return now.addingTimeInterval(-Double(secs)) }
    if let date = try? Date(text, strategy: .iso8601) { return date }
    let day = DateFormatter()
    day.locale = Locale(identifier: "en_US_POSIX")
    day.timeZone = TimeZone(identifier: "UTC")
    day.dateFormat = "yyyy-MM-dd"
    return day.date(from: text)
}

/// A duration such as `90s`, `30m`, `2h`, `7d`, or plain seconds; `nil` when it is none.
func parseDuration(_ text: String) -> Int? {
    guard let last = text.last else { return nil }
    let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
    if let unit = units[last], let n = Int(text.dropLast()), n >= 0 { return n * unit }
    if let n = Int(text), n >= 0 { return n }
    return nil
}

/// A stage time: `850 µs`, `12.3 ms`, `1.20 s`.
func formatMicros(_ micros: Int64) -> String {
    if micros < 1000 { return "\(micros) µs" }
    if micros < 1_000_000 { return String(format: "%.1f ms", Double(micros) / 1000) }
    return String(format: "%.2f s", Double(micros) / 1_000_000)
}
