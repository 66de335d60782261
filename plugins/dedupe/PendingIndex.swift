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
    /// A band key is almost always one pending cluster's alone: held inline, not as an array. An array per
    /// band key was 21 allocations per original, and removing a cluster from it rebuilt it: together 1.4 %
    /// of the daemon's CPU in a burst.
    private var byBand: [Int64: Clusters] = [:]

    private enum Clusters {
        case one(String)
        case many([String])
    }

    var count: Int { entries.count }

    /// Entries sharing a key or a band with `probe`.
    func candidates(_ probe: ArticleFingerprint) -> [ArticleFingerprint] {
        var clusters = Set<String>()
        if let key = probe.textHash, let c = byText[key] { clusters.insert(c) }
        if let key = probe.canonicalURL, let c = byURL[key] { clusters.insert(c) }
        if let key = probe.itemId, let c = byItem[key] { clusters.insert(c) }
        for band in probe.bands {
            switch byBand[band] {
            case .one(let cluster): clusters.insert(cluster)
            case .many(let list): clusters.formUnion(list)
            case nil: break
            }
        }
        return clusters.compactMap { entries[$0] }
    }

    mutating func insert(_ fingerprint: ArticleFingerprint) {
        let cluster = fingerprint.clusterId
        entries[cluster] = fingerprint
        if let key = fingerprint.textHash { byText[key] = cluster }
        if let key = fingerprint.canonicalURL { byURL[key] = cluster }
        if let key = fingerprint.itemId { byItem[key] = cluster }
        for band in fingerprint.bands {
            switch byBand[band] {
            case nil: byBand[band] = .one(cluster)
            case .one(let other): byBand[band] = .many([other, cluster])
            case .many(let list): byBand[band] = .many(list + [cluster])
            }
        }
    }

    mutating func remove(clusterId: String) {
        guard let fingerprint = entries.removeValue(forKey: clusterId) else { return }
        if let key = fingerprint.textHash, byText[key] == clusterId { byText[key] = nil }
        if let key = fingerprint.canonicalURL, byURL[key] == clusterId { byURL[key] = nil }
        if let key = fingerprint.itemId, byItem[key] == clusterId { byItem[key] = nil }
        for band in fingerprint.bands {
            switch byBand[band] {
            case .one(let cluster) where cluster == clusterId:
                byBand[band] = nil
            case .many(let list):
                let rest = list.filter { $0 != clusterId }
                byBand[band] = rest.isEmpty ? nil : rest.count == 1 ? .one(rest[0]) : .many(rest)
            default:
                break
            }
        }
    }
}
