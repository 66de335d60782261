import Foundation
import GRDB
import IngestCore

/// A row of `feedState`: what ingestd remembers about one feed between polls and restarts (validators,
/// health, schedule, a pending redirect). Rows exist for feeds from the config as well as added ones, so
/// the name is not a foreign key. This type is the only code that knows the table's columns.
///
/// The daemon saves a state after every poll, so the upsert is a cached statement.
struct FeedStateRecord: Decodable, FetchableRecord, TableRecord {
    static let databaseTableName = "feedState"

    var name: String
    var url: String
    var etag: String?
    var lastModified: String?
    var health: String
    var lastSuccessAt: Double?
    var lastAttemptAt: Double?
    var lastStatus: Int?
    var lastError: String?
    var lastErrorAt: Double?
    var consecutiveErrors: Int
    var nextPollAt: Double?
    /// A JSON array of strings.
    var warnings: String
    var redirectCandidate: String?
    var redirectCount: Int
    var configuredURL: String?
    var ttlMinutes: Int?
    var updateIntervalSecs: Int?

    /// The state as the model shows it.
    func state() throws(StoreError) -> FeedState {
        guard let health = FeedState.Health(rawValue: health) else {
            throw StoreError(operation: "read feed state \(name)", message: "unknown health \(self.health)", retryable: false)
        }
        let warnings: [String]
        do {
            warnings = try JSONDecoder().decode([String].self, from: Data(self.warnings.utf8))
        } catch {
            throw StoreError(operation: "read feed state \(name)", message: "warnings are not a JSON array of strings", retryable: false)
        }
        var state = FeedState(name: name, url: url)
        state.etag = etag
        state.lastModified = lastModified
        state.health = health
        state.lastSuccessAt = lastSuccessAt.map(Date.init(timeIntervalSince1970:))
        state.lastAttemptAt = lastAttemptAt.map(Date.init(timeIntervalSince1970:))
        state.lastStatus = lastStatus
        state.lastError = lastError
        state.lastErrorAt = lastErrorAt.map(Date.init(timeIntervalSince1970:))
        state.consecutiveErrors = consecutiveErrors
        state.nextPollAt = nextPollAt.map(Date.init(timeIntervalSince1970:))
        state.warnings = warnings
        state.redirectCandidate = redirectCandidate
        state.redirectCount = redirectCount
        state.configuredURL = configuredURL
        state.ttlMinutes = ttlMinutes
        state.updateIntervalSecs = updateIntervalSecs
        return state
    }

    static func all(_ db: Database) throws -> [FeedStateRecord] {
        try FeedStateRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM feedState ORDER BY name"))
    }

    /// Inserts or replaces the state of `state.name`.
    static func save(_ db: Database, _ state: FeedState) throws {
        let statement = try db.cachedStatement(sql: saveSQL)
        try statement.execute(arguments: saveArguments(state))
    }

    // An upsert rather than INSERT OR REPLACE: REPLACE deletes the row first, which would fire delete
    // triggers and foreign-key actions if the table ever gets any.
    static let saveSQL = """
        INSERT INTO feedState (name, url, etag, lastModified, health, lastSuccessAt, lastAttemptAt, lastStatus,
                               lastError, lastErrorAt, consecutiveErrors, nextPollAt, warnings,
                               redirectCandidate, redirectCount, configuredURL, ttlMinutes, updateIntervalSecs)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET
            url = excluded.url, etag = excluded.etag, lastModified = excluded.lastModified,
            health = excluded.health, lastSuccessAt = excluded.lastSuccessAt,
            lastAttemptAt = excluded.lastAttemptAt, lastStatus = excluded.lastStatus,
            lastError = excluded.lastError, lastErrorAt = excluded.lastErrorAt,
            consecutiveErrors = excluded.consecutiveErrors, nextPollAt = excluded.nextPollAt,
            warnings = excluded.warnings, redirectCandidate = excluded.redirectCandidate,
            redirectCount = excluded.redirectCount, configuredURL = excluded.configuredURL,
            ttlMinutes = excluded.ttlMinutes, updateIntervalSecs = excluded.updateIntervalSecs
        """

    static func saveArguments(_ state: FeedState) -> StatementArguments {
        [
            state.name, state.url, state.etag, state.lastModified, state.health.rawValue,
            state.lastSuccessAt?.timeIntervalSince1970, state.lastAttemptAt?.timeIntervalSince1970,
            state.lastStatus, state.lastError, state.lastErrorAt?.timeIntervalSince1970,
            state.consecutiveErrors, state.nextPollAt?.timeIntervalSince1970, JSONText.array(state.warnings),
            state.redirectCandidate, state.redirectCount, state.configuredURL, state.ttlMinutes,
            state.updateIntervalSecs,
        ]
    }

    static func delete(_ db: Database, name: String) throws {
        try db.cachedStatement(sql: "DELETE FROM feedState WHERE name = ?").execute(arguments: [name])
    }
}
