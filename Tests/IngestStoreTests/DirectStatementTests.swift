import Foundation
import GRDB
import GRDBSQLite
@testable import IngestStore
import Testing

/// The commit's statements bind and step through SQLite's C API: values must land as GRDB stored them, and
/// errors must come out as GRDB's.
@Suite("store: statements run through SQLite's C API")
struct DirectStatementTests {
    static func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, n INTEGER, d REAL, b BLOB, u TEXT UNIQUE)")
        }
        return queue
    }

    static let insert = "INSERT INTO t (s, n, d, b, u) VALUES (?, ?, ?, ?, ?)"

    @Test("text (empty, non-ASCII, absent), integers, reals and blobs are stored as they are")
    func values() throws {
        let queue = try Self.database()
        try queue.write { db in
            for (s, n, d, b, u) in [
                ("", Int64(0), 0.0, Data([0]), "a"), ("café ✓ 漢字", Int64.max, -1.5e300, Data([1, 2, 3]), "b"),
                (nil, nil, nil, Data([7]), nil),
            ] as [(String?, Int64?, Double?, Data, String?)] {
                var statement = try DirectStatement(db, Self.insert)
                statement.bind(s)
                statement.bind(n)
                statement.bind(d)
                statement.bind(b)
                statement.bind(u)
                try statement.execute()
            }
            let rows = try Row.fetchAll(db, sql: "SELECT s, n, d, b, u, typeof(s) AS ts FROM t ORDER BY id")
            #expect(rows.count == 3)
            #expect(rows[0]["s"] as String? == "" && rows[0]["ts"] as String == "text")
            #expect(rows[1]["s"] as String? == "café ✓ 漢字" && rows[1]["n"] as Int64? == Int64.max)
            #expect(rows[1]["d"] as Double? == -1.5e300 && rows[1]["b"] as Data? == Data([1, 2, 3]))
            #expect(rows[2]["ts"] as String == "null" && rows[2]["n"] as Int64? == nil && rows[2]["d"] as Double? == nil)
        }
    }

    @Test("a failing step throws GRDB's error with SQLite's code, and the statement runs again afterwards")
    func errors() throws {
        let queue = try Self.database()
        try queue.write { db in
            func insert(_ u: String) throws {
                var statement = try DirectStatement(db, Self.insert)
                statement.bind("x")
                statement.bind(Int64(1))
                statement.bind(1.0)
                statement.bind(Data([1]))
                statement.bind(u)
                try statement.execute()
            }
            try insert("same")
            do {
                try insert("same")
                Issue.record("a duplicate unique value was inserted")
            } catch let error as DatabaseError {
                #expect(error.resultCode == .SQLITE_CONSTRAINT)
                #expect(error.message?.contains("UNIQUE") == true)
            }
            try insert("other")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == 2)
        }
    }

    @Test("a value over SQLite's length limit is refused with SQLITE_TOOBIG, not stored as NULL")
    func tooBig() throws {
        let queue = try Self.database()
        try queue.write { db in
            sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, 1_000)
            for big in [true, false] {
                var statement = try DirectStatement(db, Self.insert)
                statement.bind(big ? String(repeating: "x", count: 2_000) : "short")
                statement.bind(Int64(1))
                statement.bind(1.0)
                statement.bind(big ? Data(count: 2_000) : Data([1]))
                statement.bind("u\(big)")
                if big {
                    #expect(throws: DatabaseError.self) { try statement.execute() }
                } else {
                    try statement.execute()
                }
            }
            #expect(try String.fetchAll(db, sql: "SELECT s FROM t") == ["short"])
        }
    }

    @Test("a one-value query: the value, nil for NULL and for no row")
    func oneValue() throws {
        let queue = try Self.database()
        try queue.write { db in
            try db.execute(sql: "INSERT INTO t (s, n) VALUES ('k', 42), ('j', NULL)")
            for (key, expected) in [("k", Int64(42)), ("j", nil), ("absent", nil)] as [(String, Int64?)] {
                var statement = try DirectStatement(db, "SELECT n FROM t WHERE s = ?")
                statement.bind(key)
                #expect(try statement.int64() == expected)
            }
        }
    }
}
