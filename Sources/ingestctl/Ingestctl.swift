import ArgumentParser
import IngestCore

/// The operator's control CLI. Each subcommand lives in its own file.
@main
struct Ingestctl: AsyncParsableCommand {
    /// A probe child (``TOMLProbe``) parses its stdin and exits before any argument is read; otherwise
    /// config files are parsed in a child first, so a parser crash is reported, not suffered.
    static func main() async {
        TOMLProbe.serveIfAsked()
        TOMLProbe.enable()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "ingestctl",
        abstract: "Shows ingestd's status and drives it: the queue, articles, dry runs, config checks.",
        version: "0.1.0",
        subcommands: [Status.self, Queue.self, Articles.self, Run.self, Validate.self, Feeds.self, Extract.self, Classify.self, Plugins.self, Bench.self, BenchDedupe.self,
                      Reprocess.self, Reload.self, Pause.self, Resume.self, Config.self, Stages.self, Folders.self])
}
