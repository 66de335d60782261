public import Foundation

/// Parses the dates inputs carry: RFC 3339 / ISO 8601 and RFC 822 with its usual liberties.
///
/// Returns `nil` rather than guessing: the caller keeps the original text either way.
public enum DateParsing {
    public static func parse(_ text: String) -> Date? {
        // Dates in feeds and headers are ASCII. In ASCII without CR every Character is one byte (CR LF is
        // the one two-scalar Character), so reading bytes is reading Characters, and much cheaper; anything
        // else takes the Character path below, which gives the same answers for ASCII.
        if text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
            var bytes = Array(text.utf8)[...]
            while let b = bytes.first, b == 0x20 || b == 0x09 || b == 0x0A { bytes = bytes.dropFirst() }
            while let b = bytes.last, b == 0x20 || b == 0x09 || b == 0x0A { bytes = bytes.dropLast() }
            guard let first = bytes.first else { return nil }
            if first >= 0x30, first <= 0x39, let d = iso8601(bytes) { return d }
            return rfc822(tokens: asciiTokens(bytes))
        }
        return parseCharacters(text)
    }

    /// The general reading, for text with non-ASCII characters or CR. ISO 8601 is never tried: it consists
    /// of ASCII characters only, so such a text is never one.
    static func parseCharacters(_ text: String) -> Date? {
        let s = text.trimming(" \t\n")
        guard !s.isEmpty else { return nil }
        let tokens = s.replacingOccurrences(of: ",", with: " ").split(separator: " ").map { $0.lowercased() }
        return rfc822(tokens: tokens)
    }

    /// The words of an ASCII date, lowercased: split at commas and spaces, empty ones dropped.
    private static func asciiTokens(_ bytes: ArraySlice<UInt8>) -> [String] {
        bytes.split(whereSeparator: { $0 == 0x2C || $0 == 0x20 }).map { word in
            String(decoding: word.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
    }

    /// `yyyy-MM-dd[Thh:mm[:ss[.fff]]][Z|±hh[:]mm]`, from ASCII bytes.
    static func iso8601(_ chars: ArraySlice<UInt8>) -> Date? {
        var i = chars.startIndex
        func number(_ count: Int) -> Int? {
            guard i + count <= chars.endIndex else { return nil }
            var v = 0
            for c in chars[i..<i + count] {
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += count
            return v
        }
        func skip(_ c: Unicode.Scalar) -> Bool {
            if i < chars.endIndex && chars[i] == UInt8(ascii: c) { i += 1; return true }
            return false
        }
        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2) else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offset = 0
        if skip("T") || skip("t") || skip(" ") {
            guard let h = number(2), skip(":"), let m = number(2) else { return nil }
            hour = h
            minute = m
            if skip(":") {
                guard let sec = number(2) else { return nil }
                second = sec
                if skip(".") || skip(",") {
                    let start = i
                    while i < chars.endIndex, chars[i] >= 0x30, chars[i] <= 0x39 { i += 1 }
                    fraction = Double("0." + String(decoding: chars[start..<i], as: UTF8.self)) ?? 0
                }
            }
            if skip("Z") || skip("z") {
            } else if i < chars.endIndex, chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-") {
                let sign = chars[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = number(2) else { return nil }
                _ = skip(":")
                let om = number(2) ?? 0
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == chars.endIndex else { return nil }
        return make(year, month, day, hour, minute, second, offset: offset).map { $0.addingTimeInterval(fraction) }
    }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let zones: [String: Int] = [
        "gmt": 0, "ut": 0, "utc": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
        "pst": -8, "pdt": -7, "cet": 1, "cest": 2, "bst": 1, "msk": 3,
    ]

    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// `[Mon, ]02 Jan 2006 15:04[:05] [zone]`, tolerating missing commas, full month names, two-digit
    /// years and a missing zone (taken as UTC).
    ///
    /// - Parameter tokens: the text's words, lowercased, split at commas and spaces.
    static func rfc822(tokens: [String]) -> Date? {
        var tokens = tokens
        if let first = tokens.first, weekdays.contains(String(first.prefix(3))) { tokens.removeFirst() }
        // A weekday in another language ("mer, 16 nov 2022"): a leading word that is neither a day nor a month.
        if tokens.count >= 4, let first = tokens.first, Int(first) == nil, !months.contains(String(first.prefix(3))),
            Int(tokens[1]) != nil
        {
            tokens.removeFirst()
        }
        guard tokens.count >= 3 else { return nil }
        var day: Int?, month: Int?
        if let d = Int(tokens[0]), let m = months.firstIndex(of: String(tokens[1].prefix(3))) {
            day = d
            month = m + 1
        } else if let m = months.firstIndex(of: String(tokens[0].prefix(3))), let d = Int(tokens[1]) {
            day = d
            month = m + 1
        }
        guard let day, let month, var year = Int(tokens[2]) else { return nil }
        if year < 100 { year += year < 50 ? 2000 : 1900 }
        var hour = 0, minute = 0, second = 0, offset = 0
        if tokens.count >= 4 {
            let parts = tokens[3].split(separator: ":").compactMap { Int($0) }
            guard parts.count >= 2 else { return nil }
            hour = parts[0]
            minute = parts[1]
            second = parts.count > 2 ? parts[2] : 0
        }
        var zoneIndex = 4
        // A 12-hour clock ("02:02:33 PM"), seen in feeds written by hand-rolled templates.
        if tokens.count >= 5, tokens[4] == "am" || tokens[4] == "pm" {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (tokens[4] == "pm" ? 12 : 0)
            zoneIndex = 5
        }
        if tokens.count > zoneIndex {
            let zone = tokens[zoneIndex]
            if let h = zones[zone] {
                offset = h * 3600
            } else if let f = zone.first, f == "+" || f == "-",
                case let digits = String(zone.dropFirst().filter { $0 != ":" }),
                digits.count == 4, let v = Int(digits)
            {
                // `+0100`, and `+01:00` as some feeds write it.
                offset = (f == "-" ? -1 : 1) * ((v / 100) * 3600 + (v % 100) * 60)
            }
        }
        return make(year, month, day, hour, minute, second, offset: offset)
    }

    private static func make(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, offset: Int) -> Date? {
        guard (1...12).contains(mo), (1...31).contains(d), (0...24).contains(h), (0...59).contains(mi), (0...60).contains(s)
        else { return nil }
        // Days from the civil date (proleptic Gregorian), so no calendar object or locale is involved.
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (mo + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + h * 3600 + mi * 60 + s - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
