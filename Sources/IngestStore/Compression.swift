import CZlib

/// zlib (RFC 1950) compression of raw inputs, which are kept for reprocessing.
///
/// The compressed form carries no length, so the caller stores the original size beside it
/// (`rawInput.size`) and hands it back to ``inflate(_:originalSize:)``, which then needs one allocation and
/// can tell a truncated or corrupt blob from a good one.
enum RawCompression {
    /// The bytes compressed at zlib's default level (a good speed/size balance for text).
    static func deflate(_ bytes: [UInt8]) throws(StoreError) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &capacity, input.baseAddress, uLong(input.count), Z_DEFAULT_COMPRESSION)
            }
        }
        guard status == Z_OK else {
            throw StoreError(operation: "compress raw input", message: "zlib error \(status)", retryable: false)
        }
        output.removeSubrange(Int(capacity)...)
        return output
    }

    /// The original bytes of a blob made by ``deflate(_:)``; `originalSize` is the length before compression.
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
