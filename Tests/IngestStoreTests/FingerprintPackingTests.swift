import Foundation
@testable import IngestStore
import Testing

/// A fingerprint's signature and band keys are stored packed, little-endian, in one column each; the
/// layout is what files already written hold, so it must not change.
@Suite("fingerprint packing")
struct FingerprintPackingTests {
    @Test("the signature: two bytes a value, low byte first, and back")
    func signature() {
        #expect(DedupeFingerprintRecord.packed([0x0102, 0xFFFE]) == Data([0x02, 0x01, 0xFE, 0xFF]))
        let values = (0..<128).map { UInt16(truncatingIfNeeded: $0 &* 40_503) }
        #expect(DedupeFingerprintRecord.unpacked(DedupeFingerprintRecord.packed(values)) == values)
        #expect(DedupeFingerprintRecord.unpacked(Data()) == [])
    }

    @Test("band keys: eight bytes a key, low byte first, and back")
    func bands() {
        #expect(DedupeFingerprintRecord.packedBands([0x0102_0304_0506_0708]) == Data([8, 7, 6, 5, 4, 3, 2, 1]))
        let keys: [Int64] = [-1, 0, .max, .min, 42]
        var read: [Int64] = []
        DedupeFingerprintRecord.packedBands(keys).withUnsafeBytes { bytes in
            DedupeFingerprintRecord.forEachBand(in: bytes) { read.append($0) }
        }
        #expect(read == keys)
    }
}
