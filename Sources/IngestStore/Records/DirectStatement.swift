import Foundation
import GRDB
import GRDBSQLite

/// Runs one of the commit's statements (five or six per document) on GRDB's prepared statement, but binds
/// and steps it through SQLite's C API.
///
/// Why: through `Statement.execute(arguments:)` each value became a `DatabaseValue` in an array of
/// existentials, was checked against the statement's parameters and bound from there, and the statement
/// went through GRDB's observation hooks. That was 3.3 % of the daemon's CPU in a burst, beside SQLite's
/// own work. Nothing observes this store's statements (no `ValueObservation`, no transaction observer), so
/// the hooks have nothing to do; GRDB still prepares, caches and finalizes the statement, and still owns
/// the transaction around it.
struct DirectStatement {
    private let statement: OpaquePointer
    private let sql: String
    private let connection: OpaquePointer
    private var index: Int32 = 1

    /// The statement `sql` from the connection's cache, ready to bind from its first parameter.
    init(_ db: Database, _ sql: String) throws {
        let prepared = try db.cachedStatement(sql: sql)
        statement = prepared.sqliteStatement
        connection = db.sqliteConnection!
        self.sql = sql
        // GRDB resets a statement before it runs it; one run here may follow one of GRDB's.
        sqlite3_reset(statement)
    }

    /// SQLite copies bound text and blobs (`SQLITE_TRANSIENT`): the Swift values live only for the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    mutating func bind(_ value: String?) {
        defer { index += 1 }
        guard var value else {
            sqlite3_bind_null(statement, index)
            return
        }
        // Bound with its length, not up to a NUL as GRDB's binding of a String does.
        value.withUTF8 { text in
            guard let base = text.baseAddress, !text.isEmpty else {
                sqlite3_bind_text(statement, index, "", 0, Self.transient)
                return
            }
            sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(text.count), Self.transient)
        }
    }

    mutating func bind(_ value: Int64?) {
        defer { index += 1 }
        guard let value else {
            sqlite3_bind_null(statement, index)
            return
        }
        sqlite3_bind_int64(statement, index, value)
    }

    mutating func bind(_ value: Int) { bind(Int64(value)) }

    mutating func bind(_ value: Double?) {
        defer { index += 1 }
        guard let value else {
            sqlite3_bind_null(statement, index)
            return
        }
        sqlite3_bind_double(statement, index, value)
    }

    mutating func bind(_ value: Data) {
        defer { index += 1 }
        // As GRDB binds `Data`: an empty one without storage binds NULL.
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    /// Runs the statement to its end (an INSERT or UPDATE): throws SQLite's error as GRDB would, so the
    /// store reports it the same way (a full disk, a busy file).
    func execute() throws {
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            let message = String(cString: sqlite3_errmsg(connection))
            sqlite3_reset(statement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
        sqlite3_reset(statement)
    }

    /// Runs a query of one row and one integer column: its value, nil for no row or NULL.
    func int64() throws -> Int64? {
        let code = sqlite3_step(statement)
        defer { sqlite3_reset(statement) }
        switch code {
        case SQLITE_ROW:
            return sqlite3_column_type(statement, 0) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, 0)
        case SQLITE_DONE:
            return nil
        default:
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
    }
}
