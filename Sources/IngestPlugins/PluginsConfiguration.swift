import Foundation
public import IngestCore

/// The `[plugins]` section: where exec plugins are looked for.
///
/// - Configuration keys:
///   - `directories` ([string], default: `["<prefix>/lib/ingestd/plugins", "/etc/ingestd/plugins.d"]`): folders
///     whose subfolders holding a `plugin.toml` are plugins. Earlier folders win when two plugins share a
///     name. A relative folder is relative to `state_dir`. A default folder that does not exist is skipped;
///     a named one that does not exist is an error.
public struct PluginsConfiguration: Sendable, Equatable {
    public var directories: [String]
    /// Whether ``directories`` is the default list (missing folders are then fine).
    public var isDefault: Bool

    public init(directories: [String]? = nil) {
        self.directories = directories ?? Self.defaultDirectories
        isDefault = directories == nil
    }

    /// `resolve` turns a relative folder into a path (the daemon's `state_dir` rule).
    public init(from section: ConfigSection, resolve: (String) -> String) {
        if section.has("directories") {
            directories = section.strings("directories", default: []).map(resolve)
            isDefault = false
            for (i, dir) in directories.enumerated() {
                var isDir: ObjCBool = false
                if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
                    section.problems.add("\(section.keyPath("directories"))[\(i)]", "\(dir) is not a folder")
                }
            }
        } else {
            directories = Self.defaultDirectories
            isDefault = true
        }
        section.finish()
    }

    /// The installation's `plugins` folder (`<prefix>/lib/ingestd/plugins` for `<prefix>/bin/ingestd`), then the
    /// administrator's.
    public static var defaultDirectories: [String] {
        // /proc/self/exe, not argv[0], which is a bare name when ingestd was found through PATH.
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? "/usr/bin/ingestd"
        let executable = URL(fileURLWithPath: exe).resolvingSymlinksInPath()
        let prefix = executable.deletingLastPathComponent().deletingLastPathComponent().path
        return [(prefix as NSString).appendingPathComponent("lib/ingestd/plugins"), "/etc/ingestd/plugins.d"]
    }
}
