import Foundation
import IngestCore

/// What a page's JSON-LD (schema.org) says about its article.
///
/// Pages put several blocks in, each an object, an array of objects or an `@graph`; people and publishers
/// are often given as `{"@id": …}` references to another node of the graph. Only the first node typed as an
/// article (``articleTypes``) is read, falling back to a `WebPage` node; invalid JSON is ignored.
struct JSONLDFacts: Equatable {
    var headline: String?
    var authors: [String] = []
    var published: String?
    var modified: String?
    var publisher: String?
    var image: String?
    var description: String?
    var url: String?

    static let articleTypes: Set<String> = [
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "scholarlyarticle", "techarticle",
        "socialmediaposting", "liveblogposting", "report", "posting",
    ]

    /// Reads every block; the first article node wins, a web page node fills what it leaves empty.
    init(blocks: [String]) {
        var nodes: [[String: Any]] = []
        for block in blocks {
            guard let object = Self.parse(block) else { continue }
            Self.collect(object, into: &nodes)
        }
        guard !nodes.isEmpty else { return }
        var byID: [String: [String: Any]] = [:]
        for node in nodes {
            if let id = node["@id"] as? String, byID[id] == nil { byID[id] = node }
        }
        let article = nodes.first { Self.types(of: $0).contains(where: Self.articleTypes.contains) }
        let page = nodes.first { Self.types(of: $0).contains { $0.hasSuffix("webpage") } }
        for node in [article, page].compactMap({ $0 }) {
            read(node, byID: byID)
        }
    }

    private mutating func read(_ node: [String: Any], byID: [String: [String: Any]]) {
        func text(_ key: String) -> String? {
            if let s = node[key] as? String { return Self.clean(s) }
            if let list = node[key] as? [Any], let s = list.first as? String { return Self.clean(s) }
            return nil
        }
        if headline == nil { headline = text("headline") ?? text("name") }
        if authors.isEmpty { authors = Self.names(node["author"] ?? node["creator"], byID: byID) }
        if published == nil { published = text("datePublished") ?? text("dateCreated") }
        if modified == nil { modified = text("dateModified") }
        if publisher == nil { publisher = Self.names(node["publisher"], byID: byID).first }
        if image == nil { image = Self.url(node["image"] ?? node["thumbnailUrl"], byID: byID) }
        if description == nil { description = text("description") }
        if url == nil { url = text("url") ?? Self.url(node["mainEntityOfPage"], byID: byID) }
    }

    /// The JSON value of a block, tolerating the HTML comment and CDATA wrappers some sites put around it.
    static func parse(_ block: String) -> Any? {
        var text = Substring(block)
        if block.utf8.contains(UInt8(ascii: "<")) || block.utf8.contains(UInt8(ascii: ">")) {
            for wrapper in ["<!--", "-->", "//<![CDATA[", "//]]>", "<![CDATA[", "]]>"] where text.contains(wrapper) {
                text = Substring(text.replacingOccurrences(of: wrapper, with: ""))
            }
        }
        // Plain JSON is read natively; Foundation only sees what JSONReader leaves to it (same values).
        if let object = JSONReader.parse(text) { return object }
        if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) { return object }
        // Raw line breaks inside strings are the most common fault; JSON wants them escaped.
        let repaired = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\t", with: " ")
        if let object = JSONReader.parse(Substring(repaired)) { return object }
        return try? JSONSerialization.jsonObject(with: Data(repaired.utf8), options: [.fragmentsAllowed])
    }

    /// Every object of a block (arrays and `@graph`s flattened), at most a few hundred.
    static func collect(_ value: Any, into nodes: inout [[String: Any]]) {
        var stack: [Any] = [value]
        while let next = stack.popLast(), nodes.count < 500 {
            if let list = next as? [Any] {
                stack.append(contentsOf: list.reversed())
            } else if let dict = next as? [String: Any] {
                nodes.append(dict)
                if let graph = dict["@graph"] { stack.append(graph) }
            }
        }
    }

    static func types(of node: [String: Any]) -> [String] {
        switch node["@type"] {
        case let s as String: return [s.lowercased()]
        case let list as [Any]: return list.compactMap { ($0 as? String)?.lowercased() }
        default: return []
        }
    }

    /// Names from a string, a `{name}` object, an `{@id}` reference, or an array of those.
    static func names(_ value: Any?, byID: [String: [String: Any]]) -> [String] {
        guard let value else { return [] }
        var result: [String] = []
        let items: [Any] = (value as? [Any]) ?? [value]
        for item in items.prefix(20) {
            switch item {
            case let s as String:
                if let name = clean(s) { result.append(name) }
            case let d as [String: Any]:
                let node = (d["name"] == nil ? (d["@id"] as? String).flatMap { byID[$0] } : nil) ?? d
                if let s = node["name"] as? String, let name = clean(s) {
                    result.append(name)
                } else if let list = node["name"] as? [Any], let s = list.first as? String, let name = clean(s) {
                    result.append(name)
                }
            default:
                break
            }
        }
        return result
    }

    /// A URL from a string, an `ImageObject`/`WebPage` (`url`, `@id`), or the first of an array.
    static func url(_ value: Any?, byID: [String: [String: Any]]) -> String? {
        switch value {
        case let s as String: return clean(s)
        case let list as [Any]: return list.lazy.compactMap { url($0, byID: byID) }.first
        case let d as [String: Any]:
            if let s = d["url"] as? String ?? d["contentUrl"] as? String { return clean(s) }
            if let id = d["@id"] as? String {
                if let node = byID[id], let s = node["url"] as? String ?? node["contentUrl"] as? String { return clean(s) }
                return id.hasPrefix("http") ? id : nil
            }
            return nil
        default: return nil
        }
    }

    /// Entities decoded (JSON-LD written by templates often carries `&amp;`), whitespace collapsed.
    static func clean(_ s: String) -> String? {
        let text = HTMLText.collapse(s.hasBytes("&") ? HTMLText.decodeEntities(s) : s)
        return text.isEmpty ? nil : text
    }
}
