import Foundation

/// A URL reduced to what identifies the page: the same story linked with tracking parameters, another
/// scheme, `www.`, a default port, a fragment or a trailing slash gives the same canonical form.
enum CanonicalURL {
    /// Query parameters that say where a click came from, not what page it is.
    static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_ga", "_gl",
        "ref_src", "ref_url", "cmpid", "ocid", "smid", "s_cid", "ns_campaign", "ns_mchannel", "ns_source",
        "ns_linkname", "ns_fee", "wt.mc_id", "at_medium", "at_campaign", "rss", "spm",
    ]

    /// `host/path?query` with host lowercased and `www.` dropped, default port, fragment, tracking parameters
    /// and a trailing slash removed, the scheme left out (http and https copies are one page). `nil` for a
    /// non-web URL and for a site's front page, which many feeds give as every item's link.
    static func canonical(_ url: String) -> String? {
        var s = Substring(url.trimmingCharacters(in: .whitespacesAndNewlines))
        if let hash = s.firstIndex(of: "#") { s = s[..<hash] }
        guard let sep = s.range(of: "://") else { return nil }
        let scheme = s[..<sep.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = s[sep.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var host = rest[..<authorityEnd].lowercased()
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        if host.hasSuffix(":80") || host.hasSuffix(":443") { host = String(host[..<host.lastIndex(of: ":")!]) }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        guard !host.isEmpty else { return nil }
        var path = rest[authorityEnd...]
        var query = Substring("")
        if let q = path.firstIndex(of: "?") {
            query = path[path.index(after: q)...]
            path = path[..<q]
        }
        var pathText = String(path)
        while pathText.hasSuffix("/") { pathText.removeLast() }
        let kept = query.split(separator: "&").filter { pair in
            let name = (pair.split(separator: "=", maxSplits: 1).first ?? "").lowercased()
            return !name.isEmpty && !name.hasPrefix("utm_") && !trackingParameters.contains(name)
        }.sorted()
        guard !pathText.isEmpty || !kept.isEmpty else { return nil }
        return host + pathText + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
    }
}
