import ArgumentParser
import IngestCore
import IngestDaemon

/// The operator's control CLI. Each subcommand lives in its own file.
@main
struct Ingestctl: AsyncParsableCommand {
    /// Config files are parsed in a child process first (``TOMLProbe``), and a probe child answers here.
    static func main() async {
        await mainProbingTOML()
    }

    static let configuration = CommandConfiguration(
        commandName: "ingestctl",
        abstract: "Shows ingestd's status and drives it: the queue, articles, dry runs, config checks.",
        version: "0.1.0",
        subcommands: [Status.self, Queue.self, Articles.self, Run.self, Validate.self, Feeds.self, Extract.self, Classify.self, Plugins.self, Bench.self, BenchDedupe.self,
                      Reprocess.self, Reload.self, Pause.self, Resume.self, Config.self, Stages.self, Folders.self])
}
