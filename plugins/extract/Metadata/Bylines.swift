import Foundation
import IngestCore

/// Turns what a page calls its author into people's names, or nothing.
///
/// A byline comes with words around it ("By", "Written by", a date, "| Staff writer"), several names
/// ("Jane Doe and John Roe"), or is not a name at all (a profile URL in `article:author`, an e-mail address, a
/// site's name): an empty author is better than a wrong one, so anything that does not read as a name is
/// rejected.
enum Bylines {
    /// The names in one byline text; empty when it holds none.
    static func names(in byline: String) -> [String] {
        if let name = plainName(byline) { return [name] }
        return namesByRules(in: byline)
    }

    /// ``names(in:)`` without the shortcut for a plain name.
    static func namesByRules(in byline: String) -> [String] {
        var text = HTMLText.collapse(byline)
        guard !text.isEmpty, text.count <= 200, !looksLikeAddress(text) else { return [] }
        text = stripLead(text)
        // What follows the names: a date, a role, a site ("Jane Doe | Staff", "Jane Doe, March 3, 2024").
        for cut in [" | ", " — ", " – ", " - ", " · ", " • ", "\u{2022}", " on ", " Updated", " Published", " Posted"] {
            if let before = text.prefixBefore(cut) { text = before }
        }
        // A name ends before the first word with a digit (a date, "1 day ago").
        if let digit = text.split(separator: " ").firstIndex(where: { $0.contains(where: \.isNumber) }) {
            // One word before a number ("Person 12") is no name.
            guard digit >= 2 else { return [] }
            text = text.split(separator: " ").prefix(digit).joined(separator: " ")
        }
        // …and before a month's name that starts the date ("Joshua Sokol May 10, 2018" lost its digits).
        while let last = text.split(separator: " ").last, text.split(separator: " ").count > 1,
            Cues.calendarWords.contains(last.lowercased().trimming(".,"))
        {
            text = text.split(separator: " ").dropLast().joined(separator: " ")
        }
        text = HTMLText.collapse(text.trimming(" ,;:.("))
        var parts: [String] = []
        // Foundation's replacing and splitting cost more than all the rest here: only when there is a joiner.
        var joined = text
        if joined.hasASCII(" & ") { joined = joined.replacingOccurrences(of: " & ", with: " and ") }
        if joined.hasASCII(" And ") { joined = joined.replacingOccurrences(of: " And ", with: " and ") }
        for piece in joined.hasASCII(" and ") ? joined.components(separatedBy: " and ") : [joined] {
            parts.append(contentsOf: piece.split(separator: ",").map { HTMLText.collapse(String($0)) })
        }
        var names: [String] = []
        for var part in parts where !part.isEmpty {
            part = stripRole(part)
            // "Jane Doe, Reuters" / "Jane Doe, Staff Writer": a trailing role or agency is not a second author.
            guard isName(part) else {
                if names.isEmpty { return [] }
                continue
            }
            if !names.contains(where: { $0.lowercased() == part.lowercased() }) { names.append(part) }
        }
        return names
    }

    /// The byline itself when it is plainly one name, as most JSON-LD and meta authors are ("Anna
    /// Lindqvist"): one to six ASCII words of a capital and small letters, single spaces, none of them a
    /// word the rules below act on (a lead, a joiner, a cut, a role, a month or day last, a generic byline).
    /// Then ``names(in:)`` would return exactly `[byline]`; nil sends anything else through the rules.
    static func plainName(_ byline: String) -> String? {
        var copy = byline
        let plain = copy.withUTF8 { bytes -> Bool in
            guard bytes.count >= 2, bytes.count <= 70 else { return false }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 70) { lower -> Bool in
                var words = 0
                var i = 0
                while true {
                    // A word: a capital, then small letters; then one space and the next word, or the end.
                    guard bytes[i] &- 0x41 < 26 else { return false }
                    var j = i + 1
                    while j < bytes.count, bytes[j] &- 0x61 < 26 { j += 1 }
                    guard j - i >= 2 else { return false }
                    words += 1
                    for k in i..<j { lower[k - i] = bytes[k] | 0x20 }
                    let word = UnsafeBufferPointer(rebasing: lower[0..<(j - i)])
                    if ruleWords.contains(bytes: word) || (words > 1 && roleWords.contains(bytes: word)) || startsACut(word) {
                        return false
                    }
                    if j == bytes.count { return words <= 6 && !calendarWords.contains(bytes: word) }
                    guard bytes[j] == 0x20, j + 1 < bytes.count else { return false }
                    i = j + 1
                }
            }
        }
        guard plain, !looksLikeAddress(byline), !notNames.contains(byline.lowercased()) else { return nil }
        return byline
    }

    /// Words that make ``names(in:)`` cut, split or strip something (lowercased): leads ("by", "von"…, and
    /// the first words of "written by"…), "and", "on".
    private static let ruleWords: WordSet = [
        "by", "von", "par", "por", "di", "door", "av", "written", "posted", "words", "story", "reporting", "text",
        "author", "authors", "texto", "autor", "auteur", "and", "on",
    ]

    /// Month and day names (``Cues/calendarWords``): one last is cut by the rules.
    private static let calendarWords = WordSet(Cues.calendarWords)

    /// A word beginning "updated", "published" or "posted": the rules cut the byline there.
    private static func startsACut(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        for cut in ["updated", "published", "posted"] as [StaticString] where word.count >= cut.utf8CodeUnitCount {
            if (0..<cut.utf8CodeUnitCount).allSatisfy({ word[$0] == cut.utf8Start[$0] }) { return true }
        }
        return false
    }

    /// "Joshua Sokol Contributing Correspondent" → "Joshua Sokol": a role after the name is cut from its
    /// first word on (when a name stays).
    static func stripRole(_ text: String) -> String {
        let words = text.split(separator: " ")
        guard words.count >= 2, let cut = words.indices.dropFirst().first(where: { roleWords.contains(words[$0].lowercased()) })
        else { return text }
        return words[..<cut].joined(separator: " ")
    }

    static let roleWords: WordSet = [
        "editor", "contributing", "correspondent", "reporter", "writer", "columnist", "staff", "senior", "news",
        "contributor", "producer", "photographer", "health", "games", "deputy", "chief", "associate", "managing",
        "political", "science", "technology", "tech", "business", "sports", "foreign", "special", "guest",
        "freelance", "editorial", "desk", "analyst", "critic",
    ]

    /// Removes "By", "Written by", "Posted by", "Author:" and their equivalents in a few languages.
    static func stripLead(_ text: String) -> String {
        let lower = text.lowercased()
        for lead in leads where lower.hasPrefix(lead) {
            let rest = text.dropFirst(lead.count)
            // "By" must be a word of its own: "Byron Smith" is a name.
            if let next = rest.first, next.isLetter, lead.last?.isLetter == true { continue }
            return HTMLText.collapse(String(rest).trimming(" :"))
        }
        return text
    }

    static let leads = [
        "written by", "posted by", "words by", "story by", "reporting by", "text by", "author:", "authors:",
        "by:", "by", "von", "par", "por", "di", "door", "av", "texto:", "text:", "autor:", "auteur:",
    ]

    /// A person's name: 1 to 6 words, letters (and `.`, `'`, `-`), no digits, capitalised in cased scripts,
    /// not a generic word.
    static func isName(_ text: String) -> Bool {
        let words = text.split(separator: " ")
        guard (1...6).contains(words.count), text.count <= 70 else { return false }
        var cased = false
        for word in words {
            guard let first = word.first else { return false }
            if hasDigitOrMark(word) { return false }
            if first.isLowercase {
                // Particles inside names: "Ludwig van Beethoven", "Charles de Gaulle".
                if !particles.contains(String(word)) { return false }
            } else if first.isUppercase {
                cased = true
            } else if !first.isLetter {
                return false
            }
        }
        if !cased && text.contains(where: { $0.isCased }) { return false }
        return !notNames.contains(text.lowercased())
    }

    /// A digit or one of `@/\:;|()[]{}<>#=+*` in the word. An ASCII word is read byte by byte: each of its
    /// Characters is one byte (CR LF aside, which is neither), and comparing Characters cost far more.
    static func hasDigitOrMark(_ word: Substring) -> Bool {
        guard word.utf8.allSatisfy({ $0 < 0x80 }) else {
            return word.contains(where: { $0.isNumber || "@/\\:;|()[]{}<>#=+*".contains($0) })
        }
        return word.utf8.contains { b in
            switch b {
            case 0x30...0x39, 0x40, 0x2F, 0x5C, 0x3A, 0x3B, 0x7C, 0x28, 0x29, 0x5B, 0x5D, 0x7B, 0x7D, 0x3C, 0x3E, 0x23,
                0x3D, 0x2B, 0x2A:
                true
            default: false
            }
        }
    }

    static let particles: WordSet = ["van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la", "le", "bin", "ibn", "al", "el", "y", "dos", "das", "ter", "ten"]

    /// Bylines that are not a person.
    static let notNames: WordSet = [
        "staff", "admin", "administrator", "editor", "editors", "the editors", "editorial", "editorial staff",
        "staff writer", "staff reporter", "guest", "guest author", "anonymous", "unknown", "author", "authors",
        "contributor", "news desk", "newsroom", "web desk", "team", "home", "about", "contact", "share",
        "sign in", "log in", "login", "sign up", "subscribe", "follow", "menu", "search", "last", "posted",
        "updated", "published", "more", "read more", "comments", "print", "email", "our", "the", "by",
    ]

    /// A URL, a path or an e-mail address.
    static func looksLikeAddress(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("http") || lower.hasPrefix("www.") || lower.hasBytes("://") || lower.hasPrefix("/")
            || lower.hasBytes("@") || lower.hasSuffix(".com") || lower.hasSuffix(".org")
    }

    /// False when `line` lowercased surely starts with none of `leads` (lowercase ASCII, at most 16 bytes):
    /// its first bytes are ASCII and, lowercased, begin no lead. A cheap test before the Character-wise
    /// one (which counts, splits and lowercases the whole line); true whenever that one could hold.
    static func mayStart(_ line: Substring, with leads: [String]) -> Bool {
        var head: (UInt64, UInt64) = (0, 0)
        var length = 0
        for b in line.utf8.prefix(16) {
            // Past ASCII, lowercasing is Unicode's: leave it to the full test.
            guard b < 0x80 else { return true }
            withUnsafeMutableBytes(of: &head) { $0[length] = b &- 0x41 < 26 ? b | 0x20 : b }
            length += 1
        }
        return withUnsafeBytes(of: &head) { head in
            leads.contains { lead in
                lead.utf8.count <= length && zip(lead.utf8, head).allSatisfy { $0 == $1 }
            }
        }
    }

    /// Leads that make a line of the text a byline (other languages' "von", "par"… start sentences too).
    static let textLeads = ["by ", "by: ", "written by ", "posted by ", "words by ", "story by ", "reporting by "]

    /// A byline line at the top (or bottom) of the text: "By Jane Doe", "By Jane Doe and John Roe, Reuters".
    static func inText(_ paragraphs: [Substring]) -> [String] {
        let head = paragraphs.prefix(6)
        let tail = paragraphs.count > 6 ? paragraphs.suffix(2) : []
        for paragraph in head + tail {
            guard let first = Sentences.lines(paragraph, limit: 1).first, mayStart(first, with: textLeads) else { continue }
            let line = String(first)
            guard line.count <= 120, line.split(separator: " ").count <= 14 else { continue }
            let lower = line.lowercased()
            guard textLeads.contains(where: { lower.hasPrefix($0) }) else { continue }
            let names = names(in: line)
            if !names.isEmpty { return names }
        }
        return []
    }
}
