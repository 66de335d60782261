import Foundation
public import IngestCore
public import Logging
import Synchronization

/// Runs the exec plugins of one pipeline: builds their stages by name from the catalog, starts each
/// plugin once, reports their state, restarts the failed or changed ones on reload, and stops them all.
///
/// - Important: call ``stop()`` before the daemon exits. Plugins also die with the daemon if it is killed
///   (the kernel sends them SIGKILL), and never outlive it as zombies (each is reaped by its own thread).
public final class PluginHost: StageProvider, Sendable {
    private let configuration: PluginsConfiguration
    private let reserved: Set<String>
    private let logger: Logger
    private let catalog: Mutex<PluginCatalog>
    /// The `[stages]` table as read: a plugin's section is its settings, sent in the handshake.
    private let stagesValues: [String: ConfigValue]
    private let instances = Mutex<[PluginInstance]>([])

    public init(
        configuration: PluginsConfiguration, reserved: Set<String> = [], stagesValues: [String: ConfigValue] = [:],
        logger: Logger
    ) {
        self.configuration = configuration
        self.reserved = reserved
        self.stagesValues = stagesValues
        self.logger = logger
        catalog = Mutex(PluginCatalog(configuration: configuration, reserved: reserved))
    }

    public var names: [String] { catalog.withLock { $0.names } }

    /// The catalog as found: plugins, broken manifests, shadowed folders.
    public var found: PluginCatalog { catalog.withLock { $0 } }

    public func makeStage(named name: String, section: ConfigSection, context: StageContext) -> (any Stage)? {
        section.markAllRead()
        let (manifest, broken) = catalog.withLock { ($0.manifests[name], $0.broken[name]) }
        guard let manifest else {
            for problem in broken?.problems ?? [] { section.problem(nil, "plugin: \(problem.description)") }
            return nil
        }
        var settings: [String: JSONValue] = [:]
        if case .table(let table)? = stagesValues[name] { settings = table.mapValues(JSONValue.init) }
        let instance = PluginInstance(manifest: manifest, settings: settings, logger: logger)
        instances.withLock { $0.append(instance) }
        return PluginStage(instance: instance)
    }

    /// Every plugin stage built so far, in pipeline order.
    public var plugins: [PluginInstance] { instances.withLock { $0 } }

    /// Starts every plugin in the pipeline (the handshakes go on in the background).
    public func start() {
        for instance in plugins { instance.start() }
        let broken = catalog.withLock { $0.broken }
        for (name, error) in broken.sorted(by: { $0.key < $1.key }) {
            logger.warning(
                "plugin manifest has problems; the plugin cannot be used",
                metadata: ["plugin": "\(name)", "problems": "\(error)"])
        }
    }

    /// Stops every plugin, all at once, each within its grace period.
    public func stop() async {
        await withTaskGroup(of: Void.self) { group in
            for instance in plugins { group.addTask { await instance.stop() } }
        }
    }

    /// SIGHUP: manifests are read again; failed plugins and plugins whose files changed are restarted.
    /// A plugin added to or removed from the pipeline still needs a daemon restart.
    public func reload() {
        let fresh = PluginCatalog(configuration: configuration, reserved: reserved)
        catalog.withLock { $0 = fresh }
        for instance in plugins {
            if let manifest = fresh.manifests[instance.name] {
                instance.reload(manifest: manifest)
            } else {
                logger.error(
                    "plugin manifest unreadable on reload; the plugin keeps its old one",
                    metadata: [
                        "plugin": "\(instance.name)",
                        "problems": "\(fresh.broken[instance.name].map { "\($0)" } ?? "no longer found")",
                    ])
                instance.reload(manifest: nil)
            }
        }
    }

    public func statuses() -> [PluginStatus] {
        plugins.map { $0.status() }
    }
}
