public import Foundation

/// Parses the dates inputs carry: RFC 3339 / ISO 8601 and RFC 822 with its usual liberties.
///
/// Returns `nil` rather than guessing: the caller keeps the original text either way.
public enum DateParsing {
    public static func parse(_ text: String) -> Date? {
        let s = text.trimming(" \t\n")
        guard !s.isEmpty else { return nil }
        if let first = s.first, first.isNumber, let d = iso8601(s) { return d }
        return rfc822(s)
    }

    static func iso8601(_ s: String) -> Date? {
        // yyyy-MM-dd[Thh:mm[:ss[.fff]]][Z|±hh[:]mm]
        let chars = Array(s)
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= chars.count else { return nil }
            var v = 0
            for c in chars[i..<i + count] {
                guard let d = c.wholeNumberValue, c.isASCII else { return nil }
                v = v * 10 + d
            }
            i += count
            return v
        }
        func skip(_ c: Character) -> Bool {
            if i < chars.count && chars[i] == c { i += 1; return true }
            return false
        }
        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2) else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offset = 0
        if i < chars.count, chars[i] == "T" || chars[i] == "t" || chars[i] == " " {
            i += 1
            guard let h = number(2), skip(":"), let m = number(2) else { return nil }
            hour = h
            minute = m
            if skip(":") {
                guard let sec = number(2) else { return nil }
                second = sec
                if skip(".") || skip(",") {
                    var digits = ""
                    while i < chars.count, chars[i].isASCII, chars[i].isNumber { digits.append(chars[i]); i += 1 }
                    fraction = Double("0." + digits) ?? 0
                }
            }
            if skip("Z") || skip("z") {
            } else if i < chars.count, chars[i] == "+" || chars[i] == "-" {
                let sign = chars[i] == "-" ? -1 : 1
                i += 1
                guard let oh = number(2) else { return nil }
                _ = skip(":")
                let om = number(2) ?? 0
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == chars.count else { return nil }
        return make(year, month, day, hour, minute, second, offset: offset).map { $0.addingTimeInterval(fraction) }
    }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let zones: [String: Int] = [
        "gmt": 0, "ut": 0, "utc": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
        "pst": -8, "pdt": -7, "cet": 1, "cest": 2, "bst": 1, "msk": 3,
    ]

    /// `[Mon, ]02 Jan 2006 15:04[:05] [zone]`, tolerating missing commas, full month names, two-digit
    /// years and a missing zone (taken as UTC).
    static func rfc822(_ s: String) -> Date? {
        var tokens = s.replacingOccurrences(of: ",", with: " ").split(separator: " ").map { $0.lowercased() }
        let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
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
                case let digits = zone.dropFirst().replacingOccurrences(of: ":", with: ""),
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
