/// What an element's `class` and `id` say about it, after Readability.js's word lists.
///
/// Matching is on lowercased bytes with plain substring search (no regular expressions): it runs for every
/// element with a class or id, and a page has thousands.
struct ClassHints: Equatable {
    /// Readability's class weight: +25 for an "article-like" class, −25 for a "chrome-like" one, the same
    /// again for the id.
    var weight: Int8 = 0
    /// Looks like page chrome (comments, sidebars, share bars…) and nothing says it might be content.
    var unlikely = false
    /// Looks like a byline ("by Jane Doe").
    var byline = false
    /// A share widget (`share`, `sharedaddy` as a word).
    var share = false

    static let unlikelyWords: [[UInt8]] = words(
        "-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap", "disqus", "extra",
        "footer", "gdpr", "header", "legends", "menu", "related", "remark", "replies", "rss", "shoutbox", "sidebar",
        "skyscraper", "social", "sponsor", "supplemental", "ad-break", "agegate", "pagination", "pager", "popup",
        "yom-remote", "cookie", "consent", "newsletter", "subscribe", "paywall", "promo")
    static let maybeWords: [[UInt8]] = words("and", "article", "body", "column", "content", "main", "mathjax", "shadow")
    static let positiveWords: [[UInt8]] = words(
        "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination", "post", "text",
        "blog", "story")
    static let negativeWords: [[UInt8]] = words(
        "-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr", "masthead", "media",
        "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor",
        "shopping", "tags", "widget", "cookie", "newsletter", "subscribe")
    static let bylineWords: [[UInt8]] = words("byline", "author", "dateline", "writtenby", "p-author")

    /// Hints for one element from its (raw) class and id values.
    static func of(className: String?, id: String?) -> ClassHints {
        var hints = ClassHints()
        let cls = lowered(className)
        let ident = lowered(id)
        var both = cls
        both.append(0x20)
        both.append(contentsOf: ident)
        if containsAny(both, unlikelyWords) && !containsAny(both, maybeWords) { hints.unlikely = true }
        for part in [cls, ident] where !part.isEmpty {
            if containsAny(part, negativeWords) || containsWord(part, Array("hid".utf8)) { hints.weight -= 25 }
            if containsAny(part, positiveWords) { hints.weight += 25 }
        }
        hints.byline = containsAny(both, bylineWords)
        hints.share = containsWord(both, Array("share".utf8)) || containsWord(both, Array("sharedaddy".utf8))
        return hints
    }

    private static func words(_ list: String...) -> [[UInt8]] { list.map { Array($0.utf8) } }

    private static func lowered(_ s: String?) -> [UInt8] {
        guard let s else { return [] }
        return s.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    }

    static func containsAny(_ haystack: [UInt8], _ needles: [[UInt8]]) -> Bool {
        for needle in needles where find(haystack, needle, from: 0) != nil { return true }
        return false
    }

    /// `needle` standing alone: bounded by the ends, spaces, `-` or `_` (Readability's `(\b|_)share(\b|_)`).
    static func containsWord(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        var from = 0
        while let at = find(haystack, needle, from: from) {
            let before = at == 0 ? 0x20 : haystack[at - 1]
            let afterIndex = at + needle.count
            let after = afterIndex == haystack.count ? 0x20 : haystack[afterIndex]
            if !isWordByte(before) && !isWordByte(after) { return true }
            from = at + 1
        }
        return false
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x61...0x7A).contains(b) || (0x41...0x5A).contains(b) || b >= 0x80
    }

    private static func find(_ haystack: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
        let n = needle.count
        guard n > 0, haystack.count - from >= n else { return nil }
        let first = needle[0]
        var i = from
        let last = haystack.count - n
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < n && haystack[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }
}
