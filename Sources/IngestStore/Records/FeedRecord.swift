import Foundation
import GRDB
import IngestCore

/// A row of `feed`: a feed added with `ingestctl feeds add` or `import`. Feeds from the config are not
/// stored: the config file stays their one source of truth. This type is the only code that knows the
/// table's columns.
///
/// Statements are cached like the other records', though feeds change rarely: the daemon reads the table
/// at every reload, and the cost of caching is nil.
struct FeedRecord: Decodable, FetchableRecord, TableRecord {
    static let databaseTableName = "feed"

    var name: String
    var url: String
    var intervalSecs: Int
    var fetchFullContent: Bool
    var allowPrivateNetworks: Bool
    var origin: String
    var addedAt: Double

    /// The feed as the model shows it.
    func definition() throws(StoreError) -> FeedDefinition {
        guard let origin = FeedDefinition.Origin(rawValue: origin) else {
            throw StoreError(operation: "read feed \(name)", message: "unknown origin \(self.origin)", retryable: false)
        }
        return FeedDefinition(
            name: name, url: url, intervalSecs: intervalSecs, fetchFullContent: fetchFullContent,
            allowPrivateNetworks: allowPrivateNetworks, origin: origin)
    }

    /// Every stored feed, by name, so listings are stable.
    static func all(_ db: Database) throws -> [FeedRecord] {
        try FeedRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM feed ORDER BY name"))
    }

    /// The name of the feed that has `url`, if any.
    static func name(_ db: Database, url: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM feed WHERE url = ?"), arguments: [url])
    }

    /// Whether a feed is named `name`.
    static func exists(_ db: Database, name: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM feed WHERE name = ?)"), arguments: [name]) ?? false
    }

    static func insert(_ db: Database, _ feed: FeedDefinition, addedAt: Double) throws {
        let statement = try db.cachedStatement(sql: insertSQL)
        try statement.execute(arguments: insertArguments(feed, addedAt: addedAt))
    }

    static let insertSQL = """
        INSERT INTO feed (name, url, intervalSecs, fetchFullContent, allowPrivateNetworks, origin, addedAt)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """

    static func insertArguments(_ feed: FeedDefinition, addedAt: Double) -> StatementArguments {
        [
            feed.name, feed.url, feed.intervalSecs, feed.fetchFullContent, feed.allowPrivateNetworks,
            feed.origin.rawValue, addedAt,
        ]
    }

    /// Deletes the feed named `name`; returns whether it existed.
    static func delete(_ db: Database, name: String) throws -> Bool {
        try db.cachedStatement(sql: "DELETE FROM feed WHERE name = ?").execute(arguments: [name])
        return db.changesCount > 0
    }
}
