import Foundation
import IngestCore
/// Paragraphs, sentences and words of the clean text.
enum Sentences {
    /// The clean text's paragraphs (separated by blank lines), trimmed, empty ones dropped.
    static func paragraphs(_ text: String) -> [Substring] {
        // On the UTF-8 buffer: splitting a String by Characters costs ten times as much, and stepping
        // String.Index through the UTF-8 view still three times as much as reading bytes. Offsets become
        // indices only at the paragraphs' ends (O(1) on a native string).
        var text = text
        let ranges = text.withUTF8 { bytes -> [Range<Int>] in
            var ranges: [Range<Int>] = []
            func add(_ from: Int, _ to: Int) {
                var a = from
                var b = to
                while a < b, bytes[a] == 0x20 || bytes[a] == 0x0A { a += 1 }
                while b > a, bytes[b - 1] == 0x20 || bytes[b - 1] == 0x0A { b -= 1 }
                if a < b { ranges.append(a..<b) }
            }
            var start = 0
            var previousNewline = false
            for i in bytes.indices {
                let c = bytes[i]
                if c == 0x0A && previousNewline {
                    add(start, i)
                    start = i + 1
                    previousNewline = false
                } else {
                    previousNewline = c == 0x0A
                }
            }
            add(start, bytes.count)
            return ranges
        }
        let utf8 = text.utf8
        return ranges.map { range in
            text[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)]
        }
    }

    /// The first `limit` lines of `text`, as `text.split(separator: "\n").prefix(limit)` gives them (empty
    /// ones left out), found on the bytes and without reading past them: splitting by Characters went
    /// through a whole paragraph for the one to three lines a caller reads. A line feed after a carriage
    /// return is no separator there (the two are one Character), so it is none here either.
    static func lines(_ text: Substring, limit: Int) -> [Substring] {
        // Most paragraphs hold no line feed at all: memchr finds that out on the whole paragraph at once,
        // where stepping the UTF-8 view byte by byte was 1 % of the daemon's CPU.
        let ranges = text.utf8.withContiguousStorageIfAvailable { bytes -> [Range<Int>] in
            guard let base = bytes.baseAddress else { return [] }
            var ranges: [Range<Int>] = []
            var start = 0
            var from = 0
            while ranges.count < limit, from < bytes.count,
                let found = memchr(base + from, 0x0A, bytes.count - from)
            {
                let i = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                from = i + 1
                if i > 0 && bytes[i - 1] == 0x0D { continue }
                if start < i { ranges.append(start..<i) }
                start = i + 1
            }
            if ranges.count < limit && start < bytes.count { ranges.append(start..<bytes.count) }
            return ranges
        }
        guard let ranges else { return linesByIndex(text, limit: limit) }
        let utf8 = text.utf8
        return ranges.map { range in
            text[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)]
        }
    }

    /// ``lines(_:limit:)`` for text without contiguous UTF-8 (a bridged string).
    private static func linesByIndex(_ text: Substring, limit: Int) -> [Substring] {
        var result: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var i = start
        var previous: UInt8 = 0
        while i < utf8.endIndex && result.count < limit {
            let b = utf8[i]
            if b == 0x0A && previous != 0x0D {
                if start < i { result.append(text[start..<i]) }
                start = utf8.index(after: i)
            }
            previous = b
            i = utf8.index(after: i)
        }
        if result.count < limit && start < utf8.endIndex { result.append(text[start..<utf8.endIndex]) }
        return result
    }

    /// Abbreviations whose period does not end a sentence (lowercased, without the period).
    static let abbreviations: WordSet = [
        "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt",
        "no", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "fig", "approx", "dept", "est", "inc", "ltd", "co",
        "corp", "rev", "hon", "pres", "adm", "maj", "cmdr", "supt", "insp",
    ]

    /// Splits one paragraph into sentences: after `.`, `!` or `?` (and closing quotes) followed by a space and
    /// a capital, a digit or an opening quote, unless the word before the period is an abbreviation or an
    /// initial.
    static func split(_ paragraph: Substring) -> [Substring] {
        var result: [Substring] = []
        eachSentence(of: paragraph) { result.append($0); return true }
        return result
    }

    /// Calls `body` with each sentence of `paragraph` in order (as ``split(_:)`` cuts them) until it returns
    /// false: the summary needs the first few sentences, not a whole paragraph cut up.
    static func eachSentence(of paragraph: Substring, _ body: (Substring) -> Bool) {
        // Most paragraphs are ASCII: then every byte is a Character (no CR, so no CR LF pair), and the
        // rules below read bytes. Any other paragraph goes through the Character-aware path.
        let ascii = paragraph.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) else { return false }
            eachASCIISentence(of: paragraph, bytes: bytes, body)
            return true
        }
        if ascii != true { eachSentenceByIndex(of: paragraph, body) }
    }

    /// ``eachSentence(of:_:)`` on the bytes of an ASCII paragraph without carriage returns.
    private static func eachASCIISentence(
        of paragraph: Substring, bytes: UnsafeBufferPointer<UInt8>, _ body: (Substring) -> Bool
    ) {
        let n = bytes.count
        let utf8 = paragraph.utf8
        /// The sentence `from..<to` without spaces and line feeds at its ends, if anything stays.
        func emit(_ from: Int, _ to: Int) -> Bool {
            var a = from
            var b = to
            while a < b, bytes[a] == 0x20 || bytes[a] == 0x0A { a += 1 }
            while b > a, bytes[b - 1] == 0x20 || bytes[b - 1] == 0x0A { b -= 1 }
            guard a < b else { return true }
            return body(paragraph[utf8.index(utf8.startIndex, offsetBy: a)..<utf8.index(utf8.startIndex, offsetBy: b)])
        }
        var start = 0
        var i = 0
        while i < n {
            let c = bytes[i]
            guard c == 0x2E || c == 0x21 || c == 0x3F || c == 0x0A else {
                i += 1
                continue
            }
            var end = i + 1
            // Closing quotes and brackets stay with the sentence.
            while end < n, bytes[end] == 0x22 || bytes[end] == 0x27 || bytes[end] == 0x29 || bytes[end] == 0x5D { end += 1 }
            guard end < n else { break }
            if bytes[end] == 0x20 || c == 0x0A {
                var next = end
                while next < n, bytes[next] == 0x20 || bytes[next] == 0x0A { next += 1 }
                if next < n, c == 0x0A || startsSentence(ascii: bytes[next]),
                    c != 0x2E || !isAbbreviation(UnsafeBufferPointer(rebasing: bytes[start..<i]))
                {
                    guard emit(start, end) else { return }
                    start = next
                    i = next
                    continue
                }
            }
            i += 1
        }
        _ = emit(start, n)
    }

    /// ``startsSentence(_:)`` for a Character that is one ASCII byte.
    @inline(__always)
    private static func startsSentence(ascii b: UInt8) -> Bool {
        b &- 0x41 < 26 || b &- 0x30 < 10 || b == 0x22 || b == 0x27 || b == 0x28
    }

    /// ``isAbbreviation(_:)`` on the ASCII bytes before a period.
    private static func isAbbreviation(_ before: UnsafeBufferPointer<UInt8>) -> Bool {
        var k = before.count
        var count = 0
        while k > 0, count < 8 {
            let b = before[k - 1]
            if b == 0x20 || b == 0x0A || b == 0x28 || b == 0x22 { break }
            k -= 1
            count += 1
        }
        if count == 0 || count >= 8 { return false }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { lower in
            for j in 0..<count {
                let b = before[k + j]
                lower[j] = b &- 0x41 < 26 ? b | 0x20 : b
            }
            if count == 1 { return (lower[0] | 0x20) &- 0x61 < 26 }
            return abbreviations.contains(bytes: UnsafeBufferPointer(rebasing: lower[..<count]))
        }
    }

    /// ``eachSentence(of:_:)`` by String indices, for paragraphs with other characters than ASCII.
    private static func eachSentenceByIndex(of paragraph: Substring, _ body: (Substring) -> Bool) {
        // On UTF-8 bytes: the marks that end a sentence are ASCII; only the character after one is decoded.
        let utf8 = paragraph.utf8
        var start = utf8.startIndex
        var i = utf8.startIndex
        while i < utf8.endIndex {
            let c = utf8[i]
            guard c == 0x2E || c == 0x21 || c == 0x3F || c == 0x0A else {
                i = utf8.index(after: i)
                continue
            }
            var end = utf8.index(after: i)
            // Closing quotes and brackets stay with the sentence: " ' ) ] and ” ’ (E2 80 9D / E2 80 99).
            while end < utf8.endIndex {
                let b = utf8[end]
                if b == 0x22 || b == 0x27 || b == 0x29 || b == 0x5D {
                    end = utf8.index(after: end)
                } else if b == 0xE2, paragraph[end...].hasPrefix("”") || paragraph[end...].hasPrefix("’") {
                    end = utf8.index(end, offsetBy: 3)
                } else {
                    break
                }
            }
            guard end < utf8.endIndex else { break }
            if utf8[end] == 0x20 || c == 0x0A {
                var next = end
                while next < utf8.endIndex, utf8[next] == 0x20 || utf8[next] == 0x0A { next = utf8.index(after: next) }
                if next < utf8.endIndex, c == 0x0A || startsSentence(paragraph[next...].first!),
                    c != 0x2E || !isAbbreviation(paragraph[start..<i])
                {
                    let sentence = paragraph[start..<end].trimmingSpaces
                    if !sentence.isEmpty { guard body(sentence) else { return } }
                    start = next
                    i = next
                    continue
                }
            }
            i = utf8.index(after: i)
        }
        let last = paragraph[start...].trimmingSpaces
        if !last.isEmpty { _ = body(last) }
    }

    private static func startsSentence(_ c: Character) -> Bool {
        c.isUppercase || c.isNumber || "\"'“‘(«".contains(c) || (c.isLetter && !c.isCased)
    }

    /// Whether the text before a period ends with an abbreviation or a single-letter initial.
    private static func isAbbreviation(_ before: Substring) -> Bool {
        // The last word, found on bytes (an abbreviation is ASCII).
        let utf8 = before.utf8
        var k = utf8.endIndex
        var count = 0
        while k > utf8.startIndex, count < 8 {
            let p = utf8.index(before: k)
            let b = utf8[p]
            if b == 0x20 || b == 0x0A || b == 0x28 || b == 0x22 { break }
            k = p
            count += 1
        }
        if count == 0 || count >= 8 { return false }
        let w = String(before[k...]).lowercased()
        if w.count == 1, w.first?.isLetter == true { return true }
        return abbreviations.contains(w)
    }

    /// Each byte's class for ``wordCount(bytes:)``: 0 a space (space, tab, line feed, carriage return),
    /// 2 an ASCII letter or digit, 1 any other ASCII byte, 3 not ASCII.
    private static let asciiClasses: [UInt8] = (0..<256).map { b in
        if b >= 0x80 { return 3 }
        if b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D { return 0 }
        return (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) ? 2 : 1
    }

    /// Words: runs of non-space characters holding a letter or a digit. Han, kana and Thai characters, which
    /// are written without spaces, count one word per two characters (a usual rate for reading time).
    static func wordCount(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { wordCount(bytes: $0) }
    }

    /// The same on UTF-8 bytes: ASCII is read as is, other scalars are decoded in place (no scalar view).
    private static func wordCount(bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var words = 0
        var inWord = false
        var hasAlnum = false
        var unspaced = 0
        var p = 0
        let n = bytes.count
        // ASCII first, without branches on the byte: the same steps as the ASCII case below, up to the first
        // byte that is not ASCII (the loop below carries on from there with the same state).
        asciiClasses.withUnsafeBufferPointer { classes in
            while p < n {
                let c = classes[Int(bytes[p])]
                if c == 3 { break }
                let space = c == 0
                if space && inWord && hasAlnum { words += 1 }
                inWord = !space
                hasAlnum = !space && (hasAlnum || c == 2)
                p += 1
            }
        }
        while p < n {
            var v = UInt32(bytes[p])
            if v < 0x80 {
                // ASCII, most of any text: the same steps as below without the unspaced-script tests.
                p += 1
                if v == 0x20 || v == 0x0A || v == 0x09 || v == 0x0D {
                    if inWord && hasAlnum { words += 1 }
                    inWord = false
                    hasAlnum = false
                } else {
                    inWord = true
                    if !hasAlnum { hasAlnum = (v >= 0x30 && v <= 0x39) || (v | 0x20 >= 0x61 && v | 0x20 <= 0x7A) }
                }
                continue
            } else if v < 0xE0 {
                v = ((v & 0x1F) << 6) | (UInt32(bytes[p + 1]) & 0x3F)
                p += 2
            } else if v < 0xF0 {
                v = ((v & 0x0F) << 12) | ((UInt32(bytes[p + 1]) & 0x3F) << 6) | (UInt32(bytes[p + 2]) & 0x3F)
                p += 3
            } else {
                v = ((v & 0x07) << 18) | ((UInt32(bytes[p + 1]) & 0x3F) << 12) | ((UInt32(bytes[p + 2]) & 0x3F) << 6)
                    | (UInt32(bytes[p + 3]) & 0x3F)
                p += 4
            }
            if v == 0x20 || v == 0x0A || v == 0x09 || v == 0x0D {
                if inWord && hasAlnum { words += 1 }
                inWord = false
                hasAlnum = false
                continue
            }
            if (0x3040...0x30FF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0x0E00...0x0E7F).contains(v) {
                unspaced += 1
                continue
            }
            inWord = true
            if !hasAlnum {
                if v < 0x80 {
                    hasAlnum = (v >= 0x30 && v <= 0x39) || (v | 0x20 >= 0x61 && v | 0x20 <= 0x7A)
                } else {
                    hasAlnum = Unicode.Scalar(v)?.properties.isAlphabetic ?? false
                }
            }
        }
        if inWord && hasAlnum { words += 1 }
        return words + (unspaced + 1) / 2
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\n" { s = s.dropLast() }
        return s
    }
}
