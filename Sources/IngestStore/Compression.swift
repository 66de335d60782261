import CLZ4
import CZlib

/// Compression of raw inputs, which are kept for reprocessing.
///
/// Neither form carries the original length, so the caller stores it beside the blob (`rawInput.size`) and
/// hands it back, which lets reading take one allocation and tell a truncated or corrupt blob from a good one.
enum RawCompression {
    /// The bytes in LZ4's block format. Raw inputs are written for every document and read back only to
    /// reprocess, so speed matters more than size. On the end-to-end benchmark's 5,000 documents (9.8 KB
    /// each on average), per document: LZ4 0.020 ms of CPU, output 38 % of the input; zstd at level 1
    /// 0.043 ms, 26 %; libdeflate at level 1, used before, 0.058-0.066 ms, 26 %. The ~1 KB more per
    /// document that LZ4 writes is about 2 % of what a document makes the daemon write.
    static func lz4(_ bytes: [UInt8]) throws(StoreError) -> [UInt8] {
        guard bytes.count <= Int(LZ4_MAX_INPUT_SIZE) else {
            throw StoreError(operation: "compress raw input", message: "\(bytes.count) bytes is over LZ4's limit", retryable: false)
        }
        let bound = Int(LZ4_compressBound(Int32(bytes.count)))
        // Uninitialized: LZ4 writes what it returns.
        return try [UInt8](unsafeUninitializedCapacity: max(bound, 1)) { out, count throws(StoreError) in
            let written = bytes.withUnsafeBytes { input in
                LZ4_compress_default(
                    input.baseAddress?.assumingMemoryBound(to: CChar.self), UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self),
                    Int32(input.count), Int32(out.count))
            }
            // The output holds the bound, so 0 (too small) cannot happen for a non-empty input; say so rather
            // than store nothing.
            guard written > 0 || bytes.isEmpty else {
                throw StoreError(operation: "compress raw input", message: "LZ4 gave no output", retryable: false)
            }
            count = Int(written)
        }
    }

    /// The original bytes of a blob made by ``lz4(_:)``; `originalSize` is the length before compression.
    static func unlz4(_ compressed: [UInt8], originalSize: Int) throws(StoreError) -> [UInt8] {
        guard originalSize > 0 else { return [] }
        var read: Int32 = -1
        let output = [UInt8](unsafeUninitializedCapacity: originalSize) { out, count in
            read = compressed.withUnsafeBytes { input in
                LZ4_decompress_safe(
                    input.baseAddress?.assumingMemoryBound(to: CChar.self), UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self),
                    Int32(input.count), Int32(originalSize))
            }
            count = read == Int32(originalSize) ? originalSize : 0
        }
        // A negative result is a malformed blob (or one that decodes to more than the recorded size); a
        // shorter one a truncated blob or a wrong size: the row is inconsistent, and retrying cannot help.
        guard read == Int32(originalSize) else {
            throw StoreError(
                operation: "decompress raw input",
                message: "corrupt LZ4 data (\(read < 0 ? "malformed" : "\(read)") of \(originalSize) bytes)", retryable: false)
        }
        return output
    }

    /// The original bytes of a blob in zlib's format (RFC 1950), which raw inputs were stored in before
    /// LZ4 (`compression = 'zlib'`); `originalSize` is the length before compression.
    static func inflate(_ compressed: [UInt8], originalSize: Int) throws(StoreError) -> [UInt8] {
        guard originalSize > 0 else { return [] }
        var length = uLong(originalSize)
        var output = [UInt8](repeating: 0, count: originalSize)
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &length, input.baseAddress, uLong(input.count))
            }
        }
        // Z_BUF_ERROR here means the blob inflates to more than the recorded size (or is truncated):
        // either way the row is inconsistent, and retrying cannot help.
        guard status == Z_OK, Int(length) == originalSize else {
            throw StoreError(
                operation: "inflate raw input",
                message: "corrupt compressed data (zlib status \(status), \(length) of \(originalSize) bytes)",
                retryable: false)
        }
        return output
    }
}
