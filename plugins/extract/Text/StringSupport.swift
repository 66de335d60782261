import Foundation
import IngestCore
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

extension String {
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
