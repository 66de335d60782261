import Foundation

/// Turns a ``RawDocument`` into the articles it holds: one for text, Markdown, HTML and JSON inputs, one
/// per line for JSON Lines.
///
/// Decoding is all-or-nothing per document: a JSON Lines file with one bad line fails whole, with the line
/// number, so nothing of it is half-ingested and the file in `failed/` is complete.
public enum DocumentDecoder {
    /// With `leavingHTMLText`, a page with a `<title>` gets that title and an empty text marked
    /// ``Article/textPendingFromHTML``, for a pipeline whose clean stage makes the text from the page (a page
    /// without a title is read whole, as its text may be all that stops it failing as empty).
    public static func decode(_ raw: RawDocument, leavingHTMLText: Bool = false) throws(IngestFailure) -> [Article] {
        guard let format = raw.format ?? sniffFormat(raw.bytes) else {
            throw IngestFailure(stage: "decode", reason: "unrecognised format")
        }
        let decoded = try TextDecoding.decode(raw.bytes, declared: raw.declaredCharset)
        let text = decoded.text
        switch format {
        case .text:
            let (title, body) = PlainText.split(text)
            return [try nonEmpty(Article(text: body, title: title, origin: raw.origin, format: .text))]
        case .markdown:
            let (title, body) = MarkdownText.extract(text)
            return [try nonEmpty(Article(text: body, title: title, origin: raw.origin, format: .markdown))]
        case .html:
            if leavingHTMLText, let title = HTMLText.title(text) {
                var article = Article(text: "", title: title, html: text, origin: raw.origin, format: .html)
                article.textPendingFromHTML = true
                return [article]
            }
            let (title, body) = HTMLText.extract(text)
            return [try nonEmpty(Article(text: body, title: title, html: text, origin: raw.origin, format: .html))]
        case .json:
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            } catch {
                throw IngestFailure(stage: "decode", reason: "invalid JSON: \(jsonMessage(error))")
            }
            guard let dict = object as? [String: Any] else {
                throw IngestFailure(stage: "decode", reason: "JSON input must be one article object")
            }
            return [try JSONArticle.article(dict, origin: raw.origin, format: .json, where: "")]
        case .jsonl:
            var articles: [Article] = []
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimming(" \t")
                if trimmed.isEmpty { continue }
                let place = "line \(index + 1): "
                let object: Any
                do {
                    object = try JSONSerialization.jsonObject(with: Data(trimmed.utf8))
                } catch {
                    throw IngestFailure(stage: "decode", reason: place + "invalid JSON: \(jsonMessage(error))")
                }
                guard let dict = object as? [String: Any] else {
                    throw IngestFailure(stage: "decode", reason: place + "each line must be one article object")
                }
                var origin = raw.origin
                origin.ledgerKey = origin.ledgerKey.map { "\($0)#\(index + 1)" }
                articles.append(try JSONArticle.article(dict, origin: origin, format: .jsonl, where: place))
            }
            guard !articles.isEmpty else { throw IngestFailure(stage: "decode", reason: "no articles in JSON Lines input") }
            return articles
        case .feed:
            throw IngestFailure(stage: "decode", reason: "a feed document must be split into its items by its source")
        }
    }

    /// The format of bytes that came without a hint.
    public static func sniffFormat(_ bytes: [UInt8]) -> DocumentFormat? {
        let head = String(decoding: bytes.prefix(512), as: UTF8.self).trimming(" \t\r\n\u{FEFF}")
        if head.hasPrefix("{") { return head.contains("}\n{") ? .jsonl : .json }
        let lower = head.lowercased()
        if lower.hasPrefix("<!doctype html") || lower.hasPrefix("<html") || lower.contains("<body") { return .html }
        return .text
    }

    private static func nonEmpty(_ article: Article) throws(IngestFailure) -> Article {
        if article.text.allSatisfy(\.isWhitespace) && (article.title ?? "").isEmpty {
            throw IngestFailure(stage: "decode", reason: "no text in the input")
        }
        return article
    }

    private static func jsonMessage(_ error: any Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }
}

/// Plain text: the first line is the title when it reads like a headline.
public enum PlainText {
    public static func split(_ text: String) -> (title: String?, body: String) {
        let trimmed = text.trimming(" \t\n")
        let lines = trimmed.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        guard lines.count >= 2 else { return (nil, trimmed) }
        let first = lines[0].trimming(" \t")
        let nextBlank = lines[1].allSatisfy { $0 == " " || $0 == "\t" }
        guard looksLikeHeadline(first), nextBlank || first.count <= 80 else { return (nil, trimmed) }
        // From the first line's end index: dropping its count of characters walked the line twice.
        let rest = trimmed[lines[0].endIndex...].trimming(" \t\n")
        guard !rest.isEmpty else { return (nil, trimmed) }
        return (first, rest)
    }

    /// Short, has letters, starts with a capital or a digit, and does not end like a sentence in progress.
    static func looksLikeHeadline(_ line: String) -> Bool {
        guard (2...200).contains(line.count), let first = line.first, first.isUppercase || first.isNumber || first == "\"" || first == "‘" || first == "“"
        else { return false }
        let words = line.split(separator: " ").count
        guard words <= 25, line.contains(where: \.isLetter), let last = line.last else { return false }
        return !",;:".contains(last) && !(last == "." && words > 12 && !line.hasSuffix("..."))
    }
}

/// The JSON article object: known keys map to article fields, other scalar values are kept in `fields`.
enum JSONArticle {
    static func article(_ dict: [String: Any], origin: Origin, format: DocumentFormat, where place: String) throws(IngestFailure) -> Article {
        func string(_ keys: String...) -> String? {
            for key in keys {
                if let s = dict[key] as? String, !s.isEmpty { return s }
            }
            return nil
        }
        let html = string("html", "content_html")
        var title = string("title", "headline")
        var text = string("text", "content_text", "content", "body")
        if text == nil, let html {
            let extracted = HTMLText.extract(html)
            text = extracted.text
            if title == nil { title = extracted.title }
        }
        // A headline alone is an article (link feeds, wire flashes); nothing at all is not.
        guard let text = text ?? (title == nil ? nil : "") else {
            throw IngestFailure(stage: "decode", reason: place + "article object has neither text nor html")
        }
        var authors: [String] = []
        for key in ["authors", "author", "byline"] {
            switch dict[key] {
            case let s as String: authors.append(s)
            case let list as [Any]:
                for item in list {
                    if let s = item as? String { authors.append(s) }
                    if let d = item as? [String: Any], let name = d["name"] as? String { authors.append(name) }
                }
            case let d as [String: Any]: if let name = d["name"] as? String { authors.append(name) }
            default: break
            }
        }
        let published = string("published", "date_published", "published_at", "date", "pubDate")
        var article = Article(
            text: text,
            title: title,
            html: html,
            url: string("url", "link"),
            published: published,
            publishedAt: published.flatMap(DateParsing.parse),
            authors: authors,
            origin: origin,
            format: format
        )
        article.language = string("language", "lang")
        let known: Set<String> = [
            "html", "content_html", "title", "headline", "text", "content_text", "content", "body", "authors",
            "author", "byline", "published", "date_published", "published_at", "date", "pubDate", "url", "link",
            "language", "lang",
        ]
        for (key, value) in dict where !known.contains(key) {
            switch value {
            case let s as String: article.fields[key] = s
            case let n as NSNumber: article.fields[key] = n.stringValue
            default:
                if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) {
                    article.fields[key] = String(decoding: data, as: UTF8.self)
                }
            }
        }
        return article
    }
}

extension Article {
    /// Reads the plain text decoding left for a later stage (``textPendingFromHTML``) from ``html``, as
    /// decoding would have.
    public mutating func readPendingText() {
        guard textPendingFromHTML else { return }
        textPendingFromHTML = false
        if let html { text = HTMLText.extract(html).text }
    }
}
