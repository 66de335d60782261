import GRDB

/// The full-text index (`articleSearch`) catches up with `article` in chunks, behind a watermark
/// (`searchIndexState.indexedThrough`, migration v9).
///
/// Why chunks: FTS5 writes its pending terms out as a new segment at the end of every statement, and
/// merges small segments into larger ones again and again. A burst commits a dozen articles at a time;
/// indexing them per commit cost twice the CPU of indexing 512 at a time (0.28 against 0.15 ms per
/// article on the benchmark's documents), about a tenth of the daemon's CPU.
///
/// Ids only grow (AUTOINCREMENT) and every catch-up runs under the write lock, so "every article up to the
/// watermark is indexed, none after it" holds across processes sharing the file: each one's catch-up takes
/// whatever is past the watermark, whoever committed it.
enum SearchIndexRecord {
    /// A commit indexes the articles past the watermark once there are this many; fewer wait for
    /// ``catchUp(_:minimumBacklog:)`` from the daemon's periodic flush or from a search.
    static let chunk: Int64 = 512

    /// Indexes every article past the watermark when there are at least `minimumBacklog` of them (counted
    /// by id). Returns how many ids the watermark moved. Call inside a write transaction.
    @discardableResult
    static func catchUp(_ db: Database, minimumBacklog: Int64) throws -> Int64 {
        let (watermark, last) = try state(db)
        guard last - watermark >= max(1, minimumBacklog) else { return 0 }
        try db.cachedStatement(sql: """
            INSERT INTO articleSearch (rowid, title, text) SELECT id, title, text FROM article WHERE id > ? AND id <= ?
            """).execute(arguments: [watermark, last])
        try db.cachedStatement(sql: "UPDATE searchIndexState SET indexedThrough = ? WHERE id = 1").execute(arguments: [last])
        return last - watermark
    }

    /// Whether articles wait to be indexed; a read, so asking costs no write lock.
    static func hasBacklog(_ db: Database) throws -> Bool {
        let (watermark, last) = try state(db)
        return last > watermark
    }

    /// The watermark and the last article id (`max(id)` is one step down the rowid B-tree).
    private static func state(_ db: Database) throws -> (watermark: Int64, last: Int64) {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT (SELECT indexedThrough FROM searchIndexState WHERE id = 1), (SELECT max(id) FROM article)
                """))
        let watermark: Int64 = row?[0] ?? 0
        let last: Int64 = row?[1] ?? 0
        return (watermark, max(last, watermark))
    }
}
