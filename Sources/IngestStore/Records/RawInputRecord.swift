import Foundation
import GRDB
import IngestCore

/// A row of `rawInput`: an input's bytes as they arrived, kept (compressed when that helps) so articles
/// can be reprocessed with a newer pipeline. This type is the only code that knows the table's columns.
struct RawInputRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "rawInput"

    enum Compression: String {
        case zlib, none
    }

    var id: Int64?
    /// SHA-256 of the original bytes, lowercase hex.
    var sha256: String
    var format: String?
    /// The original length, which inflating needs.
    var size: Int
    var compression: String
    var data: Data

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The row for `bytes`: zlib-compressed unless that does not make it smaller (tiny or already
    /// compressed inputs).
    init(bytes: [UInt8], format: DocumentFormat?) throws(StoreError) {
        id = nil
        sha256 = IngestCore.SHA256.hex(bytes)
        self.format = format?.rawValue
        size = bytes.count
        let deflated = try RawCompression.deflate(bytes)
        if deflated.count < bytes.count {
            compression = Compression.zlib.rawValue
            data = Data(deflated)
        } else {
            compression = Compression.none.rawValue
            data = Data(bytes)
        }
    }

    /// The original bytes.
    func bytes() throws(StoreError) -> [UInt8] {
        switch Compression(rawValue: compression) {
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
