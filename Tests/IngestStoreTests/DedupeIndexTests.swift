import Foundation
import GRDB
import IngestCore
import Testing

@testable import IngestStore

@Suite("dedupe fingerprints in the store")
struct DedupeIndexTests {
    func fingerprint(cluster: String, text: String? = "t1", url: String? = nil, bands: [Int64] = [1, 2, 3]) -> ArticleFingerprint {
        ArticleFingerprint(
            textHash: text, canonicalURL: url, itemId: nil, minhash: [7, 8, 9], bands: bands, shingles: 40, clusterId: cluster)
    }

    func entry(_ key: String, text: String, cluster: String, fingerprint: ArticleFingerprint?, dropped: Bool = false) -> CommitEntry {
        var article = makeArticle(text, source: "inbox", ledgerKey: key)
        article.clusterId = cluster
        article.fingerprint = fingerprint
        let drop = dropped ? ArticleOutcome.Drop(stage: "dedupe", reason: "duplicate") : nil
        return CommitEntry(
            ledgerKey: key, source: "inbox", location: "/inbox/\(key)", raw: nil, format: .text,
            outcomes: [ArticleOutcome(article: article, drop: drop, queue: "default")])
    }

    @Test("an original's fingerprint is stored with it and found by each key, within the window", arguments: Backend.all)
    func storesAndFinds(backend: Backend) throws {
        let database = try TestDatabase(backend)
        let store = try database.open()
        let results = try store.commit([entry("a", text: "original", cluster: "c1", fingerprint: fingerprint(cluster: "c1", url: "example.org/x"))])
        let id = try #require(results.first?.articleIds.first)
        let old = database.clock.now.addingTimeInterval(-3600)
        for probe in [
            try store.candidates(textHash: "t1", canonicalURL: nil, itemId: nil, bands: [], since: old),
            try store.candidates(textHash: nil, canonicalURL: "example.org/x", itemId: nil, bands: [], since: old),
            try store.candidates(textHash: nil, canonicalURL: nil, itemId: nil, bands: [9, 3], since: old),
        ] {
            #expect(probe.map(\.articleId) == [id])
            #expect(probe.first?.fingerprint.minhash == [7, 8, 9])
            #expect(probe.first?.fingerprint.clusterId == "c1")
        }
        #expect(try store.candidates(textHash: "other", canonicalURL: nil, itemId: nil, bands: [4], since: old).isEmpty)
        #expect(try store.candidates(textHash: "t1", canonicalURL: nil, itemId: nil, bands: [], since: database.clock.now.addingTimeInterval(60)).isEmpty,
                "outside the window")
        #expect(try store.pruneFingerprints(before: database.clock.now.addingTimeInterval(60)) == 1)
        #expect(try store.candidates(textHash: "t1", canonicalURL: nil, itemId: nil, bands: [1], since: old).isEmpty)
    }

    @Test("a copy points at its original, whichever of the two commits first", arguments: Backend.all)
    func resolvesDuplicateOf(backend: Backend) throws {
        let store = try TestDatabase(backend).open()
        // Copy first (its original was still in flight), then the original, then a later copy.
        let early = try store.commit([entry("copy1", text: "copy", cluster: "c9", fingerprint: nil, dropped: true)])
        let original = try store.commit([entry("orig", text: "original", cluster: "c9", fingerprint: fingerprint(cluster: "c9"))])
        let late = try store.commit([entry("copy2", text: "copy", cluster: "c9", fingerprint: nil, dropped: true)])
        let originalId = try #require(original.first?.articleIds.first)
        for result in [early, late] {
            let id = try #require(result.first?.articleIds.first)
            #expect(try store.article(id: id)?.article.duplicateOf == originalId)
        }
        #expect(try store.article(id: originalId)?.article.duplicateOf == nil)
        #expect(try store.cluster(of: originalId).map { $0.article.id } == [early[0].articleIds[0], originalId, late[0].articleIds[0]])
    }

    @Test("a dropped article's fingerprint is not stored: it founds no cluster", arguments: Backend.all)
    func droppedNotIndexed(backend: Backend) throws {
        let store = try TestDatabase(backend).open()
        _ = try store.commit([entry("x", text: "dropped later", cluster: "c2", fingerprint: fingerprint(cluster: "c2"), dropped: true)])
        #expect(try store.candidates(textHash: "t1", canonicalURL: nil, itemId: nil, bands: [], since: .distantPast).isEmpty)
    }

    /// Two stores on one SQLite file, as two processes would have: one reads what the other commits.
    func twoStoresOnOneFile() throws -> (TestDatabase, SQLiteStore, SQLiteStore) {
        let database = try TestDatabase()
        return (database, try database.openSQLite(), try database.openSQLite())
    }

    /// The band keys are looked up in memory (``FingerprintKeyIndex``), caught up from the table before each lookup.
    @Test("band keys committed by another store on the same file are found; a prune forgets them")
    func bandsFromAnotherStore() throws {
        let (database, reader, writer) = try twoStoresOnOneFile()
        let old = database.clock.now.addingTimeInterval(-3600)
        #expect(try reader.candidates(textHash: nil, canonicalURL: nil, itemId: nil, bands: [11], since: old).isEmpty)
        let first = try writer.commit([entry("a", text: "one", cluster: "c1", fingerprint: fingerprint(cluster: "c1", text: nil, bands: [11, 12]))])
        let second = try writer.commit([entry("b", text: "two", cluster: "c2", fingerprint: fingerprint(cluster: "c2", text: nil, bands: [12, 13]))])
        let ids = [first[0].articleIds[0], second[0].articleIds[0]]
        #expect(try reader.candidates(textHash: nil, canonicalURL: nil, itemId: nil, bands: [11], since: old).map(\.articleId) == [ids[0]])
        #expect(try reader.candidates(textHash: nil, canonicalURL: nil, itemId: nil, bands: [12], since: old).map(\.articleId) == ids,
                "a key shared by two articles finds both")
        #expect(try reader.candidates(textHash: nil, canonicalURL: nil, itemId: nil, bands: [14, 13], since: old).map(\.articleId) == [ids[1]])
        #expect(try reader.pruneFingerprints(before: database.clock.now.addingTimeInterval(60)) == 2)
        #expect(try reader.candidates(textHash: nil, canonicalURL: nil, itemId: nil, bands: [12], since: old).isEmpty)
        let third = try writer.commit([entry("c", text: "three", cluster: "c3", fingerprint: fingerprint(cluster: "c3", text: nil, bands: [12]))])
        #expect(try reader.candidates(textHash: nil, canonicalURL: nil, itemId: nil, bands: [12], since: old).map(\.articleId) == third[0].articleIds)
    }

    /// A store adds what it commits to its key index itself, and reads back only what others committed: a
    /// fingerprint another store commits between two of this store's commits is still found.
    @Test("a store's own commits reach its key index without a read; others' between them are read")
    func ownCommitsAbsorbed() throws {
        let (database, one, other) = try twoStoresOnOneFile()
        let old = database.clock.now.addingTimeInterval(-3600)
        let first = try one.commit([entry("a", text: "one", cluster: "c1", fingerprint: fingerprint(cluster: "c1", text: "h1", bands: [21, 22]))])
        #expect(one.keyIndex.through == first[0].articleIds[0], "absorbed at the commit")
        let between = try other.commit([entry("b", text: "two", cluster: "c2", fingerprint: fingerprint(cluster: "c2", text: "h2", bands: [22, 23]))])
        let third = try one.commit([entry("c", text: "three", cluster: "c3", fingerprint: fingerprint(cluster: "c3", text: "h1", bands: [23]))])
        #expect(one.keyIndex.through == first[0].articleIds[0], "not absorbed past a row it has not read")
        let ids = [first[0].articleIds[0], between[0].articleIds[0], third[0].articleIds[0]]
        #expect(try one.candidates(textHash: nil, canonicalURL: nil, itemId: nil, bands: [22], since: old).map(\.articleId) == [ids[0], ids[1]])
        #expect(try one.candidates(textHash: nil, canonicalURL: nil, itemId: nil, bands: [23], since: old).map(\.articleId) == [ids[1], ids[2]])
        #expect(try one.candidates(textHash: "h1", canonicalURL: nil, itemId: nil, bands: [], since: old).map(\.articleId) == [ids[0], ids[2]])
        #expect(one.keyIndex.through == ids[2])
        let fourth = try one.commit([entry("d", text: "four", cluster: "c4", fingerprint: fingerprint(cluster: "c4", text: "h4", bands: [24]))])
        #expect(one.keyIndex.through == fourth[0].articleIds[0])
        #expect(try one.candidates(textHash: "h4", canonicalURL: nil, itemId: nil, bands: [21, 24], since: old).map(\.articleId) == [ids[0], fourth[0].articleIds[0]])
    }

    /// Text hashes are looked up in memory (``FingerprintKeyIndex``), not through an index of the column: a hash
    /// committed by another store, on a fingerprint without band keys (a short text), is found, every
    /// article with it is, and one forgotten by a prune is not.
    @Test("text hashes committed by another store are found without band keys; a prune forgets them")
    func textHashesFromAnotherStore() throws {
        let (database, reader, writer) = try twoStoresOnOneFile()
        let old = database.clock.now.addingTimeInterval(-3600)
        let hash = String(repeating: "ab", count: 32)
        #expect(try reader.candidates(textHash: hash, canonicalURL: nil, itemId: nil, bands: [], since: old).isEmpty)
        let first = try writer.commit([entry("a", text: "one", cluster: "c1", fingerprint: fingerprint(cluster: "c1", text: hash, bands: []))])
        let other = try writer.commit([entry("b", text: "two", cluster: "c2", fingerprint: fingerprint(cluster: "c2", text: "cd", bands: []))])
        let again = try writer.commit([entry("c", text: "one", cluster: "c3", fingerprint: fingerprint(cluster: "c3", text: hash, bands: []))])
        let found = try reader.candidates(textHash: hash, canonicalURL: nil, itemId: nil, bands: [], since: old)
        #expect(found.map(\.articleId) == [first[0].articleIds[0], again[0].articleIds[0]])
        #expect(found.allSatisfy { $0.fingerprint.textHash == hash })
        #expect(try reader.candidates(textHash: "cd", canonicalURL: nil, itemId: nil, bands: [], since: old).map(\.articleId) == other[0].articleIds)
        #expect(try reader.candidates(textHash: "ef", canonicalURL: nil, itemId: nil, bands: [], since: old).isEmpty)
        #expect(try reader.pruneFingerprints(before: database.clock.now.addingTimeInterval(60)) == 3)
        #expect(try reader.candidates(textHash: hash, canonicalURL: nil, itemId: nil, bands: [], since: old).isEmpty)
    }

    @Test("migration v8 carries band keys over from dedupeBand into their fingerprints")
    func bandsMigrated() throws {
        let database = try TestDatabase()
        let queue = try database.migrated(upTo: StoreMigrations.v7)
        try queue.write { db in
            for id in [1, 2] {
                try db.execute(sql: """
                    INSERT INTO article (status, title, text, source, originKind, location, receivedAt, format, contentHash, committedAt)
                    VALUES ('queued', 'T', 'text', 'inbox', 'folder', '/inbox/x', 0, 'text', ?, 0)
                    """, arguments: [String(repeating: "a", count: 64)])
                try db.execute(sql: """
                    INSERT INTO dedupeFingerprint (articleId, clusterId, minhash, shingles, committedAt) VALUES (?, ?, x'0700', 40, ?)
                    """, arguments: [id, "c\(id)", database.clock.now.timeIntervalSince1970])
            }
            for (band, id) in [(Int64(-5), 1), (Int64.max, 1), (77, 2)] {
                try db.execute(sql: "INSERT INTO dedupeBand (band, articleId) VALUES (?, ?)", arguments: [band, id])
            }
        }
        try queue.close()
        let store = try database.openSQLite()
        let old = database.clock.now.addingTimeInterval(-3600)
        #expect(try store.candidates(textHash: nil, canonicalURL: nil, itemId: nil, bands: [Int64.max], since: old).map(\.articleId) == [1])
        #expect(try store.candidates(textHash: nil, canonicalURL: nil, itemId: nil, bands: [-5, 77], since: old).map(\.articleId) == [1, 2])
        #expect(try store.candidates(textHash: nil, canonicalURL: nil, itemId: nil, bands: [78], since: old).isEmpty)
    }
}
