public import Foundation
public import IngestCore

extension PostgresStore: DuplicateIndex {
    public func candidates(
        textHash: String?, canonicalURL: String?, itemId: String?, bands: [Int64], since: Date
    ) throws -> [IndexedFingerprint] {
        try read("dedupe lookup") { c throws(StoreError) in
            // One statement: each branch is an indexed lookup, the union read by primary key.
            let rows = try c.execute(
                """
                SELECT f.* FROM dedupeFingerprint f
                WHERE f.committedAt >= $5 AND f.articleId IN (
                    SELECT articleId FROM dedupeFingerprint WHERE textHash = $1
                    UNION SELECT articleId FROM dedupeFingerprint WHERE canonicalURL = $2
                    UNION SELECT articleId FROM dedupeFingerprint WHERE itemId = $3
                    UNION SELECT articleId FROM dedupeBand WHERE band = ANY($4::bigint[]))
                ORDER BY f.articleId
                """, [textHash, canonicalURL, itemId, Self.array(bands), since.timeIntervalSince1970],
                operation: "dedupe lookup")
            return (0..<rows.count).map { IndexedFingerprint(pg: rows, $0) }
        }
    }

    /// Forgets the fingerprints (and unique keys) of articles committed before `before`; returns how many.
    public func pruneFingerprints(before: Date) throws -> Int {
        try write("prune fingerprints") { c throws(StoreError) in
            try c.execute("DELETE FROM dedupeKey WHERE committedAt < $1", [before.timeIntervalSince1970], operation: "prune")
            return try c.execute(
                "DELETE FROM dedupeFingerprint WHERE committedAt < $1", [before.timeIntervalSince1970], operation: "prune"
            ).affected
        }
    }

    /// The articles of `articleId`'s dedupe cluster (its original and every copy), oldest first.
    public func cluster(of articleId: Int64) throws(StoreError) -> [StoredArticle] {
        let ids = try read("read cluster") { c throws(StoreError) in
            try c.execute(
                """
                SELECT id FROM article WHERE clusterId = (SELECT clusterId FROM article WHERE id = $1) ORDER BY id
                """, [articleId], operation: "read cluster"
            ).int64s()
        }
        var articles: [StoredArticle] = []
        for id in ids {
            if let stored = try article(id: id) { articles.append(stored) }
        }
        return articles
    }

    // MARK: - In the commit

    /// The original of `clusterId`, when it is committed.
    static func original(_ c: PGConnection, clusterId: String) throws(StoreError) -> Int64? {
        try c.execute(
            "SELECT articleId FROM dedupeFingerprint WHERE clusterId = $1 LIMIT 1", [clusterId], operation: "commit: original"
        ).int64s().first
    }

    /// The article that already holds one of the fingerprint's exact keys, committed by another instance
    /// (or earlier in this batch), or `nil` when this article now holds them all.
    struct Winner {
        var articleId: Int64
        var clusterId: String
        var reason: String
    }

    /// Inserts an article in one statement with what goes with it: its queue row when it is enqueued and
    /// has no fingerprint; its exact dedupe keys when it is an original (``claimDedupeKeys(_:_:articleId:now:)``
    /// explains the keys; here they are inserted with the article, to save a round trip per article).
    /// Returns its id and, for an original, the article that already held one of its keys.
    static func insertArticle(
        _ c: PGConnection, _ record: ArticleRecord, rawInputId: Int64?, now: Double, queue: String?,
        fingerprint: ArticleFingerprint?
    ) throws(StoreError) -> (id: Int64, keyWinner: Winner?) {
        let insert = ArticleRecord.pgInsertSQL
        var arguments = record.pgInsertArguments(rawInputId: rawInputId, committedAt: now)
        let sql: String
        let keys = fingerprint.map(dedupeKeys) ?? []
        switch (queue, fingerprint) {
        case (nil, _):
            sql = insert
        case (.some(let queue), nil):
            arguments.append(queue)
            sql = """
                WITH a AS (\(insert))
                INSERT INTO queueItem (articleId, queue, state, attempts, availableAt, createdAt, updatedAt)
                SELECT id, $29, 'ready', 0, $26, $26, $26 FROM a
                RETURNING articleId AS id
                """
        case (.some, .some):
            arguments.append(textArray(keys.map(\.key)))
            sql = """
                WITH a AS (\(insert)),
                k AS (INSERT INTO dedupeKey (key, articleId, committedAt)
                      SELECT key, a.id, $26 FROM a, unnest($29::text[]) WITH ORDINALITY AS keys (key, position)
                      ORDER BY position
                      ON CONFLICT (key) DO NOTHING RETURNING key)
                SELECT (SELECT id FROM a) AS id, (SELECT count(*) FROM k) AS claimed
                """
        }
        let rows = try c.execute(sql, arguments, operation: "commit: article")
        guard let id = rows.int64(0, "id") else { throw StoreError.internal("commit", "INSERT returned no id") }
        guard !keys.isEmpty, (rows.int(0, "claimed") ?? 0) < keys.count else { return (id, nil) }
        // A key another article holds: the first of them in key order decides.
        let holders = try c.execute(
            """
            SELECT d.key, d.articleId, a.clusterId FROM dedupeKey d JOIN article a ON a.id = d.articleId
            WHERE d.key = ANY($1::text[]) AND d.articleId <> $2
            """, [textArray(keys.map(\.key)), id], operation: "commit: dedupe key")
        for (key, reason) in keys {
            for row in 0..<holders.count where holders.string(row, "key") == key {
                guard let winner = holders.int64(row, "articleid") else { continue }
                try c.execute("DELETE FROM dedupeKey WHERE articleId = $1", [id], operation: "commit: dedupe key")
                return (id, Winner(articleId: winner, clusterId: holders.string(row, "clusterid") ?? "", reason: reason))
            }
        }
        // The holder was pruned in between: nothing to be a copy of.
        return (id, nil)
    }

    /// An original's exact keys, always in this order, so two transactions take the keys they share in
    /// the same order; with the reason a copy found by each gives.
    static func dedupeKeys(_ fingerprint: ArticleFingerprint) -> [(key: String, reason: String)] {
        [
            fingerprint.textHash.map { ("text:" + $0, "same text") },
            fingerprint.canonicalURL.map { ("url:" + $0, "same URL (\($0))") },
            fingerprint.itemId.map { ("item:" + $0, "same feed item id (\($0))") },
        ].compactMap { $0 }
    }

    /// What makes a committed article an original, in one statement: its fingerprint and bands, the
    /// copies committed before it pointed at it, and its queue row.
    static func commitOriginal(
        _ c: PGConnection, articleId: Int64, _ fingerprint: ArticleFingerprint, queue: String, now: Double
    ) throws(StoreError) {
        try c.execute(
            """
            WITH f AS (
                INSERT INTO dedupeFingerprint (articleId, clusterId, textHash, canonicalURL, itemId, minhash, shingles, committedAt)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)),
            b AS (
                INSERT INTO dedupeBand (band, articleId) SELECT DISTINCT unnest($9::bigint[]), $1::bigint
                ON CONFLICT DO NOTHING),
            r AS (
                UPDATE article SET duplicateOf = $1 WHERE clusterId = $2 AND duplicateOf IS NULL AND id <> $1)
            INSERT INTO queueItem (articleId, queue, state, attempts, availableAt, createdAt, updatedAt)
            VALUES ($1, $10, 'ready', 0, $8, $8, $8)
            """,
            [
                articleId, fingerprint.clusterId, fingerprint.textHash, fingerprint.canonicalURL, fingerprint.itemId,
                [UInt8](DedupeFingerprintRecord.packed(fingerprint.minhash)), fingerprint.shingles, now,
                array(fingerprint.bands), queue,
            ], operation: "commit: original")
    }

    /// Inserts the fingerprint's exact keys for `articleId`. A key held by a transaction not yet committed
    /// makes this insert wait for it; once it commits, the key conflicts and that article wins.
    static func claimDedupeKeys(
        _ c: PGConnection, _ fingerprint: ArticleFingerprint, articleId: Int64, now: Double
    ) throws(StoreError) -> Winner? {
        for (key, reason) in dedupeKeys(fingerprint) {
            let inserted = try c.execute(
                """
                INSERT INTO dedupeKey (key, articleId, committedAt) VALUES ($1, $2, $3)
                ON CONFLICT (key) DO NOTHING RETURNING key
                """, [key, articleId, now], operation: "commit: dedupe key")
            if inserted.count == 1 { continue }
            let holder = try c.execute(
                "SELECT d.articleId, a.clusterId FROM dedupeKey d JOIN article a ON a.id = d.articleId WHERE d.key = $1",
                [key], operation: "commit: dedupe key")
            guard holder.count == 1, let winner = holder.int64(0, "articleid") else {
                // The holder was pruned between the two statements: nothing to be a copy of.
                continue
            }
            try c.execute("DELETE FROM dedupeKey WHERE articleId = $1", [articleId], operation: "commit: dedupe key")
            return Winner(
                articleId: winner, clusterId: holder.string(0, "clusterid") ?? fingerprint.clusterId,
                reason: reason)
        }
        return nil
    }

    /// How far back a commit looks for near-duplicates another instance committed after this article's
    /// dedupe lookup: far longer than an article spends between dedupe and its commit. Older originals were
    /// visible to the lookup itself.
    static let nearRecheckSecs = 600.0

    /// The closest near-duplicate another transaction committed since dedupe compared this article, or
    /// `nil`. The article's bands are locked first (transaction-level advisory locks, one statement,
    /// in key order): of two transactions holding near-copies, which share bands, the second waits until
    /// the first commits and then sees its fingerprint. Unrelated articles share no band and never wait.
    static func nearWinner(
        _ c: PGConnection, _ fingerprint: ArticleFingerprint, articleId: Int64, now: Double
    ) throws(StoreError) -> Winner? {
        guard let threshold = fingerprint.nearThreshold, !fingerprint.minhash.isEmpty, !fingerprint.bands.isEmpty
        else { return nil }
        let bands = array(fingerprint.bands)
        try c.execute(
            "SELECT count(pg_advisory_xact_lock(b)) FROM (SELECT DISTINCT unnest($1::bigint[]) AS b ORDER BY 1) keys",
            [bands], operation: "commit: lock bands")
        let rows = try c.execute(
            """
            SELECT f.* FROM dedupeFingerprint f
            WHERE f.committedAt >= $2 AND f.articleId IN (SELECT articleId FROM dedupeBand WHERE band = ANY($1::bigint[]))
            ORDER BY f.articleId
            """, [bands, now - nearRecheckSecs], operation: "commit: near-duplicates")
        var best: (IndexedFingerprint, Double)?
        for row in 0..<rows.count {
            let candidate = IndexedFingerprint(pg: rows, row)
            guard candidate.articleId != articleId else { continue }
            let similarity = fingerprint.similarity(to: candidate.fingerprint)
            if similarity >= threshold, similarity > best?.1 ?? -1 { best = (candidate, similarity) }
        }
        guard let (winner, similarity) = best else { return nil }
        return Winner(
            articleId: winner.articleId, clusterId: winner.fingerprint.clusterId,
            reason: "near-duplicate, similarity \(String(format: "%.2f", similarity))")
    }

    /// Stores a committed article as the winner's copy: dropped by dedupe, with the reason in its trace.
    static func storeAsCopy(
        _ c: PGConnection, id: Int64, record: ArticleRecord, of winner: Winner
    ) throws(StoreError) {
        let reason = "duplicate of article \(winner.articleId): \(winner.reason) (another instance committed it first)"
        try c.execute("DELETE FROM dedupeKey WHERE articleId = $1", [id], operation: "commit: copy")
        let entry = ArticleRecord.traceJSON([TraceEntry(stage: "dedupe", outcome: .drop, micros: 0, detail: reason)])
        let trace = record.trace == "[]" ? entry : String(record.trace.dropLast()) + "," + String(entry.dropFirst())
        try c.execute(
            """
            UPDATE article SET status = 'dropped', dropStage = 'dedupe', dropReason = $1, duplicateOf = $2,
                clusterId = $3, trace = $4
            WHERE id = $5
            """, [reason, winner.articleId, winner.clusterId, trace, id], operation: "commit: copy")
    }

    static func insertFingerprint(
        _ c: PGConnection, articleId: Int64, _ fingerprint: ArticleFingerprint, at now: Double
    ) throws(StoreError) {
        try c.execute(
            """
            INSERT INTO dedupeFingerprint (articleId, clusterId, textHash, canonicalURL, itemId, minhash, shingles, committedAt)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            [
                articleId, fingerprint.clusterId, fingerprint.textHash, fingerprint.canonicalURL, fingerprint.itemId,
                [UInt8](DedupeFingerprintRecord.packed(fingerprint.minhash)), fingerprint.shingles, now,
            ], operation: "commit: fingerprint")
        if !fingerprint.bands.isEmpty {
            try c.execute(
                """
                INSERT INTO dedupeBand (band, articleId) SELECT DISTINCT unnest($1::bigint[]), $2::bigint
                ON CONFLICT DO NOTHING
                """, [array(fingerprint.bands), articleId], operation: "commit: bands")
        }
    }
}
