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

    /// The first binding SQLite refused (a value over its length limit), thrown by the run: a refused
    /// value would otherwise be left NULL and the row written without it.
    private var bindingFailure: Int32 = SQLITE_OK

    /// Binds the next parameter: `bind` with the value, or NULL for nil.
    private mutating func next<T>(_ value: T?, _ bind: (OpaquePointer, Int32, T) -> Int32) {
        let code = value.map { bind(statement, index, $0) } ?? sqlite3_bind_null(statement, index)
        if code != SQLITE_OK && bindingFailure == SQLITE_OK { bindingFailure = code }
        index += 1
    }

    mutating func bind(_ value: String?) {
        // Bound with its length, not up to a NUL as GRDB's binding of a String does. 64-bit lengths: SQLite
        // refuses an over-long text (SQLITE_TOOBIG) rather than the length wrapping.
        next(value) { statement, index, value in
            var value = value
            return value.withUTF8 { text in
                // An empty text still binds "", not NULL.
                guard let base = text.baseAddress, !text.isEmpty else {
                    return sqlite3_bind_text(statement, index, "", 0, Self.transient)
                }
                let bytes = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
                return sqlite3_bind_text64(statement, index, bytes, UInt64(text.count), Self.transient, UInt8(SQLITE_UTF8))
            }
        }
    }

    mutating func bind(_ value: Int64?) { next(value, sqlite3_bind_int64) }

    mutating func bind(_ value: Int) { bind(Int64(value)) }

    mutating func bind(_ value: Double?) { next(value, sqlite3_bind_double) }

    mutating func bind(_ value: Data) {
        // As GRDB binds `Data`: an empty one without storage binds NULL.
        next(value) { statement, index, value in
            value.withUnsafeBytes { bytes in
                sqlite3_bind_blob64(statement, index, bytes.baseAddress, UInt64(bytes.count), Self.transient)
            }
        }
    }

    /// Runs the statement to its end (an INSERT or UPDATE): throws SQLite's error as GRDB would, so the
    /// store reports it the same way (a full disk, a busy file).
    func execute() throws {
        guard bindingFailure == SQLITE_OK else { throw failure(bindingFailure) }
        let code = sqlite3_step(statement)
        defer { sqlite3_reset(statement) }
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw failure(code) }
    }

    /// Runs a query of one row and one integer column: its value, nil for no row or NULL.
    func int64() throws -> Int64? {
        guard bindingFailure == SQLITE_OK else { throw failure(bindingFailure) }
        let code = sqlite3_step(statement)
        defer { sqlite3_reset(statement) }
        switch code {
        case SQLITE_ROW:
            return sqlite3_column_type(statement, 0) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, 0)
        case SQLITE_DONE:
            return nil
        default:
            throw failure(code)
        }
    }

    /// SQLite's error as GRDB reports it; read before the statement is reset, which may change the message.
    private func failure(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }
}
