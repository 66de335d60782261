import CZlib
@testable import IngestStore
import Testing

@Suite("compression")
struct CompressionTests {
    @Test("deflate and inflate round-trip", arguments: [0, 1, 100, 511, 512, 513, 5_000, 32_768, 32_769, 100_000])
    func roundTrip(size: Int) throws {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 % 7 + $0 / 1000) }
        let deflated = try RawCompression.deflate(bytes)
        #expect(try RawCompression.inflate(deflated, originalSize: bytes.count) == bytes)
        if size >= 100 { #expect(deflated.count < bytes.count) }
    }

    @Test("inflate refuses a wrong size or a corrupt blob")
    func refusesCorrupt() throws {
        let bytes = Array(repeating: UInt8(ascii: "a"), count: 1000)
        let deflated = try RawCompression.deflate(bytes)
        #expect(throws: StoreError.self) { try RawCompression.inflate(deflated, originalSize: 999) }
        #expect(throws: StoreError.self) { try RawCompression.inflate(deflated, originalSize: 1001) }
        #expect(throws: StoreError.self) { try RawCompression.inflate(Array(deflated.prefix(5)), originalSize: 1000) }
    }

    /// libdeflate writes the blob, zlib reads it back: it must compress at least as well as zlib's one-call
    /// API at the same level, and zlib must accept its output.
    @Test("compresses text as well as zlib at its fastest level, in a form zlib reads", arguments: [300, 3_000, 30_000])
    func ratio(size: Int) throws {
        let words = ["the", "store", "keeps", "raw", "inputs", "for", "reprocessing", "articles", "queue", "zlib"]
        var text: [UInt8] = []
        var index = 7
        while text.count < size {
            index = (index &* 1_103_515_245 &+ 12_345) & 0x7fff_ffff
            text += Array((words[index % words.count] + (index % 5 == 0 ? ".\n" : " ")).utf8)
        }
        var capacity = compressBound(uLong(text.count))
        var reference = [UInt8](repeating: 0, count: Int(capacity))
        #expect(compress2(&reference, &capacity, text, uLong(text.count), Z_BEST_SPEED) == Z_OK)
        let deflated = try RawCompression.deflate(text)
        #expect(Double(deflated.count) <= Double(capacity) * 1.02)
        #expect(try RawCompression.inflate(deflated, originalSize: text.count) == text)
        var length = uLong(text.count)
        var back = [UInt8](repeating: 0, count: text.count)
        #expect(uncompress(&back, &length, deflated, uLong(deflated.count)) == Z_OK && back == text)
    }

    /// Compressors are reused across calls and threads: a reused one must not carry anything from the input
    /// it last compressed, and two calls at once must never share one.
    @Test("concurrent calls, more than the compressors kept, each round-trip their own input")
    func concurrentReuse() async throws {
        let inputs = (0..<64).map { n in (0..<(2_000 + n * 397)).map { UInt8(truncatingIfNeeded: ($0 * (n + 3)) % 251) } }
        let results = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for (n, input) in inputs.enumerated() {
                group.addTask { (n, try RawCompression.deflate(input)) }
            }
            var out: [Int: [UInt8]] = [:]
            for try await (n, deflated) in group { out[n] = deflated }
            return out
        }
        for (n, input) in inputs.enumerated() {
            let deflated = try #require(results[n])
            #expect(try RawCompression.inflate(deflated, originalSize: input.count) == input)
            // The same input compressed again alone gives the same bytes: no state left from another input.
            #expect(try RawCompression.deflate(input) == deflated)
        }
    }
}
