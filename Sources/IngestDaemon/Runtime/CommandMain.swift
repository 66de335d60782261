public import ArgumentParser
import IngestCore

extension AsyncParsableCommand {
    /// `main` for ingestd and ingestctl. In a probe child (``TOMLProbe``) it parses its stdin and exits
    /// before any argument is read; otherwise the command runs with config files parsed in a child first,
    /// so a crash of the TOML library is reported as a problem instead of ending the process.
    public static func mainProbingTOML() async {
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
}
