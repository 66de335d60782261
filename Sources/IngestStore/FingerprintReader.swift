import Foundation
import GRDBSQLite
import IngestCore
import Synchronization

/// Dedupe's lookups, on read-only SQLite connections of their own, through SQLite's C API.
///
/// Every article the pipeline sees asks for its candidates once, from a pipeline worker. Through GRDB's
/// pool each lookup checked out a reader, crossed two dispatch queues and resolved generic row types at
/// run time: about half of what a lookup cost, twice the SQL itself. Here a lookup takes an idle
/// connection (or opens one: there are as many as lookups run at once, the pipeline's workers), runs its
/// prepared statements and gives the connection back.
///
/// A connection reads the committed state of the file (WAL mode: readers never wait for the writer), one
/// statement at a time, each its own snapshot; see ``SQLiteStore/candidates(textHash:canonicalURL:itemId:bands:since:)``
/// for why that is enough.
final class FingerprintReader: Sendable {
    private let path: String
    private let idle = Mutex<[Connection]>([])

    /// Opens the first connection now, while the file is known to be there.
    init(path: String) throws(StoreError) {
        self.path = path
        let first = try Connection(path: path)
        // A first read opens the WAL and its index beside the file: done here, it fails at open, not later.
        try first.query("SELECT 1 FROM dedupeFingerprint LIMIT 1", cached: false, bind: { _ in }, row: { _ in })
        idle.withLock { $0.append(first) }
    }

    /// Runs `body` on an idle connection, opening one when none is idle.
    func withConnection<T>(_ body: (Connection) throws(StoreError) -> T) throws(StoreError) -> T {
        let connection: Connection
        if let reused = idle.withLock({ $0.popLast() }) {
            connection = reused
        } else {
            connection = try Connection(path: path)
        }
        defer { idle.withLock { $0.append(connection) } }
        return try body(connection)
    }

    /// One read-only connection and its prepared statements. Used by one caller at a time (the reader hands
    /// it out and takes it back under its lock).
    final class Connection: @unchecked Sendable {
        private let db: OpaquePointer
        private var statements: [String: OpaquePointer] = [:]

        init(path: String) throws(StoreError) {
            var handle: OpaquePointer?
            let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
            guard code == SQLITE_OK, let handle else {
                let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
                sqlite3_close_v2(handle)
                throw StoreError(operation: "open dedupe reader on \(path)", message: message, retryable: false)
            }
            db = handle
            sqlite3_busy_timeout(db, Int32(SQLiteStore.busyTimeout * 1000))
        }

        deinit {
            for statement in statements.values { sqlite3_finalize(statement) }
            sqlite3_close_v2(db)
        }

        /// Runs `sql` with `bind` filling its parameters, calling `row` for each result row. The statement is
        /// prepared once per connection when `cached`.
        func query(
            _ sql: String, cached: Bool, bind: (Binder) -> Void, row: (Row) throws(StoreError) -> Void
        ) throws(StoreError) {
            let statement = try prepare(sql, cached: cached)
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
                if !cached { sqlite3_finalize(statement) }
            }
            bind(Binder(statement: statement))
            while true {
                let code = sqlite3_step(statement)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else { throw error(code, "dedupe lookup") }
                try row(Row(statement: statement))
            }
        }

        private func prepare(_ sql: String, cached: Bool) throws(StoreError) -> OpaquePointer {
            if cached, let statement = statements[sql] { return statement }
            var statement: OpaquePointer?
            let code = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
            guard code == SQLITE_OK, let statement else { throw error(code, "prepare dedupe lookup") }
            if cached { statements[sql] = statement }
            return statement
        }

        private func error(_ code: Int32, _ operation: String) -> StoreError {
            let primary = code & 0xFF
            return StoreError(
                operation: operation, message: "\(String(cString: sqlite3_errmsg(db))) (SQLite code \(code))",
                retryable: primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        }
    }

    /// Binds a statement's parameters, from 1.
    struct Binder {
        let statement: OpaquePointer

        func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(statement, index, value) }
        func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(statement, index, value) }
        func bind(_ index: Int32, _ value: String?) {
            guard let value else {
                sqlite3_bind_null(statement, index)
                return
            }
            // SQLITE_TRANSIENT: SQLite copies the text, which lives only for this call.
            sqlite3_bind_text(statement, index, value, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }

    /// The current result row of a statement; valid until the next step.
    struct Row {
        let statement: OpaquePointer

        func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
        func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
        func string(_ column: Int32) -> String? {
            guard let text = sqlite3_column_text(statement, column) else { return nil }
            return String(cString: text)
        }
        /// A text's UTF-8 bytes, valid until the next step; empty for NULL or an empty text.
        func text(_ column: Int32) -> UnsafeRawBufferPointer {
            guard let base = sqlite3_column_text(statement, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            return UnsafeRawBufferPointer(start: base, count: Int(sqlite3_column_bytes(statement, column)))
        }
        /// A blob's bytes, valid until the next step; empty for NULL or an empty blob.
        func blob(_ column: Int32) -> UnsafeRawBufferPointer {
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let base = sqlite3_column_blob(statement, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            return UnsafeRawBufferPointer(start: base, count: count)
        }
    }
}
