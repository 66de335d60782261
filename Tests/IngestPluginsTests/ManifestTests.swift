import Foundation
import IngestCore
import IngestTestKit
import Testing

@testable import IngestPlugins

@Suite("plugin.toml and the plugin folders")
struct ManifestTests {
    @Test("a complete manifest: every key read, the program resolved")
    func complete() throws {
        let dir = try TemporaryDirectory("manifest")
        let folder = try writePlugin(
            dir, name: "full", script: "#!/bin/sh\n", language: "sh",
            manifest: """
                protocol = 1
                timeout_ms = 250
                max_in_flight = 3
                on_error = "retry"
                start_timeout_ms = 2000
                max_line_bytes = 2048
                max_output_bytes_per_sec = 4096
                max_noise_lines_per_sec = 10
                [env]
                MODEL = "m"
                """)
        let manifest = try PluginManifest.load(directory: folder).get()
        #expect(manifest.name == "full")
        #expect(manifest.command == ["\(folder)/plugin.sh"])
        #expect(manifest.timeoutMillis == 250)
        #expect(manifest.maxInFlight == 3)
        #expect(manifest.onError == .retry)
        #expect(manifest.startTimeoutMillis == 2000)
        #expect(manifest.maxLineBytes == 2048)
        #expect(manifest.maxOutputBytesPerSecond == 4096)
        #expect(manifest.maxNoiseLinesPerSecond == 10)
        #expect(
            manifest.processEnvironment == [
                "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": folder, "INGESTD_PLUGIN": "full",
                "INGESTD_PLUGIN_PROTOCOL": "1", "MODEL": "m",
            ])
    }

    @Test(
        "every problem of a bad manifest, with its file",
        arguments: [
            ("name = \"Bad Name\"\ncommand = \"./plugin.sh\"", "name: 'Bad Name' must be lowercase"),
            ("name = \"x\"", "command: is required"),
            ("name = \"x\"\ncommand = \"./missing.sh\"", "command: './missing.sh' is not an executable file"),
            ("name = \"x\"\ncommand = \"no-such-program-anywhere\"", "is not an executable file in PATH"),
            ("name = \"x\"\ncommand = \"./plugin.sh\"\non_error = \"ignore\"", "on_error: 'ignore' is not one of"),
            (
                "name = \"x\"\ncommand = \"./plugin.sh\"\nprotocol = 2",
                "protocol: version 2 is not one this ingestd speaks"
            ),
            ("name = \"x\"\ncommand = \"./plugin.sh\"\ntimeout = 5", "timeout: unknown key"),
            ("name = \"x\"\ncommand = \"./plugin.sh\"\ntimeout_ms = 0", "timeout_ms: 0 is out of range"),
            ("name = \"x\"\ncommand = [\"./plugin.sh\", 3]", "command[1]: expected a string"),
            ("name = = \"x\"", "plugin.toml: line 1"),
        ])
    func problems(manifest: String, expected: String) throws {
        let dir = try TemporaryDirectory("manifest-bad")
        try dir.write("p/plugin.toml", manifest)
        chmod(try dir.write("p/plugin.sh", "#!/bin/sh\n"), 0o755)
        guard case .failure(let error) = PluginManifest.load(directory: dir.file("p")) else {
            Issue.record("accepted: \(manifest)")
            return
        }
        #expect(error.description.contains(expected), "\(error)")
        #expect(error.description.contains(dir.file("p/plugin.toml")), "\(error)")
    }

    @Test("discovery: subfolders with plugin.toml; the first folder wins a name; built-in names are refused")
    func discovery() throws {
        let a = try TemporaryDirectory("plugins-a")
        let b = try TemporaryDirectory("plugins-b")
        try writePlugin(a, name: "one", script: "#!/bin/sh\n", language: "sh")
        try writePlugin(b, name: "one", script: "#!/bin/sh\n", language: "sh")
        try writePlugin(b, name: "two", script: "#!/bin/sh\n", language: "sh")
        try writePlugin(b, name: "clean", script: "#!/bin/sh\n", language: "sh")
        try b.write("plugins/broken/plugin.toml", "name = \"broken\"\n")
        try b.write("plugins/not-a-plugin/README.md", "nothing\n")
        let catalog = PluginCatalog(
            configuration: PluginsConfiguration(directories: [a.file("plugins"), b.file("plugins"), "/nonexistent"]),
            reserved: ["clean"])
        #expect(catalog.manifests.keys.sorted() == ["one", "two"])
        #expect(catalog.manifests["one"]?.directory == a.file("plugins/one"))
        #expect(catalog.shadowed["one"] == [b.file("plugins/one")])
        #expect(catalog.broken.keys.sorted() == ["broken", "clean"])
        #expect(catalog.names == ["broken", "clean", "one", "two"])
    }

    @Test("a pipeline naming a broken plugin reports the manifest's problems; a plugin's section needs no keys of ours")
    func pipelineProblems() throws {
        let dir = try TemporaryDirectory("plugins-pipeline")
        try dir.write("plugins/broken/plugin.toml", "name = \"broken\"\n")
        try writePlugin(dir, name: "good", script: "#!/bin/sh\n", language: "sh")
        let host = PluginHost(configuration: PluginsConfiguration(directories: [dir.file("plugins")]), logger: quiet)
        let problems = ConfigProblems()
        let stages = ConfigSection(path: "stages", values: ["good": .table(["anything": .int(1)])], problems: problems)
        let pipeline = StageRegistry([]).buildPipeline(
            PipelineConfiguration(stages: ["good", "broken", "missing"]), stagesSection: stages,
            context: StageContext(stateDirectory: dir.path), provider: host)
        #expect(pipeline.names == ["good"])
        let messages = problems.items.map(\.description)
        #expect(
            messages.contains { $0.hasPrefix("stages.broken: plugin: ") && $0.contains("command: is required") },
            "\(messages)")
        #expect(messages.contains { $0.contains("unknown stage 'missing' (known: broken, good)") }, "\(messages)")
        #expect(messages.count == 2, "\(messages)")
    }
}
