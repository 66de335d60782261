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
        // One statement per band, not one for all: a statement that inserts several rows makes SQLite keep a
        // statement journal (a temporary file holding each page before it changes, to undo that statement
        // alone), and band keys are random, so every row is a different page: 80 KB of journal per article.
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

    /// Fingerprints since `since` sharing an exact key or a band with the probe, oldest first.
    ///
    /// One statement: SQLite answers the OR with one indexed lookup per key (its "multi-index OR": the band
    /// keys through `dedupeBand`'s primary key, each exact key through its partial index) and reads the
    /// union by primary key. The `+` keeps the time condition off the `committedAt` index, which would
    /// otherwise be a candidate plan that reads the whole window.
    static func candidates(
        _ db: Database, textHash: String?, canonicalURL: String?, itemId: String?, bands: [Int64], since: Double
    ) throws -> [IndexedFingerprint] {
        guard textHash != nil || canonicalURL != nil || itemId != nil || !bands.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: bands.count).joined(separator: ",")
        let statement = try db.cachedStatement(sql: """
            SELECT articleId, clusterId, textHash, canonicalURL, itemId, minhash, shingles, committedAt
            FROM dedupeFingerprint
            WHERE +committedAt >= ?
              AND (articleId IN (SELECT articleId FROM dedupeBand WHERE band IN (\(placeholders)))
                   OR textHash = ? OR canonicalURL = ? OR itemId = ?)
            ORDER BY articleId
            """)
        var arguments: [(any DatabaseValueConvertible)?] = [since]
        arguments.reserveCapacity(bands.count + 4)
        for band in bands { arguments.append(band) }
        arguments += [textHash, canonicalURL, itemId]
        // Band keys of the candidates are not needed to compare signatures; they are left empty.
        return try Row.fetchAll(statement, arguments: StatementArguments(arguments)).map { row in
            let fingerprint = ArticleFingerprint(
                textHash: row[2], canonicalURL: row[3], itemId: row[4], minhash: unpacked(row[5]), bands: [],
                shingles: row[6], clusterId: row[1])
            return IndexedFingerprint(
                articleId: row[0], fingerprint: fingerprint, committedAt: Date(timeIntervalSince1970: row[7]))
        }
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
