import Foundation
import GRDB
import IngestCore
import IngestDigest

/// A row of `rawInput`: an input's bytes as they arrived, kept (compressed when that helps) so articles
/// can be reprocessed with a newer pipeline. This type is the only code that knows the table's columns.
/// Rows are written with a cached statement (see ``ArticleRecord``).
struct RawInputRecord: Decodable, FetchableRecord, TableRecord {
    static let databaseTableName = "rawInput"

    enum Compression: String {
        /// LZ4's block format: what is written now (migration v13 allowed it).
        case lz4
        /// zlib's format: rows written before.
        case zlib
        case none
    }

    var id: Int64?
    /// SHA-256 of the original bytes, lowercase hex.
    var sha256: String
    var format: String?
    /// The original length, which inflating needs.
    var size: Int
    var compression: String
    var data: Data

    /// Inserts `record` and returns its id.
    static func insert(_ db: Database, _ record: RawInputRecord) throws -> Int64 {
        var statement = try DirectStatement(db, insertSQL)
        statement.bind(record.sha256)
        statement.bind(record.format)
        statement.bind(record.size)
        statement.bind(record.compression)
        statement.bind(record.data)
        try statement.execute()
        return db.lastInsertedRowID
    }

    static let insertSQL = "INSERT INTO rawInput (sha256, format, size, compression, data) VALUES (?, ?, ?, ?, ?)"

    /// The row for `bytes`: compressed (LZ4) unless that does not make it smaller (tiny or already
    /// compressed inputs). `sha256` is the bytes' hash when the caller has it.
    init(bytes: [UInt8], sha256: String? = nil, format: DocumentFormat?) throws(StoreError) {
        id = nil
        self.sha256 = sha256 ?? SHA256Digest.hex(bytes)
        self.format = format?.rawValue
        size = bytes.count
        let compressed = try RawCompression.lz4(bytes)
        if compressed.count < bytes.count {
            compression = Compression.lz4.rawValue
            data = Data(compressed)
        } else {
            compression = Compression.none.rawValue
            data = Data(bytes)
        }
    }

    /// The original bytes.
    func bytes() throws(StoreError) -> [UInt8] {
        switch Compression(rawValue: compression) {
        case .lz4:
            return try RawCompression.unlz4([UInt8](data), originalSize: size)
        case .zlib:
            return try RawCompression.inflate([UInt8](data), originalSize: size)
        case .some(.none):
            return [UInt8](data)
        case nil:
            throw StoreError(
                operation: "read raw input \(id.map(String.init) ?? "?")",
                message: "unknown compression \(compression)", retryable: false)
        }
    }
}
