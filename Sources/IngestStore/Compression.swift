import CDeflate
import CZlib
import Synchronization

/// zlib-format (RFC 1950) compression of raw inputs, which are kept for reprocessing.
///
/// The compressed form carries no length, so the caller stores the original size beside it
/// (`rawInput.size`) and hands it back to ``inflate(_:originalSize:)``, which then needs one allocation and
/// can tell a truncated or corrupt blob from a good one.
enum RawCompression {
    /// The bytes compressed by libdeflate at its fastest level, in zlib's format (RFC 1950), which zlib's
    /// `uncompress` reads back. Raw inputs are written for every document and read back only to
    /// reprocess, so speed matters more than size: on the end-to-end benchmark's 5,000 documents (49 MB)
    /// libdeflate's level 1 took 0.30 s of CPU where zlib's level 1 took 0.52-0.67 s, and its output was
    /// 6 % smaller (12.8 MB against 13.6 MB).
    static func deflate(_ bytes: [UInt8]) throws(StoreError) -> [UInt8] {
        guard let compressor = compressors.take() else {
            throw StoreError(operation: "compress raw input", message: "out of memory", retryable: false)
        }
        defer { compressors.give(back: compressor) }
        let bound = libdeflate_zlib_compress_bound(compressor, bytes.count)
        // Uninitialized: libdeflate writes what it returns, and zeroing the bound first was a second pass.
        let output = try [UInt8](unsafeUninitializedCapacity: bound) { out, count throws(StoreError) in
            let written = bytes.withUnsafeBytes { input in
                libdeflate_zlib_compress(compressor, input.baseAddress, input.count, out.baseAddress, out.count)
            }
            // The output holds the bound, so 0 (too small) cannot happen; say so rather than store nothing.
            guard written > 0 else {
                throw StoreError(operation: "compress raw input", message: "libdeflate gave no output", retryable: false)
            }
            count = written
        }
        return output
    }

    /// Compressors kept for the next call. One is not shareable between threads, so each call takes its
    /// own; but allocating one per call (about 100 KB of tables, zeroed, often fresh pages from the kernel)
    /// was 0.7 % of the daemon's CPU in a burst, as much as an eighth of the compression itself.
    private static let compressors = CompressorPool()

    private final class CompressorPool: Sendable {
        /// At most this many kept: one per thread that commits at once is enough.
        private static let kept = 4
        private let idle = Mutex<[CompressorHandle]>([])

        func take() -> OpaquePointer? {
            idle.withLock { $0.popLast()?.pointer } ?? libdeflate_alloc_compressor(1)
        }

        func give(back compressor: OpaquePointer) {
            let keep = idle.withLock { idle -> Bool in
                guard idle.count < Self.kept else { return false }
                idle.append(CompressorHandle(pointer: compressor))
                return true
            }
            if !keep { libdeflate_free_compressor(compressor) }
        }
    }

    /// A compressor that is idle, so no thread uses it: safe to hand to the next.
    private struct CompressorHandle: @unchecked Sendable {
        let pointer: OpaquePointer
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
