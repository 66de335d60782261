import IngestCore
import Testing

@testable import IngestSources

@Suite("FolderSource.Configuration")
struct FolderConfigurationTests {
    private func parse(_ values: [String: ConfigValue], stateDir: String = "/var/lib/ingestd")
        -> (FolderSource.Configuration, [String])
    {
        let problems = ConfigProblems()
        let section = ConfigSection(path: "sources.folders[0]", values: values, problems: problems)
        var daemon = DaemonConfiguration()
        daemon.stateDirectory = stateDir
        let configuration = FolderSource.Configuration(from: section, daemon: daemon)
        return (configuration, problems.items.map(\.description))
    }

    @Test("defaults apply when only the name is given")
    func defaults() {
        let (c, problems) = parse(["name": .string("drop")])
        #expect(problems.isEmpty)
        #expect(c.name == "drop")
        #expect(c.path == "/var/lib/ingestd/inbox")
        #expect(c.onSuccess == .move)
        #expect(c.doneDirectory == "done")
        #expect(c.failedDirectory == "failed")
        #expect(c.maxFileBytes == 16 * 1024 * 1024)
        #expect(c.settle == .milliseconds(1_000))
        #expect(c.maxInFlight == 1024)
        #expect(c.maxInFlightBytes == 64 * 1024 * 1024)
        #expect(c == FolderSource.Configuration(name: "drop", path: "/var/lib/ingestd/inbox"))
    }

    @Test("every key is read")
    func allKeys() {
        let (c, problems) = parse([
            "name": .string("drop"), "path": .string("/srv/drop"), "on_success": .string("delete"),
            "done_dir": .string("ok"), "failed_dir": .string("bad"), "max_file_bytes": .int(1000),
            "settle_ms": .int(250), "max_in_flight": .int(8), "max_in_flight_bytes": .int(2 << 20),
        ])
        #expect(problems.isEmpty)
        #expect(c.path == "/srv/drop")
        #expect(c.onSuccess == .delete)
        #expect(c.doneDirectory == "ok")
        #expect(c.failedDirectory == "bad")
        #expect(c.maxFileBytes == 1000)
        #expect(c.settle == .milliseconds(250))
        #expect(c.maxInFlight == 8)
        #expect(c.maxInFlightBytes == 2 << 20)
    }

    @Test("a relative path is resolved against the state directory")
    func relativePath() {
        let (c, _) = parse(["name": .string("a"), "path": .string("drops/a")], stateDir: "var")
        #expect(c.path == "var/drops/a")
    }

    @Test("problems are reported with their key paths")
    func problems() {
        let (c, problems) = parse([
            "path": .string(""), "on_success": .string("archive"), "done_dir": .string("../elsewhere"),
            "failed_dir": .string("failed"), "max_file_bytes": .int(0), "settle_ms": .string("soon"),
            "max_in_flight": .int(0), "colour": .string("blue"),
        ])
        #expect(problems.contains("sources.folders[0].name: is required"))
        #expect(problems.contains("sources.folders[0].path: must not be empty"))
        #expect(problems.contains { $0.hasPrefix("sources.folders[0].on_success: 'archive' is not one of") })
        #expect(problems.contains { $0.hasPrefix("sources.folders[0].done_dir: must be a folder name, not a path") })
        #expect(problems.contains { $0.hasPrefix("sources.folders[0].max_file_bytes: 0 is out of range") })
        #expect(problems.contains("sources.folders[0].settle_ms: expected an integer, found string"))
        #expect(problems.contains { $0.hasPrefix("sources.folders[0].max_in_flight: 0 is out of range") })
        #expect(problems.contains("sources.folders[0].colour: unknown key"))
        #expect(problems.count == 8)
        // Wrong values fall back to the defaults.
        #expect(c.onSuccess == .move)
        #expect(c.maxFileBytes == 16 * 1024 * 1024)
    }

    @Test("done and failed folders must differ")
    func sameSubfolders() {
        let (_, problems) = parse(["name": .string("a"), "done_dir": .string("x"), "failed_dir": .string("x")])
        #expect(problems == ["sources.folders[0].failed_dir: must differ from done_dir ('x')"])
    }

    @Test("a name of the wrong type is one problem, not two")
    func wrongTypeName() {
        let (_, problems) = parse(["name": .int(3)])
        #expect(problems == ["sources.folders[0].name: expected a string, found integer"])
    }
}
