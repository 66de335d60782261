public import IngestCore

/// The originals dedupe let through that are not committed yet. Two copies of a story may be in the
/// pipeline at the same moment, and the store only knows committed articles: this index is what makes the
/// second copy a duplicate of the first. An entry leaves when its article's fate is sealed (committed: the
/// store has it now; not committed: it never became an original).
struct PendingIndex {
    private var entries: [String: ArticleFingerprint] = [:]
    private var byText: [String: String] = [:]
    private var byURL: [String: String] = [:]
    private var byItem: [String: String] = [:]
    private var byBand: [Int64: [String]] = [:]

    var count: Int { entries.count }

    /// Entries sharing a key or a band with `probe`.
    func candidates(_ probe: ArticleFingerprint) -> [ArticleFingerprint] {
        var clusters = Set<String>()
        if let key = probe.textHash, let c = byText[key] { clusters.insert(c) }
        if let key = probe.canonicalURL, let c = byURL[key] { clusters.insert(c) }
        if let key = probe.itemId, let c = byItem[key] { clusters.insert(c) }
        for band in probe.bands { clusters.formUnion(byBand[band] ?? []) }
        return clusters.compactMap { entries[$0] }
    }

    mutating func insert(_ fingerprint: ArticleFingerprint) {
        let cluster = fingerprint.clusterId
        entries[cluster] = fingerprint
        if let key = fingerprint.textHash { byText[key] = cluster }
        if let key = fingerprint.canonicalURL { byURL[key] = cluster }
        if let key = fingerprint.itemId { byItem[key] = cluster }
        for band in fingerprint.bands { byBand[band, default: []].append(cluster) }
    }

    mutating func remove(clusterId: String) {
        guard let fingerprint = entries.removeValue(forKey: clusterId) else { return }
        if let key = fingerprint.textHash, byText[key] == clusterId { byText[key] = nil }
        if let key = fingerprint.canonicalURL, byURL[key] == clusterId { byURL[key] = nil }
        if let key = fingerprint.itemId, byItem[key] == clusterId { byItem[key] = nil }
        for band in fingerprint.bands {
            byBand[band]?.removeAll { $0 == clusterId }
            if byBand[band]?.isEmpty == true { byBand[band] = nil }
        }
    }
}
