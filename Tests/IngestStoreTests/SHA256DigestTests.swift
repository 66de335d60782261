import IngestCore
import IngestDigest
import Testing

/// libcrypto's SHA-256 replaces `IngestCore.SHA256` where every input is hashed: the ledger keys and
/// content hashes already stored must come out the same.
@Suite("SHA-256 by libcrypto")
struct SHA256DigestTests {
    @Test("the digests of the FIPS 180-4 examples")
    func knownAnswers() {
        #expect(SHA256Digest.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256Digest.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("the same lowercase hex as IngestCore's SHA-256 on random inputs of every length around the blocks")
    func sameAsPureSwift() {
        var generator = SystemRandomNumberGenerator()
        var lengths = Array(0...200)
        lengths += (0..<12).map { _ in Int.random(in: 201...100_000, using: &generator) }
        for length in lengths {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(SHA256Digest.hex(bytes) == SHA256.hex(bytes), "length \(length)")
        }
        let text = "ünïcødé 😀 text, hashed as UTF-8"
        #expect(SHA256Digest.hex(text) == SHA256.hex(text.utf8))
    }

    @Test("threads hashing at once share the fetched algorithm and get the same digests")
    func concurrent() async {
        let inputs = (0..<64).map { n in (0..<(n * 97)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n) } }
        let expected = inputs.map { SHA256.hex($0) }
        let results = await withTaskGroup(of: (Int, [String]).self) { group in
            for task in 0..<8 {
                group.addTask { (task, (0..<200).map { SHA256Digest.hex(inputs[($0 + task) % inputs.count]) }) }
            }
            var all: [(Int, [String])] = []
            for await result in group { all.append(result) }
            return all
        }
        for (task, digests) in results {
            #expect(digests == (0..<200).map { expected[($0 + task) % inputs.count] })
        }
    }
}
