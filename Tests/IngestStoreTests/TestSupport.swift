import Foundation
import GRDB
import IngestCore
@testable import IngestStore
import Synchronization

/// A fresh database file in its own temporary folder, removed when the value goes away.
final class TestDatabase: Sendable {
    let folder: String
    let path: String
    let clock = TestClock()

    init() throws {
        folder = FileManager.default.temporaryDirectory.path + "/ingestd-store-test-" + UUID().uuidString
        path = folder + "/state/ingestd.db"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A store on the file whose clock is ``clock``; several may be open on the same file.
    func open(
        maxAttempts: Int = 5, retryBackoffSecs: Int = 30, leaseSecs: Int = 300, keepRaw: Bool = true,
        createIfMissing: Bool = true
    ) throws(StoreError) -> SQLiteStore {
        var queue = QueueConfiguration()
        queue.maxAttempts = maxAttempts
        queue.retryBackoffSecs = retryBackoffSecs
        queue.leaseSecs = leaseSecs
        let clock = self.clock
        return try SQLiteStore(
            path: path, queue: queue, keepRaw: keepRaw, createIfMissing: createIfMissing, clock: { clock.now })
    }

    /// A plain GRDB connection to the file, to look at what the store wrote.
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
func enqueue(_ store: SQLiteStore, count: Int, queue: String = "default") throws -> [Int64] {
    let entries = (0..<count).map { makeEntry(key: "\(queue)-\(UUID().uuidString)", ["article \($0)"], queue: queue) }
    _ = try store.commit(entries)
    return try store.peek(queue: queue, state: nil, limit: count + 1000).map(\.id)
}
