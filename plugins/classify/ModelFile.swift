import Foundation

/// The on-disk form of a ``TextModel``.
///
/// ```
/// ingestd-classify-model\n            magic line: `head -1` tells what the file is
/// {"format":1,"algorithm":"svm",…}\n  header: JSON, one line, readable with `head -2`
/// rows × (UInt32 bucket, Float32 idf, Float32 weight × labels)    little-endian, only buckets seen in training
/// Float32 bias × labels
/// UInt64 FNV-1a of every byte above                               catches truncation and bit rot
/// ```
///
/// Only buckets seen in training are stored, so a model is a few MB rather than the whole hash table.
/// `format` goes up when the layout changes; an older ingestd refuses a newer file with a clear message
/// instead of misreading it.
public enum ModelFile {
    public static let magic = "ingestd-classify-model"
    /// The format this build writes and the newest it reads.
    public static let formatVersion = 1

    struct Header: Codable {
        var format: Int
        var algorithm: Algorithm
        var labels: [String]
        var multiLabel: Bool
        var bucketBits: Int
        var ngrams: Int
        var rows: Int
        var documents: Int
        var trainedAt: String

        enum CodingKeys: String, CodingKey {
            case format, algorithm, labels, rows, documents, ngrams
            case multiLabel = "multi_label", bucketBits = "bucket_bits", trainedAt = "trained_at"
        }
    }

    /// The model's bytes in the format above.
    public static func encode(_ model: TextModel) -> [UInt8] {
        let stride = model.labels.count + 1
        let rows = model.seenBuckets
        let header = Header(
            format: formatVersion, algorithm: model.algorithm, labels: model.labels, multiLabel: model.multiLabel,
            bucketBits: model.space.bucketBits, ngrams: model.space.ngrams, rows: rows.count,
            documents: model.documents, trainedAt: model.trainedAt)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = Array("\(magic)\n".utf8)
        bytes += (try? encoder.encode(header)).map(Array.init) ?? []
        bytes.append(0x0A)
        bytes.reserveCapacity(bytes.count + rows.count * 4 * stride + 4 * model.labels.count + 8)
        for b in rows {
            append(UInt32(b), to: &bytes)
            for value in model.row(b) { append(value.bitPattern, to: &bytes) }
        }
        for value in model.bias { append(value.bitPattern, to: &bytes) }
        append(checksum(bytes[...]), to: &bytes)
        return bytes
    }

    /// Reads a model from `bytes`; `path` only names the file in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws(ClassifyError) -> TextModel {
        let magicLine = Array("\(magic)\n".utf8)
        guard bytes.starts(with: magicLine) else { throw .notAModel(path: path) }
        guard let headerEnd = bytes[magicLine.count...].firstIndex(of: 0x0A) else {
            throw .corrupt(path: path, reason: "no header line")
        }
        // Read the version on its own first: a newer format may have changed every other header field.
        struct Version: Decodable { var format: Int }
        let headerBytes = Data(bytes[magicLine.count..<headerEnd])
        guard let version = try? JSONDecoder().decode(Version.self, from: headerBytes) else {
            throw .corrupt(path: path, reason: "unreadable header")
        }
        guard version.format <= formatVersion else {
            throw .newerFormat(path: path, found: version.format, supported: formatVersion)
        }
        guard version.format >= 1 else { throw .corrupt(path: path, reason: "format \(version.format)") }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: headerBytes)
        } catch {
            throw .corrupt(path: path, reason: "header: \(error)")
        }
        let labelCount = header.labels.count
        guard labelCount >= 2, Set(header.labels).count == labelCount, (1...24).contains(header.bucketBits),
            (1...2).contains(header.ngrams), header.rows >= 0, header.rows <= 1 << header.bucketBits
        else { throw .corrupt(path: path, reason: "inconsistent header") }

        let stride = labelCount + 1
        let payloadStart = headerEnd + 1
        let expected = payloadStart + header.rows * 4 * (1 + stride) + 4 * labelCount + 8
        guard bytes.count == expected else {
            throw .corrupt(path: path, reason: "\(bytes.count) bytes where the header implies \(expected)")
        }
        guard readUInt64(bytes, at: expected - 8) == checksum(bytes[..<(expected - 8)]) else {
            throw .corrupt(path: path, reason: "checksum mismatch")
        }
        let space = FeatureSpace(bucketBits: header.bucketBits, ngrams: header.ngrams)
        var rows: [(bucket: Int, values: [Float])] = []
        rows.reserveCapacity(header.rows)
        var offset = payloadStart
        for _ in 0..<header.rows {
            let bucket = Int(readUInt32(bytes, at: offset))
            offset += 4
            var values: [Float] = []
            for _ in 0..<stride {
                values.append(Float(bitPattern: readUInt32(bytes, at: offset)))
                offset += 4
            }
            guard bucket < space.buckets else { throw .corrupt(path: path, reason: "bucket \(bucket) out of range") }
            guard values.allSatisfy(\.isFinite), values[0] > 0 else {
                throw .corrupt(path: path, reason: "bucket \(bucket) holds an impossible value")
            }
            rows.append((bucket, values))
        }
        var bias: [Float] = []
        for _ in 0..<labelCount {
            bias.append(Float(bitPattern: readUInt32(bytes, at: offset)))
            offset += 4
        }
        guard bias.allSatisfy(\.isFinite) else {
            throw .corrupt(path: path, reason: "a bias that is not a finite number")
        }
        return TextModel(
            algorithm: header.algorithm, labels: header.labels, multiLabel: header.multiLabel,
            documents: header.documents, trainedAt: header.trainedAt, space: space, bias: bias
        ) { setRow in
            for row in rows { setRow(row.bucket, row.values) }
        }
    }

    /// Writes `model` to `path` atomically (a temporary file renamed over it), so a daemon reloading the
    /// model never reads half a file.
    public static func write(_ model: TextModel, to path: String) throws(ClassifyError) {
        do {
            try Data(encode(model)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .io(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    public static func read(from path: String) throws(ClassifyError) -> TextModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read" : "no such file")
        }
        return try decode([UInt8](data), path: path)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * i) }
        return value
    }

    private static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * i) }
        return value
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h = Tokenizer.fnvOffset
        for byte in bytes { h = (h ^ UInt64(byte)) &* Tokenizer.fnvPrime }
        return h
    }
}
