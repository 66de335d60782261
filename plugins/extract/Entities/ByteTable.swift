/// Byte strings (UTF-8 words and names) to small integers, looked up by a span of bytes.
///
/// The recogniser reads its words as spans of the text's bytes (``EntityText``), so its tables are keyed by
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
        let hash = Self.hash(key)
        return slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { arena in
                var s = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let slot = slots[s]
                    if slot.length < 0 { return nil }
                    if slot.hash == UInt32(truncatingIfNeeded: hash), Int(slot.length) == key.count,
                        Self.equal(arena.baseAddress! + Int(slot.start), key)
                    {
                        return slot.value
                    }
                    s = (s + 1) & mask
                }
            }
        }
    }

    /// The value for `key`, adding `key` with the value `make()` when it is new.
    mutating func value(_ key: UnsafeBufferPointer<UInt8>, orAdd make: () -> Int32) -> Int32 {
        if let found = value(key) { return found }
        let new = make()
        add(key, new)
        return new
    }

    /// Sets `key`'s value (a key added twice keeps the value given last).
    mutating func set(_ key: UnsafeBufferPointer<UInt8>, _ value: Int32) {
        let hash = Self.hash(key)
        var s = Int(truncatingIfNeeded: hash) & mask
        while slots[s].length >= 0 {
            if slots[s].hash == UInt32(truncatingIfNeeded: hash), Int(slots[s].length) == key.count,
                arena.withUnsafeBufferPointer({ Self.equal($0.baseAddress! + Int(slots[s].start), key) })
            {
                slots[s].value = value
                return
            }
            s = (s + 1) & mask
        }
        add(key, value)
    }

    mutating func set(_ key: String, _ value: Int32) {
        var key = key
        key.withUTF8 { set($0, value) }
    }

    private mutating func add(_ key: UnsafeBufferPointer<UInt8>, _ value: Int32) {
        // At most half full, so a probe soon meets an empty slot.
        if (count + 1) * 2 > slots.count { grow() }
        let hash = Self.hash(key)
        let start = Int32(arena.count)
        arena.append(contentsOf: key)
        var s = Int(truncatingIfNeeded: hash) & mask
        while slots[s].length >= 0 { s = (s + 1) & mask }
        slots[s] = Slot(hash: UInt32(truncatingIfNeeded: hash), start: start, length: Int32(key.count), value: value)
        count += 1
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(hash: 0, start: 0, value: 0), count: old.count * 2)
        mask = slots.count - 1
        arena.withUnsafeBufferPointer { arena in
            for slot in old where slot.length >= 0 {
                let key = UnsafeBufferPointer(start: arena.baseAddress! + Int(slot.start), count: Int(slot.length))
                var s = Int(truncatingIfNeeded: Self.hash(key)) & mask
                while slots[s].length >= 0 { s = (s + 1) & mask }
                slots[s] = slot
            }
        }
    }

    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<b.count where a[i] != b[i] { return false }
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
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(base[i]) &<< shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0xC2B2_AE3D_27D4_EB4F
        }
        h ^= h >> 32
        h = h &* 0x1656_67B1_9E37_79F9
        return h ^ (h >> 29)
    }
}
