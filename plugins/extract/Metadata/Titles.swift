import Foundation
import IngestCore

/// Chooses the article's title among what the page offers, by agreement.
///
/// Candidates, in order of preference: JSON-LD `headline`, `og:title`, the other title metas, `<title>` without
/// the site's name, the main `h1`. Each is scored by how many of the others agree with it (the same words,
/// or the same once a site suffix is removed); the best supported wins, ties going to the preferred source.
/// A candidate that is only the site's name, a URL, or absurdly long never wins.
enum Titles {
    struct Candidate {
        var source: String
        var text: String
    }

    static func choose(_ candidates: [Candidate], siteName: String?) -> Candidate? {
        let site = siteName.map(key)
        var usable: [Candidate] = []
        var keys: [String] = []
        for c in candidates {
            let k = key(c.text)
            // utf8.count bounds count from above: the Character count is only taken for long titles.
            guard !k.isEmpty, k != site, c.text.utf8.count <= 300 || c.text.count <= 300, !Bylines.looksLikeAddress(c.text)
            else { continue }
            usable.append(c)
            keys.append(k)
        }
        guard !usable.isEmpty else { return nil }
        let longEnough = keys.map { $0.utf8.count >= 8 && $0.count >= 8 }
        var best: (index: Int, support: Int)?
        for (i, k) in keys.enumerated() {
            var support = 0
            for (j, other) in keys.enumerated() where j != i && usable[j].source != usable[i].source {
                // The same words count twice what a prefix does ("Hermitian matrix - Wikipedia" only
                // contains "Hermitian matrix").
                if other == k {
                    support += 2
                } else if (longEnough[i] && other.hasPrefix(k)) || (longEnough[j] && k.hasPrefix(other)) {
                    support += 1
                }
            }
            if best == nil || support > best!.support { best = (i, support) }
        }
        return best.map { usable[$0.index] }
    }

    static let separators = [" | ", " - ", " – ", " — ", " :: ", " » ", " · ", " / ", " • ", " ~ "]

    /// `<title>` without the site's name: the segment that is the site (known from `og:site_name` or
    /// JSON-LD), else (unless `knownSiteOnly`) a short last segment when what stays is a real headline.
    ///
    /// - Parameter headings: the page's `h1`s; a leading part of the title that is one of them is the headline.
    static func withoutSite(
        _ title: String, siteName: String?, host: String?, headings: [String] = [], knownSiteOnly: Bool = false
    ) -> String {
        var segments: [String] = [title]
        var used: String?
        // "Silicon Exposed: Open Verilog flow…": a colon separates a site only when it is the site's name.
        if let siteName, title.hasPrefix(siteName + ": ") { return String(title.dropFirst(siteName.count + 2)) }
        // Byte searches: Character-wise ones cost more than the rest of title choice.
        for separator in separators where title.hasASCII(separator) {
            segments = title.splitBytes(separator)
            used = separator
            break
        }
        guard let separator = used, segments.count >= 2 else { return title }
        let siteKey = siteName.map(key)
        let hostKey = host.map { h in key(h.replacingOccurrences(of: "www.", with: "").split(separator: ".").first.map(String.init) ?? h) }
        func isSite(_ segment: String) -> Bool {
            let k = key(segment)
            if k.isEmpty { return false }
            if let siteKey, k == siteKey || (siteKey.count >= 4 && (k.hasPrefix(siteKey) || siteKey.hasPrefix(k))) { return true }
            if let hostKey, !hostKey.isEmpty, k.replacingOccurrences(of: " ", with: "") == hostKey { return true }
            return false
        }
        if isSite(segments.last!) {
            return segments.dropLast().joined(separator: separator)
        }
        if isSite(segments.first!) {
            return segments.dropFirst().joined(separator: separator)
        }
        if knownSiteOnly { return title }
        let headingKeys = Set(headings.map(key))
        for n in stride(from: segments.count - 1, through: 1, by: -1) {
            let head = segments.prefix(n).joined(separator: separator)
            if headingKeys.contains(key(head)) { return head }
        }
        // No known site: drop a short last segment when at least three words stay.
        let rest = segments.dropLast().joined(separator: separator)
        let last = segments.last!
        if last.split(separator: " ").count <= 4 && rest.split(separator: " ").count >= 3 {
            return rest
        }
        return title
    }

    /// The comparison key: lowercased letters and digits, single spaces.
    static func key(_ s: String) -> String {
        if let ascii = asciiKey(s) { return ascii }
        var out = String.UnicodeScalarView()
        var space = false
        for scalar in s.unicodeScalars {
            let v = scalar.value
            let keep: Bool
            var lower = scalar
            if scalar.isASCII {
                keep = (v >= 0x30 && v <= 0x39) || (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A)
                if v >= 0x41 && v <= 0x5A { lower = Unicode.Scalar(v | 0x20)! }
            } else {
                keep = scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                if keep, scalar.properties.isUppercase, let l = scalar.properties.lowercaseMapping.unicodeScalars.first {
                    lower = l
                }
            }
            if keep {
                if space && !out.isEmpty { out.append(" ") }
                space = false
                out.append(lower)
            } else {
                space = true
            }
        }
        return String(out)
    }

    /// ``key(_:)`` of an ASCII string on its bytes; nil when `s` is not ASCII.
    private static func asciiKey(_ s: String) -> String? {
        var source = s
        return source.withUTF8 { bytes -> String? in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var space = false
            for b in bytes {
                if b >= 0x80 { return nil }
                let lower = b &- 0x41 < 26 ? b | 0x20 : b
                if lower &- 0x61 < 26 || b &- 0x30 < 10 {
                    if space && !out.isEmpty { out.append(0x20) }
                    space = false
                    out.append(lower)
                } else {
                    space = true
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
