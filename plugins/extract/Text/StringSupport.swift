import Foundation
extension StringProtocol {
    /// The string without the given characters at either end.
    func trimming(_ set: String) -> String {
        let scalars = unicodeScalars
        // Most words need no trimming: no copy through a scalar view then.
        if let f = scalars.first, let l = scalars.last, !set.unicodeScalars.contains(f), !set.unicodeScalars.contains(l) {
            return String(self)
        }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, set.unicodeScalars.contains(scalars[start]) { start = scalars.index(after: start) }
        while end > start, set.unicodeScalars.contains(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }
}

extension StringProtocol {
    /// Whether `needle` occurs in the string, byte for byte. Foundation's `contains(_:)`, which a plain
    /// `contains("…")` resolves to once Foundation is imported, goes through CFString and costs more than
    /// the rest of a metadata rule.
    func hasBytes(_ needle: StaticString) -> Bool {
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
    func hasASCII(_ needle: String) -> Bool {
        firstASCII(needle) != nil
    }

    /// The byte offset of the first occurrence of `needle` (ASCII, case-insensitive), or nil.
    func firstASCII(_ needle: String) -> Int? {
        guard !needle.isEmpty else { return 0 }
        // The needle is read in place and lowercased byte by byte: copying it to a lowercased array
        // cost two allocations a call, and bylines try a dozen needles each.
        var needle = needle
        return needle.withUTF8 { n in
            utf8.withContiguousStorageIfAvailable { h in Self.firstASCII(n, in: h) }
        } ?? (lowercased().range(of: needle.lowercased()).map { utf8.distance(from: startIndex, to: $0.lowerBound) })
    }

    /// The offset of the first occurrence of `n` in `h`, ASCII letters compared case-insensitively.
    fileprivate static func firstASCII(_ n: UnsafeBufferPointer<UInt8>, in h: UnsafeBufferPointer<UInt8>) -> Int? {
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

    /// The part before the first occurrence of `needle` (ASCII letters case-insensitive), or nil when absent.
    func prefixBefore(_ needle: String) -> String? {
        guard let offset = firstASCII(needle) else { return nil }
        return String(decoding: Array(utf8.prefix(offset)), as: UTF8.self)
    }

    /// The parts between occurrences of `separator`, empty ones kept.
    func splitBytes(_ separator: String) -> [String] {
        var parts: [String] = []
        var rest = self
        while let offset = rest.firstASCII(separator) {
            let bytes = Array(rest.utf8)
            parts.append(String(decoding: bytes[..<offset], as: UTF8.self))
            rest = String(decoding: bytes[(offset + separator.utf8.count)...], as: UTF8.self)
        }
        parts.append(rest)
        return parts
    }
}

extension Substring {
    /// ``String/hasASCII(_:)`` on the substring's own bytes, without copying it to a String first.
    func hasASCII(_ needle: String) -> Bool {
        guard !needle.isEmpty else { return true }
        var needle = needle
        let found = needle.withUTF8 { n in
            utf8.withContiguousStorageIfAvailable { h in String.firstASCII(n, in: h) != nil }
        }
        return found ?? String(self).hasASCII(needle)
    }
}

extension Substring {
    /// `prefix(count).lowercased()` when it can be had from the bytes: the first `count` bytes are ASCII
    /// and no carriage return (so each is one Character), and so is the byte after them (which could
    /// otherwise join the last one, as a combining accent does). nil otherwise: ask the Characters.
    func asciiLowercasedPrefix(_ count: Int) -> String? {
        let lowered = utf8.withContiguousStorageIfAvailable { bytes -> String? in
            let head = UnsafeBufferPointer(rebasing: bytes.prefix(count + 1))
            guard head.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) else { return nil }
            let length = Swift.min(count, head.count)
            return String(unsafeUninitializedCapacity: length) { out in
                for i in 0..<length { out[i] = head[i] &- 0x41 < 26 ? head[i] | 0x20 : head[i] }
                return length
            }
        }
        return lowered ?? nil
    }
}
