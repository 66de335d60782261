import ArgumentParser
import Foundation
import IngestCore
import IngestDaemon
import Logging

/// "What would ingestd make of this file?" Runs decoding and the configured pipeline, stores nothing.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the configured pipeline on files and print the articles; stores nothing, needs no daemon.")

    @Option(name: .long, help: "The config file whose pipeline to run.") var config: String?
    @Flag(name: .long, help: "One JSON object per article (the default when output is not a terminal).") var json = false
    @Argument(help: "Files to run.") var files: [String]

    /// A receipt nobody reads: nothing is moved, nothing stored.
    struct DryReceipt: Receipt {
        func acknowledge(_ summary: IngestSummary) async {}
        func reject(_ failure: IngestFailure) async {}
        func release() async {}
    }

    func run() async throws {
        let pipeline: Pipeline
        do {
            pipeline = try ConfigLoader.load(path: config ?? ConfigLoader.defaultPath()).1
        } catch {
            throw ValidationError("\(error)")
        }
        var logger = Logger(label: "ingestctl")
        logger.logLevel = .warning
        let asJSON = json || isatty(STDOUT_FILENO) == 0
        var failures = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                note("\(file): cannot read the file")
                failures += 1
                continue
            }
            let ext = (file as NSString).pathExtension
            let origin = Origin(source: "cli", kind: .cli, location: (file as NSString).standardizingPath, receivedAt: Date())
            let raw = RawDocument(bytes: [UInt8](data), format: DocumentFormat(fileExtension: ext), origin: origin, receipt: DryReceipt())
            let articles: [Article]
            do {
                articles = try DocumentDecoder.decode(raw)
            } catch {
                note("\(file): \(error)")
                failures += 1
                continue
            }
            for article in articles {
                let result = await pipeline.run(article, logger: logger)
                struct Output: Encodable {
                    var file: String
                    var outcome: String
                    var reason: String?
                    var article: Article
                }
                let (outcome, reason): (String, String?) =
                    switch result {
                    case .completed: ("enqueue", nil)
                    case .dropped(_, let stage, let why): ("drop", "\(stage): \(why)")
                    case .failed(_, let stage, let error): ("fail", "\(stage): \(error.message)")
                    }
                if case .failed = result { failures += 1 }
                if asJSON {
                    try printJSONLine(Output(file: file, outcome: outcome, reason: reason, article: result.article))
                } else {
                    print("== \(file): \(outcome)\(reason.map { " (\($0))" } ?? "")")
                    print("title: \(result.article.title ?? "-")")
                    print("trace: \(result.article.trace.map { "\($0.stage)=\($0.outcome.rawValue)" }.joined(separator: " ").ifEmpty("(no stages)"))")
                    print("\n\(result.article.text)\n")
                }
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
