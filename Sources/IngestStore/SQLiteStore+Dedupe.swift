public import Foundation
import GRDB
public import IngestCore

extension SQLiteStore: DuplicateIndex {
    public func candidates(
        textHash: String?, canonicalURL: String?, itemId: String?, bands: [Int64], since: Date
    ) throws -> [IndexedFingerprint] {
        // The key index's catch-up and the lookup read in two snapshots, the second no older than the first,
        // so no transaction around them is needed: each statement reads the committed state as of its start.
        try fingerprintReader.withConnection { connection throws(StoreError) in
            let sharing = bands.isEmpty && textHash == nil ? [] : try keyIndex.articles(sharing: bands, text: textHash) {
                after, each throws(StoreError) in
                try DedupeFingerprintRecord.keys(connection, after: after, each)
            }
            return try DedupeFingerprintRecord.candidates(
                connection, canonicalURL: canonicalURL, itemId: itemId, among: sharing, since: since.timeIntervalSince1970)
        }
    }

    /// Forgets the fingerprints of articles committed before `before`; returns how many.
    public func pruneFingerprints(before: Date) throws -> Int {
        let pruned = try write("prune fingerprints") { db in
            try DedupeFingerprintRecord.prune(db, before: before.timeIntervalSince1970)
        }
        // At most hourly (the dedupe stage's pace): the next lookup reads the remaining fingerprints again.
        if pruned > 0 { keyIndex.reset() }
        return pruned
    }

    /// The articles of `articleId`'s dedupe cluster (its original and every copy), oldest first.
    public func cluster(of articleId: Int64) throws(StoreError) -> [StoredArticle] {
        let ids: [Int64] = try read("read cluster") { db in
            guard let cluster = try String.fetchOne(db, sql: "SELECT clusterId FROM article WHERE id = ?", arguments: [articleId])
            else { return [] }
            return try Int64.fetchAll(db, sql: "SELECT id FROM article WHERE clusterId = ? ORDER BY id", arguments: [cluster])
        }
        var articles: [StoredArticle] = []
        for id in ids {
            if let stored = try article(id: id) { articles.append(stored) }
        }
        return articles
    }
}
