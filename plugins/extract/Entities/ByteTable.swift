/// Byte strings (UTF-8 words and names) to small integers, looked up by a span of bytes.
///
/// The recogniser reads its words as spans of the text's bytes (``TokenList``), so its tables are keyed by
/// bytes too: a lookup hashes the span in place and compares bytes, and no String is made. Keys are only
/// ever added. Equal bytes is what the `WordSet`s this replaces matched on, so the answers are the same.
struct ByteTable {
    /// One slot: the key's hash (its low half), where its bytes are in `arena`, and its value.
    private struct Slot {
        var hash: UInt32
        var start: Int32
        var length: Int32 = -1
        var value: Int32
    }

    private var arena: [UInt8] = []
    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 8) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [Slot](repeating: Slot(hash: 0, start: 0, value: 0), count: size)
        mask = size - 1
    }

    /// The value stored for `key`, or nil.
    @inline(__always)
    func value(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let (s, found) = probe(key, Self.hash(key))
        return found ? slots[s].value : nil
    }

    /// `key`'s number: keys are numbered 0, 1, 2… in the order they are first given. `new` says this is
    /// the first time.
    mutating func number(_ key: UnsafeBufferPointer<UInt8>) -> (number: Int32, new: Bool) {
        let hash = Self.hash(key)
        let (s, found) = probe(key, hash)
        if found { return (slots[s].value, false) }
        let number = Int32(count)
        insert(key, number, hash: hash, at: s)
        return (number, true)
    }

    /// The number of the first `count` bytes of `key`.
    mutating func number(_ key: [UInt8], count: Int) -> (number: Int32, new: Bool) {
        key.withUnsafeBufferPointer { number(UnsafeBufferPointer(rebasing: $0[..<count])) }
    }

    /// Sets `key`'s value (a key set twice keeps the value given last).
    mutating func set(_ key: String, _ value: Int32) {
        var key = key
        key.withUTF8 { key in
            let hash = Self.hash(key)
            let (s, found) = probe(key, hash)
            if found { slots[s].value = value } else { insert(key, value, hash: hash, at: s) }
        }
    }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func probe(_ key: UnsafeBufferPointer<UInt8>, _ hash: UInt64) -> (slot: Int, found: Bool) {
        slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { arena in
                var s = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let slot = slots[s]
                    if slot.length < 0 { return (s, false) }
                    if slot.hash == UInt32(truncatingIfNeeded: hash), Int(slot.length) == key.count,
                        Self.equal(arena, Int(slot.start), key)
                    {
                        return (s, true)
                    }
                    s = (s + 1) & mask
                }
            }
        }
    }

    private mutating func insert(_ key: UnsafeBufferPointer<UInt8>, _ value: Int32, hash: UInt64, at s: Int) {
        let start = Int32(arena.count)
        arena.append(contentsOf: key)
        slots[s] = Slot(hash: UInt32(truncatingIfNeeded: hash), start: start, length: Int32(key.count), value: value)
        count += 1
        // At most half full, so a probe soon meets an empty slot.
        if count * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(hash: 0, start: 0, value: 0), count: old.count * 2)
        mask = slots.count - 1
        arena.withUnsafeBufferPointer { arena in
            for slot in old where slot.length >= 0 {
                let key = UnsafeBufferPointer(rebasing: arena[Int(slot.start)..<Int(slot.start + slot.length)])
                var s = Int(truncatingIfNeeded: Self.hash(key)) & mask
                while slots[s].length >= 0 { s = (s + 1) & mask }
                slots[s] = slot
            }
        }
    }

    @inline(__always)
    private static func equal(_ arena: UnsafeBufferPointer<UInt8>, _ start: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<key.count where arena[start + i] != key[i] { return false }
        return true
    }

    /// Eight bytes at a time, each mixed in with a multiply; the length first, so keys that differ only by
    /// trailing zero bytes differ.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: key.count)
        guard let base = key.baseAddress else { return h }
        let n = key.count
        var i = 0
        while i + 8 <= n {
            h = (h ^ UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9FB2_1C65_1E98_DF25
            h ^= h >> 28
            i += 8
        }
        if i < n {
            // The last one to seven bytes in at most two loads, which may overlap: any fixed function of
            // the bytes will do, as keys are compared byte for byte after the hash.
            let raw = UnsafeRawPointer(base)
            let left = n - i
            let tail: UInt64
            if left >= 4 {
                tail = UInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
            } else {
                tail = UInt64(base[i]) | UInt64(base[i + left / 2]) << 8 | UInt64(base[n - 1]) << 16
            }
            h = (h ^ tail) &* 0xC2B2_AE3D_27D4_EB4F
        }
        h ^= h >> 32
        h = h &* 0x1656_67B1_9E37_79F9
        return h ^ (h >> 29)
    }
}

/// A bit per (length, first byte, last byte) of the words put in: a word whose bit is clear was never put in,
/// so a table lookup can be skipped for most words that are not in the table, without hashing them.
struct ShapeFilter: Sendable {
    private var bits = [UInt64](repeating: 0, count: 64)

    @inline(__always)
    private static func bit(_ word: UnsafeBufferPointer<UInt8>) -> Int {
        let count = UInt32(truncatingIfNeeded: word.count)
        let shape = count &* 0x9E37_79B1 ^ UInt32(word.first ?? 0) << 8 ^ UInt32(word.last ?? 0) << 16
        return Int((shape &* 0x85EB_CA6B) >> 20)
    }

    mutating func insert(_ word: UnsafeBufferPointer<UInt8>) {
        let bit = Self.bit(word)
        bits[bit >> 6] |= 1 << UInt64(bit & 63)
    }

    mutating func insert(_ word: String) {
        var word = word
        word.withUTF8 { insert($0) }
    }

    /// False when `word` was certainly never put in.
    @inline(__always)
    func mayContain(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let bit = Self.bit(word)
        return bits[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }
}
