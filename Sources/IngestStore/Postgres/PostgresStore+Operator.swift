public import Foundation
public import IngestCore

// The operator's operations on PostgreSQL, with the SQLite store's semantics (SQLiteStore+Operator.swift).
extension PostgresStore {
    // MARK: - Queue maintenance

    public func retry(ids: [Int64], allDead: Bool, queue: String?) throws(StoreError) -> RetryReport {
        let maxAttempts = queueConfiguration.maxAttempts
        return try write("retry") { c throws(StoreError) in
            let now = clock().timeIntervalSince1970
            try c.execute(
                """
                UPDATE queueItem
                SET state = 'dead', leaseExpiresAt = NULL, updatedAt = $1,
                    lastError = 'lease expired after ' || attempts || ' attempts'
                WHERE ($2::text IS NULL OR queue = $2) AND state = 'leased' AND leaseExpiresAt <= $1 AND attempts >= $3
                """, [now, queue, maxAttempts], operation: "retry")
            var retried: [Int64] = []
            var skipped: [String: String] = [:]
            if allDead {
                retried += try c.execute(
                    """
                    UPDATE queueItem
                    SET state = 'ready', attempts = 0, availableAt = $1, leaseOwner = NULL, leaseExpiresAt = NULL, updatedAt = $1
                    WHERE state = 'dead' AND ($2::text IS NULL OR queue = $2)
                    RETURNING id
                    """, [now, queue], operation: "retry"
                ).int64s()
            }
            for id in ids where !retried.contains(id) {
                let changed = try c.execute(
                    """
                    UPDATE queueItem
                    SET state = 'ready', attempts = 0, availableAt = $1, leaseOwner = NULL, leaseExpiresAt = NULL, updatedAt = $1
                    WHERE id = $2 AND (state = 'dead' OR (state = 'ready' AND lastError IS NOT NULL))
                    """, [now, id], operation: "retry"
                ).affected
                if changed > 0 {
                    retried.append(id)
                } else {
                    let state = try c.execute("SELECT state FROM queueItem WHERE id = $1", [id], operation: "retry").strings().first
                    skipped[String(id)] = state.map { $0 == "ready" ? "ready without an error" : $0 } ?? "no such row"
                }
            }
            return RetryReport(retried: retried.sorted(), skipped: skipped)
        }
    }

    public func purge(queue: String?, dead: Bool, olderThan: Date?) throws(StoreError) -> PurgeReport {
        try write("purge") { c throws(StoreError) in
            let states = dead ? ["done", "dead"] : ["done"]
            let removed = try c.execute(
                """
                DELETE FROM queueItem
                WHERE state = ANY($1::text[]) AND ($2::text IS NULL OR queue = $2)
                  AND ($3::double precision IS NULL OR updatedAt < $3)
                RETURNING state
                """, [Self.textArray(states), queue, olderThan?.timeIntervalSince1970], operation: "purge"
            ).strings()
            return PurgeReport(done: removed.filter { $0 == "done" }.count, dead: removed.filter { $0 == "dead" }.count)
        }
    }

    // MARK: - Search

    /// Articles matching every word of `query` (punctuation and keywords are plain words), best first.
    /// `raw`: the query in web-search syntax (`"a phrase"`, `OR`, `-word`), PostgreSQL's counterpart of
    /// FTS5's query syntax. `rank` is the negated `ts_rank`, so lower is better, as SQLite's bm25.
    public func search(_ query: String, limit: Int, raw: Bool = false) throws(StoreError) -> [SearchHit] {
        guard !query.trimmingCharacters(in: .whitespaces).isEmpty, limit > 0 else { return [] }
        let parse = raw ? "websearch_to_tsquery('simple', $1)" : "plainto_tsquery('simple', $1)"
        return try read("search") { c throws(StoreError) in
            let rows = try c.execute(
                """
                SELECT a.id, a.title, a.status, a.source, -ts_rank(a.search, q) AS rank,
                       ts_headline('simple', a.text, q, 'StartSel=[, StopSel=], MaxWords=16, MinWords=6') AS snippet
                FROM article a, \(parse) q
                WHERE a.search @@ q
                ORDER BY rank, a.id
                LIMIT $2
                """, [query, limit], operation: "search")
            return (0..<rows.count).map { row in
                SearchHit(
                    id: rows.int64(row, "id") ?? 0, title: rows.string(row, "title"), status: rows.string(row, "status") ?? "",
                    source: rows.string(row, "source") ?? "", rank: rows.double(row, "rank") ?? 0,
                    snippet: rows.string(row, "snippet") ?? "")
            }
        }
    }

    // MARK: - Reprocessing

    public func reprocessSelection(
        ids: [Int64], source: String?, since: Date?
    ) throws(StoreError) -> (found: [Int64], unknown: [Int64]) {
        try read("reprocess selection") { c throws(StoreError) in
            if !ids.isEmpty {
                let existing = Set(try c.execute(
                    "SELECT id FROM article WHERE id = ANY($1::bigint[])", [Self.array(ids)], operation: "reprocess selection"
                ).int64s())
                return (ids.filter(existing.contains), ids.filter { !existing.contains($0) })
            }
            let found = try c.execute(
                """
                SELECT id FROM article
                WHERE ($1::text IS NULL OR source = $1) AND ($2::double precision IS NULL OR committedAt >= $2)
                ORDER BY id
                """, [source, since?.timeIntervalSince1970], operation: "reprocess selection"
            ).int64s()
            return (found, [])
        }
    }

    public func reprocessInputs(articleIds: [Int64]) throws(StoreError) -> [ReprocessInput] {
        try write("reprocess inputs") { c throws(StoreError) in
            do {
                return try ReprocessInput.grouped(
                    try Self.articles(c, ids: articleIds),
                    raw: { id in
                        let rows = try c.execute("SELECT * FROM rawInput WHERE id = $1", [id], operation: "reprocess inputs")
                        return rows.count == 1 ? RawInputRecord(pg: rows, 0) : nil
                    },
                    siblings: { id in
                        try c.execute(
                            "SELECT id FROM article WHERE rawInputId = $1 ORDER BY id", [id], operation: "reprocess inputs"
                        ).int64s()
                    })
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(operation: "reprocess inputs", message: "\(error)", retryable: false)
            }
        }
    }

    /// Replaces a stored article's content with what the pipeline made of it now (see the SQLite store's
    /// method). Its unique dedupe keys follow its new fingerprint.
    public func replace(_ outcome: ArticleOutcome) throws(StoreError) -> ReplaceOutcome {
        guard let id = outcome.article.id else {
            throw StoreError(operation: "replace article", message: "the article has no id", retryable: false)
        }
        var record = try ArticleRecord(outcome.article, drop: outcome.drop)
        return try write("replace article \(id)") { c throws(StoreError) -> ReplaceOutcome in
            guard let old = try Self.articles(c, ids: [id])[id] else { return .missing }
            let now = clock().timeIntervalSince1970
            let wasOriginal = try c.execute(
                "SELECT 1 FROM dedupeFingerprint WHERE articleId = $1", [id], operation: "replace").count > 0
            var fingerprint = outcome.drop == nil ? outcome.article.fingerprint : nil
            if wasOriginal, var kept = fingerprint, let cluster = old.clusterId {
                kept.clusterId = cluster
                fingerprint = kept
                record.clusterId = cluster
            }
            try c.execute("DELETE FROM dedupeFingerprint WHERE articleId = $1", [id], operation: "replace")
            if record.duplicateOf == nil, fingerprint == nil, let cluster = record.clusterId {
                record.duplicateOf = try Self.original(c, clusterId: cluster)
            }
            let items = try QueueItemRecord.all(
                pg: try c.execute("SELECT * FROM queueItem WHERE articleId = $1", [id], operation: "replace"))
            let item = items.first
            let queue = outcome.drop == nil ? outcome.queue : nil
            if record.sameContent(as: old) && item?.queue == queue {
                if let fingerprint, wasOriginal {
                    try Self.insertFingerprint(c, articleId: id, fingerprint, at: old.committedAt)
                }
                return .unchanged
            }
            try c.execute(
                """
                UPDATE article SET status = $1, dropStage = $2, dropReason = $3, title = $4, text = $5, html = $6,
                    url = $7, published = $8, publishedAt = $9, authors = $10, language = $11, keywords = $12,
                    entities = $13, labels = $14, duplicateOf = $15, clusterId = $16, metadata = $17, fields = $18,
                    format = $19, trace = $20, contentHash = $21
                WHERE id = $22
                """,
                [
                    record.status, record.dropStage, record.dropReason, record.title, record.text, record.html,
                    record.url, record.published, record.publishedAt, record.authors, record.language, record.keywords,
                    record.entities, record.labels, record.duplicateOf, record.clusterId, record.metadata, record.fields,
                    record.format, record.trace, record.contentHash, id,
                ], operation: "replace")
            try c.execute("DELETE FROM dedupeKey WHERE articleId = $1", [id], operation: "replace")
            if let fingerprint {
                try Self.insertFingerprint(c, articleId: id, fingerprint, at: now)
                // Keys another article holds stay with it; this article keeps its own verdict.
                _ = try Self.claimDedupeKeys(c, fingerprint, articleId: id, now: now)
                try c.execute(
                    "UPDATE article SET duplicateOf = $1 WHERE clusterId = $2 AND duplicateOf IS NULL AND id <> $1",
                    [id, fingerprint.clusterId], operation: "replace")
            }
            if let queue {
                if item == nil {
                    try c.execute(
                        """
                        INSERT INTO queueItem (articleId, queue, state, attempts, availableAt, createdAt, updatedAt)
                        VALUES ($1, $2, 'ready', 0, $3, $3, $3)
                        """, [id, queue, now], operation: "replace")
                } else {
                    try c.execute(
                        """
                        UPDATE queueItem
                        SET queue = $1, state = 'ready', attempts = 0, availableAt = $2, leaseOwner = NULL,
                            leaseExpiresAt = NULL, lastError = NULL, updatedAt = $2
                        WHERE articleId = $3
                        """, [queue, now, id], operation: "replace")
                }
            } else if item != nil {
                try c.execute("DELETE FROM queueItem WHERE articleId = $1", [id], operation: "replace")
            }
            return .changed
        }
    }
}
