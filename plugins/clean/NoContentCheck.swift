/// Decides whether a page holds no real content: an error page, a login or robot wall.
///
/// Only short results are judged (fewer than `thin_page_words` words of main text), and only on signs a
/// page gives about itself: a password field, or a title or heading that says "not found", "sign in",
/// "access denied"… A short page without such signs is a short article and is kept.
enum NoContentCheck {
    static let errorSigns = [
        "404", "not found", "page not found", "no longer available", "410 gone", "403", "forbidden",
        "access denied", "500 internal", "internal server error", "502 bad gateway", "503", "service unavailable",
        "an error occurred", "error page",
    ]
    static let wallSigns = [
        "sign in", "sign-in", "log in", "login", "log-in", "subscribe to continue", "subscribers only",
        "subscribe to read", "create an account", "are you a robot", "verify you are human", "captcha",
        "just a moment", "attention required", "access to this page has been denied", "enable javascript",
        "enable cookies", "please enable js",
    ]

    /// Why the page should be dropped, or `nil` to keep it.
    static func reason(text: String, title: String?, headings: [String], hasPasswordField: Bool, thinWords: Int)
        -> String?
    {
        guard thinWords > 0 else { return nil }
        let words = wordCount(text, upTo: thinWords)
        guard words < thinWords else { return nil }
        if hasPasswordField {
            return "login wall: a password form and only \(words) words of text"
        }
        let labels = ([title].compactMap { $0 } + headings).map { $0.lowercased() }
        for label in labels {
            if let sign = errorSigns.first(where: label.contains) {
                return "error page: \"\(clip(label))\" (\(sign)), \(words) words of text"
            }
            if let sign = wallSigns.first(where: label.contains) {
                return "login or robot wall: \"\(clip(label))\" (\(sign)), \(words) words of text"
            }
        }
        // A page whose only words ask for JavaScript or a login.
        let lower = text.lowercased()
        if words < 30, let sign = wallSigns.first(where: lower.contains) {
            return "login or robot wall: the text asks to \(sign), \(words) words of text"
        }
        return nil
    }

    /// Words (runs between spaces and line breaks), counting no further than `limit`.
    static func wordCount(_ text: String, upTo limit: Int) -> Int {
        var count = 0
        var inWord = false
        for b in text.utf8 {
            if b == 0x20 || b == 0x0A {
                inWord = false
            } else if !inWord {
                inWord = true
                count += 1
                if count >= limit { return count }
            }
        }
        return count
    }

    private static func clip(_ s: String) -> String {
        s.count > 80 ? String(s.prefix(77)) + "…" : s
    }
}
