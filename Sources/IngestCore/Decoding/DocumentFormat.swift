/// The input formats ingestd accepts.
public enum DocumentFormat: String, Sendable, Codable, CaseIterable {
    case text, markdown, html, json, jsonl
    /// An RSS, Atom or JSON Feed document dropped in a folder. Its source splits it into one document per
    /// item (JSON), so the decoder never sees it whole.
    case feed

    /// The format a file extension stands for; `nil` for anything ingestd does not accept.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "txt", "text": self = .text
        case "md", "markdown": self = .markdown
        case "html", "htm", "xhtml": self = .html
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonl
        case "xml", "rss", "atom", "rdf": self = .feed
        default: return nil
        }
    }

    /// The extensions accepted in a watched folder, for error messages.
    public static let acceptedExtensions = [".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom"]
}
