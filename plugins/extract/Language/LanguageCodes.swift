/// CLD2's language codes as ISO 639-1.
enum LanguageCodes {
    /// CLD2 codes that are old or regional forms of an ISO 639-1 code.
    private static let renamed: [String: String] = [
        "iw": "he",  // Hebrew: CLD2 keeps the code withdrawn in 1989
        "jw": "jv",  // Javanese, likewise
        "zh-Hant": "zh",  // Traditional Chinese: one language, another script
        "sr-ME": "sr",  // Montenegrin has no 639-1 code; Serbian is its nearest
        "nb": "no",
    ]

    /// The ISO 639-1 code for a CLD2 code, CLD2's own code where none exists ("haw", "ceb"), or nil for
    /// "unknown", CLD2's script-only pseudo-languages ("xx-Latn") and its joke languages ("zzp" Pig Latin,
    /// "tlh" Klingon).
    static func iso639_1(fromCLD2 code: String) -> String? {
        if let renamed = renamed[code] { return renamed }
        if code.isEmpty || code == "un" || code == "xxx" || code == "tlh" || code.hasPrefix("xx-")
            || code.hasPrefix("zz")
        {
            return nil
        }
        // Unnamed slots of CLD2's table print as their number.
        guard code.utf8.allSatisfy({ ($0 | 0x20) &- 97 < 26 || $0 == UInt8(ascii: "-") }) else { return nil }
        return code
    }
}
