import CLibPQ
import Foundation

/// A value bound to a statement parameter: text (PostgreSQL parses it by the parameter's type) or bytes
/// (sent in binary, for `bytea`: no hex round trip for compressed inputs).
enum PGValue {
    case text(String)
    case bytes([UInt8])
}

/// What can be bound to a parameter. Numbers go as their decimal text: PostgreSQL reads Swift's shortest
/// round-trip form of a Double back to the same value.
protocol PGBindable {
    var pgValue: PGValue { get }
}

extension String: PGBindable { var pgValue: PGValue { .text(self) } }
extension Int: PGBindable { var pgValue: PGValue { .text(String(self)) } }
extension Int64: PGBindable { var pgValue: PGValue { .text(String(self)) } }
extension Double: PGBindable { var pgValue: PGValue { .text("\(self)") } }
extension Bool: PGBindable { var pgValue: PGValue { .text(self ? "true" : "false") } }
extension Array: PGBindable where Element == UInt8 { var pgValue: PGValue { .bytes(self) } }

/// One connection to PostgreSQL through libpq, used by one thread at a time (the pool hands it over under
/// its lock, hence `@unchecked Sendable`). Statements are prepared once per connection and reused by their
/// SQL text, as GRDB's cached statements are for SQLite.
final class PGConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private var prepared: [String: String] = [:]

    /// Opens a connection to `url` (a libpq connection URI or key=value string).
    init(url: String) throws(StoreError) {
        guard let handle = PQconnectdb(url) else {
            throw StoreError(operation: "connect", message: "libpq could not allocate a connection", retryable: true)
        }
        self.handle = handle
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(handle))
            // No PQfinish here: every property is set, so throwing runs deinit, which frees the handle.
            // The server may be starting or restarting: the caller's retry may succeed.
            throw StoreError(operation: "connect", message: "cannot connect to PostgreSQL: \(message)", retryable: true)
        }
        // Quiet the server's NOTICEs (CREATE … IF NOT EXISTS says "already exists" each time).
        _ = try? execute("SET client_min_messages = warning", [], operation: "connect")
    }

    deinit {
        PQfinish(handle)
    }

    /// Whether the connection can still be used; a broken one is dropped by the pool, not reused.
    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE }

    /// Runs one statement with `parameters` ($1, $2, …) and returns its rows. The statement is prepared on
    /// first use on this connection.
    @discardableResult
    func execute(_ sql: String, _ parameters: [(any PGBindable)?], operation: String) throws(StoreError) -> PGRows {
        let name = try preparedName(for: sql, operation: operation)
        return try withParameters(parameters) { values, lengths, formats throws(StoreError) in
            let result = PQexecPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 0)
            return try check(result, operation: operation)
        }
    }

    /// SQL written for SQLite's `?` placeholders with PostgreSQL's `$1`, `$2`, … instead, for statements
    /// that are otherwise the same in both dialects. The SQL must hold no `?` inside a string literal.
    static func numbered(_ sql: String) -> String {
        var out = ""
        var n = 0
        for c in sql {
            if c == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// Runs SQL text without parameters and without preparing it (schema statements, BEGIN, COMMIT); it
    /// may hold several statements.
    func run(_ sql: String, operation: String) throws(StoreError) {
        _ = try check(PQexec(handle, sql), operation: operation)
    }

    private func preparedName(for sql: String, operation: String) throws(StoreError) -> String {
        if let name = prepared[sql] { return name }
        let name = "s\(prepared.count)"
        _ = try check(PQprepare(handle, name, sql, 0, nil), operation: operation)
        prepared[sql] = name
        return name
    }

    /// Calls `body` with the C arrays libpq wants; the strings and byte buffers stay alive during the call.
    private func withParameters<T>(
        _ parameters: [(any PGBindable)?],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) throws(StoreError) -> T
    ) throws(StoreError) -> T {
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        buffers.reserveCapacity(parameters.count)
        defer { for buffer in buffers { buffer?.deallocate() } }
        for parameter in parameters {
            switch parameter?.pgValue {
            case nil:
                buffers.append(nil)
                lengths.append(0)
                formats.append(0)
            case .text(let text):
                let utf8 = Array(text.utf8)
                let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + 1)
                utf8.withUnsafeBufferPointer { source in
                    source.withMemoryRebound(to: CChar.self) { buffer.update(from: $0.baseAddress!, count: utf8.count) }
                }
                buffer[utf8.count] = 0
                buffers.append(buffer)
                lengths.append(Int32(utf8.count))
                formats.append(0)
            case .bytes(let bytes):
                let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
                bytes.withUnsafeBufferPointer { source in
                    source.withMemoryRebound(to: CChar.self) {
                        if let base = $0.baseAddress { buffer.update(from: base, count: bytes.count) }
                    }
                }
                buffers.append(buffer)
                lengths.append(Int32(bytes.count))
                formats.append(1)
            }
        }
        let values = buffers.map { UnsafePointer($0) }
        return try values.withUnsafeBufferPointer { values throws(StoreError) in
            try lengths.withUnsafeBufferPointer { lengths throws(StoreError) in
                try formats.withUnsafeBufferPointer { formats throws(StoreError) in
                    try body(values.baseAddress, lengths.baseAddress, formats.baseAddress)
                }
            }
        }
    }

    /// The rows of a successful result, or the server's error as a ``StoreError``.
    private func check(_ result: OpaquePointer?, operation: String) throws(StoreError) -> PGRows {
        guard let result else {
            throw StoreError(
                operation: operation, message: "PostgreSQL: \(Self.trimmed(PQerrorMessage(handle)))",
                retryable: PQstatus(handle) != CONNECTION_OK)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PGRows(result)
        default:
            let state = ingest_pq_sqlstate(result).map { String(cString: $0) } ?? ""
            let message = Self.trimmed(PQresultErrorMessage(result))
            PQclear(result)
            // A prepared statement lives in the session; a failed PREPARE leaves nothing to forget, and a
            // failed transaction keeps the others valid.
            throw StoreError(
                operation: operation, message: "\(message) (SQLSTATE \(state))",
                retryable: Self.isRetryable(sqlState: state) || PQstatus(handle) != CONNECTION_OK,
                sqlState: state)
        }
    }

    /// Errors that a later attempt may not meet: a serialization failure or deadlock (the transaction is
    /// run again), a lock wait that timed out, a lost or refused connection, a full disk or exhausted
    /// memory, a server shutting down. Everything else (a constraint, a syntax error) is a bug or bad data.
    static func isRetryable(sqlState: String) -> Bool {
        let retryableStates: Set<String> = ["40001", "40P01", "55P03", "57P01", "57P02", "57P03"]
        return retryableStates.contains(sqlState) || sqlState.hasPrefix("08") || sqlState.hasPrefix("53")
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The rows of one result, read as text (libpq's text format) and freed with the value.
final class PGRows {
    private let result: OpaquePointer
    let count: Int
    private let columns: [String: Int32]

    init(_ result: OpaquePointer) {
        self.result = result
        count = Int(PQntuples(result))
        var columns: [String: Int32] = [:]
        for index in 0..<PQnfields(result) {
            if let name = PQfname(result, index) { columns[String(cString: name)] = index }
        }
        self.columns = columns
    }

    deinit {
        PQclear(result)
    }

    /// Rows changed by an INSERT, UPDATE or DELETE without RETURNING.
    var affected: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    func string(_ row: Int, _ column: String) -> String? {
        guard let index = columns[column], PQgetisnull(result, Int32(row), index) == 0 else { return nil }
        return String(cString: PQgetvalue(result, Int32(row), index))
    }

    func string(_ row: Int, at index: Int32) -> String? {
        guard PQgetisnull(result, Int32(row), index) == 0 else { return nil }
        return String(cString: PQgetvalue(result, Int32(row), index))
    }

    func int64(_ row: Int, _ column: String) -> Int64? { string(row, column).flatMap { Int64($0) } }
    func int(_ row: Int, _ column: String) -> Int? { string(row, column).flatMap { Int($0) } }
    func double(_ row: Int, _ column: String) -> Double? { string(row, column).flatMap { Double($0) } }
    func bool(_ row: Int, _ column: String) -> Bool? { string(row, column).map { $0 == "t" } }

    /// A `bytea` column, which the text format gives as `\x` and hex digits.
    func bytes(_ row: Int, _ column: String) -> [UInt8]? {
        guard let text = string(row, column) else { return nil }
        let hex = Array(text.utf8.dropFirst(2))
        var bytes = [UInt8]()
        bytes.reserveCapacity(hex.count / 2)
        var index = 0
        while index + 1 < hex.count {
            bytes.append(Self.nibble(hex[index]) << 4 | Self.nibble(hex[index + 1]))
            index += 2
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: c &- UInt8(ascii: "A") &+ 10
        }
    }

    /// The first column of every row, as text (NULLs left out).
    func strings() -> [String] {
        (0..<count).compactMap { string($0, at: 0) }
    }

    /// The first column of every row, as 64-bit integers.
    func int64s() -> [Int64] {
        (0..<count).compactMap { string($0, at: 0).flatMap { Int64($0) } }
    }
}
