import Foundation
import GRDB
import IngestCore

/// Rows of `dedupeFingerprint`: the fingerprint of every original article dedupe saw, written in the commit
/// that stores the article, with its band keys packed in one column (looked up in memory: ``FingerprintKeyIndex``).
/// This type is the only code that knows the table.
enum DedupeFingerprintRecord {
    /// Stores `fingerprint` for the article `articleId`, with its band keys.
    static func insert(_ db: Database, articleId: Int64, _ fingerprint: ArticleFingerprint, at now: Double) throws {
        var statement = try DirectStatement(db, """
            INSERT INTO dedupeFingerprint (
                articleId, clusterId, textHash, canonicalURL, itemId, minhash, shingles, committedAt, bands)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        statement.bind(articleId)
        statement.bind(fingerprint.clusterId)
        statement.bind(fingerprint.textHash)
        statement.bind(fingerprint.canonicalURL)
        statement.bind(fingerprint.itemId)
        statement.bind(packed(fingerprint.minhash))
        statement.bind(fingerprint.shingles)
        statement.bind(now)
        statement.bind(packedBands(fingerprint.bands))
        try statement.execute()
    }

    /// The largest article id with a fingerprint, 0 when there is none (one step down the rowid B-tree).
    static func lastArticleId(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(articleId) FROM dedupeFingerprint")) ?? 0
    }

    /// The original of `clusterId`, when it is committed.
    static func original(_ db: Database, clusterId: String) throws -> Int64? {
        var statement = try DirectStatement(db, "SELECT articleId FROM dedupeFingerprint WHERE clusterId = ? LIMIT 1")
        statement.bind(clusterId)
        return try statement.int64()
    }

    /// Points every copy of `clusterId` committed before its original at the original.
    static func resolveCopies(_ db: Database, clusterId: String, originalId: Int64) throws {
        var statement = try DirectStatement(db, """
            UPDATE article SET duplicateOf = ? WHERE clusterId = ? AND duplicateOf IS NULL AND id <> ?
            """)
        statement.bind(originalId)
        statement.bind(clusterId)
        statement.bind(originalId)
        try statement.execute()
    }

    /// Fingerprints since `since` that are among `ids` (the articles sharing a band or a text key with the
    /// probe: ``FingerprintKeyIndex``) or share its canonical URL or item id, oldest first. A text hash is matched
    /// through the key index only, which gives every article with the same hash (and, rarely, another):
    /// the column has no index of its own any more (migration v11).
    ///
    /// One statement: SQLite answers the OR with one lookup per term (its "multi-index OR": the ids by primary
    /// key, each exact key through its partial index). The `+` keeps the time condition off the
    /// `committedAt` index, which would otherwise be a candidate plan that reads the whole window.
    static func candidates(
        _ connection: FingerprintReader.Connection, canonicalURL: String?, itemId: String?,
        among ids: Set<Int64>, since: Double
    ) throws(StoreError) -> [IndexedFingerprint] {
        guard canonicalURL != nil || itemId != nil || !ids.isEmpty else { return [] }
        // Without ids the term is left out, not written `IN ()`: SQLite 3.40 plans that as a scan of the table.
        let byId = ids.isEmpty ? "" : "articleId IN (\(Array(repeating: "?", count: ids.count).joined(separator: ","))) OR "
        let sql = """
            SELECT articleId, clusterId, textHash, canonicalURL, itemId, minhash, shingles, committedAt
            FROM dedupeFingerprint
            WHERE +committedAt >= ? AND (\(byId)canonicalURL = ? OR itemId = ?)
            ORDER BY articleId
            """
        var found: [IndexedFingerprint] = []
        // The number of ids varies: only the common small counts are worth a prepared statement kept.
        try connection.query(sql, cached: ids.count <= 8) { binder in
            binder.bind(1, since)
            var index: Int32 = 2
            for id in ids {
                binder.bind(index, id)
                index += 1
            }
            binder.bind(index, canonicalURL)
            binder.bind(index + 1, itemId)
        } row: { row in
            // Band keys of the candidates are not needed to compare signatures; they are left empty.
            let fingerprint = ArticleFingerprint(
                textHash: row.string(2), canonicalURL: row.string(3), itemId: row.string(4),
                minhash: unpacked(row.blob(5)), bands: [], shingles: Int(row.int64(6)), clusterId: row.string(1) ?? "")
            found.append(
                IndexedFingerprint(
                    articleId: row.int64(0), fingerprint: fingerprint,
                    committedAt: Date(timeIntervalSince1970: row.double(7))))
        }
        return found
    }

    /// Each fingerprint's article id, packed band keys and text hash after article `id`, in id order.
    static func keys(
        _ connection: FingerprintReader.Connection, after id: Int64, _ each: FingerprintKeyIndex.Each
    ) throws(StoreError) {
        try connection.query(
            "SELECT articleId, bands, textHash FROM dedupeFingerprint WHERE articleId > ? ORDER BY articleId", cached: true
        ) { binder in
            binder.bind(1, id)
        } row: { row in
            each(row.int64(0), row.blob(1), row.text(2))
        }
    }

    /// Forgets fingerprints committed before `before` (their bands go with them).
    static func prune(_ db: Database, before: Double) throws -> Int {
        try db.execute(sql: "DELETE FROM dedupeFingerprint WHERE committedAt < ?", arguments: [before])
        return db.changesCount
    }

    /// The signature as little-endian 16-bit values.
    /// One copy of the values in their byte order, made little-endian first (a no-op here): appending byte
    /// by byte to `Data` cost 1 % of the daemon's CPU, more than the row's insert.
    static func packed(_ minhash: [UInt16]) -> Data {
        minhash.map(\.littleEndian).withUnsafeBytes { Data($0) }
    }

    /// Band keys as little-endian 64-bit values.
    static func packedBands(_ bands: [Int64]) -> Data {
        bands.map(\.littleEndian).withUnsafeBytes { Data($0) }
    }

    /// Each band key of a packed column (little-endian 64-bit values).
    static func forEachBand(in bytes: UnsafeRawBufferPointer, _ body: (Int64) -> Void) {
        var start = 0
        while start + 8 <= bytes.count {
            body(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: Int64.self)))
            start += 8
        }
    }

    /// The signature from its packed column.
    static func unpacked(_ bytes: UnsafeRawBufferPointer) -> [UInt16] {
        (0..<bytes.count / 2).map { UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
    }

    static func unpacked(_ data: Data) -> [UInt16] {
        data.withUnsafeBytes { unpacked($0) }
    }
}
