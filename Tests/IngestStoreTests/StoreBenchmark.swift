import Foundation
import Glibc
import IngestCore
@testable import IngestStore
import Testing

/// Commit throughput, for comparing changes to the write path. Off by default: it takes seconds and only
/// means something in release mode.
///
///     INGESTD_STORE_BENCH=1 swift test -c release --scratch-path .build-storebench --filter IngestStoreTests
@Suite("store benchmark")
struct StoreBenchmark {
    static let entryCount = 20_000
    static let batchSize = 256
    static let rounds = 3

    /// One small file as the daemon commits it: a few hundred bytes of text, its raw bytes, a trace of the
    /// stages it went through, and a unique ledger key.
    static func entry(_ index: Int) -> CommitEntry {
        let text = "Article \(index). " + String(repeating: "Some ordinary words of a short news item. ", count: 12)
        let raw = Array(("Title \(index)\n\n" + text).utf8)
        let key = "file:inbox/\(index).txt:\(raw.count):1750000000"
        var article = Article(
            text: text, title: "Title \(index)",
            origin: Origin(
                source: "inbox", kind: .folder, location: "/srv/inbox/\(index).txt",
                receivedAt: Date(timeIntervalSince1970: 1_750_000_000), ledgerKey: key),
            format: .text)
        article.language = "en"
        article.keywords = ["news", "ordinary", "words"]
        article.trace = ["decode", "clean", "language", "keywords", "dedupe"].map {
            TraceEntry(stage: $0, outcome: .continue, micros: 42)
        }
        return CommitEntry(
            ledgerKey: key, source: "inbox", location: "/srv/inbox/\(index).txt", raw: raw, format: .text,
            outcomes: [ArticleOutcome(article: article)])
    }

    @Test(
        "commit throughput", .enabled(if: ProcessInfo.processInfo.environment["INGESTD_STORE_BENCH"] != nil),
        .timeLimit(.minutes(10)))
    func commitThroughput() throws {
        let entries = (0..<Self.entryCount).map(Self.entry)
        var rates: [Double] = []
        var cpuPerRow: [Double] = []
        for _ in 0..<Self.rounds {
            // A fresh file each round, so every round inserts into tables of the same size.
            let db = try TestDatabase()
            let store = try db.open()
            let clock = ContinuousClock()
            let start = clock.now
            let cpuStart = Self.processCPUSeconds()
            for start in stride(from: 0, to: entries.count, by: Self.batchSize) {
                let batch = Array(entries[start..<min(start + Self.batchSize, entries.count)])
                let results = try store.commit(batch)
                #expect(results.count == batch.count)
            }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            rates.append(Double(Self.entryCount) / seconds)
            cpuPerRow.append((Self.processCPUSeconds() - cpuStart) * 1e6 / Double(Self.entryCount))
            #expect(try store.totals().articles == Self.entryCount)
        }
        let summary = rates.map { String(Int($0)) }.joined(separator: ", ")
        let cpu = cpuPerRow.map { String(format: "%.1f", $0) }.joined(separator: ", ")
        print("store benchmark: commit \(Self.entryCount) entries in batches of \(Self.batchSize): \(summary) rows/s")
        // Wall time includes the fsync of every commit (synchronous = FULL); CPU time is what the daemon's
        // profile sees. Other tests running in parallel inflate it: filter to this suite for clean numbers.
        print("store benchmark: process CPU per row: \(cpu) µs")
    }

    static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
