import ArgumentParser
import Foundation
import Glibc
import IngestDaemon
import IngestSources

/// `ingestctl feeds …`: what ingestd makes of feeds, and the feeds stored in the database
/// (add, remove, import, list and poll live in FeedsManageCommands.swift).
struct Feeds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect and manage feeds: parse a feed document the way ingestd reads it; add, remove, import, list.",
        subcommands: [Parse.self, Add.self, Remove.self, Import.self, List.self, Poll.self, BenchParse.self])

    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse an RSS, Atom or JSON Feed document and print what ingestd makes of it; needs no daemon.",
            discussion: "The format is detected from the content, not the file name. With --json (the default when output is not a terminal) the parsed feed is printed as one JSON object.")

        @Flag(name: .long, help: "One JSON object (the default when output is not a terminal).") var json = false
        @Argument(help: "A feed file, or an http(s) URL to fetch the way the daemon does.") var source: String

        func run() async throws {
            let lower = source.lowercased()
            let bytes: [UInt8]
            var url: String?
            var charset: String?
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
                // The daemon's own fetcher, with its limits, so this shows what a poll would get.
                let result = await HTTPFetcher().fetch(FetchRequest(url: source))
                if let error = result.error {
                    note("\(source): \(error)")
                    throw ExitCode.failure
                }
                guard result.isSuccess else {
                    note("\(source): HTTP \(result.status)")
                    throw ExitCode.failure
                }
                for hop in result.redirects { note("redirected: \(hop)") }
                bytes = result.body
                url = result.effectiveURL
                charset = result.headers.charset
            } else {
                guard let data = FileManager.default.contents(atPath: source) else {
                    note("\(source): cannot read the file")
                    throw ExitCode.failure
                }
                bytes = [UInt8](data)
            }
            let feed: ParsedFeed
            do {
                feed = try FeedParser.parse(bytes, url: url, declaredCharset: charset)
            } catch {
                // FeedParseError describes itself as "feed: …", naming the stage that failed.
                note("\(source): \(error)")
                throw ExitCode.failure
            }
            if json || isatty(STDOUT_FILENO) == 0 { return try printJSONLine(feed) }
            printSummary(feed)
        }

        private func printSummary(_ feed: ParsedFeed) {
            var fields: [(String, String)] = [
                ("kind", feed.kind.rawValue), ("title", feed.title ?? "-"), ("link", feed.link ?? "-"),
                ("language", feed.language ?? "-"), ("entries", "\(feed.entries.count)"),
            ]
            if feed.warnings.isEmpty { fields.append(("warnings", "(none)")) }
            for warning in feed.warnings { fields.append(("warning", warning)) }
            let width = fields.map(\.0.count).max() ?? 0
            for (k, v) in fields { print("\(k.padding(toLength: width, withPad: " ", startingAt: 0))  \(v)") }
            guard !feed.entries.isEmpty else { return }
            print("")
            printTable(
                ["PUBLISHED", "TITLE", "LINK"],
                feed.entries.map { entry in
                    // An unparsed date is shown as given, so the reader sees why it did not parse.
                    let published = entry.publishedAt.map { iso($0) } ?? entry.published ?? entry.updatedAt.map { iso($0) } ?? "-"
                    return [published, short(entry.title), entry.link ?? "-"]
                })
        }
    }
}
