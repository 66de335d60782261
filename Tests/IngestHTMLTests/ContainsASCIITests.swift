import IngestCore
import Testing

@testable import IngestHTML

/// The byline check reads class names and ids in the parser's bytes; it must answer as the String search
/// it replaced, invalid UTF-8 included.
@Suite("class and id marks on bytes")
struct ContainsASCIITests {
    @Test("the same answers as String(cString:).hasASCII on random bytes")
    func sameAsString() {
        let pieces: [[UInt8]] = [
            Array("author".utf8), Array("AUTHOR".utf8), Array("auth".utf8), Array("or".utf8), Array("By".utf8),
            Array("line".utf8), Array("dateline".utf8), Array("written".utf8), Array("by".utf8), Array("comment".utf8),
            [0x20], [0x2D], [0xC3, 0xA9], [0xC3], [0xA9], [0xE2, 0x80], [0xFF], [0xF0, 0x9F, 0x98, 0x80], [0x61],
        ]
        let needles: [StaticString] = ["author", "byline", "dateline", "writtenby", "comment"]
        var rng = SplitMix64(seed: 44)
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(rng.next() % 8) { bytes += pieces[Int(rng.next() % UInt64(pieces.count))] }
            bytes.append(0)
            let string = String(cString: bytes)
            for needle in needles {
                let ours = bytes.withUnsafeBufferPointer { PageScanner.containsASCII($0.baseAddress, needle) }
                #expect(ours == string.hasASCII("\(needle)"), "\(bytes) \(needle)")
            }
        }
        #expect(!PageScanner.containsASCII(nil, "author"))
    }
}
