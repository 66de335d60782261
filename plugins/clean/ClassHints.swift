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

    static let unlikelyWords = Needles(
        "-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap", "disqus", "extra",
        "footer", "gdpr", "header", "legends", "menu", "related", "remark", "replies", "rss", "shoutbox", "sidebar",
        "skyscraper", "social", "sponsor", "supplemental", "ad-break", "agegate", "pagination", "pager", "popup",
        "yom-remote", "cookie", "consent", "newsletter", "subscribe", "paywall", "promo")
    static let maybeWords = Needles("and", "article", "body", "column", "content", "main", "mathjax", "shadow")
    static let positiveWords = Needles(
        "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination", "post", "text",
        "blog", "story")
    static let negativeWords = Needles(
        "-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr", "masthead", "media",
        "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor",
        "shopping", "tags", "widget", "cookie", "newsletter", "subscribe")
    static let bylineWords = Needles("byline", "author", "dateline", "writtenby", "p-author")
    private static let hidWord = Array("hid".utf8)
    private static let shareWord = Array("share".utf8)
    private static let sharedaddyWord = Array("sharedaddy".utf8)

    /// Hints for one element from its (raw) class and id values.
    static func of(className: String?, id: String?) -> ClassHints {
        // Both values lowercased into one buffer, "class id": the whole is searched, and each part alone.
        var both = lowered(className)
        let classCount = both.count
        both.append(0x20)
        appendLowered(id, to: &both)
        return both.withUnsafeBufferPointer { all in
            let cls = UnsafeBufferPointer(rebasing: all[..<classCount])
            let ident = UnsafeBufferPointer(rebasing: all[(classCount + 1)...])
            var hints = ClassHints()
            if unlikelyWords.anyIn(all) && !maybeWords.anyIn(all) { hints.unlikely = true }
            hints.weight = partWeight(cls) + partWeight(ident)
            hints.byline = bylineWords.anyIn(all)
            hints.share = containsWord(all, shareWord) || containsWord(all, sharedaddyWord)
            return hints
        }
    }

    /// −25, 0 or +25 (both lists can match) for the class or the id alone.
    private static func partWeight(_ part: UnsafeBufferPointer<UInt8>) -> Int8 {
        guard !part.isEmpty else { return 0 }
        var weight: Int8 = 0
        if negativeWords.anyIn(part) || containsWord(part, hidWord) { weight -= 25 }
        if positiveWords.anyIn(part) { weight += 25 }
        return weight
    }

    /// A word list to search for, indexed by first byte: at each position of the haystack only the words
    /// starting with that byte are compared, not all of them.
    struct Needles {
        let words: [[UInt8]]
        /// For each byte value, the indexes in ``words`` of the words starting with it.
        private let byFirstByte: [[Int]]

        init(_ list: String...) {
            words = list.map { Array($0.utf8) }
            var index = [[Int]](repeating: [], count: 256)
            for (k, word) in words.enumerated() where !word.isEmpty { index[Int(word[0])].append(k) }
            byFirstByte = index
        }

        /// Whether any of the words occurs in `haystack`.
        func anyIn(_ haystack: UnsafeBufferPointer<UInt8>) -> Bool {
            for i in haystack.indices {
                for k in byFirstByte[Int(haystack[i])] where matches(words[k], haystack, at: i) { return true }
            }
            return false
        }

        private func matches(_ word: [UInt8], _ haystack: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
            guard haystack.count - i >= word.count else { return false }
            for j in 1..<word.count where haystack[i + j] != word[j] { return false }
            return true
        }
    }

    private static func lowered(_ s: String?) -> [UInt8] {
        var bytes: [UInt8] = []
        appendLowered(s, to: &bytes)
        return bytes
    }

    private static func appendLowered(_ s: String?, to bytes: inout [UInt8]) {
        guard let s else { return }
        bytes.reserveCapacity(bytes.count + s.utf8.count + 1)
        for b in s.utf8 { bytes.append((0x41...0x5A).contains(b) ? b | 0x20 : b) }
    }

    /// `needle` standing alone: bounded by the ends, spaces, `-` or `_` (Readability's `(\b|_)share(\b|_)`).
    static func containsWord(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
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

    private static func find(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], from: Int) -> Int? {
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
