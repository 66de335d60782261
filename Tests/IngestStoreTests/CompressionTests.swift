@testable import IngestStore
import Testing

@Suite("compression")
struct CompressionTests {
    @Test("LZ4 round-trips", arguments: [0, 1, 100, 511, 512, 513, 5_000, 65_536, 65_537, 100_000])
    func roundTrip(size: Int) throws {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 % 7 + $0 / 1000) }
        let compressed = try RawCompression.lz4(bytes)
        #expect(try RawCompression.unlz4(compressed, originalSize: bytes.count) == bytes)
        if size >= 100 { #expect(compressed.count < bytes.count) }
    }

    @Test("LZ4: a wrong size or a corrupt blob is refused, never read past")
    func lz4RefusesCorrupt() throws {
        let bytes = Array("the store keeps raw inputs for reprocessing, ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 1000)
        let compressed = try RawCompression.lz4(bytes)
        #expect(throws: StoreError.self) { try RawCompression.unlz4(compressed, originalSize: bytes.count - 1) }
        #expect(throws: StoreError.self) { try RawCompression.unlz4(compressed, originalSize: bytes.count + 1) }
        #expect(throws: StoreError.self) { try RawCompression.unlz4(Array(compressed.prefix(5)), originalSize: bytes.count) }
        #expect(throws: StoreError.self) { try RawCompression.unlz4([0xFF, 0xFF, 0xFF, 0xFF, 0x00], originalSize: bytes.count) }
    }

    /// Rows written before LZ4 hold zlib's format: they are still read.
    @Test("zlib blobs of earlier rows inflate; a wrong size or a corrupt blob is refused", arguments: [1, 300, 30_000])
    func inflate(size: Int) throws {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 % 13) }
        let deflated = zlibCompressed(bytes)
        #expect(try RawCompression.inflate(deflated, originalSize: bytes.count) == bytes)
        #expect(throws: StoreError.self) { try RawCompression.inflate(deflated, originalSize: bytes.count + 1) }
        #expect(throws: StoreError.self) { try RawCompression.inflate(Array(deflated.prefix(3)), originalSize: bytes.count) }
    }

    @Test("concurrent calls each round-trip their own input, and compress as alone")
    func concurrent() async throws {
        let inputs = (0..<64).map { n in (0..<(2_000 + n * 397)).map { UInt8(truncatingIfNeeded: ($0 * (n + 3)) % 251) } }
        let results = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for (n, input) in inputs.enumerated() {
                group.addTask { (n, try RawCompression.lz4(input)) }
            }
            var out: [Int: [UInt8]] = [:]
            for try await (n, compressed) in group { out[n] = compressed }
            return out
        }
        for (n, input) in inputs.enumerated() {
            let compressed = try #require(results[n])
            #expect(try RawCompression.unlz4(compressed, originalSize: input.count) == input)
            #expect(try RawCompression.lz4(input) == compressed)
        }
    }
}
