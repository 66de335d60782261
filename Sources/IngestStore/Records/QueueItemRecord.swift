import Foundation
import GRDB

/// A row of `queueItem`: one enqueued article and where it stands with consumers.
///
/// The table is the contract with consumers (see DESIGN.md, "The queue table"): states
/// `ready → leased → done`, or `dead` after the last attempt; `attempts` counts claims. This type is the
/// only code that knows the table's columns, so every queue statement lives here.
struct QueueItemRecord: Decodable, FetchableRecord, TableRecord {
    static let databaseTableName = "queueItem"

    var id: Int64?
    var articleId: Int64
    var queue: String
    var state: String
    var attempts: Int
    var availableAt: Double
    var leaseOwner: String?
    var leaseExpiresAt: Double?
    var lastError: String?
    var createdAt: Double
    var updatedAt: Double

    /// The row as the store's API shows it.
    func row() throws(StoreError) -> QueueRow {
        guard let id else {
            throw StoreError(operation: "read queue item", message: "row has no id", retryable: false)
        }
        guard let state = QueueState(rawValue: state) else {
            throw StoreError(operation: "read queue item \(id)", message: "unknown state \(self.state)", retryable: false)
        }
        return QueueRow(
            id: id, articleId: articleId, queue: queue, state: state, attempts: attempts,
            availableAt: Date(timeIntervalSince1970: availableAt), leaseOwner: leaseOwner,
            leaseExpiresAt: leaseExpiresAt.map { Date(timeIntervalSince1970: $0) }, lastError: lastError,
            createdAt: Date(timeIntervalSince1970: createdAt))
    }

    /// Enqueues an article: `ready` at once.
    ///
    /// A cached statement with explicit arguments: this runs for every article a commit enqueues.
    static func enqueue(_ db: Database, articleId: Int64, queue: String, now: Double) throws {
        var statement = try DirectStatement(db, enqueueSQL)
        statement.bind(articleId)
        statement.bind(queue)
        statement.bind(QueueState.ready.rawValue)
        statement.bind(now)
        statement.bind(now)
        statement.bind(now)
        try statement.execute()
    }

    static let enqueueSQL = """
        INSERT INTO queueItem (articleId, queue, state, attempts, availableAt, leaseOwner, leaseExpiresAt,
                               lastError, createdAt, updatedAt)
        VALUES (?, ?, ?, 0, ?, NULL, NULL, NULL, ?, ?)
        """

    /// Moves expired leases of `queue` that used their last attempt to `dead`. Returns how many.
    ///
    /// Runs in the claim's transaction, before the claim, so that such a row is buried rather than claimed
    /// an attempt too many.
    @discardableResult
    static func buryExpiredLeases(_ db: Database, queue: String, maxAttempts: Int, now: Double) throws -> Int {
        try db.execute(
            sql: """
                UPDATE queueItem
                SET state = 'dead', leaseExpiresAt = NULL, updatedAt = ?,
                    lastError = 'lease expired after ' || attempts || ' attempts'
                WHERE queue = ? AND state = 'leased' AND leaseExpiresAt <= ? AND attempts >= ?
                """,
            arguments: [now, queue, now, maxAttempts])
        return db.changesCount
    }

    /// Leases up to `limit` claimable rows of `queue` to `consumer`, oldest first, in one statement.
    ///
    /// Claimable: `ready` rows whose `availableAt` has come, and `leased` rows whose lease expired with
    /// attempts left (the previous owner is recorded in `lastError`). One `UPDATE … RETURNING` both picks
    /// and leases the rows, so two consumers can never lease the same row, whatever process they run in.
    static func claim(
        _ db: Database, queue: String, consumer: String, limit: Int, maxAttempts: Int, now: Double,
        leaseExpiresAt: Double
    ) throws -> [QueueItemRecord] {
        // In SET, every column on the right-hand side is the row's value before the update.
        let claimed = try QueueItemRecord.fetchAll(
            db,
            sql: """
                UPDATE queueItem
                SET state = 'leased',
                    attempts = attempts + 1,
                    lastError = CASE WHEN state = 'leased'
                        THEN 'lease of ' || leaseOwner || ' expired' ELSE lastError END,
                    leaseOwner = ?, leaseExpiresAt = ?, updatedAt = ?
                WHERE id IN (
                    SELECT id FROM queueItem
                    WHERE queue = ?
                      AND ((state = 'ready' AND availableAt <= ?)
                        OR (state = 'leased' AND leaseExpiresAt <= ? AND attempts < ?))
                    ORDER BY id
                    LIMIT ?)
                RETURNING *
                """,
            arguments: [consumer, leaseExpiresAt, now, queue, now, now, maxAttempts, limit])
        // RETURNING gives rows in no promised order.
        return claimed.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    }

    /// Marks rows done that are leased to `consumer`. Returns the ids that were.
    static func ack(_ db: Database, ids: [Int64], consumer: String, now: Double) throws -> [Int64] {
        var acked: [Int64] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            var arguments: StatementArguments = [now, consumer]
            arguments += StatementArguments(chunk)
            acked += try Int64.fetchAll(
                db,
                sql: """
                    UPDATE queueItem SET state = 'done', leaseExpiresAt = NULL, updatedAt = ?
                    WHERE state = 'leased' AND leaseOwner = ? AND id IN (\(placeholders))
                    RETURNING id
                    """,
                arguments: arguments)
        }
        return acked.sorted()
    }

    /// The row `id` if it is leased to `consumer`.
    static func leased(_ db: Database, id: Int64, consumer: String) throws -> QueueItemRecord? {
        try QueueItemRecord.fetchOne(
            db, sql: "SELECT * FROM queueItem WHERE id = ? AND state = 'leased' AND leaseOwner = ?",
            arguments: [id, consumer])
    }

    /// Gives a leased row back: `ready` from `availableAt`, or `dead`, with the consumer's error.
    static func release(
        _ db: Database, id: Int64, to state: QueueState, availableAt: Double?, error: String, now: Double
    ) throws {
        // A ready row has no owner (the next claim sets one); a dead row keeps its last owner for diagnosis.
        try db.execute(
            sql: """
                UPDATE queueItem
                SET state = ?, availableAt = COALESCE(?, availableAt), lastError = ?, leaseExpiresAt = NULL,
                    leaseOwner = CASE WHEN ? = 'ready' THEN NULL ELSE leaseOwner END, updatedAt = ?
                WHERE id = ?
                """,
            arguments: [state.rawValue, availableAt, error, state.rawValue, now, id])
    }

    /// Rows of `queue`, optionally in one state, oldest first.
    static func peek(_ db: Database, queue: String, state: QueueState?, limit: Int) throws -> [QueueItemRecord] {
        if let state {
            return try QueueItemRecord.fetchAll(
                db, sql: "SELECT * FROM queueItem WHERE queue = ? AND state = ? ORDER BY id LIMIT ?",
                arguments: [queue, state.rawValue, limit])
        }
        return try QueueItemRecord.fetchAll(
            db, sql: "SELECT * FROM queueItem WHERE queue = ? ORDER BY id LIMIT ?", arguments: [queue, limit])
    }

    /// The earliest `availableAt` of the queue's ready rows: one step down the claim index.
    static func oldestReady(_ db: Database, queue: String) throws -> Double? {
        try Double.fetchOne(
            db, sql: "SELECT MIN(availableAt) FROM queueItem WHERE queue = ? AND state = 'ready'", arguments: [queue])
    }

    /// The queue row of an article, if it was enqueued.
    static func forArticle(_ db: Database, articleId: Int64) throws -> QueueItemRecord? {
        try QueueItemRecord.fetchOne(
            db, sql: "SELECT * FROM queueItem WHERE articleId = ?", arguments: [articleId])
    }

    /// Row counts per queue and state (states without rows are absent).
    static func counts(_ db: Database) throws -> [(queue: String, state: String, count: Int)] {
        try Row.fetchAll(
            db, sql: "SELECT queue, state, COUNT(*) AS n FROM queueItem GROUP BY queue, state ORDER BY queue"
        ).map { row in (row["queue"], row["state"], row["n"]) }
    }
}
