import Foundation
public import IngestCore

/// The plugins found in the configured folders: every subfolder with a `plugin.toml`.
///
/// A manifest with problems does not stop the daemon unless the pipeline names that plugin: its problems
/// are then the configuration's. A broken plugin is known by its folder's name.
public struct PluginCatalog: Sendable {
    /// Plugins whose manifest reads, by name; the first folder wins.
    public private(set) var manifests: [String: PluginManifest] = [:]
    /// Manifests with problems, by folder name.
    public private(set) var broken: [String: ConfigurationError] = [:]
    /// Plugins hidden by one of the same name in an earlier folder: name → the hidden folders.
    public private(set) var shadowed: [String: [String]] = [:]

    public init() {}

    /// Looks in every folder of `configuration`, in order. `reserved` names (the built-in stages) cannot be
    /// taken by a plugin.
    public init(configuration: PluginsConfiguration, reserved: Set<String> = []) {
        for directory in configuration.directories {
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            for entry in entries where !entry.hasPrefix(".") {
                let folder = (directory as NSString).appendingPathComponent(entry)
                guard FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("plugin.toml"))
                else { continue }
                switch PluginManifest.load(directory: folder) {
                case .success(let manifest):
                    if reserved.contains(manifest.name) {
                        broken[manifest.name] = ConfigurationError(problems: [
                            ConfigProblem(
                                keyPath: "",
                                message: "\(folder)/plugin.toml: name '\(manifest.name)' is a built-in stage's")
                        ])
                    } else if manifests[manifest.name] != nil {
                        shadowed[manifest.name, default: []].append(folder)
                    } else {
                        manifests[manifest.name] = manifest
                    }
                case .failure(let error):
                    if broken[entry] == nil && manifests[entry] == nil { broken[entry] = error }
                }
            }
        }
    }

    /// Every name the pipeline may use or be told about: the working plugins and the broken ones.
    public var names: [String] { Set(manifests.keys).union(broken.keys).sorted() }
}
