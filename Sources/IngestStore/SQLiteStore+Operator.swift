public import Foundation
import GRDB
public import IngestCore

// The operator's operations (`ingestctl queue retry|purge`, `articles search`, `reprocess`): they change
// rows outside the normal flow of commit → claim → ack, so each is one transaction with its own report.

/// `ingestctl queue retry`: the rows put back to `ready`, and why the others were not.
public struct RetryReport: Sendable, Codable, Equatable {
    public var retried: [Int64]
    /// Row id → why it was left alone (`leased`, `done`, `ready without an error`, `no such row`).
    public var skipped: [String: String]

    public init(retried: [Int64], skipped: [String: String]) {
        self.retried = retried
        self.skipped = skipped
    }
}

/// `ingestctl queue purge`: how many rows were deleted, per state.
public struct PurgeReport: Sendable, Codable, Equatable {
    public var done: Int
    public var dead: Int

    public init(done: Int, dead: Int) {
        self.done = done
        self.dead = dead
    }
}

/// One article found by ``SQLiteStore/search(_:limit:raw:)``, best first.
public struct SearchHit: Sendable, Codable, Equatable {
    public var id: Int64
    public var title: String?
    public var status: String
    public var source: String
    /// SQLite's bm25 rank: lower is better (it is negative for a match).
    public var rank: Double
    /// The best passage, with each matched term in `[` `]`.
    public var snippet: String

    public init(id: Int64, title: String?, status: String, source: String, rank: Double, snippet: String) {
        self.id = id
        self.title = title
        self.status = status
        self.source = source
        self.rank = rank
        self.snippet = snippet
    }
}

/// A stored input and the articles of it to run through the pipeline again.
public struct ReprocessInput: Sendable {
    /// The raw input's bytes; `nil` when they were not kept (`keep_raw = false`) or the article has none.
    public var bytes: [UInt8]?
    public var format: DocumentFormat?
    /// The selected articles made from this input: their position among the input's articles (the order
    /// decoding gives them) and the article as stored.
    public var articles: [(position: Int, stored: Article)]
}

/// What replacing one article did.
extension ReprocessInput {
    /// `records` grouped by the raw input they were made from (read with `raw`), each with its position
    /// among that input's articles (`siblings`: the ids made from one input, in order). Both stores use it
    /// with their own reads.
    static func grouped(
        _ records: [Int64: ArticleRecord], raw: (Int64) throws -> RawInputRecord?, siblings: (Int64) throws -> [Int64]
    ) throws -> [ReprocessInput] {
        var groups: [Int64: ReprocessInput] = [:]
        var order: [Int64] = []
        var result: [ReprocessInput] = []
        for (id, record) in records.sorted(by: { $0.key < $1.key }) {
            let article = try record.article()
            guard let rawId = record.rawInputId, let input = try raw(rawId) else {
                result.append(ReprocessInput(bytes: nil, format: article.format, articles: [(0, article)]))
                continue
            }
            if groups[rawId] == nil {
                groups[rawId] = ReprocessInput(
                    bytes: try input.bytes(), format: input.format.flatMap(DocumentFormat.init(rawValue:)), articles: [])
                order.append(rawId)
            }
            // Articles of one input are inserted in the order decoding gave them, so ids keep it.
            groups[rawId]?.articles.append((try siblings(rawId).firstIndex(of: id) ?? 0, article))
        }
        return result + order.compactMap { groups[$0] }
    }
}

public enum ReplaceOutcome: String, Sendable, Codable {
    /// The article or its queue row changed: both were rewritten, the row is `ready` again.
    case changed
    /// The pipeline gave the same article (the trace aside): nothing was written.
    case unchanged
    /// No article with that id.
    case missing
}

extension SQLiteStore {
    // MARK: - Queue maintenance

    /// Puts rows back to `ready` with their attempts reset: `dead` rows, and rows waiting out a nack's
    /// backoff (`ready` with a last error). With `allDead`, every dead row (of `queue`, or of every queue).
    ///
    /// Expired leases that used their last attempt are buried first, so they count as dead.
    public func retry(ids: [Int64], allDead: Bool, queue: String?) throws(StoreError) -> RetryReport {
        let maxAttempts = queueConfiguration.maxAttempts
        return try write("retry") { db in
            let now = clock().timeIntervalSince1970
            try QueueItemRecord.buryAllExpiredLeases(db, queue: queue, maxAttempts: maxAttempts, now: now)
            var retried: [Int64] = []
            var skipped: [String: String] = [:]
            if allDead {
                retried += try QueueItemRecord.retryDead(db, queue: queue, now: now)
            }
            for id in ids where !retried.contains(id) {
                if try QueueItemRecord.retry(db, id: id, now: now) {
                    retried.append(id)
                } else {
                    let state = try String.fetchOne(db, sql: "SELECT state FROM queueItem WHERE id = ?", arguments: [id])
                    skipped[String(id)] = state.map { $0 == "ready" ? "ready without an error" : $0 } ?? "no such row"
                }
            }
            return RetryReport(retried: retried.sorted(), skipped: skipped)
        }
    }

    /// Deletes acknowledged (`done`) rows, and `dead` ones when `dead` is set, last changed before
    /// `olderThan` when given. Their articles stay.
    public func purge(queue: String?, dead: Bool, olderThan: Date?) throws(StoreError) -> PurgeReport {
        try write("purge") { db in
            let states = dead ? ["done", "dead"] : ["done"]
            let removed = try QueueItemRecord.purge(
                db, states: states, queue: queue, before: olderThan?.timeIntervalSince1970)
            return PurgeReport(done: removed.filter { $0 == "done" }.count, dead: removed.filter { $0 == "dead" }.count)
        }
    }

    // MARK: - Search

    /// Articles whose title or text match `query`, best first (bm25, a title match weighing 5 text
    /// matches), with a snippet.
    ///
    /// - Parameter raw: `false` (the default) treats each word of `query` as a term that must appear, so any
    ///   text is a valid query; `true` passes `query` to FTS5 as is (`OR`, `NOT`, `"phrases"`, `prefix*`).
    public func search(_ query: String, limit: Int, raw: Bool = false) throws(StoreError) -> [SearchHit] {
        let match = raw ? query : Self.ftsQuery(query)
        guard !match.isEmpty, limit > 0 else { return [] }
        // The articles committed since the last chunk first, so a search finds everything committed. When
        // that cannot be done (a user who may only read the file), the search finds what was indexed.
        try? flushSearchIndex()
        return try read("search") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, a.title, a.status, a.source, bm25(articleSearch, 5.0, 1.0) AS rank,
                           snippet(articleSearch, -1, '[', ']', '…', 16) AS snippet
                    FROM articleSearch JOIN article a ON a.id = articleSearch.rowid
                    WHERE articleSearch MATCH ?
                    ORDER BY rank, a.id
                    LIMIT ?
                    """,
                arguments: [match, limit]
            ).map { row in
                SearchHit(
                    id: row["id"], title: row["title"], status: row["status"], source: row["source"],
                    rank: row["rank"], snippet: row["snippet"] ?? "")
            }
        }
    }

    /// Each word of `text` as a quoted FTS5 string, so punctuation and FTS5 keywords are plain words.
    static func ftsQuery(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace)
            .map { word in "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            .joined(separator: " ")
    }

    // MARK: - Reprocessing

    /// The ids of the stored articles to reprocess: those in `ids` that exist (the others are returned as
    /// unknown), else those of `source` and/or committed since `since`, oldest first.
    public func reprocessSelection(
        ids: [Int64], source: String?, since: Date?
    ) throws(StoreError) -> (found: [Int64], unknown: [Int64]) {
        try read("reprocess selection") { db in
            if !ids.isEmpty {
                var found: [Int64] = []
                var unknown: [Int64] = []
                for id in ids {
                    if try Bool.fetchOne(db, sql: "SELECT 1 FROM article WHERE id = ?", arguments: [id]) == true {
                        found.append(id)
                    } else {
                        unknown.append(id)
                    }
                }
                return (found, unknown)
            }
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let source {
                conditions.append("source = ?")
                arguments += [source]
            }
            if let since {
                conditions.append("committedAt >= ?")
                arguments += [since.timeIntervalSince1970]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return (try Int64.fetchAll(db, sql: "SELECT id FROM article \(filter) ORDER BY id", arguments: arguments), [])
        }
    }

    /// The selected articles grouped by the raw input they were made from, each with its position among
    /// that input's articles. Articles without a kept input come in groups of one without bytes.
    public func reprocessInputs(articleIds: [Int64]) throws(StoreError) -> [ReprocessInput] {
        try read("reprocess inputs") { db in
            try ReprocessInput.grouped(
                try ArticleRecord.fetch(db, ids: articleIds),
                raw: { id in try RawInputRecord.fetchOne(db, key: id) },
                siblings: { id in
                    try Int64.fetchAll(db, sql: "SELECT id FROM article WHERE rawInputId = ? ORDER BY id", arguments: [id])
                })
        }
    }

    /// Replaces the stored article `outcome.article.id` with what the pipeline made of it this time, in
    /// one transaction: the article row (same id, input, origin and commit time), its dedupe fingerprint,
    /// and its queue row, which goes back to `ready` with no attempts (or is deleted when the article is
    /// dropped now). An original keeps its cluster, so its copies still point at it.
    public func replace(_ outcome: ArticleOutcome) throws(StoreError) -> ReplaceOutcome {
        guard let id = outcome.article.id else {
            throw StoreError(operation: "replace article", message: "the article has no id", retryable: false)
        }
        var record = try ArticleRecord(outcome.article, drop: outcome.drop)
        return try write("replace article \(id)") { db -> ReplaceOutcome in
            guard let old = try ArticleRecord.fetchOne(db, key: id) else { return .missing }
            let now = clock().timeIntervalSince1970
            let wasOriginal = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM dedupeFingerprint WHERE articleId = ?", arguments: [id]) == true
            var fingerprint = outcome.drop == nil ? outcome.article.fingerprint : nil
            if wasOriginal, var kept = fingerprint, let cluster = old.clusterId {
                kept.clusterId = cluster
                fingerprint = kept
                record.clusterId = cluster
            }
            try db.execute(sql: "DELETE FROM dedupeFingerprint WHERE articleId = ?", arguments: [id])
            if record.duplicateOf == nil, fingerprint == nil, let cluster = record.clusterId {
                record.duplicateOf = try DedupeFingerprintRecord.original(db, clusterId: cluster)
            }
            let item = try QueueItemRecord.forArticle(db, articleId: id)
            let queue = outcome.drop == nil ? outcome.queue : nil
            if record.sameContent(as: old) && item?.queue == queue {
                // Nothing to tell consumers: put the fingerprint back as it was and leave the rows alone.
                if let fingerprint, wasOriginal {
                    try DedupeFingerprintRecord.insert(db, articleId: id, fingerprint, at: old.committedAt)
                }
                return .unchanged
            }
            try ArticleRecord.replaceContent(db, id: id, record)
            if let fingerprint {
                try DedupeFingerprintRecord.insert(db, articleId: id, fingerprint, at: now)
                try DedupeFingerprintRecord.resolveCopies(db, clusterId: fingerprint.clusterId, originalId: id)
            }
            if let queue {
                if item == nil {
                    try QueueItemRecord.enqueue(db, articleId: id, queue: queue, now: now)
                } else {
                    try QueueItemRecord.requeue(db, articleId: id, queue: queue, now: now)
                }
            } else if item != nil {
                try db.execute(sql: "DELETE FROM queueItem WHERE articleId = ?", arguments: [id])
            }
            return .changed
        }
    }
}

extension ArticleRecord {
    /// Whether two rows hold the same article, whatever their traces (stage times differ on every run).
    func sameContent(as other: ArticleRecord) -> Bool {
        status == other.status && dropStage == other.dropStage && dropReason == other.dropReason
            && title == other.title && text == other.text && html == other.html && url == other.url
            && published == other.published && publishedAt == other.publishedAt && authors == other.authors
            && language == other.language && keywords == other.keywords && entities == other.entities
            && labels == other.labels && duplicateOf == other.duplicateOf && clusterId == other.clusterId
            && metadata == other.metadata && fields == other.fields && format == other.format
    }

    /// Rewrites what the pipeline decides of row `id`; its origin, input and commit time stay.
    static func replaceContent(_ db: Database, id: Int64, _ record: ArticleRecord) throws {
        try db.execute(
            sql: """
                UPDATE article SET status = ?, dropStage = ?, dropReason = ?, title = ?, text = ?, html = ?, url = ?,
                    published = ?, publishedAt = ?, authors = ?, language = ?, keywords = ?, entities = ?, labels = ?,
                    duplicateOf = ?, clusterId = ?, metadata = ?, fields = ?, format = ?, trace = ?, contentHash = ?
                WHERE id = ?
                """,
            arguments: [
                record.status, record.dropStage, record.dropReason, record.title, record.text, record.html,
                record.url, record.published, record.publishedAt, record.authors, record.language, record.keywords,
                record.entities, record.labels, record.duplicateOf, record.clusterId, record.metadata, record.fields,
                record.format, record.trace, record.contentHash, id,
            ])
    }
}

extension QueueItemRecord {
    /// Moves expired leases that used their last attempt to `dead`, in `queue` or in every queue.
    static func buryAllExpiredLeases(_ db: Database, queue: String?, maxAttempts: Int, now: Double) throws {
        try db.execute(
            sql: """
                UPDATE queueItem
                SET state = 'dead', leaseExpiresAt = NULL, updatedAt = ?,
                    lastError = 'lease expired after ' || attempts || ' attempts'
                WHERE (? IS NULL OR queue = ?) AND state = 'leased' AND leaseExpiresAt <= ? AND attempts >= ?
                """,
            arguments: [now, queue, queue, now, maxAttempts])
    }

    /// Every dead row (of `queue`, or of every queue) back to `ready`; returns their ids.
    static func retryDead(_ db: Database, queue: String?, now: Double) throws -> [Int64] {
        try Int64.fetchAll(
            db,
            sql: """
                UPDATE queueItem
                SET state = 'ready', attempts = 0, availableAt = ?, leaseOwner = NULL, leaseExpiresAt = NULL, updatedAt = ?
                WHERE state = 'dead' AND (? IS NULL OR queue = ?)
                RETURNING id
                """,
            arguments: [now, now, queue, queue])
    }

    /// Row `id` back to `ready` now, if it is dead or waiting out a nack's backoff. The last error stays,
    /// for the record.
    static func retry(_ db: Database, id: Int64, now: Double) throws -> Bool {
        try db.execute(
            sql: """
                UPDATE queueItem
                SET state = 'ready', attempts = 0, availableAt = ?, leaseOwner = NULL, leaseExpiresAt = NULL, updatedAt = ?
                WHERE id = ? AND (state = 'dead' OR (state = 'ready' AND lastError IS NOT NULL))
                """,
            arguments: [now, now, id])
        return db.changesCount > 0
    }

    /// Deletes rows in `states` (of `queue`, last changed before `before`); returns each one's state.
    static func purge(_ db: Database, states: [String], queue: String?, before: Double?) throws -> [String] {
        let placeholders = Array(repeating: "?", count: states.count).joined(separator: ",")
        var arguments = StatementArguments(states)
        arguments += [queue, queue, before, before]
        return try String.fetchAll(
            db,
            sql: """
                DELETE FROM queueItem
                WHERE state IN (\(placeholders)) AND (? IS NULL OR queue = ?) AND (? IS NULL OR updatedAt < ?)
                RETURNING state
                """,
            arguments: arguments)
    }

    /// The article's row back to `ready` in `queue`, as if just enqueued: no attempts, lease or error.
    static func requeue(_ db: Database, articleId: Int64, queue: String, now: Double) throws {
        try db.execute(
            sql: """
                UPDATE queueItem
                SET queue = ?, state = 'ready', attempts = 0, availableAt = ?, leaseOwner = NULL, leaseExpiresAt = NULL,
                    lastError = NULL, updatedAt = ?
                WHERE articleId = ?
                """,
            arguments: [queue, now, now, articleId])
    }
}
