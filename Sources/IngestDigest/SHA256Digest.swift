import CCrypto

/// SHA-256 by OpenSSL's libcrypto, for the hashes computed over every input's bytes and every article's
/// text (the folder's ledger key, the raw input's and the article's content hashes).
///
/// libcrypto uses the CPU's SHA extensions where it has them: 1.35 GB/s on this project's machine against
/// about 180 MB/s for `IngestCore.SHA256`, the pure-Swift implementation `IngestCore` keeps because it
/// has no C. Hashing a burst's files was 2.4 % of the daemon's CPU with it. Same digests, same lowercase
/// hex (a test compares the two on random inputs).
public enum SHA256Digest {
    /// The algorithm, fetched once: OpenSSL 3's one-shot `SHA256()` fetches it by name on every call (a
    /// lock and a table lookup), which cost more than hashing a 2 KB article. `EVP_MD` is safe to share
    /// between threads.
    nonisolated(unsafe) private static let algorithm: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)

    public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { out in
            let output = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
            // An empty buffer may have no base address: libcrypto reads nothing when the length is 0.
            let input = bytes.baseAddress ?? UnsafeRawPointer(output)
            if let algorithm = algorithm, EVP_Digest(input, bytes.count, output, nil, algorithm, nil) == 1 { return }
            _ = SHA256(input.assumingMemoryBound(to: UInt8.self), bytes.count, output)
        }
        return withUnsafeBytes(of: &digest) { raw in
            String(unsafeUninitializedCapacity: 64) { out in
                for (index, byte) in raw.enumerated() {
                    out[2 * index] = hexDigit(byte >> 4)
                    out[2 * index + 1] = hexDigit(byte & 0x0F)
                }
                return 64
            }
        }
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hex($0) }
    }

    /// The hash of `string`'s UTF-8 (no copy for a native string).
    public static func hex(_ string: String) -> String {
        var string = string
        return string.withUTF8 { hex(UnsafeRawBufferPointer($0)) }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") - 10 + value
    }
}
