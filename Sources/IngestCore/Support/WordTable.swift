#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A table from short strings (words, names) to integers, looked up by their UTF-8 bytes.
///
/// Stages look words up in lists (stop words, cue words, gazetteers) for every word of every article.
/// `Set<String>` hashes each probe with seeded SipHash through `Hasher`, which costs more than the rest of
/// the lookup; this table hashes eight bytes at a time with a multiply-mix and compares the bytes of the one
/// candidate slot. Keys are only ever added. It is not generic on purpose: a generic table used from
/// another module runs unspecialised, through metadata, at several times the cost; callers keep their
/// values in an array and store the index here.
public struct WordTable: Sendable {
    /// The keys' bytes one after another; `starts[i]..<starts[i + 1]` are key i's.
    private var bytes: [UInt8] = []
    private var starts: [Int32] = [0]
    private var hashes: [UInt64] = []
    private var values: [Int] = []
    /// Open addressing, linear probing: an index into `values`, or -1.
    private var slots: [Int32] = []
    private var mask = 0

    public init() {}

    /// With the pairs given; a key given twice keeps its last value, as a Dictionary would.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, Int) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { values.count }

    public subscript(key: String) -> Int? {
        get { find(key).map { values[$0] } }
        set {
            guard let newValue else {
                preconditionFailure("WordTable does not remove keys")
            }
            if let i = find(key) {
                values[i] = newValue
                return
            }
            insert(key, newValue)
        }
    }

    public subscript(key: Substring) -> Int? {
        var key = key
        return key.withUTF8 { find(bytes: $0) }.map { values[$0] }
    }

    /// The value for the key spelled by `key`'s bytes (UTF-8).
    public func value(bytes key: UnsafeBufferPointer<UInt8>) -> Int? {
        find(bytes: key).map { values[$0] }
    }

    private func find(_ key: String) -> Int? {
        if let found = key.utf8.withContiguousStorageIfAvailable({ find(bytes: $0) }) { return found }
        var copy = key
        return copy.withUTF8 { find(bytes: $0) }
    }

    private func find(bytes key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard mask > 0 else { return nil }
        let hash = Self.hash(key)
        let n = key.count
        return slots.withUnsafeBufferPointer { slots in
            hashes.withUnsafeBufferPointer { hashes in
                starts.withUnsafeBufferPointer { starts in
                    bytes.withUnsafeBufferPointer { arena in
                        var slot = Int(truncatingIfNeeded: hash) & mask
                        while true {
                            let entry = Int(slots[slot])
                            if entry < 0 { return nil }
                            if hashes[entry] == hash {
                                let start = Int(starts[entry])
                                if Int(starts[entry + 1]) - start == n
                                    && (n == 0 || memcmp(arena.baseAddress! + start, key.baseAddress!, n) == 0)
                                {
                                    return entry
                                }
                            }
                            slot = (slot + 1) & mask
                        }
                    }
                }
            }
        }
    }

    private mutating func insert(_ key: String, _ value: Int) {
        let hash = key.utf8.withContiguousStorageIfAvailable { Self.hash($0) } ?? {
            var copy = key
            return copy.withUTF8 { Self.hash($0) }
        }()
        bytes.append(contentsOf: key.utf8)
        starts.append(Int32(bytes.count))
        hashes.append(hash)
        values.append(value)
        // At most half full, so a probe ends at an empty slot soon.
        if values.count * 2 > slots.count {
            rebuild(capacity: max(16, slots.count * 2))
        } else {
            place(values.count - 1)
        }
    }

    private mutating func rebuild(capacity: Int) {
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for i in values.indices { place(i) }
    }

    private mutating func place(_ entry: Int) {
        var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry)
    }

    /// Eight bytes at a time, each mixed in with a multiply and a shift; the length is mixed in first so
    /// keys that differ only by trailing zero bytes differ.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let base = key.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        let n = key.count
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(base[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 32)
    }
}

/// A set of words on a ``WordTable``.
public struct WordSet: Sendable, ExpressibleByArrayLiteral {
    private var table = WordTable()

    public init() {}

    public init<S: Sequence>(_ words: S) where S.Element == String {
        for word in words { table[word] = 1 }
    }

    public init(arrayLiteral words: String...) {
        self.init(words)
    }

    public var count: Int { table.count }
    public var isEmpty: Bool { table.count == 0 }

    public func contains(_ word: String) -> Bool { table[word] != nil }
    public func contains(_ word: Substring) -> Bool { table[word] != nil }
    public func contains(bytes: UnsafeBufferPointer<UInt8>) -> Bool { table.value(bytes: bytes) != nil }

    public mutating func insert(_ word: String) {
        if table[word] == nil { table[word] = 1 }
    }
}
