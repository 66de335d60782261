import Foundation
import IngestCore
import IngestTestKit
import Logging
import Synchronization

@testable import IngestPlugins

/// Log lines kept in memory, so a test can read what the host logged (a plugin's stderr among them).
final class LogCapture: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "plugins.tests") { _ in CapturingHandler(capture: self) }
    }

    func contains(_ text: String) -> Bool {
        lines.withLock { $0.contains { $0.contains(text) } }
    }
}

struct CapturingHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.lines.withLock { $0.append("\(event.level) \(event.message) \(rendered)") }
    }
}

let quiet = Logger(label: "plugins.tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// The repository's `plugins/examples` folder.
let examplesDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("plugins/examples").path
}()

/// The lines every Python test plugin starts with: the handshake, then a loop over requests in which
/// `body` runs with `message` (the request), `n` (its number in this process, from 1) and `send`.
func pythonPlugin(_ body: String, before: String = "") -> String {
    """
    import json, os, sys, time
    def send(m):
        sys.stdout.write(json.dumps(m) + "\\n")
        sys.stdout.flush()
    \(before)
    hello = json.loads(sys.stdin.readline())["hello"]
    send({"hello": {"protocol": 1, "capabilities": []}})
    n = 0
    for line in sys.stdin:
        message = json.loads(line)
        if "id" not in message:
            continue
        n += 1
    \(body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))

    """
}

/// Writes a plugin folder `<dir>/plugins/<name>` with `plugin.toml` and the script, and returns the folder.
@discardableResult
func writePlugin(
    _ dir: TemporaryDirectory, name: String, script: String, language: String = "python", manifest: String = ""
) throws -> String {
    let file = language == "python" ? "plugin.py" : "plugin.sh"
    let command = language == "python" ? #"["python3", "plugin.py"]"# : #""./plugin.sh""#
    let folder = "plugins/\(name)"
    try dir.write(
        "\(folder)/plugin.toml",
        """
        name = "\(name)"
        description = "test plugin \(name)"
        command = \(command)
        \(manifest)
        """)
    let path = try dir.write("\(folder)/\(file)", script)
    chmod(path, 0o755)
    return dir.file(folder)
}

/// A host over `<dir>/plugins` and the stage for `name`.
func pluginStage(
    _ dir: TemporaryDirectory, _ name: String, settings: [String: ConfigValue] = [:], logger: Logger = quiet
) throws -> (PluginHost, PluginStage) {
    let host = PluginHost(
        configuration: PluginsConfiguration(directories: [dir.file("plugins")]), stagesValues: [name: .table(settings)],
        logger: logger)
    let problems = ConfigProblems()
    let section = ConfigSection(path: "stages.\(name)", values: settings, problems: problems)
    guard
        let stage = host.makeStage(named: name, section: section, context: StageContext(stateDirectory: dir.path))
            as? PluginStage
    else {
        throw PluginTestError(description: "cannot build \(name): \(problems.items)")
    }
    return (host, stage)
}

struct PluginTestError: Error, CustomStringConvertible {
    var description: String
}

func article(_ text: String, title: String? = nil) -> Article {
    Article(
        text: text, title: title, origin: Origin(source: "test", kind: .cli, location: "/t", receivedAt: Date()),
        format: .text)
}

/// What the stage made of an article: continued (with the article), dropped (reason), or failed (error).
enum Result {
    case continued(Article)
    case dropped(String)
    case failed(StageError)

    var article: Article? {
        if case .continued(let a) = self { return a }
        return nil
    }

    var error: StageError? {
        if case .failed(let e) = self { return e }
        return nil
    }
}

func run(_ stage: PluginStage, _ a: Article) async -> Result {
    do {
        switch try await stage.process(a, logger: quiet) {
        case .continue(let next): return .continued(next)
        case .drop(let reason), .dropRecorded(_, let reason): return .dropped(reason)
        }
    } catch let error as StageError {
        return .failed(error)
    } catch {
        return .failed(StageError("\(error)", disposition: .skipArticle))
    }
}

/// Runs `a` through a one-stage pipeline, so the trace is what the daemon would record.
func runPipeline(_ stage: PluginStage, _ a: Article) async -> PipelineResult {
    await Pipeline(stages: [stage]).run(a, logger: quiet)
}

/// Whether `pid` is gone: no such process, or a zombie nobody waits for (that is its new parent's job).
func processGone(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    let state = stat.split(separator: ")").last?.split(separator: " ").first
    return state == "Z" || state == "X"
}
