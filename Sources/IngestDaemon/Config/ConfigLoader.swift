import Foundation
public import IngestCore
public import IngestPlugins
public import IngestSources
import IngestStages
public import Logging

/// A complete, validated configuration: every section read by its owner.
public struct IngestConfiguration: Sendable {
    public var daemon: DaemonConfiguration
    public var store: StoreConfiguration
    public var queue: QueueConfiguration
    public var pipeline: PipelineConfiguration
    public var folders: [FolderSource.Configuration]
    /// `[[sources.feeds]]`: feeds polled from the config (more are added with `ingestctl feeds add`).
    public var feeds: [FeedSourceConfiguration]
    /// `[feeds]`: how every feed is fetched and scheduled.
    public var feedFetch: FeedFetchConfiguration
    /// `[[routes]]`: which queue an article goes to.
    public var router: Router
    /// `[plugins]`: where exec plugins are found.
    public var plugins: PluginsConfiguration
    /// `[metrics]`: the Prometheus endpoint (off by default).
    public var metrics: MetricsConfiguration
    /// Where it came from: file paths, or "embedded defaults".
    public var origin: String
    /// The file it was loaded from (`nil`: embedded defaults), which a reload (SIGHUP) reads again.
    public internal(set) var path: String? = nil
    /// The `[stages]` table as read, to build the pipeline again with what only the daemon has (the store).
    var stagesValues: [String: ConfigValue]
}

/// Reads the configuration file and its drop-ins, hands each section to its owner, and reports every
/// problem at once with its key path. `ingestd --check-config`, `ingestctl validate` and the daemon's
/// start all run this same code.
public enum ConfigLoader {
    /// The config file used when none is named: `$INGESTD_CONFIG`, else `/etc/ingestd/ingestd.toml` when it
    /// exists, else none (embedded defaults: everything under `./var`).
    public static func defaultPath() -> String? {
        if let env = ProcessInfo.processInfo.environment["INGESTD_CONFIG"], !env.isEmpty { return env }
        let etc = "/etc/ingestd/ingestd.toml"
        return FileManager.default.fileExists(atPath: etc) ? etc : nil
    }

    /// Loads `path` (or the embedded defaults when `nil`) and builds the pipeline it names.
    public static func load(path: String?) throws(ConfigurationError) -> (IngestConfiguration, Pipeline) {
        guard let path else { return try build([:], origin: "embedded defaults") }
        let url = URL(fileURLWithPath: path)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ConfigurationError(problems: [ConfigProblem(keyPath: "", message: "\(path): cannot read the file")])
        }
        var values = try TOMLReader.parse(text, file: path)
        var files = [path]
        // Drop-ins: `ingestd.d/*.toml` beside the file, in name order, each merged over the previous.
        let dropInDir = url.deletingLastPathComponent().appendingPathComponent("ingestd.d")
        let dropIns = ((try? FileManager.default.contentsOfDirectory(atPath: dropInDir.path)) ?? [])
            .filter { $0.hasSuffix(".toml") }.sorted()
        for name in dropIns {
            let file = dropInDir.appendingPathComponent(name).path
            guard let extra = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError(problems: [ConfigProblem(keyPath: "", message: "\(file): cannot read the file")])
            }
            values = merge(values, try TOMLReader.parse(extra, file: file))
            files.append(file)
        }
        var (configuration, pipeline) = try build(values, origin: files.joined(separator: ", "))
        configuration.path = path
        return (configuration, pipeline)
    }

    /// Builds from TOML text (tests, `ingestctl validate -`).
    public static func parse(_ text: String, file: String = "<config>") throws(ConfigurationError) -> (IngestConfiguration, Pipeline) {
        try build(try TOMLReader.parse(text, file: file), origin: file)
    }

    /// Tables merge key by key; arrays of tables (`[[sources.folders]]`) are appended; anything else is
    /// replaced by the later file.
    static func merge(_ base: [String: ConfigValue], _ over: [String: ConfigValue]) -> [String: ConfigValue] {
        var result = base
        for (key, value) in over {
            switch (result[key], value) {
            case (.table(let a)?, .table(let b)): result[key] = .table(merge(a, b))
            case (.array(let a)?, .array(let b)) where b.allSatisfy({ if case .table = $0 { true } else { false } }):
                result[key] = .array(a + b)
            default: result[key] = value
            }
        }
        return result
    }

    static func build(_ values: [String: ConfigValue], origin: String) throws(ConfigurationError) -> (IngestConfiguration, Pipeline) {
        let problems = ConfigProblems()
        let root = ConfigSection(path: "", values: values, problems: problems)
        let daemon = DaemonConfiguration(from: root.section("daemon"))
        let store = StoreConfiguration(from: root.section("store"), daemon: daemon)
        let queue = QueueConfiguration(from: root.section("queue"))
        let pipelineConfig = PipelineConfiguration(from: root.section("pipeline"), defaultStages: builtInStages.names)

        let plugins = PluginsConfiguration(from: root.section("plugins"), resolve: daemon.resolve)
        let feedFetch = FeedFetchConfiguration(from: root.section("feeds"))
        let metrics = MetricsConfiguration(from: root.section("metrics"))
        let router = Router(routes: root.sections("routes").map(Route.init(from:)))
        var folders: [FolderSource.Configuration] = []
        var feeds: [FeedSourceConfiguration] = []
        if root.has("sources") {
            let sources = root.section("sources")
            for section in sources.sections("folders") {
                folders.append(FolderSource.Configuration(from: section, daemon: daemon))
            }
            for section in sources.sections("feeds") {
                feeds.append(FeedSourceConfiguration(from: section, daemon: daemon))
            }
            sources.finish()
        } else {
            // No [sources] at all: the embedded default, one inbox under the state directory.
            let section = ConfigSection(path: "sources.folders[0]", values: ["name": .string("inbox")], problems: problems)
            folders.append(FolderSource.Configuration(from: section, daemon: daemon))
        }
        // Names identify sources in the status, in every article's origin and in feed ledger keys.
        var names: Set<String> = []
        var paths: Set<String> = []
        for (i, folder) in folders.enumerated() {
            if !names.insert(folder.name).inserted {
                problems.add("sources.folders[\(i)].name", "another source is already named '\(folder.name)'")
            }
            if !paths.insert(folder.path).inserted {
                problems.add("sources.folders[\(i)].path", "another folder source already watches \(folder.path)")
            }
        }
        var urls: [String: String] = [:]
        for (i, feed) in feeds.enumerated() where !feed.name.isEmpty {
            if !names.insert(feed.name).inserted {
                problems.add("sources.feeds[\(i)].name", "another source is already named '\(feed.name)'")
            }
            if let other = urls[feed.url] {
                problems.add("sources.feeds[\(i)].url", "feed '\(other)' already polls \(feed.url)")
            }
            urls[feed.url] = feed.name
        }

        var stagesValues: [String: ConfigValue] = [:]
        if case .table(let table)? = values["stages"] { stagesValues = table }
        let context = StageContext(stateDirectory: daemon.stateDirectory)
        // Plugins are found and their manifests checked here, but nothing is started: a plugin stage starts
        // its process on its first article, or when the daemon starts its host.
        let host = PluginHost(
            configuration: plugins, reserved: Set(builtInStages.names), stagesValues: stagesValues,
            logger: Logger(label: "ingestd.plugins"))
        let pipeline = builtInStages.buildPipeline(
            pipelineConfig, stagesSection: root.section("stages"), context: context, provider: host)
        root.finish()
        guard problems.items.isEmpty else { throw ConfigurationError(problems: problems.items) }
        let configuration = IngestConfiguration(
            daemon: daemon, store: store, queue: queue, pipeline: pipelineConfig, folders: folders, feeds: feeds,
            feedFetch: feedFetch, router: router, plugins: plugins, metrics: metrics, origin: origin,
            stagesValues: stagesValues)
        return (configuration, pipeline)
    }

    /// The host for the configuration's exec plugins: the catalog of its plugin folders, nothing started.
    public static func pluginHost(for configuration: IngestConfiguration, logger: Logger) -> PluginHost {
        PluginHost(
            configuration: configuration.plugins, reserved: Set(builtInStages.names),
            stagesValues: configuration.stagesValues, logger: logger)
    }

    /// The configured pipeline, built again with the store's dedupe index and the daemon's plugin host: what
    /// the daemon runs. The configuration was validated by ``load(path:)``, so problems here mean a stage
    /// failed to start (or a plugin's manifest changed since).
    public static func pipeline(
        for configuration: IngestConfiguration, duplicateIndex: any DuplicateIndex, plugins: PluginHost
    ) throws(ConfigurationError) -> Pipeline {
        try pipeline(for: configuration, duplicateIndex: duplicateIndex, provider: plugins)
    }

    /// The same, with exec plugin stages asked of `provider` (a reload reuses the running ones).
    static func pipeline(
        for configuration: IngestConfiguration, duplicateIndex: any DuplicateIndex, provider: any StageProvider
    ) throws(ConfigurationError) -> Pipeline {
        let problems = ConfigProblems()
        let stages = ConfigSection(path: "stages", values: configuration.stagesValues, problems: problems)
        let context = StageContext(stateDirectory: configuration.daemon.stateDirectory, duplicateIndex: duplicateIndex)
        let pipeline = builtInStages.buildPipeline(
            configuration.pipeline, stagesSection: stages, context: context, provider: provider)
        guard problems.items.isEmpty else { throw ConfigurationError(problems: problems.items) }
        return pipeline
    }
}
