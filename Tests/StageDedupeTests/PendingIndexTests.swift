import IngestCore
import Testing

@testable import StageDedupe

/// The in-flight index keeps a band key's clusters inline; it must answer as a dictionary of arrays did.
@Suite("dedupe: the index of originals in flight")
struct PendingIndexTests {
    /// The index as it was: every band key's clusters in an array.
    struct Reference {
        var entries: [String: ArticleFingerprint] = [:]
        var byText: [String: String] = [:]
        var byBand: [Int64: [String]] = [:]

        func candidates(_ probe: ArticleFingerprint) -> Set<String> {
            var clusters = Set<String>()
            if let key = probe.textHash, let c = byText[key] { clusters.insert(c) }
            for band in probe.bands { clusters.formUnion(byBand[band] ?? []) }
            return Set(clusters.compactMap { entries[$0]?.clusterId })
        }

        mutating func insert(_ fingerprint: ArticleFingerprint) {
            entries[fingerprint.clusterId] = fingerprint
            if let key = fingerprint.textHash { byText[key] = fingerprint.clusterId }
            for band in fingerprint.bands { byBand[band, default: []].append(fingerprint.clusterId) }
        }

        mutating func remove(clusterId: String) {
            guard let fingerprint = entries.removeValue(forKey: clusterId) else { return }
            if let key = fingerprint.textHash, byText[key] == clusterId { byText[key] = nil }
            for band in fingerprint.bands {
                byBand[band]?.removeAll { $0 == clusterId }
                if byBand[band]?.isEmpty == true { byBand[band] = nil }
            }
        }
    }

    static func fingerprint(_ cluster: Int, bands: [Int64], text: Int?) -> ArticleFingerprint {
        ArticleFingerprint(
            textHash: text.map { "text-\($0)" }, canonicalURL: nil, itemId: nil, minhash: [], bands: bands, shingles: 0,
            clusterId: "cluster-\(cluster)-of-a-longer-name")
    }

    @Test("random inserts, removals and lookups, with band keys shared by up to several clusters, agree")
    func agreesWithArrays() {
        var generator = SplitMix64(seed: 42)
        func random(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }
        var index = PendingIndex()
        var reference = Reference()
        var live: [Int] = []
        var shared = 0
        for step in 0..<4_000 {
            // Few band values, so keys are often shared by two or more pending clusters.
            let bands = (0..<3).map { _ in Int64(random(60)) }
            switch random(3) {
            case 0, 1:
                // Now and then a cluster already pending is inserted again.
                let cluster = !live.isEmpty && random(10) == 0 ? live[random(live.count)] : step
                let fingerprint = Self.fingerprint(cluster, bands: bands, text: random(4) == 0 ? random(30) : nil)
                index.insert(fingerprint)
                reference.insert(fingerprint)
                if !live.contains(cluster) { live.append(cluster) }
            default:
                guard !live.isEmpty else { continue }
                let cluster = live.remove(at: random(live.count))
                index.remove(clusterId: "cluster-\(cluster)-of-a-longer-name")
                reference.remove(clusterId: "cluster-\(cluster)-of-a-longer-name")
            }
            let probe = Self.fingerprint(-1, bands: (0..<3).map { _ in Int64(random(60)) }, text: random(30))
            let expected = reference.candidates(probe)
            if expected.count > 1 { shared += 1 }
            #expect(Set(index.candidates(probe).map(\.clusterId)) == expected)
            #expect(index.count == reference.entries.count)
        }
        // The case the inline form is for and the one it is not: both happened.
        #expect(shared > 200)
    }
}
