import ArgumentParser
import Foundation
import Glibc
import IngestSources

extension Feeds {
    /// `ingestctl feeds bench-parse`: the Swift half of the feed parsing benchmark in `make bench`
    /// (scripts/bench_feeds.py runs Python's feedparser over the same files and compares).
    struct BenchParse: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-parse",
            abstract: "For `make bench`: time FeedParser over feed files held in memory and print one JSON object.",
            discussion: "Reads every file into memory first, then parses each one --repeat times with FeedParser.parse (no I/O in the timed loop) and prints files, bytes, repeat, parsed_ok, failed, wall_secs, cpu_secs, feeds_per_sec and mb_per_sec (MB = 10^6 bytes). parsed_ok and failed count files, from the first pass.",
            shouldDisplay: false)

        @Option(name: .long, help: "How many times every file is parsed.") var `repeat` = 1
        @Argument(help: "Feed files (RSS, Atom, JSON Feed).") var files: [String]

        func validate() throws {
            guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
            guard !files.isEmpty else { throw ValidationError("give at least one feed file") }
        }

        func run() throws {
            var documents: [[UInt8]] = []
            documents.reserveCapacity(files.count)
            for path in files {
                guard let data = FileManager.default.contents(atPath: path) else {
                    note("\(path): cannot read the file")
                    throw ExitCode.failure
                }
                documents.append([UInt8](data))
            }
            let totalBytes = documents.reduce(0) { $0 + $1.count }

            var parsedOK = 0
            var failed = 0
            var entries = 0  // consumed so the optimizer cannot drop a parse
            let clock = ContinuousClock()
            let cpu0 = processCPUSeconds()
            let start = clock.now
            for pass in 0..<`repeat` {
                for bytes in documents {
                    do {
                        let feed = try FeedParser.parse(bytes, url: nil)
                        entries &+= feed.entries.count
                        if pass == 0 { parsedOK += 1 }
                    } catch {
                        if pass == 0 { failed += 1 }
                    }
                }
            }
            let elapsed = start.duration(to: clock.now)
            let cpu = processCPUSeconds() - cpu0
            let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let parses = Double(documents.count * `repeat`)
            let result = Result(
                files: documents.count, bytes: totalBytes, repeat: `repeat`, parsedOK: parsedOK, failed: failed,
                entries: entries / `repeat`, wallSecs: wall, cpuSecs: cpu,
                feedsPerSec: wall > 0 ? parses / wall : 0,
                mbPerSec: wall > 0 ? Double(totalBytes) * Double(`repeat`) / 1e6 / wall : 0)
            try printJSONLine(result)
        }

        struct Result: Encodable {
            var files: Int
            var bytes: Int
            var `repeat`: Int
            var parsedOK: Int
            var failed: Int
            /// Entries found in one pass over all files.
            var entries: Int
            var wallSecs: Double
            var cpuSecs: Double
            var feedsPerSec: Double
            var mbPerSec: Double

            enum CodingKeys: String, CodingKey {
                case files, bytes, `repeat`, entries
                case parsedOK = "parsed_ok", failed, wallSecs = "wall_secs", cpuSecs = "cpu_secs"
                case feedsPerSec = "feeds_per_sec", mbPerSec = "mb_per_sec"
            }
        }

        /// User plus system CPU time of this process so far.
        private func processCPUSeconds() -> Double {
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            func secs(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
            return secs(usage.ru_utime) + secs(usage.ru_stime)
        }
    }
}
