/// Markdown without its markup: headings, emphasis, links, images, code fences and quote marks removed,
/// paragraphs kept apart by blank lines.
public enum MarkdownText {
    public static func extract(_ markdown: String) -> (title: String?, text: String) {
        var title: String?
        var paragraphs: [String] = []
        var current: [String] = []
        var inFence = false
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

        func flush() {
            let p = current.joined(separator: " ")
            if !p.isEmpty { paragraphs.append(p) }
            current = []
        }

        var index = 0
        while index < lines.count {
            var line = lines[index].trimming(" \t")
            index += 1
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                flush()
                inFence.toggle()
                continue
            }
            if inFence {
                if !line.isEmpty { current.append(line) }
                continue
            }
            if line.isEmpty {
                flush()
                continue
            }
            // A setext heading: the next line is === or ---.
            if index < lines.count, !current.isEmpty || true,
                let next = lines[index].trimming(" \t").first, next == "=" || next == "-",
                lines[index].trimming(" \t").allSatisfy({ $0 == next }),
                lines[index].trimming(" \t").count >= 2
            {
                flush()
                let heading = inline(line)
                if next == "=" && title == nil { title = heading } else { paragraphs.append(heading) }
                index += 1
                continue
            }
            if isRule(line) {
                flush()
                continue
            }
            if line.hasPrefix("#") {
                flush()
                let level = line.prefix { $0 == "#" }.count
                let heading = inline(String(line.dropFirst(level)).trimming(" #"))
                if level == 1 && title == nil { title = heading } else if !heading.isEmpty { paragraphs.append(heading) }
                continue
            }
            // Reference-style link definitions carry no text.
            if line.hasPrefix("["), line.contains("]:") { continue }
            while line.hasPrefix(">") { line = String(line.dropFirst()).trimming(" ") }
            if let item = listItem(line) {
                flush()
                current.append(inline(item))
                flush()
                continue
            }
            current.append(inline(line))
        }
        flush()
        return (title, paragraphs.joined(separator: "\n\n"))
    }

    private static func isRule(_ line: String) -> Bool {
        let chars = line.filter { $0 != " " }
        guard chars.count >= 3, let f = chars.first, "-*_".contains(f) else { return false }
        return chars.allSatisfy { $0 == f }
    }

    private static func listItem(_ line: String) -> String? {
        for marker in ["- ", "* ", "+ "] where line.hasPrefix(marker) {
            return String(line.dropFirst(2))
        }
        let digits = line.prefix { $0.isNumber }
        if !digits.isEmpty, digits.count <= 3 {
            let rest = line.dropFirst(digits.count)
            if rest.hasPrefix(". ") || rest.hasPrefix(") ") { return String(rest.dropFirst(2)) }
        }
        return nil
    }

    /// Inline markup: images and links become their text; emphasis, code and HTML tags go.
    static func inline(_ s: String) -> String {
        var out = ""
        let chars = Array(s)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                out.append(chars[i + 1])
                i += 2
                continue
            }
            if c == "!" , i + 1 < chars.count, chars[i + 1] == "[" {
                i += 1
                continue
            }
            if c == "[", let close = chars[i...].firstIndex(of: "]") {
                let text = String(chars[(i + 1)..<close])
                var j = close + 1
                if j < chars.count, chars[j] == "(", let paren = chars[j...].firstIndex(of: ")") {
                    j = paren + 1
                } else if j < chars.count, chars[j] == "[", let br = chars[j...].firstIndex(of: "]") {
                    j = br + 1
                }
                out += inline(text)
                i = j
                continue
            }
            if c == "<", let close = chars[i...].firstIndex(of: ">"), close - i < 200,
                i + 1 < chars.count, chars[i + 1].isLetter || chars[i + 1] == "/"
            {
                let inner = String(chars[(i + 1)..<close])
                // An autolink keeps its address; an HTML tag goes.
                if inner.contains("://") || inner.contains("@") { out += inner }
                i = close + 1
                continue
            }
            if c == "*" || c == "`" || (c == "_" && isEmphasisUnderscore(chars, i)) || c == "~" && i + 1 < chars.count && chars[i + 1] == "~" {
                i += (c == "~") ? 2 : 1
                continue
            }
            out.append(c)
            i += 1
        }
        return HTMLText.collapse(HTMLText.decodeEntities(out))
    }

    /// An underscore inside a word (`snake_case`) is text; at a word's edge it is emphasis.
    private static func isEmphasisUnderscore(_ chars: [Character], _ i: Int) -> Bool {
        let before = i > 0 ? chars[i - 1] : " "
        let after = i + 1 < chars.count ? chars[i + 1] : " "
        return !(before.isLetter || before.isNumber) || !(after.isLetter || after.isNumber)
    }
}
