import Foundation
/// The title of a plain-text or Markdown file.
///
/// Decoding already takes the first line when it reads like a headline (`PlainText.split`). This corrects it
/// both ways: a first line that is a byline or a date line is no title; and a short first paragraph of one
/// line that reads like a headline (capitalised words, no closing period) is one even when decoding passed it
/// over (it was longer than decoding's limit without a blank line after it, say).
enum TextHeadline {
    static func choose(decoded: String?, paragraphs: [Substring]) -> (title: String?, source: String?) {
        if let decoded {
            return isBylineOrDate(decoded) ? (nil, nil) : (decoded, "input")
        }
        guard let first = paragraphs.first, !first.contains("\n"), paragraphs.count >= 2 else { return (nil, nil) }
        let line = String(first)
        let words = line.split(separator: " ")
        guard (2...16).contains(words.count), line.count <= 150, !isBylineOrDate(line),
            let last = line.last, !".,;:".contains(last) || line.hasSuffix("...")
        else { return (nil, nil) }
        // Headline case: most words capitalised, or a short line followed by a longer paragraph.
        let capitalised = words.filter { $0.first?.isUppercase == true || $0.first?.isNumber == true }.count
        let longerNext = paragraphs[1].count > line.count * 2
        guard capitalised * 2 >= words.count || longerNext else { return (nil, nil) }
        return (line, "text")
    }

    static func isBylineOrDate(_ line: String) -> Bool {
        let lower = line.lowercased()
        if Bylines.textLeads.contains(where: { lower.hasPrefix($0) }) { return true }
        if Dates.dateLeads.contains(where: { lower.hasPrefix($0) }) { return true }
        return line.split(separator: " ").count <= 6 && Dates.written(line) != nil
    }
}
