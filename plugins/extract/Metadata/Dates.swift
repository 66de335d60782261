import Foundation
import IngestCore

/// A date as the input wrote it and as an instant in UTC.
struct DateValue: Equatable {
    var original: String
    var date: Date
}

/// Dates from metadata values, URLs and the lines of a text.
///
/// ISO 8601 and RFC 822 go through the project's ``DateParsing``; the forms people write ("March 22, 2024",
/// "22 March 2024, 10:05") are read here. A date without a zone is taken as UTC, one without a time as
/// midnight UTC. Implausible dates (before 1990, or more than two days ahead of `now`) are rejected.
enum Dates {
    static func parse(_ text: String, now: Date = Date()) -> DateValue? {
        let original = HTMLText.collapse(text)
        guard !original.isEmpty, original.count <= 80 else { return nil }
        let date = DateParsing.parse(original) ?? written(original)?.date ?? compactISO(original)
        guard let date, plausible(date, now: now) else { return nil }
        return DateValue(original: original, date: date)
    }

    static func plausible(_ date: Date, now: Date) -> Bool {
        date.timeIntervalSince1970 >= 631_152_000 && date.timeIntervalSince(now) < 2 * 86_400
    }

    /// `2024-03-22 10:05:00 +0000`-like forms DateParsing leaves out: a `T` with a space zone, a date alone
    /// followed by anything.
    private static func compactISO(_ text: String) -> Date? {
        let ascii = Array(text.utf8)
        guard ascii.count >= 10 else { return nil }
        let head = String(decoding: ascii.prefix(10), as: UTF8.self)
        guard head.utf8.enumerated().allSatisfy({ (i, c) in i == 4 || i == 7 ? (c == 0x2D || c == 0x2F) : (c >= 0x30 && c <= 0x39) })
        else { return nil }
        return DateParsing.parse(head.replacingOccurrences(of: "/", with: "-"))
    }

    static let monthNames: WordTable = {
        var names = WordTable()
        let english = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                       "october", "november", "december"]
        for (i, name) in english.enumerated() {
            names[name] = i + 1
            names[String(name.prefix(3))] = i + 1
        }
        names["sept"] = 9
        return names
    }()

    /// A date written out, anywhere in `line`: "March 22, 2024", "Mar. 22 2024 10:05 AM", "22 March 2024",
    /// "2024-03-22". Returns the date and the words it was read from.
    static func written(_ line: String) -> DateValue? {
        let words: [String]
        if line.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: every Character is one byte (but CR LF, which is no separator either), so the bytes split
            // as the Characters do, and lowercase as they do; comparing each Character with the separators
            // cost more than the rest of reading the date.
            words = Array(line.utf8).split(whereSeparator: { $0 == 0x20 || $0 == 0x2C }).map { word in
                String(decoding: word.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }, as: UTF8.self).trimming(".()")
            }
        } else {
            words = line.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\u{00A0}" }).map {
                $0.trimming(".()")
            }
        }
        guard words.count >= 1, words.count <= 40 else { return nil }
        func day(_ w: String) -> Int? {
            let digits = w.prefix { $0.isASCII && $0.isNumber }
            let rest = w.dropFirst(digits.count)
            guard !digits.isEmpty, ["", "st", "nd", "rd", "th"].contains(String(rest)), let d = Int(digits), (1...31).contains(d)
            else { return nil }
            return d
        }
        func year(_ w: String) -> Int? {
            guard w.count == 4, let y = Int(w), (1990...2100).contains(y) else { return nil }
            return y
        }
        for (i, word) in words.enumerated() {
            if let m = monthNames[word] {
                // March 22, 2024 / 22 March 2024
                if i + 2 < words.count, let d = day(words[i + 1]), let y = year(words[i + 2]) {
                    return make(y, m, d, time: Array(words.dropFirst(i + 3)), line: line)
                }
                if i >= 1, i + 1 < words.count, let d = day(words[i - 1]), let y = year(words[i + 1]) {
                    return make(y, m, d, time: Array(words.dropFirst(i + 2)), line: line)
                }
            } else if word.count >= 10, word.utf8.count >= 10, let iso = isoDay(word) {
                return make(iso.0, iso.1, iso.2, time: Array(words.dropFirst(i + 1)), line: line)
            }
        }
        return nil
    }

    /// `yyyy-mm-dd` or `yyyy/mm/dd` at the start of a word.
    static func isoDay(_ word: String) -> (Int, Int, Int)? {
        let parts = word.prefix(10).split(whereSeparator: { $0 == "-" || $0 == "/" })
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), (1990...2100).contains(y),
            let m = Int(parts[1]), (1...12).contains(m), let d = Int(parts[2]), (1...31).contains(d)
        else { return nil }
        return (y, m, d)
    }

    private static func make(_ y: Int, _ m: Int, _ d: Int, time: [String], line: String) -> DateValue? {
        var hour = 0, minute = 0
        var time = time
        if time.first == "at" || time.first == "|" || time.first == "-" { time.removeFirst() }
        if let t = time.first, case let parts = t.split(separator: ":"), parts.count >= 2,
            let h = Int(parts[0]), let mi = Int(parts[1].prefix(2)), (0...23).contains(h), (0...59).contains(mi)
        {
            hour = h
            minute = mi
            let suffix = time.count > 1 ? time[1] : String(parts[1].dropFirst(2))
            if suffix.hasPrefix("pm") || suffix.hasPrefix("p.m"), h < 12 { hour += 12 }
            if suffix.hasPrefix("am") || suffix.hasPrefix("a.m"), h == 12 { hour = 0 }
        }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let iso = "\(y)-\(two(m))-\(two(d))T\(two(hour)):\(two(minute)):00Z"
        guard let date = DateParsing.parse(iso) else { return nil }
        return DateValue(original: HTMLText.collapse(line), date: date)
    }

    /// `/2024/03/22/` or `2024-03-22` in a URL's path.
    static func fromURL(_ url: String, now: Date = Date()) -> DateValue? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let afterHost = url[schemeEnd.upperBound...].drop { $0 != "/" }
        let path = afterHost.prefix { $0 != "?" && $0 != "#" }
        let segments = path.split(separator: "/").map(String.init)
        for (i, segment) in segments.enumerated() {
            if segment.count == 4, let y = Int(segment), (1990...2100).contains(y), i + 2 < segments.count,
                let m = Int(segments[i + 1]), (1...12).contains(m), segments[i + 1].count <= 2,
                let d = Int(segments[i + 2].prefix(2)), (1...31).contains(d),
                segments[i + 2].count == 2 || segments[i + 2].count == 1 || !segments[i + 2].dropFirst(2).first!.isNumber
            {
                let text = String(format: "%04d-%02d-%02d", y, m, d)
                if let date = DateParsing.parse(text), plausible(date, now: now) { return DateValue(original: text, date: date) }
            }
            if segment.count >= 10, let (y, m, d) = isoDay(segment), segment.dropFirst(4).first == "-" {
                let text = String(format: "%04d-%02d-%02d", y, m, d)
                if let date = DateParsing.parse(text), plausible(date, now: now) { return DateValue(original: text, date: date) }
            }
        }
        return nil
    }

    /// `line.split(separator: " ").count`, counted on the bytes of an ASCII line without carriage returns.
    static func wordCount(_ line: Substring) -> Int {
        let counted = line.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            var words = 0
            var inWord = false
            for b in bytes {
                guard b < 0x80 && b != 0x0D else { return nil }
                if b == 0x20 { inWord = false } else if !inWord { inWord = true; words += 1 }
            }
            return words
        }
        return (counted ?? nil) ?? line.split(separator: " ").count
    }

    static let dateLeads = ["published", "posted", "updated", "last updated", "modified", "date:", "dated", "first published"]

    /// Whether a line that ``inText(_:now:)`` reads could give a modified date: one starting with "updated",
    /// "last updated" or "modified", whatever its case.
    static func hasUpdateLine(_ paragraphs: [Substring]) -> Bool {
        for paragraph in paragraphs.prefix(6) {
            for line in Sentences.lines(paragraph, limit: 3) where line.utf8.count <= 200 {
                let lower = line.asciiLowercasedPrefix(12) ?? line.lowercased()
                if lower.hasPrefix("updated") || lower.hasPrefix("last updated") || lower.hasPrefix("modified") { return true }
            }
        }
        return false
    }

    /// A short date line near the top of the text ("Published March 22, 2024", "22 March 2024 | 10:05").
    /// Returns the published date and, from an "Updated …" line, the modified one.
    static func inText(_ paragraphs: [Substring], now: Date = Date()) -> (published: DateValue?, modified: DateValue?) {
        var published: DateValue?
        var modified: DateValue?
        for paragraph in paragraphs.prefix(6) {
            for line in Sentences.lines(paragraph, limit: 3) where line.utf8.count <= 200 {
                // Every date form read here has a year in digits: most lines are rejected on that alone.
                guard line.utf8.contains(where: { $0 &- 0x30 < 10 }) else { continue }
                // A date line, not a sentence that mentions a date ("It opened on May 2, 2024.").
                guard line.utf8.count <= 100 || line.count <= 100, Self.wordCount(line) <= 12 else { continue }
                // Only the head is compared with the leads (the longest has 15 characters).
                let lower = line.asciiLowercasedPrefix(20) ?? line.lowercased()
                let led = dateLeads.contains { lower.hasPrefix($0) }
                guard led || !line.hasSuffix(".") else { continue }
                guard let value = written(String(line)), plausible(value.date, now: now) else { continue }
                if lower.hasPrefix("updated") || lower.hasPrefix("last updated") || lower.hasPrefix("modified") {
                    if modified == nil { modified = value }
                } else if published == nil {
                    published = value
                }
            }
            if published != nil { break }
        }
        return (published, modified)
    }
}
