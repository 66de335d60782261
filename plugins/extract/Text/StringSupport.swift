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
        let n = Array(needle.utf8).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        guard let first = n.first else { return 0 }
        return utf8.withContiguousStorageIfAvailable { h -> Int? in
            guard h.count >= n.count else { return nil }
            var i = 0
            let last = h.count - n.count
            while i <= last {
                var c = h[i]
                if c >= 0x41 && c <= 0x5A { c |= 0x20 }
                if c == first {
                    var k = 1
                    while k < n.count {
                        var d = h[i + k]
                        if d >= 0x41 && d <= 0x5A { d |= 0x20 }
                        if d != n[k] { break }
                        k += 1
                    }
                    if k == n.count { return i }
                }
                i += 1
            }
            return nil
        } ?? (lowercased().range(of: needle.lowercased()).map { utf8.distance(from: startIndex, to: $0.lowerBound) })
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
