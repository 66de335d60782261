import Foundation
public import IngestCore

/// A plugin's `plugin.toml`: what to run and how the host treats it.
///
/// - Configuration keys:
///   - `name` (string, required): the stage name the pipeline uses; lowercase letters, digits, `-`, `_`.
///   - `description` (string, default: ""): one line for `ingestctl plugins list`.
///   - `command` (string or [string], required): the program and its arguments. A program with a `/` is
///     relative to the plugin's folder; a bare name is looked up in the plugin's `PATH`.
///   - `protocol` (int, default: 1): the protocol version the plugin speaks (docs/PLUGINS.md).
///   - `timeout_ms` (int, default: 5000, 1…600000): the longest the plugin may take over one article.
///   - `max_in_flight` (int, default: 16, 1…4096): articles sent to the plugin before it answered them.
///   - `on_error` (string, default: "skip"): when the plugin fails on an article (timeout, crash, an
///     answer that does not parse): `skip` the stage (the article goes on unchanged, the error in its
///     trace), `fail` the article (its input goes to `failed/`), or `retry` it later.
///   - `start_timeout_ms` (int, default: 10000, 1…600000): the longest the handshake may take, and the longest
///     an article waits for a starting or restarting plugin to be up.
///   - `max_line_bytes` (int, default: 16777216, 1024…1073741824): a longer line on stdout kills the plugin.
///   - `max_output_bytes_per_sec` (int, default: 268435456): more stdout and stderr than this in one second
///     kills the plugin.
///   - `max_noise_lines_per_sec` (int, default: 1000): more lines than this in one second that are not
///     answers (stderr lines, garbage, answers to unknown ids) kill the plugin.
///   - `[env]` (table of strings): variables added to the plugin's clean environment.
public struct PluginManifest: Sendable, Equatable {
    public enum OnError: String, Sendable, Codable, CaseIterable {
        /// The article goes on unchanged; the plugin's error is in its trace.
        case skip
        /// The article fails: its input goes to `failed/` with the reason.
        case fail
        /// The article is tried again later (the runner's bounded retries), then fails.
        case retry
    }

    public var name: String
    public var description: String
    /// The folder holding `plugin.toml`: the plugin's working directory and `HOME`.
    public var directory: String
    /// The program, resolved to an absolute path, then its arguments.
    public var command: [String]
    public var protocolVersion: Int
    public var timeoutMillis: Int
    public var maxInFlight: Int
    public var onError: OnError
    public var startTimeoutMillis: Int
    public var maxLineBytes: Int
    public var maxOutputBytesPerSecond: Int
    public var maxNoiseLinesPerSecond: Int
    public var environment: [String: String]

    /// The variables every plugin gets, whatever the daemon's own environment holds: nothing inherited, so no
    /// secret of the daemon's reaches a plugin.
    public static let basePath = "/usr/local/bin:/usr/bin:/bin"

    /// Reads `<directory>/plugin.toml`. Every problem is reported, with the file's path.
    public static func load(directory: String) -> Result<PluginManifest, ConfigurationError> {
        let file = (directory as NSString).appendingPathComponent("plugin.toml")
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            return .failure(
                ConfigurationError(problems: [ConfigProblem(keyPath: "", message: "\(file): cannot read the file")]))
        }
        var values: [String: ConfigValue]
        do {
            values = try TOMLReader.parse(text, file: file)
        } catch {
            return .failure(error)
        }
        // A string is one program (no shell splitting): the same as an array of one.
        if case .string(let program)? = values["command"] { values["command"] = .array([.string(program)]) }
        let problems = ConfigProblems()
        let section = ConfigSection(path: "", values: values, problems: problems)
        let manifest = PluginManifest(section: section, directory: directory)
        guard problems.items.isEmpty else {
            return .failure(
                ConfigurationError(
                    problems: problems.items.map {
                        ConfigProblem(keyPath: "", message: "\(file): \($0.description)")
                    }))
        }
        return .success(manifest)
    }

    init(section: ConfigSection, directory: String) {
        self.directory = directory
        name = section.string("name", default: "")
        if name.isEmpty {
            section.problem("name", "is required")
        } else if !Self.isValidName(name) {
            section.problem("name", "'\(name)' must be lowercase letters, digits, '-' and '_', starting with a letter")
        }
        description = section.string("description", default: "")
        protocolVersion = section.int("protocol", default: 1)
        if !PluginProtocol.versions.contains(protocolVersion) {
            section.problem(
                "protocol",
                "version \(protocolVersion) is not one this ingestd speaks (\(PluginProtocol.versions.map(String.init).joined(separator: ", ")))"
            )
        }
        timeoutMillis = section.int("timeout_ms", default: 5_000, range: 1...600_000)
        maxInFlight = section.int("max_in_flight", default: 16, range: 1...4_096)
        onError =
            OnError(rawValue: section.choice("on_error", default: "skip", allowed: OnError.allCases.map(\.rawValue)))
            ?? .skip
        startTimeoutMillis = section.int("start_timeout_ms", default: 10_000, range: 1...600_000)
        maxLineBytes = section.int("max_line_bytes", default: 16 << 20, range: 1_024...(1 << 30))
        maxOutputBytesPerSecond = section.int("max_output_bytes_per_sec", default: 256 << 20, range: 1_024...Int.max)
        maxNoiseLinesPerSecond = section.int("max_noise_lines_per_sec", default: 1_000, range: 1...Int.max)

        var environment: [String: String] = [:]
        if section.has("env") {
            let env = section.section("env")
            for key in env.keys {
                if key.isEmpty || key.contains("=") {
                    env.problem(key, "not a variable name")
                } else {
                    environment[key] = env.string(key, default: "")
                }
            }
            env.finish()
        }
        self.environment = environment

        let words = section.strings("command", default: [])
        section.finish()
        command = []
        if words.first?.isEmpty ?? true {
            section.problem("command", "is required: the program to run, and its arguments")
        } else if let program = Self.resolve(words[0], directory: directory, path: environment["PATH"] ?? Self.basePath)
        {
            command = [program] + words.dropFirst()
        } else {
            section.problem(
                "command",
                "'\(words[0])' is not an executable file\(words[0].contains("/") ? " (relative to \(directory))" : " in PATH")"
            )
        }
    }

    /// The clean environment the plugin runs with.
    public var processEnvironment: [String: String] {
        var env = [
            "PATH": Self.basePath, "LANG": "C.UTF-8", "HOME": directory, "INGESTD_PLUGIN": name,
            "INGESTD_PLUGIN_PROTOCOL": String(protocolVersion),
        ]
        env.merge(environment) { _, new in new }
        return env
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }

    /// `program` as an absolute path: relative to the plugin's folder when it has a slash, else searched in
    /// `path`; `nil` when no executable file is there.
    static func resolve(_ program: String, directory: String, path: String) -> String? {
        let fm = FileManager.default
        if program.contains("/") {
            let full = program.hasPrefix("/") ? program : (directory as NSString).appendingPathComponent(program)
            let standard = (full as NSString).standardizingPath
            return fm.isExecutableFile(atPath: standard) && !isDirectory(standard) ? standard : nil
        }
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(program)"
            if fm.isExecutableFile(atPath: candidate) && !isDirectory(candidate) { return candidate }
        }
        return nil
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}
