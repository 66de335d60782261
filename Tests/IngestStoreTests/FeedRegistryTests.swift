import Foundation
import GRDB
import IngestCore
@testable import IngestStore
import Testing

@Suite("feed registry and ledger")
struct FeedRegistryTests {
    @Test("a v1 database migrates up to v2 and keeps its data")
    func migratesV1ToV2() throws {
        let db = try TestDatabase()
        try FileManager.default.createDirectory(
            atPath: (db.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            let queue = try DatabaseQueue(path: db.path)
            try StoreMigrations.migrate(queue, upTo: StoreMigrations.v1)
            try queue.write { db in
                try db.execute(
                    sql: "INSERT INTO inputLedger (ledgerKey, source, location, outcome, at) VALUES (?, ?, ?, ?, ?)",
                    arguments: ["feed:old:1", "old", "https://old.example/1", "ingested", 1_700_000_000.0])
            }
            // Stopping at the named step: the feed tables appear only with it.
            try StoreMigrations.migrate(queue, upTo: StoreMigrations.v2)
            let applied = try queue.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
            #expect(applied == [StoreMigrations.v1, StoreMigrations.v2])
        }
        let store = try db.open()
        #expect(try store.ingestedKeys(among: ["feed:old:1", "feed:old:2"]) == ["feed:old:1"])
        let (tables, feedColumns, stateColumns) = try db.inspect { db in
            (
                try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"),
                try db.columns(in: "feed").map(\.name),
                try db.columns(in: "feedState").map(\.name)
            )
        }
        #expect(tables.isSuperset(of: ["feed", "feedState", "inputLedger", "article"]))
        #expect(feedColumns == ["name", "url", "intervalSecs", "fetchFullContent", "allowPrivateNetworks", "origin", "addedAt"])
        #expect(stateColumns == [
            "name", "url", "etag", "lastModified", "health", "lastSuccessAt", "lastAttemptAt", "lastStatus",
            "lastError", "lastErrorAt", "consecutiveErrors", "nextPollAt", "warnings", "redirectCandidate",
            "redirectCount", "configuredURL", "ttlMinutes", "updateIntervalSecs",
        ])
    }

    @Test("adds, lists and removes feeds", arguments: Backend.all)
    func addListRemove(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        #expect(try store.addedFeeds() == [])
        let harbour = FeedDefinition(
            name: "harbour", url: "https://harbour.example/feed.xml", intervalSecs: 600, fetchFullContent: true,
            allowPrivateNetworks: true, origin: .cli)
        let tides = FeedDefinition(name: "tides", url: "https://tides.example/atom", origin: .cli)
        try store.addFeed(tides)
        try store.addFeed(harbour)
        #expect(try store.addedFeeds() == [harbour, tides], "every field round-trips, listed by name")
        let addedAt = try db.query("SELECT addedAt FROM feed WHERE name = 'harbour'").first?.flatMap { Double($0) }
        #expect(addedAt == db.clock.now.timeIntervalSince1970)

        var state = FeedState(name: "harbour", url: harbour.url)
        state.consecutiveErrors = 2
        try store.saveFeedState(state)
        #expect(try store.removeFeed(named: "harbour"))
        #expect(try store.removeFeed(named: "harbour") == false)
        #expect(try store.removeFeed(named: "never-added") == false)
        #expect(try store.addedFeeds() == [tides])
        #expect(try store.feedStates()["harbour"] == nil, "removing a feed removes its state")
        // The name is free again.
        try store.addFeed(harbour)
        #expect(try store.addedFeeds().count == 2)
    }

    @Test("refuses a taken name or URL, saying which", arguments: Backend.all)
    func refusesDuplicates(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        try store.addFeed(FeedDefinition(name: "harbour", url: "https://harbour.example/feed.xml", origin: .cli))

        let byName = #expect(throws: DuplicateFeedError.self) {
            try store.addFeed(FeedDefinition(name: "harbour", url: "https://other.example/feed", origin: .cli))
        }
        #expect(byName == DuplicateFeedError(field: .name, value: "harbour", existingFeed: "harbour"))
        #expect(byName?.description == "a feed named 'harbour' already exists")

        let byURL = #expect(throws: DuplicateFeedError.self) {
            try store.addFeed(FeedDefinition(name: "copy", url: "https://harbour.example/feed.xml", origin: .cli))
        }
        #expect(byURL?.field == .url)
        #expect(byURL?.description == "feed 'harbour' already has the URL https://harbour.example/feed.xml")
        #expect(try store.addedFeeds().map(\.name) == ["harbour"], "nothing half-added")
    }

    @Test("the schema refuses rows the model could never produce")
    func constraints() throws {
        let db = try TestDatabase()
        _ = try db.open()
        let bad = [
            "INSERT INTO feed VALUES ('a', 'ftp://x/', 900, 0, 0, 'cli', 0)",
            "INSERT INTO feed VALUES ('a', 'https://x/', 0, 0, 0, 'cli', 0)",
            "INSERT INTO feed VALUES ('a', 'https://x/', 900, 2, 0, 'cli', 0)",
            "INSERT INTO feed VALUES ('a', 'https://x/', 900, 0, 0, 'opml', 0)",
            "INSERT INTO feed VALUES ('', 'https://x/', 900, 0, 0, 'cli', 0)",
            "INSERT INTO feedState (name, url, health) VALUES ('a', 'https://x/', 'sick')",
            "INSERT INTO feedState (name, url, warnings) VALUES ('a', 'https://x/', '{}')",
            "INSERT INTO feedState (name, url, consecutiveErrors) VALUES ('a', 'https://x/', -1)",
        ]
        for sql in bad {
            #expect(throws: DatabaseError.self, "\(sql)") { try db.write { db in try db.execute(sql: sql) } }
        }
    }

    @Test("a feed state round-trips, nil fields and warnings included", arguments: Backend.all)
    func stateRoundTrip(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        let bare = FeedState(name: "bare", url: "https://bare.example/rss")
        try store.saveFeedState(bare)
        #expect(try store.feedStates() == ["bare": bare])

        var full = FeedState(name: "full", url: "https://full.example/feed")
        full.etag = #"W/"abc""#
        full.lastModified = "Sun, 01 Mar 2026 08:30:00 GMT"
        full.health = .backingOff
        full.lastSuccessAt = Date(timeIntervalSince1970: 1_772_000_000.25)
        full.lastAttemptAt = Date(timeIntervalSince1970: 1_772_000_900.5)
        full.lastStatus = 429
        full.lastError = "HTTP 429 Too Many Requests"
        full.lastErrorAt = Date(timeIntervalSince1970: 1_772_000_900.5)
        full.consecutiveErrors = 3
        full.nextPollAt = Date(timeIntervalSince1970: 1_772_004_500.125)
        full.warnings = ["recovered: unescaped '&' on line 3", "entité \"HTML\" inconnue\n"]
        full.redirectCandidate = "https://full.example/new-feed"
        full.redirectCount = 1
        full.configuredURL = "https://full.example/old-feed"
        full.ttlMinutes = 30
        full.updateIntervalSecs = 3600
        try store.saveFeedState(full)
        #expect(try store.feedStates() == ["bare": bare, "full": full])

        // Saving again replaces every field, back to nil where the new state has none.
        var cleared = full
        cleared.etag = nil
        cleared.health = .failing
        cleared.lastStatus = nil
        cleared.warnings = []
        cleared.redirectCandidate = nil
        cleared.redirectCount = 0
        cleared.nextPollAt = nil
        cleared.ttlMinutes = nil
        try store.saveFeedState(cleared)
        let reopened = try db.open()
        #expect(try reopened.feedStates()["full"] == cleared)
        #expect(try reopened.feedStates().count == 2)
    }

    @Test("ingestedKeys finds committed keys only, across chunks", arguments: Backend.all)
    func ingestedKeys(backend: Backend) throws {
        let db = try TestDatabase(backend)
        let store = try db.open()
        // 1,200 committed keys: more than two chunks of bound variables.
        let committed = (0..<1_200).map { "feed:harbour:item-\($0)" }
        for start in stride(from: 0, to: committed.count, by: 300) {
            _ = try store.commit(committed[start..<start + 300].map { makeEntry(key: $0, ["text of \($0)"]) })
        }
        let failed = (0..<50).map { "feed:harbour:broken-\($0)" }
        for key in failed {
            try store.recordFailure(
                ledgerKey: key, source: "harbour", location: "https://harbour.example/\(key)",
                failure: IngestFailure(stage: "decode", reason: "not a document"))
        }
        let unknown = (0..<800).map { "feed:harbour:new-\($0)" }

        #expect(try store.ingestedKeys(among: []) == [])
        #expect(try store.ingestedKeys(among: unknown) == [])
        #expect(try store.ingestedKeys(among: failed) == [], "a failed input is not ingested")
        let mixed = (committed + failed + unknown).shuffled() + committed.prefix(10)
        let started = Date()
        let found = try store.ingestedKeys(among: mixed)
        let elapsed = Date().timeIntervalSince(started)
        #expect(found == Set(committed))
        #expect(elapsed < 1, "2,000 keys looked up in \(elapsed) s")

        // A failure that later succeeds counts as ingested.
        _ = try store.commit([makeEntry(key: failed[0], ["finally"])])
        #expect(try store.ingestedKeys(among: [failed[0], failed[1]]) == [failed[0]])
    }
}
