import Foundation
import GRDB
import IngestCore
import IngestDigest

/// A row of `article`: one article as the pipeline left it, enqueued or dropped.
///
/// Arrays, dictionaries and the trace are JSON text (SQLite's JSON functions can read them); times are
/// REAL unix seconds. This type is the only code that knows the table's columns.
///
/// Rows are written with ``insert(_:_:rawInputId:committedAt:)``, a cached statement with explicit
/// arguments, not GRDB's Encodable persistence: commits insert thousands of rows a second, and building
/// each statement from a `PersistenceContainer` cost more than SQLite's own work.
struct ArticleRecord: Decodable, FetchableRecord, TableRecord {
    static let databaseTableName = "article"

    enum Status: String {
        case queued, dropped
    }

    var id: Int64?
    var status: String
    var dropStage: String?
    var dropReason: String?
    var title: String?
    var text: String
    var html: String?
    var url: String?
    var published: String?
    var publishedAt: Double?
    var authors: String
    var language: String?
    var keywords: String
    var entities: String
    var labels: String
    var duplicateOf: Int64?
    var clusterId: String?
    var metadata: String
    var fields: String
    var source: String
    var originKind: String
    var location: String
    var ledgerKey: String?
    var receivedAt: Double
    var format: String
    var trace: String
    var contentHash: String
    var rawInputId: Int64?
    var committedAt: Double

    /// The row for `article`, not yet inserted; its input and commit time are given to
    /// ``insert(_:_:rawInputId:committedAt:)``.
    init(_ article: Article, drop: ArticleOutcome.Drop?) throws(StoreError) {
        id = nil
        status = (drop == nil ? Status.queued : Status.dropped).rawValue
        dropStage = drop?.stage
        dropReason = drop?.reason
        title = article.title
        text = article.text
        html = article.html
        url = article.url
        published = article.published
        publishedAt = article.publishedAt?.timeIntervalSince1970
        authors = JSONText.array(article.authors)
        language = article.language
        keywords = JSONText.array(article.keywords)
        entities = Self.entitiesJSON(article.entities)
        labels = try Self.labelsJSON(article.labels)
        duplicateOf = article.duplicateOf
        clusterId = article.clusterId
        metadata = article.metadata.isEmpty ? "{}" : try Self.metadataJSON(article.metadata)
        fields = JSONText.object(article.fields)
        source = article.origin.source
        originKind = article.origin.kind.rawValue
        location = article.origin.location
        ledgerKey = article.origin.ledgerKey
        receivedAt = article.origin.receivedAt.timeIntervalSince1970
        format = article.format.rawValue
        trace = Self.traceJSON(article.trace)
        contentHash = SHA256Digest.hex(article.text)
        rawInputId = nil
        committedAt = 0
    }

    /// Inserts `record` with the input and commit time it belongs to, and returns its id.
    static func insert(
        _ db: Database, _ record: ArticleRecord, rawInputId: Int64?, committedAt: Double
    ) throws -> Int64 {
        var statement = try DirectStatement(db, insertSQL)
        statement.bind(record.status)
        statement.bind(record.dropStage)
        statement.bind(record.dropReason)
        statement.bind(record.title)
        statement.bind(record.text)
        statement.bind(record.html)
        statement.bind(record.url)
        statement.bind(record.published)
        statement.bind(record.publishedAt)
        statement.bind(record.authors)
        statement.bind(record.language)
        statement.bind(record.keywords)
        statement.bind(record.entities)
        statement.bind(record.labels)
        statement.bind(record.duplicateOf)
        statement.bind(record.fields)
        statement.bind(record.source)
        statement.bind(record.originKind)
        statement.bind(record.location)
        statement.bind(record.ledgerKey)
        statement.bind(record.receivedAt)
        statement.bind(record.format)
        statement.bind(record.trace)
        statement.bind(record.contentHash)
        statement.bind(rawInputId)
        statement.bind(committedAt)
        statement.bind(record.clusterId)
        statement.bind(record.metadata)
        try statement.execute()
        return db.lastInsertedRowID
    }

    /// Every column but `id`, which SQLite assigns, in the order ``insert(_:_:rawInputId:committedAt:)`` binds them.
    static let insertSQL = """
        INSERT INTO article (
            status, dropStage, dropReason, title, text, html, url, published, publishedAt, authors, language,
            keywords, entities, labels, duplicateOf, fields, source, originKind, location, ledgerKey, receivedAt,
            format, trace, contentHash, rawInputId, committedAt, clusterId, metadata)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """


    /// The article this row holds, with its id.
    func article() throws(StoreError) -> Article {
        guard let kind = Origin.Kind(rawValue: originKind) else { throw corrupt("unknown origin kind \(originKind)") }
        guard let documentFormat = DocumentFormat(rawValue: format) else { throw corrupt("unknown format \(format)") }
        let origin = Origin(
            source: source, kind: kind, location: location, receivedAt: Date(timeIntervalSince1970: receivedAt),
            ledgerKey: ledgerKey)
        var article = Article(
            text: text, title: title, html: html, url: url, published: published,
            publishedAt: publishedAt.map { Date(timeIntervalSince1970: $0) },
            authors: try decode([String].self, authors, "authors"),
            fields: try decode([String: String].self, fields, "fields"),
            origin: origin, format: documentFormat)
        article.id = id
        article.language = language
        article.keywords = try decode([String].self, keywords, "keywords")
        article.entities = try decode([Entity].self, entities, "entities")
        article.labels = try decode([Label].self, labels, "labels")
        article.duplicateOf = duplicateOf
        article.clusterId = clusterId
        article.metadata = try decode(ArticleMetadata.self, metadata, "metadata")
        article.trace = try decode([TraceEntry].self, trace, "trace")
        return article
    }

    /// The drop, when the article was dropped.
    var drop: ArticleOutcome.Drop? {
        guard status == Status.dropped.rawValue, let dropStage, let dropReason else { return nil }
        return ArticleOutcome.Drop(stage: dropStage, reason: dropReason)
    }

    /// The rows with these ids, by id.
    static func fetch(_ db: Database, ids: [Int64]) throws -> [Int64: ArticleRecord] {
        var byId: [Int64: ArticleRecord] = [:]
        // Chunks stay well under SQLite's limit on bound parameters.
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            for record in try ArticleRecord.filter(keys: chunk).fetchAll(db) {
                if let id = record.id { byId[id] = record }
            }
        }
        return byId
    }

    /// The raw input an article was made from; `nil` when the article is unknown or its input was not kept.
    static func rawInputId(_ db: Database, articleId: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT rawInputId FROM article WHERE id = ?", arguments: [articleId])
    }

    /// All articles stored, and how many of them were dropped.
    static func counts(_ db: Database) throws -> (total: Int, dropped: Int) {
        let row = try Row.fetchOne(
            db,
            sql: "SELECT COUNT(*) AS total, COALESCE(SUM(status = ?), 0) AS dropped FROM article",
            arguments: [Status.dropped.rawValue])
        return (row?["total"] ?? 0, row?["dropped"] ?? 0)
    }

    /// The trace as `JSONEncoder` writes it (see ``JSONText``). Written by hand because every article
    /// has one; a field added to `TraceEntry` must be added here (a test compares with `JSONEncoder`).
    static func traceJSON(_ trace: [TraceEntry]) -> String {
        if trace.isEmpty { return "[]" }
        var out = JSONText.Writer(capacity: 48 * trace.count)
        out.objects(trace) { out, entry in
            if let detail = entry.detail {
                out.literal("\"detail\":")
                out.string(detail)
                out.byte(UInt8(ascii: ","))
            }
            out.literal("\"micros\":")
            out.integer(Int(entry.micros))
            out.literal(",\"outcome\":")
            out.string(entry.outcome.rawValue)
            out.literal(",\"stage\":")
            out.string(entry.stage)
        }
        return out.text
    }

    /// The entities as `JSONEncoder` writes them, by hand as the trace is.
    static func entitiesJSON(_ entities: [Entity]) -> String {
        if entities.isEmpty { return "[]" }
        var out = JSONText.Writer(capacity: 48 * entities.count)
        out.objects(entities) { out, entity in
            out.literal("\"count\":")
            out.integer(entity.count)
            out.literal(",\"kind\":")
            out.string(entity.kind.rawValue)
            out.literal(",\"name\":")
            out.string(entity.name)
        }
        return out.text
    }

    /// The labels as `JSONEncoder` writes them, by hand as the trace is.
    static func labelsJSON(_ labels: [Label]) throws(StoreError) -> String {
        if labels.isEmpty { return "[]" }
        var out = JSONText.Writer(capacity: 40 * labels.count)
        var failed: String?
        out.objects(labels) { out, label in
            out.literal("\"name\":")
            out.string(label.name)
            out.literal(",\"score\":")
            if !out.number(label.score) { failed = failed ?? label.name }
        }
        if let failed { throw notANumber("label \(failed)") }
        return out.text
    }

    /// The metadata as `JSONEncoder` writes it: keys in byte order, absent values left out, `sources`
    /// always there, `modifiedAt` as seconds since 2001 (`Date`'s own encoding). A field added to
    /// `ArticleMetadata` must be added here (a test compares with `JSONEncoder` on random values).
    static func metadataJSON(_ m: ArticleMetadata) throws(StoreError) -> String {
        var out = JSONText.Writer(capacity: 256 + (m.summary?.utf8.count ?? 0) + (m.description?.utf8.count ?? 0))
        out.byte(UInt8(ascii: "{"))
        var first = true
        func key(_ name: StaticString) {
            if !first { out.byte(UInt8(ascii: ",")) }
            first = false
            out.byte(UInt8(ascii: "\""))
            out.literal(name)
            out.literal("\":")
        }
        func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            out.string(value)
        }
        func number(_ name: StaticString, _ value: Double?) throws(StoreError) {
            guard let value else { return }
            key(name)
            guard out.number(value) else { throw notANumber("metadata \(name)") }
        }
        string("canonicalURL", m.canonicalURL)
        string("description", m.description)
        string("image", m.image)
        try number("languageConfidence", m.languageConfidence)
        if let reliable = m.languageReliable {
            key("languageReliable")
            if reliable { out.literal("true") } else { out.literal("false") }
        }
        string("modified", m.modified)
        try number("modifiedAt", m.modifiedAt?.timeIntervalSinceReferenceDate)
        if let minutes = m.readingMinutes {
            key("readingMinutes")
            out.integer(minutes)
        }
        string("siteName", m.siteName)
        key("sources")
        out.object(m.sources)
        string("summary", m.summary)
        if let words = m.wordCount {
            key("wordCount")
            out.integer(words)
        }
        out.byte(UInt8(ascii: "}"))
        return out.text
    }

    private static func notANumber(_ what: String) -> StoreError {
        StoreError(operation: "encode article", message: "\(what) is not a finite number", retryable: false)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ text: String, _ column: String) throws(StoreError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw corrupt("\(column) is not valid JSON for \(type): \(error)")
        }
    }

    private func corrupt(_ message: String) -> StoreError {
        StoreError(operation: "read article \(id.map(String.init) ?? "?")", message: message, retryable: false)
    }
}
