import ArgumentParser
import Foundation
import Glibc
import IngestCore
import IngestStore
import Logging
import StageDedupe

/// `ingestctl bench-dedupe`: the Swift half of the dedupe benchmark (scripts/bench_dedupe.py). Fills a
/// database with synthetic originals up to a number of fingerprints, then times the dedupe stage on new
/// articles against it. Hidden: a measuring tool, not an operator's command.
struct BenchDedupe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-dedupe",
        abstract: "For `make bench`: time the dedupe stage against a store holding N fingerprints.",
        shouldDisplay: false)

    @Option(name: .long, help: "The database to fill and probe (created when missing).") var db: String
    @Option(name: .long, help: "Fingerprints the store should hold before probing.") var fingerprints: Int
    @Option(name: .long, help: "New articles to run through the stage.") var probes = 2000

    struct Result: Encodable {
        var fingerprints: Int
        var filled: Int
        var fillSecs: Double
        var probes: Int
        var duplicatesFound: Int
        var microsPerArticle: Double
        var cpuMicrosPerArticle: Double
        var dbBytes: Int
        var dbBytesPerFingerprint: Double
        var maxRSSMB: Double
    }

    func run() async throws {
        let store = try SQLiteStore(path: db, keepRaw: false)
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let have = try store.totals().articles
        let fillStart = ContinuousClock.now
        if have < fingerprints {
            // Fingerprints made by the stage itself (no index: nothing to compare while filling).
            let maker = try DedupeStage(configuration: .init(), context: StageContext(stateDirectory: "/tmp"))
            var batch: [CommitEntry] = []
            for i in have..<fingerprints {
                guard case .continue(let article) = try await maker.process(Self.article(tag: "fill-\(i)"), logger: logger)
                else { continue }
                await maker.finished(article, committed: true)
                batch.append(CommitEntry(
                    ledgerKey: nil, source: "bench", location: "fill", raw: nil, format: .text,
                    outcomes: [ArticleOutcome(article: article)]))
                if batch.count == 1000 {
                    _ = try store.commit(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { _ = try store.commit(batch) }
        }
        let fillSecs = Self.seconds(ContinuousClock.now - fillStart)

        // The probes: new articles, every tenth a copy of a stored one with a word changed, so both the
        // miss path and the hit path are timed.
        let stage = try DedupeStage(configuration: .init(), context: StageContext(stateDirectory: "/tmp", duplicateIndex: store))
        var articles: [Article] = []
        var pick = SplitMix64(seed: 7)
        let stored = try store.totals().articles
        for i in 0..<probes {
            if i % 10 == 0, stored > 0 {
                // A stored text with one word changed: a near-duplicate the stage must find.
                var copy = Self.article(tag: "fill-\(Int(pick.next() % UInt64(stored)))")
                copy.text = "changed " + copy.text.split(separator: " ", maxSplits: 1).last.map(String.init)!
                articles.append(copy)
            } else {
                articles.append(Self.article(tag: "probe-\(i)"))
            }
        }
        let cpu0 = Self.cpuSeconds()
        let start = ContinuousClock.now
        var found = 0
        for article in articles {
            switch try await stage.process(article, logger: logger) {
            case .continue(let next): await stage.finished(next, committed: false)
            case .drop, .dropRecorded: found += 1
            }
        }
        let wall = Self.seconds(ContinuousClock.now - start)
        let cpu = Self.cpuSeconds() - cpu0
        let size = Self.fileSize(db) + Self.fileSize(db + "-wal")
        let total = try store.totals().articles
        let result = Result(
            fingerprints: total, filled: max(0, fingerprints - have), fillSecs: fillSecs, probes: probes,
            duplicatesFound: found, microsPerArticle: wall / Double(probes) * 1e6,
            cpuMicrosPerArticle: cpu / Double(probes) * 1e6, dbBytes: size,
            dbBytesPerFingerprint: Double(size) / Double(max(1, total)), maxRSSMB: Self.maxRSSMB())
        try printJSONLine(result)
    }

    /// A news-sized text (about 180 words) of random words from a 20,000-word vocabulary, the same for the
    /// same tag (so a probe can copy a stored article): unrelated to every other, as most articles are.
    static func article(tag: String) -> Article {
        var seed: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in tag.utf8 { seed = (seed ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        var rng = SplitMix64(seed: seed)
        var words: [String] = []
        for _ in 0..<180 { words.append(vocabulary[Int(rng.next() % UInt64(vocabulary.count))]) }
        return Article(
            text: words.joined(separator: " ") + ".", title: tag,
            origin: Origin(source: "bench", kind: .cli, location: tag, receivedAt: Date()), format: .text)
    }

    static let vocabulary: [String] = {
        var state: UInt64 = 42
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return (0..<20_000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = 3 + Int(state >> 60)
            return String((0..<length).map { i in letters[Int((state >> (UInt64(i) * 5)) & 31) % 26] })
        }
    }()

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func maxRSSMB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}
