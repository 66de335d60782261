import ArgumentParser
import IngestHTML
import Foundation
import Glibc
import IngestCore
import IngestStages
import Logging

/// `ingestctl bench`: the Swift half of `make bench` for the stages (scripts/bench_clean.py runs the peers
/// over the same files and compares). Hidden: it is a measuring tool, not an operator's command.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "For `make bench`: time a built-in stage, or the bare HTML parse, over files held in memory.",
        shouldDisplay: false,
        subcommands: [StageBench.self, HTMLParseBench.self, ClaimBench.self])

    /// The result line both subcommands print (MB = 10^6 bytes of the input files).
    struct Result: Encodable {
        var what: String
        var files: Int
        var documents: Int
        var bytes: Int
        var `repeat`: Int
        var continued: Int?
        var dropped: Int?
        var failed: Int?
        var wallSecs: Double
        var cpuSecs: Double
        var docsPerSec: Double
        var mbPerSec: Double
        var maxRSSMB: Double

        enum CodingKeys: String, CodingKey {
            case what, files, documents, bytes, `repeat`, continued, dropped, failed
            case wallSecs = "wall_secs", cpuSecs = "cpu_secs", docsPerSec = "docs_per_sec", mbPerSec = "mb_per_sec"
            case maxRSSMB = "max_rss_mb"
        }
    }

    /// Decodes the files as the daemon would (format from the extension, else sniffed), outside any timing.
    static func decode(_ files: [String]) throws -> (articles: [Article], bytes: Int) {
        var articles: [Article] = []
        var bytes = 0
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                note("\(path): cannot read the file")
                throw ExitCode.failure
            }
            bytes += data.count
            let origin = Origin(source: "bench", kind: .cli, location: path, receivedAt: Date())
            let raw = RawDocument(
                bytes: [UInt8](data), format: DocumentFormat(fileExtension: (path as NSString).pathExtension),
                origin: origin, receipt: Run.DryReceipt())
            do {
                articles.append(contentsOf: try DocumentDecoder.decode(raw))
            } catch {
                note("\(path): \(error)")
            }
        }
        return (articles, bytes)
    }

    /// Wall clock and this process's CPU time since it was started.
    struct Stopwatch {
        let clock = ContinuousClock()
        let start: ContinuousClock.Instant
        let cpu0 = cpuSecondsUsed()

        init() { start = clock.now }

        var elapsed: (wall: Double, cpu: Double) {
            let duration = start.duration(to: clock.now)
            let wall = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            return (wall, cpuSecondsUsed() - cpu0)
        }
    }

    static func result(
        _ what: String, files: Int, documents: Int, bytes: Int, repeat count: Int, wall: Double, cpu: Double
    ) -> Result {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Result(
            what: what, files: files, documents: documents, bytes: bytes, repeat: count, wallSecs: wall, cpuSecs: cpu,
            docsPerSec: wall > 0 ? Double(documents * count) / wall : 0,
            mbPerSec: wall > 0 ? Double(bytes) * Double(count) / 1e6 / wall : 0,
            maxRSSMB: Double(usage.ru_maxrss) / 1024)
    }
}

extension Bench {
    /// `ingestctl bench stage NAME [--repeat N] FILE...`
    struct StageBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stage",
            abstract: "Run built-in stages, on their default configuration, over decoded files and print one JSON object.",
            discussion: "Decodes every file first (DocumentDecoder, as the daemon does), then runs the stage (or the stages, in the order given) over every article --repeat times in this one process. continued/dropped/failed count articles, from the first pass.")

        @Argument(help: "The stage's name (clean, dedupe, …), or names separated by commas to run them in that order (clean,extract: what a stage hands the next is counted).")
        var name: String
        @Option(name: .long, help: "How many times every article goes through the stage.") var `repeat` = 1
        @Argument(help: "Input files, as they would be dropped in a watched folder.") var files: [String]

        var names: [String] { name.split(separator: ",").map(String.init) }

        func validate() throws {
            guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
            guard !files.isEmpty else { throw ValidationError("give at least one file") }
            for name in names where builtInStages.type(named: name) == nil {
                throw ValidationError("unknown stage '\(name)' (known: \(builtInStages.names.joined(separator: ", ")))")
            }
        }

        func run() async throws {
            let (articles, bytes) = try Bench.decode(files)
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("ingestctl-bench-\(getpid())").path
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: state) }
            var stages: [any Stage] = []
            for name in names {
                let problems = ConfigProblems()
                let section = ConfigSection(path: "stages.\(name)", values: [:], problems: problems)
                guard let stage = builtInStages.type(named: name)?.make(from: section, context: StageContext(stateDirectory: state))
                else {
                    throw ValidationError("cannot build stage '\(name)': \(problems.items.map(\.description).joined(separator: "; "))")
                }
                stages.append(stage)
            }
            var logger = Logger(label: "ingestctl.bench")
            logger.logLevel = .critical
            var continued = 0, dropped = 0, failed = 0
            let stopwatch = Stopwatch()
            for pass in 0..<`repeat` {
                for article in articles {
                    var outcome: StageOutcome? = .continue(article)
                    for stage in stages {
                        guard case .continue(let input) = outcome else { break }
                        do { outcome = try await stage.process(input, logger: logger) } catch { outcome = nil }
                    }
                    guard pass == 0 else { continue }
                    switch outcome {
                    case .continue: continued += 1
                    case .drop, .dropRecorded: dropped += 1
                    case nil: failed += 1
                    }
                }
            }
            let (wall, cpu) = stopwatch.elapsed
            var result = Bench.result(
                "stage \(names.joined(separator: ","))", files: files.count, documents: articles.count, bytes: bytes, repeat: `repeat`,
                wall: wall, cpu: cpu)
            result.continued = continued
            result.dropped = dropped
            result.failed = failed
            try printJSONLine(result)
        }
    }

    /// `ingestctl bench html-parse FILE...`: the floor, libxml2's HTML parse and nothing else.
    struct HTMLParseBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "html-parse",
            abstract: "Parse the decoded HTML of files with libxml2 (the clean stage's parser and options) and print one JSON object.",
            discussion: "The floor for the clean stage: the same documents the stage gets (decoded, as UTF-8), parsed and freed, nothing else done.")

        @Option(name: .long, help: "How many times every document is parsed.") var `repeat` = 1
        @Argument(help: "HTML files (or JSON articles with an html key).") var files: [String]

        func validate() throws {
            guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
            guard !files.isEmpty else { throw ValidationError("give at least one file") }
        }

        func run() async throws {
            let (articles, bytes) = try Bench.decode(files)
            let pages = articles.compactMap(\.html)
            var nodes = 0  // consumed so the optimizer cannot drop a parse
            let stopwatch = Stopwatch()
            for _ in 0..<`repeat` {
                for page in pages { nodes &+= HTMLParseFloor.parse(page) }
            }
            let (wall, cpu) = stopwatch.elapsed
            if nodes < 0 { print(nodes) }
            try printJSONLine(
                Bench.result(
                    "html-parse", files: files.count, documents: pages.count, bytes: bytes, repeat: `repeat`, wall: wall,
                    cpu: cpu))
        }
    }
}

/// User plus system CPU time of this process so far.
private func cpuSecondsUsed() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func secs(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return secs(usage.ru_utime) + secs(usage.ru_stime)
}
