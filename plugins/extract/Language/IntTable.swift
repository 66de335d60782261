/// A small open-addressing hash table from non-zero UInt64 keys to Int32 values, for the per-text counts
/// of the keyword extractor: a multiply-shift hash and one flat array, where `Dictionary` would hash every
/// key with SipHash and the extractor looks up a few thousand keys per article.
struct IntTable {
    /// A key (0: empty) beside its value, so a lookup touches one cache line, not one in each of two arrays.
    private struct Slot {
        var key: UInt64
        var value: Int32
    }

    private var slots: [Slot]
    private var mask: Int
    private var shift: UInt64
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(key: 0, value: 0), count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The value for `key` (never 0), or nil.
    @inline(__always)
    func value(for key: UInt64) -> Int32? {
        slots.withUnsafeBufferPointer { slots in
            var i = slot(key)
            while true {
                let k = slots[i].key
                if k == key { return slots[i].value }
                if k == 0 { return nil }
                i = (i + 1) & mask
            }
        }
    }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func find(_ key: UInt64) -> (index: Int, found: Bool) {
        slots.withUnsafeBufferPointer { slots in
            var i = slot(key)
            while true {
                let k = slots[i].key
                if k == key { return (i, true) }
                if k == 0 { return (i, false) }
                i = (i + 1) & mask
            }
        }
    }

    /// The value for `key`, inserting `make()` first when the key is new.
    @inline(__always)
    mutating func value(for key: UInt64, orInsert make: () -> Int32) -> (value: Int32, inserted: Bool) {
        let (i, found) = find(key)
        if found { return (slots[i].value, false) }
        let value = make()
        slots[i] = Slot(key: key, value: value)
        count += 1
        if count * 2 > slots.count { grow() }
        return (value, true)
    }

    private mutating func grow() {
        let old = slots
        let size = slots.count * 2
        slots = [Slot](repeating: Slot(key: 0, value: 0), count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
        for entry in old where entry.key != 0 {
            var i = slot(entry.key)
            while slots[i].key != 0 { i = (i + 1) & mask }
            slots[i] = entry
        }
    }
}
