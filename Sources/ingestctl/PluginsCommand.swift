import ArgumentParser

/// `ingestctl plugins …`: the exec plugins the daemon found and their state.
struct Plugins: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The exec plugins: what was found and how each is doing.", subcommands: [])
}
