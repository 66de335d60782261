import Foundation

/// Makes a link from the page absolute and strips its tracking parameters.
///
/// Links are resolved against the article's URL (else the page's `<base href>`); a link that cannot be
/// resolved is kept as written. `javascript:` and `vbscript:` links are dropped.
struct LinkCleaner {
    let base: URL?
    let tracking: TrackingParameters

    /// The configured tracking parameters, read once per stage rather than for every article.
    struct TrackingParameters: Sendable {
        let exact: Set<String>
        let prefixes: [String]

        init(_ names: [String]) {
            var exact: Set<String> = []
            var prefixes: [String] = []
            for name in names {
                let lower = name.lowercased()
                if lower.hasSuffix("*") { prefixes.append(String(lower.dropLast())) } else { exact.insert(lower) }
            }
            self.exact = exact
            self.prefixes = prefixes
        }
    }

    init(base: String?, tracking: TrackingParameters) {
        self.base = base.flatMap { URL(string: $0) }.flatMap { $0.scheme == nil ? nil : $0 }
        self.tracking = tracking
    }

    /// The cleaned link; `nil` when it should not be kept at all.
    func clean(_ raw: String) -> String? {
        let href = Self.trimmed(raw)
        guard !href.isEmpty else { return nil }
        let lower = href.lowercased()
        if lower.hasPrefix("javascript:") || lower.hasPrefix("vbscript:") { return nil }
        if href.hasPrefix("#") { return href }
        let resolved = URL(string: href, relativeTo: base)?.absoluteURL
        guard let resolved, var components = URLComponents(url: resolved, resolvingAgainstBaseURL: true) else {
            return href
        }
        if let items = components.percentEncodedQueryItems {
            let kept = items.filter { !isTracking($0.name) }
            if kept.count != items.count { components.percentEncodedQueryItems = kept.isEmpty ? nil : kept }
        }
        return components.string ?? resolved.absoluteString
    }

    /// `raw` without white space at its ends. Most links start and end with a printable ASCII byte, which
    /// is never white space: those are returned as they are, without Foundation's trimming (bridged through
    /// NSString, it was 2 % of a large page's CPU).
    static func trimmed(_ raw: String) -> String {
        if let first = raw.utf8.first, let last = raw.utf8.last, (0x21...0x7E).contains(first),
            (0x21...0x7E).contains(last)
        {
            return raw
        }
        return raw.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func isTracking(_ name: String) -> Bool {
        let lower = name.lowercased()
        return tracking.exact.contains(lower) || tracking.prefixes.contains { lower.hasPrefix($0) }
    }

    /// Query parameters that only say where a click came from.
    static let defaultTrackingParams = [
        "utm_*", "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "igshid", "li_fat_id", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id",
        "oly_enc_id", "vero_id", "wickedid", "__s", "ncid", "cmpid",
    ]
}
