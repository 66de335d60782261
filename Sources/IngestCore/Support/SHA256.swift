/// SHA-256 (FIPS 180-4), for content hashes in ledgers and dedupe. Pure Swift, no C.
///
/// It hashes every raw input and every article text, so the block function is written for speed: the
/// state lives in local variables while blocks are compressed, words are loaded straight from the input
/// (no copy of whole blocks), and nothing is allocated per block or per update.
public struct SHA256: Sendable {
    private var h0: UInt32 = 0x6a09_e667, h1: UInt32 = 0xbb67_ae85, h2: UInt32 = 0x3c6e_f372, h3: UInt32 = 0xa54f_f53a
    private var h4: UInt32 = 0x510e_527f, h5: UInt32 = 0x9b05_688c, h6: UInt32 = 0x1f83_d9ab, h7: UInt32 = 0x5be0_cd19
    /// A partial block waiting for more input (the first `pendingCount` bytes), inline rather than an array.
    private var pending = Block()
    private var pendingCount = 0
    private var length: UInt64 = 0

    /// 64 bytes of storage.
    private struct Block {
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    }

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    public init() {}

    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { update(buffer: UnsafeRawBufferPointer($0)) }
        if handled == nil { Array(bytes).withUnsafeBytes { update(buffer: $0) } }
    }

    /// Whole blocks are compressed straight from the input; only a partial block is copied.
    private mutating func update(buffer input: UnsafeRawBufferPointer) {
        length &+= UInt64(input.count)
        var offset = 0
        if pendingCount > 0 {
            offset = min(64 - pendingCount, input.count)
            appendPending(UnsafeRawBufferPointer(rebasing: input[0..<offset]))
            guard pendingCount == 64 else { return }
            compressPending()
        }
        let blocks = (input.count - offset) / 64
        if blocks > 0 {
            compress(input.baseAddress! + offset, blocks: blocks)
            offset += blocks * 64
        }
        if offset < input.count { appendPending(UnsafeRawBufferPointer(rebasing: input[offset...])) }
    }

    private mutating func appendPending(_ bytes: UnsafeRawBufferPointer) {
        let at = pendingCount
        withUnsafeMutableBytes(of: &pending) { UnsafeMutableRawBufferPointer(rebasing: $0[at..<at + bytes.count]).copyMemory(from: bytes) }
        pendingCount += bytes.count
    }

    private mutating func compressPending() {
        var block = pending  // a copy: `compress` mutates self
        withUnsafeBytes(of: &block) { compress($0.baseAddress!, blocks: 1) }
        pendingCount = 0
    }

    /// Pads the message (a 1 bit, zeros, the bit length) and compresses the last block or two.
    private mutating func pad() {
        let bitLength = length &* 8
        let saved = length
        var tail = (Block(), Block())
        let tailCount = pendingCount < 56 ? 64 : 128
        withUnsafeMutableBytes(of: &tail) { tail in
            withUnsafeBytes(of: pending) { tail.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<pendingCount])) }
            tail[pendingCount] = 0x80
            tail.storeBytes(of: bitLength.bigEndian, toByteOffset: tailCount - 8, as: UInt64.self)
        }
        pendingCount = 0
        withUnsafeBytes(of: &tail) { compress($0.baseAddress!, blocks: tailCount / 64) }
        length = saved
    }

    public mutating func finalize() -> [UInt8] {
        pad()
        let words = stateWords
        return [UInt8](unsafeUninitializedCapacity: 32) { digest, count in
            for (i, word) in words.enumerated() {
                UnsafeMutableRawPointer(digest.baseAddress! + 4 * i).storeBytes(of: word.bigEndian, as: UInt32.self)
            }
            count = 32
        }
    }

    private var stateWords: [UInt32] { [h0, h1, h2, h3, h4, h5, h6, h7] }

    /// The digest of `bytes`, as lowercase hex.
    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var h = SHA256()
        h.update(bytes)
        h.pad()
        return String(unsafeUninitializedCapacity: 64) { out in
            /// Eight hex digits of `word` at `out[at...]`.
            func put(_ word: UInt32, at: Int) {
                for j in 0..<8 {
                    let nibble = UInt8(truncatingIfNeeded: word >> UInt32(28 - 4 * j)) & 0x0F
                    out[at + j] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
                }
            }
            put(h.h0, at: 0); put(h.h1, at: 8); put(h.h2, at: 16); put(h.h3, at: 24)
            put(h.h4, at: 32); put(h.h5, at: 40); put(h.h6, at: 48); put(h.h7, at: 56)
            return 64
        }
    }

    // MARK: the block function

    /// Compresses `blocks` consecutive 64-byte blocks at `data` (any alignment) into the state.
    private mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
        var a0 = h0, b0 = h1, c0 = h2, d0 = h3, e0 = h4, f0 = h5, g0 = h6, h0v = h7
        Self.k.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                for n in 0..<blocks {
                    Self.schedule(data + n * 64, into: w)
                    var a = a0, b = b0, c = c0, d = d0, e = e0, f = f0, g = g0, h = h0v
                    var bc = b ^ c  // carried from round to round, see `round`
                    // Eight rounds per pass with the roles of the variables rotated instead of the values
                    // moved: round t updates only its `d` and `h`.
                    var t = 0
                    while t < 64 {
                        Self.round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t], &bc)
                        Self.round(h, a, b, &c, d, e, f, &g, k[t + 1] &+ w[t + 1], &bc)
                        Self.round(g, h, a, &b, c, d, e, &f, k[t + 2] &+ w[t + 2], &bc)
                        Self.round(f, g, h, &a, b, c, d, &e, k[t + 3] &+ w[t + 3], &bc)
                        Self.round(e, f, g, &h, a, b, c, &d, k[t + 4] &+ w[t + 4], &bc)
                        Self.round(d, e, f, &g, h, a, b, &c, k[t + 5] &+ w[t + 5], &bc)
                        Self.round(c, d, e, &f, g, h, a, &b, k[t + 6] &+ w[t + 6], &bc)
                        Self.round(b, c, d, &e, f, g, h, &a, k[t + 7] &+ w[t + 7], &bc)
                        t += 8
                    }
                    a0 &+= a; b0 &+= b; c0 &+= c; d0 &+= d
                    e0 &+= e; f0 &+= f; g0 &+= g; h0v &+= h
                }
            }
        }
        h0 = a0; h1 = b0; h2 = c0; h3 = d0; h4 = e0; h5 = f0; h6 = g0; h7 = h0v
    }

    /// The 64 message words of one block: 16 big-endian words, then the expansion.
    @inline(__always)
    private static func schedule(_ block: UnsafeRawPointer, into w: UnsafeMutableBufferPointer<UInt32>) {
        for t in 0..<16 { w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self)) }
        for t in 16..<64 {
            let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
    }

    /// One round; `kw` is the round constant plus the message word.
    ///
    /// Maj(a, b, c) is `((a ^ b) & (b ^ c)) ^ b`, and this round's `a ^ b` is the next round's `b ^ c`:
    /// `bc` carries it over, which saves work on the longest chain of the round.
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32,
        _ kw: UInt32, _ bc: inout UInt32
    ) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (((f ^ g) & e) ^ g) &+ kw
        let ab = a ^ b
        let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((ab & bc) ^ b)
        bc = ab
        d &+= t1
        h = t1 &+ t2
    }

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}
