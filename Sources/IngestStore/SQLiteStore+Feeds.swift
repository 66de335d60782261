import Foundation
import GRDB
public import IngestCore

/// A feed could not be added because its name or its URL is already taken by a stored feed.
///
/// A type of its own, not a ``StoreError``, so `ingestctl feeds import` can count duplicates as skipped
/// while any other failure still stops it.
public struct DuplicateFeedError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Field: String, Sendable { case name, url }

    /// Which of the two collided.
    public var field: Field
    /// The value that collided.
    public var value: String
    /// The stored feed that has it.
    public var existingFeed: String

    public var description: String {
        switch field {
        case .name: "a feed named '\(value)' already exists"
        case .url: "feed '\(existingFeed)' already has the URL \(value)"
        }
    }
}

extension SQLiteStore: FeedRegistry, IngestLedger {
    /// Most keys bound in one `IN (…)` query. SQLite's limit on variables is 32,766 since 3.32 but 999
    /// before; 500 stays far below either, and a chunk of 500 still costs one index lookup per key.
    static let ledgerChunkSize = 500

    public func addedFeeds() throws -> [FeedDefinition] {
        try read("list feeds") { db in
            try FeedRecord.all(db).map { record throws(StoreError) in try record.definition() }
        }
    }

    /// Adds `feed`, refusing with ``DuplicateFeedError`` a name or URL that is taken (the name is checked
    /// first). The URL is compared as given: callers normalise it (`ingestctl` lowercases scheme and host).
    public func addFeed(_ feed: FeedDefinition) throws {
        // Checked before the insert, inside the write transaction, so the error can say which one is
        // taken; the UNIQUE constraints still stand behind it. The conflict is returned, not thrown, from
        // the transaction: `write` turns whatever it catches into a StoreError.
        let conflict = try write("add feed \(feed.name)") { db -> DuplicateFeedError? in
            if try FeedRecord.exists(db, name: feed.name) {
                return DuplicateFeedError(field: .name, value: feed.name, existingFeed: feed.name)
            }
            if let owner = try FeedRecord.name(db, url: feed.url) {
                return DuplicateFeedError(field: .url, value: feed.url, existingFeed: owner)
            }
            try FeedRecord.insert(db, feed, addedAt: clock().timeIntervalSince1970)
            return nil
        }
        if let conflict { throw conflict }
    }

    public func removeFeed(named name: String) throws -> Bool {
        try write("remove feed \(name)") { db in
            guard try FeedRecord.delete(db, name: name) else { return false }
            // Only an added feed's state goes: a config feed of the same name never reaches here, as
            // config feeds are not in `feed`.
            try FeedStateRecord.delete(db, name: name)
            return true
        }
    }

    public func feedStates() throws -> [String: FeedState] {
        let states = try read("read feed states") { db in
            try FeedStateRecord.all(db).map { record throws(StoreError) in try record.state() }
        }
        // `name` is the table's primary key, so no two states share a key.
        return Dictionary(uniqueKeysWithValues: states.map { ($0.name, $0) })
    }

    public func saveFeedState(_ state: FeedState) throws {
        try write("save feed state \(state.name)") { db in try FeedStateRecord.save(db, state) }
    }

    /// The subset of `keys` recorded as ingested in `inputLedger`; failed and unknown keys are left out.
    ///
    /// One read transaction, so all chunks see the same snapshot.
    public func ingestedKeys(among keys: [String]) throws -> Set<String> {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [] }
        return try read("read ledger") { db in
            var found = Set<String>()
            for start in stride(from: 0, to: unique.count, by: Self.ledgerChunkSize) {
                let chunk = unique[start..<min(start + Self.ledgerChunkSize, unique.count)]
                found.formUnion(try InputLedgerRecord.ingestedKeys(db, among: chunk))
            }
            return found
        }
    }
}

// The ledger query lives with the other `inputLedger` statements' record type; it is declared here only
// because this file is the feed work's own.
extension InputLedgerRecord {
    /// The keys among `keys` (at most a few hundred: one variable each) recorded as ingested.
    static func ingestedKeys(_ db: Database, among keys: ArraySlice<String>) throws -> [String] {
        let placeholders = Array(repeating: "?", count: keys.count).joined(separator: ",")
        // Cached: full chunks all have the same SQL text, so one prepared statement serves them.
        let statement = try db.cachedStatement(
            sql: "SELECT ledgerKey FROM inputLedger WHERE outcome = ? AND ledgerKey IN (\(placeholders))")
        var arguments: StatementArguments = [Outcome.ingested.rawValue]
        arguments += StatementArguments(Array(keys))
        return try String.fetchAll(statement, arguments: arguments)
    }
}
