import ArgumentParser
import Foundation
import Glibc
import IngestCore
import IngestDaemon
import IngestPlugins
import IngestStages
import Logging

/// `ingestctl plugins …`: the exec plugins the daemon found and their state.
struct Plugins: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The exec plugins: what was found and how each is doing.",
        subcommands: [List.self, PluginsBench.self],
        defaultSubcommand: List.self)
}

extension Plugins {
    /// `ingestctl plugins list`: the running daemon's plugins with their state; without a daemon, what the
    /// configured plugin folders hold.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each plugin: state, pid, restarts, articles in flight, counts and last error.",
            discussion:
                "With the daemon running: the plugins of its pipeline, live. Without: every plugin found in the configured folders (state 'stopped'), and the manifests that have problems."
        )

        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            let configuration = try? connection.loadConfiguration()
            let socket = connection.socket ?? configuration?.daemon.controlSocket
            if let socket {
                let client = ControlClient(socketPath: socket)
                do {
                    _ = try client.request("GET", "/v1/version")
                    let plugins = try connection.call(client, "GET", "/v1/plugins", as: [PluginStatus].self)
                    if connection.wantsJSON { return try plugins.forEach(printJSONLine) }
                    if plugins.isEmpty { print("no plugins in the pipeline") } else { printPlugins(plugins) }
                    return
                } catch ControlClient.ClientError.notRunning {
                    note("ingestd is not running; listing the plugins found in the configured folders")
                } catch let error as ControlClient.ClientError {
                    throw CLIError("\(error)")
                }
            }
            guard let configuration else { _ = try connection.loadConfiguration(); return }
            try listOffline(configuration)
        }

        private func listOffline(_ configuration: IngestConfiguration) throws {
            let host = ConfigLoader.pluginHost(for: configuration, logger: Logger(label: "ingestctl"))
            let found = host.found
            let inPipeline = Set(configuration.pipeline.stages)
            struct Offline: Encodable {
                var name: String
                var state: String
                var inPipeline: Bool
                var directory: String?
                var command: [String]?
                var onError: String?
                var problems: [String]?
            }
            var rows: [Offline] = found.manifests.values.sorted { $0.name < $1.name }.map {
                Offline(
                    name: $0.name, state: "stopped", inPipeline: inPipeline.contains($0.name), directory: $0.directory,
                    command: $0.command, onError: $0.onError.rawValue)
            }
            rows += found.broken.sorted { $0.key < $1.key }.map {
                Offline(
                    name: $0.key, state: "broken", inPipeline: inPipeline.contains($0.key),
                    problems: $0.value.problems.map(\.description))
            }
            if connection.wantsJSON { return try rows.forEach(printJSONLine) }
            print("plugin folders: \(configuration.plugins.directories.joined(separator: ", "))")
            if rows.isEmpty { return print("no plugins found") }
            printTable(
                ["NAME", "STATE", "IN PIPELINE", "ON ERROR", "FOLDER / PROBLEM"],
                rows.map { r in
                    [
                        r.name, r.state, r.inPipeline ? "yes" : "no", r.onError ?? "-",
                        r.directory ?? r.problems?.first ?? "-",
                    ]
                })
        }
    }
}

/// The plugins table `plugins list` and `status` print.
func printPlugins(_ plugins: [PluginStatus]) {
    printTable(
        [
            "NAME", "STATE", "PID", "RESTARTS", "IN FLIGHT", "OK", "DROPPED", "FAILED", "ERRORS", "TIMEOUTS",
            "ON ERROR", "LAST ERROR",
        ],
        plugins.map { p in
            let c = p.counts
            return [
                p.name, p.state, p.pid.map(String.init) ?? "-", "\(p.restarts)", "\(p.inFlight)",
                "\(c["continued"] ?? 0)",
                "\(c["dropped"] ?? 0)", "\(c["failed"] ?? 0)", "\(c["errors"] ?? 0)", "\(c["timeouts"] ?? 0)",
                p.onError,
                p.lastError.map { "\(short($0, 70)) (\(iso(p.lastErrorAt)))" } ?? "-",
            ]
        })
}

extension Plugins {
    /// `ingestctl plugins bench`: articles through a plugin, in this process, next to the same pipeline
    /// without it. Hidden: the Swift half of scripts/bench_plugins.py.
    struct PluginsBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench", abstract: "For `make bench`: throughput through one plugin, with articles in flight.",
            discussion:
                "Three runs over the same generated articles, each from --concurrency tasks: the plugin alone, the built-in stages (--stages), and the plugin followed by the built-in stages. Prints one JSON object.",
            shouldDisplay: false)

        @Option(name: .long, help: "The plugin's folder (holding plugin.toml).") var plugin: String
        @Option(name: .long, help: "Articles per run.") var articles = 50_000
        @Option(name: .long, help: "Articles in flight at once (tasks sending).") var concurrency = 64
        @Option(name: .long, help: "Words of text per article.") var words = 120
        @Option(name: .long, help: "The built-in stages the plugin is compared with, comma-separated (default: all).")
        var stages: String?

        func run() async throws {
            let manifest: PluginManifest
            switch PluginManifest.load(directory: plugin) {
            case .success(let m): manifest = m
            case .failure(let error): throw CLIError("\(error)")
            }
            var logger = Logger(label: "ingestctl.bench")
            logger.logLevel = .error
            let state = FileManager.default.temporaryDirectory.appendingPathComponent(
                "ingestctl-plugins-bench-\(getpid())"
            ).path
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: state) }
            let context = StageContext(stateDirectory: state)
            let parent = (manifest.directory as NSString).deletingLastPathComponent
            let host = PluginHost(configuration: PluginsConfiguration(directories: [parent]), logger: logger)
            let problems = ConfigProblems()
            let section = ConfigSection(path: "stages.\(manifest.name)", values: [:], problems: problems)
            guard let stage = host.makeStage(named: manifest.name, section: section, context: context) else {
                throw CLIError(
                    "cannot build plugin '\(manifest.name)': \(problems.items.map(\.description).joined(separator: "; "))"
                )
            }
            let names = stages.map { $0.split(separator: ",").map(String.init) } ?? builtInStages.names
            // Fresh stages for each run: what dedupe remembers from one run must not make the next cheaper.
            func builtIn() throws -> [any Stage] {
                try names.map { name in
                    let section = ConfigSection(path: "stages.\(name)", values: [:], problems: problems)
                    guard let built = builtInStages.type(named: name)?.make(from: section, context: context) else {
                        throw CLIError(
                            "cannot build stage '\(name)' \(problems.items.map(\.description).joined(separator: "; "))")
                    }
                    return built
                }
            }
            let samples = Self.articles(count: articles, words: words)
            host.start()
            // Warm up: the handshake, the first articles.
            _ = await measure(Pipeline(stages: [stage]), Array(samples.prefix(2_000)), logger: logger)
            let alone = await measure(Pipeline(stages: [stage]), samples, logger: logger)
            let base = await measure(Pipeline(stages: try builtIn()), samples, logger: logger)
            let with = await measure(Pipeline(stages: [stage] + (try builtIn())), samples, logger: logger)
            let status = host.statuses().first
            await host.stop()
            struct Result: Encodable {
                var plugin: String
                var articles: Int
                var concurrency: Int
                var words: Int
                var stages: [String]
                var pluginAlonePerSec: Double
                var stagesPerSec: Double
                var stagesWithPluginPerSec: Double
                var ratio: Double
                var pluginCompleted: Int
                var errors: Int
                /// This process's CPU time per article through the plugin alone: the host's cost.
                var hostCPUMicrosPerArticle: Double
                enum CodingKeys: String, CodingKey {
                    case plugin, articles, concurrency, words, stages, ratio, errors
                    case hostCPUMicrosPerArticle = "host_cpu_us_per_article"
                    case pluginAlonePerSec = "plugin_alone_per_sec", stagesPerSec = "stages_per_sec"
                    case stagesWithPluginPerSec = "stages_with_plugin_per_sec", pluginCompleted = "plugin_completed"
                }
            }
            try printJSONLine(
                Result(
                    plugin: manifest.name, articles: articles, concurrency: concurrency, words: words, stages: names,
                    pluginAlonePerSec: Double(articles) / alone.seconds, stagesPerSec: Double(articles) / base.seconds,
                    stagesWithPluginPerSec: Double(articles) / with.seconds, ratio: base.seconds / with.seconds,
                    pluginCompleted: alone.completed, errors: status?.counts["errors"] ?? 0,
                    hostCPUMicrosPerArticle: alone.cpu * 1e6 / Double(articles)))
        }

        /// Articles of `words` words drawn from a fixed vocabulary (seeded), so no two are near-duplicates.
        static func articles(count: Int, words: Int) -> [Article] {
            let vocabulary = """
                harbour council ferry storm island mainland crossing passengers engineers pier damage railings lights \
                shops customers deliveries food volunteers residents power forecast weather winds showers timetable \
                operator tickets fishermen swell trees road schools roofs windows budget election minister court \
                river bridge train station market prices wages teachers hospital doctors nurses patients museum \
                festival music theatre library garden park football match season players coach goal league cup
                """.split(separator: " ").map(String.init)
            var rng = SplitMix64(seed: 42)
            let origin = Origin(source: "bench", kind: .cli, location: "bench", receivedAt: Date())
            return (0..<count).map { n in
                var text = ""
                for w in 0..<words {
                    text += vocabulary[Int(rng.next() % UInt64(vocabulary.count))]
                    text += w % 15 == 14 ? ".\n\n" : " "
                }
                return Article(
                    text: text, title: "Story \(n) about the harbour", url: "https://example.org/\(n)", origin: origin,
                    format: .text)
            }
        }

        /// Runs `samples` through `pipeline` from `concurrency` tasks; wall seconds and completions.
        private func measure(_ pipeline: Pipeline, _ samples: [Article], logger: Logger) async -> (
            seconds: Double, completed: Int, cpu: Double
        ) {
            let clock = ContinuousClock()
            let start = clock.now
            let cpu0 = Self.cpuSeconds()
            let workers = concurrency
            let completed = await withTaskGroup(of: Int.self) { group in
                for w in 0..<workers {
                    group.addTask {
                        var done = 0
                        var i = w
                        while i < samples.count {
                            let result = await pipeline.run(samples[i], logger: logger)
                            if case .completed = result { done += 1 }
                            // As the runner does for what it does not commit: stages forget the article.
                            await pipeline.finished(result.article, committed: false)
                            i += workers
                        }
                        return done
                    }
                }
                return await group.reduce(0, +)
            }
            let d = start.duration(to: clock.now)
            return (
                Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18, completed,
                Self.cpuSeconds() - cpu0
            )
        }

        private static func cpuSeconds() -> Double {
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            func secs(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
            return secs(usage.ru_utime) + secs(usage.ru_stime)
        }
    }
}
