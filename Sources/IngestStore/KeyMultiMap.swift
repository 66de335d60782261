/// 64-bit keys → article ids, a key possibly with several: one flat open-addressing table, each (key, id)
/// pair in a slot of its own, found by probing from the key's home slot to the next empty one.
///
/// Why not `[Int64: Int64]`: Swift's Dictionary hashes every key with SipHash through `Hasher` and keeps a
/// second dictionary for keys with several ids. The keys here (MinHash band keys, FNV-1a text keys) are
/// already random, so one multiplication spreads them, and a probe is a run of adjacent slots.
///
/// Ids are article ids, never 0 (SQLite's AUTOINCREMENT starts at 1; PostgreSQL's identity too): 0 marks an
/// empty slot, so an empty table is one zeroed allocation.
struct KeyMultiMap {
    private var keys: [Int64]
    private var ids: [Int64]
    private var mask: Int
    private var shift: UInt64
    /// Pairs stored.
    private(set) var count = 0

    init() {
        (keys, ids, mask, shift) = Self.table(bits: 10)
    }

    private static func table(bits: Int) -> ([Int64], [Int64], Int, UInt64) {
        let capacity = 1 << bits
        return ([Int64](repeating: 0, count: capacity), [Int64](repeating: 0, count: capacity), capacity - 1, UInt64(64 - bits))
    }

    /// The key's home slot: the top bits of a Fibonacci multiplication.
    @inline(__always)
    private func home(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Records that `id` has `key`; a pair already there is not added twice.
    mutating func add(_ key: Int64, _ id: Int64) {
        precondition(id != 0, "article ids start at 1")
        // Grown at three quarters full: linear probing's runs stay short below that.
        if (count + 1) * 4 > (mask + 1) * 3 { grow() }
        let mask = self.mask
        var slot = home(key)
        let added = keys.withUnsafeMutableBufferPointer { keys in
            ids.withUnsafeMutableBufferPointer { ids in
                while ids[slot] != 0 {
                    if keys[slot] == key && ids[slot] == id { return false }
                    slot = (slot + 1) & mask
                }
                keys[slot] = key
                ids[slot] = id
                return true
            }
        }
        if added { count += 1 }
    }

    /// Inserts every id that has `key` into `found`.
    func collect(_ key: Int64, into found: inout Set<Int64>) {
        var slot = home(key)
        keys.withUnsafeBufferPointer { keys in
            ids.withUnsafeBufferPointer { ids in
                while ids[slot] != 0 {
                    if keys[slot] == key { found.insert(ids[slot]) }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldIds = ids
        (keys, ids, mask, shift) = Self.table(bits: (mask + 1).trailingZeroBitCount + 1)
        count = 0
        for slot in oldIds.indices where oldIds[slot] != 0 { add(oldKeys[slot], oldIds[slot]) }
    }
}
