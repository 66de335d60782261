import ArgumentParser
import CMimalloc
import Foundation
import IngestCore
import IngestDaemon
import Logging

/// The daemon. Everything it does lives in `IngestDaemon`; this file only reads the command line.
@main
struct IngestdCommand: AsyncParsableCommand {
    /// Config files are parsed in a child process first (``TOMLProbe``), and a probe child answers here.
    static func main() async {
        ingest_mimalloc_keep_freed_pages(10_000)
        await mainProbingTOML()
    }

    static let configuration = CommandConfiguration(
        commandName: "ingestd",
        abstract: "Ingests feeds and dropped files through a pipeline of stages into a queue table.",
        version: ControlAPI.ingestdVersion)

    @Option(name: .long, help: "The config file. Default: $INGESTD_CONFIG, else /etc/ingestd/ingestd.toml if it exists, else embedded defaults under ./var.")
    var config: String?

    @Flag(name: .long, help: "Check the configuration, print every problem with its key path, and exit.")
    var checkConfig = false

    func run() async throws {
        let path = config ?? ConfigLoader.defaultPath()
        let loaded: (IngestConfiguration, Pipeline)
        do {
            loaded = try ConfigLoader.load(path: path)
        } catch {
            FileHandle.standardError.write(Data("ingestd: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if checkConfig {
            print("configuration OK (\(loaded.0.origin)); pipeline: \(loaded.1.names.isEmpty ? "(empty)" : loaded.1.names.joined(separator: " → "))")
            return
        }
        let level = Logger.Level(rawValue: loaded.0.daemon.logLevel) ?? .info
        // The journal with structured fields when systemd connected stderr to it; readable lines otherwise.
        LoggingSystem.bootstrap(DaemonLogging.factory(level: level))
        let logger = Logger(label: "ingestd")
        do {
            try await Daemon(configuration: loaded.0, logger: logger).run()
        } catch {
            logger.critical("ingestd cannot run", metadata: ["error": "\(error)"])
            FileHandle.standardError.write(Data("ingestd: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
