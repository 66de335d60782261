import GRDB

/// A row of `inputLedger`: one input (a file, a feed item, a one-shot ingest) and its outcome.
///
/// A ledger key recorded as `ingested` is never ingested again: that is what makes a restart after a crash
/// enqueue nothing twice. A `failed` row does not block a later success; the success replaces it. This type
/// is the only code that knows the table's columns.
struct InputLedgerRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "inputLedger"

    enum Outcome: String, CaseIterable {
        case ingested, failed
    }

    var id: Int64?
    var ledgerKey: String?
    var source: String
    var location: String
    var outcome: String
    var articleCount: Int
    var reason: String?
    var at: Double

    /// Whether the input with this key was already ingested.
    static func isIngested(_ db: Database, ledgerKey: String) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM inputLedger WHERE ledgerKey = ? AND outcome = ?)",
            arguments: [ledgerKey, Outcome.ingested.rawValue]) ?? false
    }

    /// Records an ingested input, replacing an earlier failure of the same key.
    ///
    /// - Important: The caller checks ``isIngested(_:ledgerKey:)`` first, in the same transaction.
    static func recordIngested(
        _ db: Database, ledgerKey: String?, source: String, location: String, articleCount: Int, at: Double
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO inputLedger (ledgerKey, source, location, outcome, articleCount, reason, at)
                VALUES (?, ?, ?, ?, ?, NULL, ?)
                ON CONFLICT (ledgerKey) DO UPDATE SET
                    source = excluded.source, location = excluded.location, outcome = excluded.outcome,
                    articleCount = excluded.articleCount, reason = NULL, at = excluded.at
                """,
            arguments: [ledgerKey, source, location, Outcome.ingested.rawValue, articleCount, at])
    }

    /// Records a failed input. A key already failed gets the newer reason; a key already ingested keeps its
    /// success (the failure of a repeat does not undo what was committed).
    static func recordFailure(
        _ db: Database, ledgerKey: String?, source: String, location: String, reason: String, at: Double
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO inputLedger (ledgerKey, source, location, outcome, articleCount, reason, at)
                VALUES (?, ?, ?, ?, 0, ?, ?)
                ON CONFLICT (ledgerKey) DO UPDATE SET
                    source = excluded.source, location = excluded.location, reason = excluded.reason,
                    at = excluded.at
                WHERE outcome = ?
                """,
            arguments: [ledgerKey, source, location, Outcome.failed.rawValue, reason, at, Outcome.failed.rawValue])
    }

    /// Inputs per source and outcome; both outcomes are present for every source, zero included.
    static func countsBySource(_ db: Database) throws -> [String: [String: Int]] {
        var counts: [String: [String: Int]] = [:]
        let rows = try Row.fetchAll(
            db, sql: "SELECT source, outcome, COUNT(*) AS n FROM inputLedger GROUP BY source, outcome")
        for row in rows {
            let source: String = row["source"]
            if counts[source] == nil {
                counts[source] = Dictionary(uniqueKeysWithValues: Outcome.allCases.map { ($0.rawValue, 0) })
            }
            counts[source]?[row["outcome"]] = row["n"]
        }
        return counts
    }

    /// The most recent failure, as `source: location: reason`.
    static func lastFailure(_ db: Database) throws -> String? {
        let row = try Row.fetchOne(
            db,
            sql: "SELECT source, location, reason FROM inputLedger WHERE outcome = ? ORDER BY at DESC, id DESC LIMIT 1",
            arguments: [Outcome.failed.rawValue])
        return row.map { row in
            let source: String = row["source"]
            let location: String = row["location"]
            let reason: String = row["reason"] ?? ""
            return "\(source): \(location): \(reason)"
        }
    }
}
