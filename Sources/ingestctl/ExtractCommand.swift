import ArgumentParser

/// `ingestctl extract …`: the extract stage's pieces on their own (language, keywords), for operators
/// and the evaluation scripts.
struct Extract: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Detect the language or the keywords of texts, as the extract stage would.", subcommands: [])
}
