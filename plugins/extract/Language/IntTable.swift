/// A small open-addressing hash table from non-zero UInt64 keys to Int32 values, for the per-text counts
/// of the keyword extractor: a multiply-shift hash and flat arrays, where `Dictionary` would hash every key
/// with SipHash and the extractor looks up a few thousand keys per article.
struct IntTable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    private var shift: UInt64
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: 0, count: size)
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
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// The value for `key`, inserting `make()` first when the key is new.
    @inline(__always)
    mutating func value(for key: UInt64, orInsert make: () -> Int32) -> (value: Int32, inserted: Bool) {
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { return (values[i], false) }
            if k == 0 { break }
            i = (i + 1) & mask
        }
        let value = make()
        keys[i] = key
        values[i] = value
        count += 1
        if count * 2 > keys.count { grow() }
        return (value, true)
    }

    /// Adds `delta` to the value for `key` (starting from 0); returns the new value.
    @inline(__always)
    @discardableResult
    mutating func add(_ delta: Int32, to key: UInt64) -> Int32 {
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key {
                values[i] += delta
                return values[i]
            }
            if k == 0 { break }
            i = (i + 1) & mask
        }
        keys[i] = key
        values[i] = delta
        count += 1
        if count * 2 > keys.count { grow() }
        return delta
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let size = keys.count * 2
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: 0, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
        for (index, key) in oldKeys.enumerated() where key != 0 {
            var i = slot(key)
            while keys[i] != 0 { i = (i + 1) & mask }
            keys[i] = key
            values[i] = oldValues[index]
        }
    }
}
