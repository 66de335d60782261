public import Foundation
public import IngestCore

extension PostgresStore: FeedRegistry, IngestLedger, FeedLeases {
    public func addedFeeds() throws -> [FeedDefinition] {
        try read("list feeds") { c throws(StoreError) in
            let rows = try c.execute("SELECT * FROM feed ORDER BY name", [], operation: "list feeds")
            return try (0..<rows.count).map { row throws(StoreError) in try FeedRecord(pg: rows, row).definition() }
        }
    }

    /// Adds `feed`, refusing with ``DuplicateFeedError`` a name or URL that is taken (the name first).
    public func addFeed(_ feed: FeedDefinition) throws {
        let conflict = try write("add feed \(feed.name)") { c throws(StoreError) -> DuplicateFeedError? in
            if try c.execute("SELECT 1 FROM feed WHERE name = $1", [feed.name], operation: "add feed").count > 0 {
                return DuplicateFeedError(field: .name, value: feed.name, existingFeed: feed.name)
            }
            if let owner = try c.execute("SELECT name FROM feed WHERE url = $1", [feed.url], operation: "add feed").strings().first {
                return DuplicateFeedError(field: .url, value: feed.url, existingFeed: owner)
            }
            try c.execute(
                """
                INSERT INTO feed (name, url, intervalSecs, fetchFullContent, allowPrivateNetworks, origin, addedAt)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    feed.name, feed.url, feed.intervalSecs, feed.fetchFullContent, feed.allowPrivateNetworks,
                    feed.origin.rawValue, clock().timeIntervalSince1970,
                ], operation: "add feed")
            return nil
        }
        if let conflict { throw conflict }
    }

    public func removeFeed(named name: String) throws -> Bool {
        try write("remove feed \(name)") { c throws(StoreError) in
            guard try c.execute("DELETE FROM feed WHERE name = $1", [name], operation: "remove feed").affected > 0 else {
                return false
            }
            try c.execute("DELETE FROM feedState WHERE name = $1", [name], operation: "remove feed")
            try c.execute("DELETE FROM feedLease WHERE name = $1", [name], operation: "remove feed")
            return true
        }
    }

    public func feedStates() throws -> [String: FeedState] {
        let states = try read("read feed states") { c throws(StoreError) in
            let rows = try c.execute("SELECT * FROM feedState ORDER BY name", [], operation: "read feed states")
            return try (0..<rows.count).map { row throws(StoreError) in try FeedStateRecord(pg: rows, row).state() }
        }
        return Dictionary(uniqueKeysWithValues: states.map { ($0.name, $0) })
    }

    public func feedState(named name: String) throws -> FeedState? {
        try read("read feed state \(name)") { c throws(StoreError) -> FeedState? in
            let rows = try c.execute("SELECT * FROM feedState WHERE name = $1", [name], operation: "read feed state")
            return rows.count == 1 ? try FeedStateRecord(pg: rows, 0).state() : nil
        }
    }

    public func saveFeedState(_ state: FeedState) throws {
        try write("save feed state \(state.name)") { c throws(StoreError) in
            try c.execute(FeedStateRecord.pgSaveSQL, FeedStateRecord.pgSaveArguments(state), operation: "save feed state")
        }
    }

    /// One statement: the lease is inserted, or taken over when it is the caller's or has expired; the row
    /// lock of the upsert makes two instances asking at once get one answer each, one of them `granted`.
    public func leaseFeed(_ name: String, owner: String, until: Date) throws -> FeedLease {
        try write("lease feed \(name)") { c throws(StoreError) -> FeedLease in
            let now = clock().timeIntervalSince1970
            let taken = try c.execute(
                """
                INSERT INTO feedLease (name, owner, expiresAt) VALUES ($1, $2, $3)
                ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expiresAt = excluded.expiresAt
                WHERE feedLease.owner = excluded.owner OR feedLease.expiresAt <= $4
                RETURNING owner
                """, [name, owner, until.timeIntervalSince1970, now], operation: "lease feed")
            if taken.count == 1 { return .granted }
            let holder = try c.execute("SELECT owner, expiresAt FROM feedLease WHERE name = $1", [name], operation: "lease feed")
            return .held(
                by: holder.string(0, "owner") ?? "?",
                until: Date(timeIntervalSince1970: holder.double(0, "expiresat") ?? now))
        }
    }

    /// The subset of `keys` recorded as ingested.
    public func ingestedKeys(among keys: [String]) throws -> Set<String> {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [] }
        return try read("read ledger") { c throws(StoreError) in
            Set(try c.execute(
                "SELECT ledgerKey FROM inputLedger WHERE outcome = 'ingested' AND ledgerKey = ANY($1::text[])",
                [Self.textArray(unique)], operation: "read ledger"
            ).strings())
        }
    }

    /// A PostgreSQL array literal of strings: each element quoted, with `"` and `\` escaped.
    static func textArray(_ values: [String]) -> String {
        "{" + values.map { value in
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }
}
