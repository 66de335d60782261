import Foundation

/// Substring search on a string's UTF-8 bytes, for rules that run on every element or word: Foundation's
/// `contains(_:)` and `range(of:)` go through CFString and cost more than the rule around them.
extension StringProtocol {
    /// Whether `needle` occurs in the string, byte for byte (a plain `contains("…")` resolves to
    /// Foundation's once Foundation is imported).
    public func hasBytes(_ needle: StaticString) -> Bool {
        let n = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = n.first else { return true }
        var text = String(self)
        return text.withUTF8 { h in
            guard h.count >= n.count else { return false }
            var i = 0
            let last = h.count - n.count
            while i <= last {
                if h[i] == first {
                    var k = 1
                    while k < n.count && h[i + k] == n[k] { k += 1 }
                    if k == n.count { return true }
                }
                i += 1
            }
            return false
        }
    }
}

extension String {
    /// Whether `needle` (ASCII) occurs in the string, comparing ASCII letters case-insensitively. On UTF-8
    /// bytes, without Foundation's bridging: this runs on every element's class names.
    public func hasASCII(_ needle: String) -> Bool {
        firstASCII(needle) != nil
    }

    /// The byte offset of the first occurrence of `needle` (ASCII, case-insensitive), or nil.
    public func firstASCII(_ needle: String) -> Int? {
        guard !needle.isEmpty else { return 0 }
        // The needle is read in place and lowercased byte by byte: copying it to a lowercased array
        // cost two allocations a call, and bylines try a dozen needles each.
        var needle = needle
        return needle.withUTF8 { n in
            utf8.withContiguousStorageIfAvailable { h in Self.firstASCII(n, in: h) }
        } ?? (lowercased().range(of: needle.lowercased()).map { utf8.distance(from: startIndex, to: $0.lowerBound) })
    }

    /// The offset of the first occurrence of `n` in `h`, ASCII letters compared case-insensitively.
    public static func firstASCII(_ n: UnsafeBufferPointer<UInt8>, in h: UnsafeBufferPointer<UInt8>) -> Int? {
        @inline(__always) func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
        guard let first = n.first.map(lower) else { return 0 }
        guard h.count >= n.count else { return nil }
        var i = 0
        let last = h.count - n.count
        while i <= last {
            if lower(h[i]) == first {
                var k = 1
                while k < n.count && lower(h[i + k]) == lower(n[k]) { k += 1 }
                if k == n.count { return i }
            }
            i += 1
        }
        return nil
    }
}

extension Substring {
    /// ``String/hasASCII(_:)`` on the substring's own bytes, without copying it to a String first.
    public func hasASCII(_ needle: String) -> Bool {
        guard !needle.isEmpty else { return true }
        var needle = needle
        let found = needle.withUTF8 { n in
            utf8.withContiguousStorageIfAvailable { h in String.firstASCII(n, in: h) != nil }
        }
        return found ?? String(self).hasASCII(needle)
    }
}
