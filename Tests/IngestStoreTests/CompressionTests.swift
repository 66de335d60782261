@testable import IngestStore
import Testing

@Suite("compression")
struct CompressionTests {
    @Test("deflate and inflate round-trip", arguments: [0, 1, 100, 100_000])
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
}
