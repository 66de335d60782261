import GRDB

/// A row of `inputLedger`: one input (a file, a feed item, a one-shot ingest) and its outcome.
///
/// A ledger key recorded as `ingested` is never ingested again: that is what makes a restart after a crash
/// enqueue nothing twice. A `failed` row does not block a later success; the success replaces it. This type
/// is the only code that knows the table's columns. Its statements run once per input, so they are cached.
struct InputLedgerRecord: Decodable, FetchableRecord, TableRecord {
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
        var statement = try DirectStatement(db, isIngestedSQL)
        statement.bind(ledgerKey)
        statement.bind(Outcome.ingested.rawValue)
        return try statement.int64() == 1
    }

    static let isIngestedSQL = "SELECT EXISTS (SELECT 1 FROM inputLedger WHERE ledgerKey = ? AND outcome = ?)"

    /// Records an ingested input, replacing an earlier failure of the same key.
    ///
    /// - Important: The caller checks ``isIngested(_:ledgerKey:)`` first, in the same transaction.
    static func recordIngested(
        _ db: Database, ledgerKey: String?, source: String, location: String, articleCount: Int, at: Double
    ) throws {
        var statement = try DirectStatement(db, recordIngestedSQL)
        statement.bind(ledgerKey)
        statement.bind(source)
        statement.bind(location)
        statement.bind(Outcome.ingested.rawValue)
        statement.bind(articleCount)
        statement.bind(at)
        try statement.execute()
    }

    static let recordIngestedSQL = """
        INSERT INTO inputLedger (ledgerKey, source, location, outcome, articleCount, reason, at)
        VALUES (?, ?, ?, ?, ?, NULL, ?)
        ON CONFLICT (ledgerKey) DO UPDATE SET
            source = excluded.source, location = excluded.location, outcome = excluded.outcome,
            articleCount = excluded.articleCount, reason = NULL, at = excluded.at
        """

    /// Records a failed input. A key already failed gets the newer reason; a key already ingested keeps its
    /// success (the failure of a repeat does not undo what was committed).
    static func recordFailure(
        _ db: Database, ledgerKey: String?, source: String, location: String, reason: String, at: Double
    ) throws {
        let statement = try db.cachedStatement(sql: recordFailureSQL)
        try statement.execute(
            arguments: recordFailureArguments(
                ledgerKey: ledgerKey, source: source, location: location, reason: reason, at: at))
    }

    static let recordFailureSQL = """
        INSERT INTO inputLedger (ledgerKey, source, location, outcome, articleCount, reason, at)
        VALUES (?, ?, ?, ?, 0, ?, ?)
        ON CONFLICT (ledgerKey) DO UPDATE SET
            source = excluded.source, location = excluded.location, reason = excluded.reason, at = excluded.at
        WHERE outcome = ?
        """

    static func recordFailureArguments(
        ledgerKey: String?, source: String, location: String, reason: String, at: Double
    ) -> StatementArguments {
        [
            ledgerKey, source, location,
            Outcome.failed.rawValue, reason, at,
            Outcome.failed.rawValue,
        ]
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
