import Testing

@testable import IngestCore

/// `TextDecoding.binaryReason` finds a NUL with memchr and counts control bytes without a branch per byte;
/// it must answer as the byte loop it replaced.
@Suite("binary content check")
struct BinaryReasonTests {
    /// The loop before (commit 67bf002).
    static func reference(_ bytes: [UInt8]) -> String? {
        let sample = bytes.prefix(8192)
        var controls = 0
        for b in sample {
            if b == 0 { return "binary content (NUL bytes)" }
            if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0C && b != 0x0D && b != 0x1B { controls += 1 }
        }
        if controls >= 4 && controls * 100 > sample.count * 5 {
            return "binary content (\(controls) control bytes in the first \(sample.count))"
        }
        return nil
    }

    @Test("random bytes of every density of control bytes, NULs before and after the 8 KiB sample")
    func randomBytes() {
        var rng = SplitMix64(seed: 12)
        let lengths = [0, 1, 3, 4, 20, 79, 80, 81, 400, 8191, 8192, 8193, 20_000]
        for _ in 0..<4_000 {
            let length = lengths[Int(rng.next() % UInt64(lengths.count))]
            let density = rng.next() % 12
            var bytes = (0..<length).map { _ -> UInt8 in
                rng.next() % 100 < density ? UInt8(1 + rng.next() % 0x1F) : UInt8(0x20 + rng.next() % 0xE0)
            }
            if length > 0 && rng.next() % 4 == 0 { bytes[Int(rng.next() % UInt64(length))] = 0 }
            #expect(TextDecoding.binaryReason(bytes) == Self.reference(bytes), "\(length) bytes, density \(density)")
        }
        #expect(TextDecoding.binaryReason([0x41, 0x00]) == "binary content (NUL bytes)")
        #expect(TextDecoding.binaryReason(Array("plain text\n".utf8)) == nil)
    }
}
