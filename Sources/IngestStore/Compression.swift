import CZlib

/// zlib (RFC 1950) compression of raw inputs, which are kept for reprocessing.
///
/// The compressed form carries no length, so the caller stores the original size beside it
/// (`rawInput.size`) and hands it back to ``inflate(_:originalSize:)``, which then needs one allocation and
/// can tell a truncated or corrupt blob from a good one.
enum RawCompression {
    /// The bytes compressed at zlib's fastest level. On news pages and texts (the end-to-end benchmark's
    /// 2,000 documents) it takes 0.6 of the default level's time for 10 % more bytes (3.6 to 1 against
    /// 4.0 to 1); raw inputs are written for every document and read back only to reprocess.
    ///
    /// The window and hash table are sized to the input instead of zlib's defaults (32 KiB window, 256 KiB
    /// of state): most inputs are a few KiB, and allocating and clearing the full state cost ten times
    /// the compression itself. A window at least as long as the input finds the same matches, so the
    /// ratio is unchanged; inputs of 32 KiB and more get the defaults. `uncompress` reads any window size.
    static func deflate(_ bytes: [UInt8]) throws(StoreError) -> [UInt8] {
        let windowBits = Int32(min(15, max(9, Int.bitWidth - max(bytes.count - 1, 1).leadingZeroBitCount)))
        let memLevel = max(1, windowBits - 7)
        var stream = z_stream()
        var status = deflateInit2_(
            &stream, Z_BEST_SPEED, Z_DEFLATED, windowBits, memLevel, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw StoreError(operation: "compress raw input", message: "zlib error \(status)", retryable: false)
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        var written = 0
        status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                // The output holds deflateBound bytes, so one call with Z_FINISH completes the stream.
                let status = CZlib.deflate(&stream, Z_FINISH)
                written = out.count - Int(stream.avail_out)
                return status
            }
        }
        guard status == Z_STREAM_END else {
            throw StoreError(operation: "compress raw input", message: "zlib error \(status)", retryable: false)
        }
        output.removeSubrange(written...)
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
