import Foundation
import IngestCore
@testable import IngestStore
import Testing

/// Where the time of a commit goes before the transaction: the JSON, the hashes and the compression that
/// ``PreparedEntry`` does per entry. Off by default, as ``StoreBenchmark``.
@Suite("prepare benchmark")
struct PrepareBenchmark {
    @Test("prepare cost per entry", .enabled(if: ProcessInfo.processInfo.environment["INGESTD_STORE_BENCH"] != nil))
    func prepareCost() throws {
        let entries = (0..<StoreBenchmark.entryCount).map(StoreBenchmark.entry)
        func measure(_ name: String, _ body: (CommitEntry) throws -> Void) rethrows {
            let clock = ContinuousClock()
            let start = clock.now
            for entry in entries { try body(entry) }
            let elapsed = clock.now - start
            let micros = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) * 1e-12
            print("prepare benchmark: \(name): \(String(format: "%.2f", micros / Double(entries.count))) µs/entry")
        }
        try measure("PreparedEntry, keepRaw") { _ = try PreparedEntry($0, keepRaw: true) }
        try measure("PreparedEntry, no raw") { _ = try PreparedEntry($0, keepRaw: false) }
        try measure("ArticleRecord") { _ = try ArticleRecord($0.outcomes[0].article, drop: nil) }
        try measure("RawInputRecord") { _ = try RawInputRecord(bytes: $0.raw ?? [], format: .text) }
        measure("SHA-256 of the text") { _ = IngestCore.SHA256.hex($0.outcomes[0].article.text.utf8) }
        try measure("lz4") { _ = try RawCompression.lz4($0.raw ?? []) }
        try measure("JSONEncoder for the trace") { _ = try JSONTextTests.encoded($0.outcomes[0].article.trace) }
        measure("hand-written trace") { _ = ArticleRecord.traceJSON($0.outcomes[0].article.trace) }
        try measure("JSONEncoder for the metadata") { _ = try JSONTextTests.encoded($0.outcomes[0].article.metadata) }
        try measure("hand-written metadata") { _ = try ArticleRecord.metadataJSON($0.outcomes[0].article.metadata) }
    }
}
