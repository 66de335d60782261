import ArgumentParser
import Foundation
import Glibc
import IngestCore
import IngestDaemon
import IngestPlugins

/// `ingestctl reload`: check the daemon's config, then SIGHUP it.
struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the configuration, then tell ingestd to reload it (SIGHUP): folders, feeds, stages, models, plugins.",
        discussion: """
            An invalid configuration is refused (every problem listed, exit 2) and nothing is signalled. \
            Exit status: 0 when the signal was sent, 2 when the configuration is invalid, 69 when ingestd is \
            not running, 1 when it cannot be signalled (another user's process).
            """)
    @OptionGroup var connection: ConnectionOptions

    struct Output: Encodable {
        var pid: Int32
        var signal = "SIGHUP"
        var config: String
    }

    func run() throws {
        if connection.socket == nil {
            // The socket's path comes from the config: an invalid one is reported as such, not as a usage error.
            do {
                _ = try ConfigLoader.load(path: connection.config ?? ConfigLoader.defaultPath())
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw fail("not reloading: fix the configuration first (ingestd keeps running on the old one)", Exit.invalidConfig)
            }
        }
        let client = try connection.requireDaemon()
        let status = try connection.call(client, "GET", "/v1/status", as: StatusReport.self)
        // The file the daemon runs on, when it names one; else the one this command would use.
        let path = FileManager.default.fileExists(atPath: status.config) ? status.config : (connection.config ?? ConfigLoader.defaultPath())
        do {
            _ = try ConfigLoader.load(path: path)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw fail("not reloading: fix the configuration first (ingestd keeps running on the old one)", Exit.invalidConfig)
        }
        guard kill(status.pid, SIGHUP) == 0 else {
            throw fail("cannot signal ingestd (pid \(status.pid)): \(String(cString: strerror(errno))); try `systemctl reload ingestd`")
        }
        let output = Output(pid: status.pid, config: status.config)
        if connection.wantsJSON { return try printJSONLine(output) }
        print("reload requested: sent SIGHUP to ingestd (pid \(status.pid), config: \(status.config))")
    }
}

/// `ingestctl pause` and `resume`: close and open the gate between the sources and the pipeline.
struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop intake: sources hold new documents (files stay in the inbox) until `ingestctl resume`.",
        discussion: "Exit status: 0, or 69 when ingestd is not running. Restarting ingestd resumes intake.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let client = try connection.requireDaemon()
        let state = try connection.call(client, "POST", "/v1/intake/pause", as: IntakeState.self)
        if connection.wantsJSON { return try printJSONLine(state) }
        print("intake paused: sources hold new documents until `ingestctl resume`; the queue is still served")
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resume intake after `ingestctl pause`: held documents go through the pipeline.",
        discussion: "Exit status: 0, or 69 when ingestd is not running.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let client = try connection.requireDaemon()
        let before = try connection.call(client, "GET", "/v1/intake", as: IntakeState.self)
        let state = try connection.call(client, "POST", "/v1/intake/resume", as: IntakeState.self)
        if connection.wantsJSON { return try printJSONLine(state) }
        print(before.paused ? "intake resumed (\(before.waiting) document(s) were waiting)" : "intake was not paused")
    }
}

/// `ingestctl config check [PATH]`.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Configuration commands.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration file: the same checks as `ingestd --check-config`, every problem listed.",
            discussion: "Exit status: 0 when valid, 2 when invalid.")
        @Argument(help: "The file (default: the one ingestd would use).") var path: String?
        @Flag(help: "One JSON object: valid, config, pipeline, problems (else text, problems on stderr).") var json = false

        struct Output: Encodable {
            struct Problem: Encodable {
                var key: String
                var message: String
            }
            var valid: Bool
            var config: String
            var pipeline: [String]
            var problems: [Problem]
        }

        func run() throws {
            let file = path ?? ConfigLoader.defaultPath()
            let asJSON = json
            let configuration: IngestConfiguration
            let pipeline: Pipeline
            do {
                (configuration, pipeline) = try ConfigLoader.load(path: file)
            } catch {
                if asJSON {
                    try printJSONLine(Output(
                        valid: false, config: file ?? "embedded defaults", pipeline: [],
                        problems: error.problems.map { Output.Problem(key: $0.keyPath, message: $0.message) }))
                } else {
                    FileHandle.standardError.write(Data("\(error)\n".utf8))
                }
                throw ExitCode(Exit.invalidConfig)
            }
            if asJSON {
                return try printJSONLine(Output(valid: true, config: configuration.origin, pipeline: pipeline.names, problems: []))
            }
            print("configuration OK (\(configuration.origin)); pipeline: \(pipeline.names.isEmpty ? "(empty)" : pipeline.names.joined(separator: " → "))")
        }
    }
}

/// `ingestctl stages list`.
struct Stages: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The pipeline's stages.", subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The stages in pipeline order: built-in or plugin, and what each did since ingestd started.",
            discussion: "Exit status: 0, or 69 when ingestd is not running.")
        @OptionGroup var connection: ConnectionOptions

        struct Row: Encodable {
            var position: Int
            var name: String
            var kind: String
            var processed: Int
            var dropped: Int
            var failed: Int
            var pluginState: String?
        }

        func run() throws {
            let client = try connection.requireDaemon()
            let status = try connection.call(client, "GET", "/v1/status", as: StatusReport.self)
            let plugins = Dictionary((status.plugins ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let counts = Dictionary(status.stages.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let rows = status.pipeline.enumerated().map { index, name in
                Row(
                    position: index + 1, name: name, kind: plugins[name] == nil ? "built-in" : "plugin",
                    processed: counts[name]?.processed ?? 0, dropped: counts[name]?.dropped ?? 0,
                    failed: counts[name]?.failed ?? 0, pluginState: plugins[name].map { "\($0.state)" })
            }
            if connection.wantsJSON { return try rows.forEach(printJSONLine) }
            if rows.isEmpty { return print("the pipeline has no stages") }
            printTable(
                ["#", "STAGE", "KIND", "PROCESSED", "DROPPED", "FAILED"],
                rows.map { ["\($0.position)", $0.name, $0.kind + ($0.pluginState.map { " (\($0))" } ?? ""), "\($0.processed)", "\($0.dropped)", "\($0.failed)"] },
                colour: connection.wantsColour, columns: [])
        }
    }
}

/// `ingestctl folders list`.
struct Folders: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The watched folders.", subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each watched folder: path, state (running, paused, failing), file counts, last error.",
            discussion: "Exit status: 0, or 69 when ingestd is not running.")
        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            let client = try connection.requireDaemon()
            let status = try connection.call(client, "GET", "/v1/status", as: StatusReport.self)
            let folders = status.sources.filter { $0.kind == .folder }
            if connection.wantsJSON { return try folders.forEach(printJSONLine) }
            if folders.isEmpty { return print("no folders are watched (add [[sources.folders]] to the config)") }
            printTable(
                ["NAME", "PATH", "STATE", "SEEN", "DONE", "FAILED", "LAST ERROR"],
                folders.map { f in
                    [f.name, f.location, f.state, "\(f.counts["seen"] ?? 0)", "\(f.counts["done"] ?? 0)",
                     "\(f.counts["failed"] ?? 0)", f.lastError.map { "\(short($0, 60)) (\(iso(f.lastErrorAt)))" } ?? "-"]
                },
                colour: connection.wantsColour, columns: [2])
        }
    }
}
