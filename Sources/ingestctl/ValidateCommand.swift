import ArgumentParser
import Foundation
import IngestCore
import IngestDaemon

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a configuration; prints every problem with its key path (the same check ingestd runs).")

    @Option(name: .long, help: "The config file (default: the one ingestd would use).") var config: String?

    func run() throws {
        let path = config ?? ConfigLoader.defaultPath()
        do {
            let (configuration, pipeline) = try ConfigLoader.load(path: path)
            print("configuration OK (\(configuration.origin)); pipeline: \(pipeline.names.isEmpty ? "(empty)" : pipeline.names.joined(separator: " → "))")
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
