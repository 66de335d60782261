import Foundation
import GRDB
import IngestCore

/// Rows of `dedupeFingerprint` and `dedupeBand`: the fingerprint of every original article dedupe saw,
/// written in the commit that stores the article. This type is the only code that knows the two tables.
enum DedupeFingerprintRecord {
    /// Stores `fingerprint` for the article `articleId`, with its band keys.
    static func insert(_ db: Database, articleId: Int64, _ fingerprint: ArticleFingerprint, at now: Double) throws {
        try db.cachedStatement(sql: """
            INSERT INTO dedupeFingerprint (articleId, clusterId, textHash, canonicalURL, itemId, minhash, shingles, committedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                articleId, fingerprint.clusterId, fingerprint.textHash, fingerprint.canonicalURL, fingerprint.itemId,
                packed(fingerprint.minhash), fingerprint.shingles, now,
            ])
        let band = try db.cachedStatement(sql: "INSERT OR IGNORE INTO dedupeBand (band, articleId) VALUES (?, ?)")
        for key in fingerprint.bands { try band.execute(arguments: [key, articleId]) }
    }

    /// The original of `clusterId`, when it is committed.
    static func original(_ db: Database, clusterId: String) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT articleId FROM dedupeFingerprint WHERE clusterId = ? LIMIT 1"),
            arguments: [clusterId])
    }

    /// Points every copy of `clusterId` committed before its original at the original.
    static func resolveCopies(_ db: Database, clusterId: String, originalId: Int64) throws {
        try db.cachedStatement(sql: """
            UPDATE article SET duplicateOf = ? WHERE clusterId = ? AND duplicateOf IS NULL AND id <> ?
            """).execute(arguments: [originalId, clusterId, originalId])
    }

    /// Fingerprints since `since` sharing an exact key or a band with the probe. Each key is one indexed
    /// lookup; the union is then read by primary key.
    static func candidates(
        _ db: Database, textHash: String?, canonicalURL: String?, itemId: String?, bands: [Int64], since: Double
    ) throws -> [IndexedFingerprint] {
        var ids = Set<Int64>()
        for (column, value) in [("textHash", textHash), ("canonicalURL", canonicalURL), ("itemId", itemId)] {
            guard let value else { continue }
            let statement = try db.cachedStatement(sql: "SELECT articleId FROM dedupeFingerprint WHERE \(column) = ?")
            ids.formUnion(try Int64.fetchAll(statement, arguments: [value]))
        }
        if !bands.isEmpty {
            let placeholders = Array(repeating: "?", count: bands.count).joined(separator: ",")
            let statement = try db.cachedStatement(sql: "SELECT articleId FROM dedupeBand WHERE band IN (\(placeholders))")
            ids.formUnion(try Int64.fetchAll(statement, arguments: StatementArguments(bands)))
        }
        guard !ids.isEmpty else { return [] }
        var result: [IndexedFingerprint] = []
        let read = try db.cachedStatement(sql: "SELECT * FROM dedupeFingerprint WHERE articleId = ? AND committedAt >= ?")
        // Band keys of the candidates are not needed to compare signatures; they are left empty.
        for id in ids.sorted() {
            guard let row = try Row.fetchOne(read, arguments: [id, since]) else { continue }
            let fingerprint = ArticleFingerprint(
                textHash: row["textHash"], canonicalURL: row["canonicalURL"], itemId: row["itemId"],
                minhash: unpacked(row["minhash"]), bands: [], shingles: row["shingles"], clusterId: row["clusterId"])
            result.append(IndexedFingerprint(
                articleId: id, fingerprint: fingerprint, committedAt: Date(timeIntervalSince1970: row["committedAt"])))
        }
        return result
    }

    /// Forgets fingerprints committed before `before` (their bands go with them).
    static func prune(_ db: Database, before: Double) throws -> Int {
        try db.execute(sql: """
            DELETE FROM dedupeBand WHERE articleId IN (SELECT articleId FROM dedupeFingerprint WHERE committedAt < ?)
            """, arguments: [before])
        try db.execute(sql: "DELETE FROM dedupeFingerprint WHERE committedAt < ?", arguments: [before])
        return db.changesCount
    }

    /// The signature as little-endian 16-bit values.
    static func packed(_ minhash: [UInt16]) -> Data {
        var data = Data(capacity: minhash.count * 2)
        for v in minhash { data.append(UInt8(v & 0xFF)); data.append(UInt8(v >> 8)) }
        return data
    }

    static func unpacked(_ data: Data) -> [UInt16] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
    }
}
