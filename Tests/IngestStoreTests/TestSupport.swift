import CZlib
import Foundation
import GRDB
import IngestCore
@testable import IngestStore
import Synchronization
import Testing

/// The backends the store tests run against. PostgreSQL joins when `INGESTD_TEST_POSTGRES_URL` names a
/// server (`make test` starts one with scripts/pg_test_server.sh); with `INGESTD_REQUIRE_POSTGRES=1` a
/// missing server fails the tests instead of leaving PostgreSQL untested.
enum Backend: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var all: [Backend] {
        let environment = ProcessInfo.processInfo.environment
        let url = environment["INGESTD_TEST_POSTGRES_URL"] ?? ""
        return url.isEmpty && environment["INGESTD_REQUIRE_POSTGRES"] != "1" ? [.sqlite] : [.sqlite, .postgres]
    }

    var testDescription: String { rawValue }
}

/// A fresh, empty database: a SQLite file in its own temporary folder, or a PostgreSQL schema of its own
/// (the store connects with that schema as its search path). Removed when the value goes away.
final class TestDatabase: Sendable {
    let backend: Backend
    let folder: String
    let path: String
    /// The PostgreSQL URL with the test's own schema; empty for SQLite.
    let url: String
    private let schema: String
    private let serverURL: String
    let clock = TestClock()

    init(_ backend: Backend = .sqlite) throws {
        self.backend = backend
        folder = FileManager.default.temporaryDirectory.path + "/ingestd-store-test-" + UUID().uuidString
        path = folder + "/state/ingestd.db"
        guard backend == .postgres else {
            url = ""
            schema = ""
            serverURL = ""
            return
        }
        serverURL = ProcessInfo.processInfo.environment["INGESTD_TEST_POSTGRES_URL"] ?? ""
        guard !serverURL.isEmpty else {
            throw StoreError(
                operation: "test", message: "INGESTD_REQUIRE_POSTGRES is set but INGESTD_TEST_POSTGRES_URL is not",
                retryable: false)
        }
        _ = Self.oldSchemasDropped
        schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try PGConnection(url: serverURL).run("CREATE SCHEMA \(schema)", operation: "test")
        url = serverURL + (serverURL.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }

    // A test's schema is not dropped when the value goes away: Swift may release it right after its last
    // use, while the store still works in the schema. Earlier runs' schemas go at the first PostgreSQL test
    // of a run instead (a global's initializer runs once, and other tests wait for it).
    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private static let oldSchemasDropped: Bool = {
        guard let url = ProcessInfo.processInfo.environment["INGESTD_TEST_POSTGRES_URL"], !url.isEmpty,
            let connection = try? PGConnection(url: url)
        else { return false }
        let schemas = (try? connection.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'", [], operation: "test").strings()) ?? []
        for schema in schemas { try? connection.run("DROP SCHEMA \(schema) CASCADE", operation: "test") }
        return true
    }()

    /// A connection of its own on this (SQLite) database, migrated up to the named step only: for tests of
    /// what a later migration does to what an earlier schema held.
    func migrated(upTo step: String) throws -> DatabaseQueue {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try StoreMigrations.migrate(queue, upTo: step)
        return queue
    }

    /// A store on this database whose clock is ``clock``; several may be open on it at once.
    func open(
        maxAttempts: Int = 5, retryBackoffSecs: Int = 30, leaseSecs: Int = 300, keepRaw: Bool = true,
        createIfMissing: Bool = true
    ) throws(StoreError) -> any StoreBackend {
        switch backend {
        case .sqlite:
            return try openSQLite(
                maxAttempts: maxAttempts, retryBackoffSecs: retryBackoffSecs, leaseSecs: leaseSecs, keepRaw: keepRaw,
                createIfMissing: createIfMissing)
        case .postgres:
            let clock = self.clock
            return try PostgresStore(
                url: url, queue: Self.queue(maxAttempts, retryBackoffSecs, leaseSecs), keepRaw: keepRaw,
                clock: { clock.now })
        }
    }

    /// A store on this database with the real clock, as a process of its own would open it.
    func openWithRealClock(queue: QueueConfiguration = .init()) throws(StoreError) -> any StoreBackend {
        switch backend {
        case .sqlite: try SQLiteStore(path: path, queue: queue)
        case .postgres: try PostgresStore(url: url, queue: queue)
        }
    }

    /// The SQLite store itself, for tests of what only SQLite has (its file, its migrations).
    func openSQLite(
        maxAttempts: Int = 5, retryBackoffSecs: Int = 30, leaseSecs: Int = 300, keepRaw: Bool = true,
        createIfMissing: Bool = true
    ) throws(StoreError) -> SQLiteStore {
        let clock = self.clock
        return try SQLiteStore(
            path: path, queue: Self.queue(maxAttempts, retryBackoffSecs, leaseSecs), keepRaw: keepRaw,
            createIfMissing: createIfMissing, clock: { clock.now })
    }

    private static func queue(_ maxAttempts: Int, _ retryBackoffSecs: Int, _ leaseSecs: Int) -> QueueConfiguration {
        var queue = QueueConfiguration()
        queue.maxAttempts = maxAttempts
        queue.retryBackoffSecs = retryBackoffSecs
        queue.leaseSecs = leaseSecs
        return queue
    }

    /// Runs SQL on the database the way a consumer would and returns the first column of every row as
    /// text, whichever the backend (tests look at stored rows with it).
    func query(_ sql: String) throws -> [String?] {
        switch backend {
        case .sqlite:
            return try inspect { db in try String?.fetchAll(db, sql: sql) }
        case .postgres:
            let rows = try PGConnection(url: url).execute(sql, [], operation: "test")
            return (0..<rows.count).map { rows.string($0, at: 0) }
        }
    }

    /// A plain GRDB connection to the SQLite file, to look at what the store wrote.
    func inspect<T>(_ body: (Database) throws -> T) throws -> T {
        let queue = try DatabaseQueue(path: path)
        return try queue.read(body)
    }

    func write(_ body: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write(body)
    }
}

/// A clock tests move by hand, so lease expiry and backoff need no sleeping.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_750_000_000))

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: Double) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// An article with the fields tests look at; times are exactly representable so they round-trip.
func makeArticle(
    _ text: String, title: String? = nil, source: String = "inbox", location: String = "/inbox/a.txt",
    ledgerKey: String? = nil
) -> Article {
    Article(
        text: text, title: title,
        origin: Origin(
            source: source, kind: .folder, location: location, receivedAt: Date(timeIntervalSince1970: 1_700_000_000.5),
            ledgerKey: ledgerKey),
        format: .text)
}

/// An entry of enqueued articles, one per text.
func makeEntry(
    key: String?, _ texts: [String], queue: String = "default", source: String = "inbox", raw: [UInt8]? = nil
) -> CommitEntry {
    CommitEntry(
        ledgerKey: key, source: source, location: "/inbox/\(key ?? "none")", raw: raw, format: .text,
        outcomes: texts.map { ArticleOutcome(article: makeArticle($0, source: source, ledgerKey: key), queue: queue) })
}

/// Commits `count` single-article entries to `queue` and returns the queue ids, oldest first.
@discardableResult
func enqueue(_ store: any StoreBackend, count: Int, queue: String = "default") throws -> [Int64] {
    let entries = (0..<count).map { makeEntry(key: "\(queue)-\(UUID().uuidString)", ["article \($0)"], queue: queue) }
    _ = try store.commit(entries)
    return try store.peek(queue: queue, state: nil, limit: count + 1000).map(\.id)
}

/// `bytes` in zlib's format, as raw inputs were stored before LZ4 (zlib's own one-call API).
func zlibCompressed(_ bytes: [UInt8]) -> [UInt8] {
    var capacity = compressBound(uLong(bytes.count))
    var out = [UInt8](repeating: 0, count: Int(capacity))
    let status = compress2(&out, &capacity, bytes, uLong(bytes.count), Z_BEST_SPEED)
    precondition(status == Z_OK, "compress2: \(status)")
    out.removeLast(out.count - Int(capacity))
    return out
}
