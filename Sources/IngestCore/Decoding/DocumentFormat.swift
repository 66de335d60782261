/// The input formats ingestd accepts.
public enum DocumentFormat: String, Sendable, Codable, CaseIterable {
    case text, markdown, html, json, jsonl

    /// The format a file extension stands for; `nil` for anything ingestd does not accept.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "txt", "text": self = .text
        case "md", "markdown": self = .markdown
        case "html", "htm", "xhtml": self = .html
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonl
        default: return nil
        }
    }

    /// The extensions accepted in a watched folder, for error messages.
    public static let acceptedExtensions = [".txt", ".md", ".html", ".htm", ".json", ".jsonl"]
}
