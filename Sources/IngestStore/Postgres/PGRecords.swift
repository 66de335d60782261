import Foundation
import IngestCore

// The record types the SQLite store reads with GRDB, read from PostgreSQL rows instead, so both stores turn
// rows into articles, queue rows and feed states with the same code (`article()`, `row()`, `state()`).
// PostgreSQL returns column names in lower case.

extension ArticleRecord {
    /// Every column of `article` but the search vector, in a fixed order.
    static let pgColumns = """
        id, status, dropStage, dropReason, title, text, html, url, published, publishedAt, authors, language,
        keywords, entities, labels, duplicateOf, fields, source, originKind, location, ledgerKey, receivedAt,
        format, trace, contentHash, rawInputId, committedAt, clusterId, metadata
        """

    init(pg rows: PGRows, _ row: Int) {
        id = rows.int64(row, "id")
        status = rows.string(row, "status") ?? ""
        dropStage = rows.string(row, "dropstage")
        dropReason = rows.string(row, "dropreason")
        title = rows.string(row, "title")
        text = rows.string(row, "text") ?? ""
        html = rows.string(row, "html")
        url = rows.string(row, "url")
        published = rows.string(row, "published")
        publishedAt = rows.double(row, "publishedat")
        authors = rows.string(row, "authors") ?? "[]"
        language = rows.string(row, "language")
        keywords = rows.string(row, "keywords") ?? "[]"
        entities = rows.string(row, "entities") ?? "[]"
        labels = rows.string(row, "labels") ?? "[]"
        duplicateOf = rows.int64(row, "duplicateof")
        clusterId = rows.string(row, "clusterid")
        metadata = rows.string(row, "metadata") ?? "{}"
        fields = rows.string(row, "fields") ?? "{}"
        source = rows.string(row, "source") ?? ""
        originKind = rows.string(row, "originkind") ?? ""
        location = rows.string(row, "location") ?? ""
        ledgerKey = rows.string(row, "ledgerkey")
        receivedAt = rows.double(row, "receivedat") ?? 0
        format = rows.string(row, "format") ?? ""
        trace = rows.string(row, "trace") ?? "[]"
        contentHash = rows.string(row, "contenthash") ?? ""
        rawInputId = rows.int64(row, "rawinputid")
        committedAt = rows.double(row, "committedat") ?? 0
    }

    /// The values for ``pgInsertSQL``'s parameters.
    func pgInsertArguments(rawInputId: Int64?, committedAt: Double) -> [(any PGBindable)?] {
        [
            status, dropStage, dropReason, title, text, html, url, published, publishedAt, authors, language,
            keywords, entities, labels, duplicateOf, fields, source, originKind, location, ledgerKey, receivedAt,
            format, trace, contentHash, rawInputId, committedAt, clusterId, metadata,
        ]
    }

    static let pgInsertSQL = """
        INSERT INTO article (
            status, dropStage, dropReason, title, text, html, url, published, publishedAt, authors, language,
            keywords, entities, labels, duplicateOf, fields, source, originKind, location, ledgerKey, receivedAt,
            format, trace, contentHash, rawInputId, committedAt, clusterId, metadata)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
                $23, $24, $25, $26, $27, $28)
        RETURNING id
        """
}

extension QueueItemRecord {
    init(pg rows: PGRows, _ row: Int) {
        self.init(
            id: rows.int64(row, "id"), articleId: rows.int64(row, "articleid") ?? 0, queue: rows.string(row, "queue") ?? "",
            state: rows.string(row, "state") ?? "", attempts: rows.int(row, "attempts") ?? 0,
            availableAt: rows.double(row, "availableat") ?? 0, leaseOwner: rows.string(row, "leaseowner"),
            leaseExpiresAt: rows.double(row, "leaseexpiresat"), lastError: rows.string(row, "lasterror"),
            createdAt: rows.double(row, "createdat") ?? 0, updatedAt: rows.double(row, "updatedat") ?? 0)
    }

    static func all(pg rows: PGRows) throws(StoreError) -> [QueueRow] {
        try (0..<rows.count).map { index throws(StoreError) in try QueueItemRecord(pg: rows, index).row() }
    }
}

extension FeedRecord {
    init(pg rows: PGRows, _ row: Int) {
        self.init(
            name: rows.string(row, "name") ?? "", url: rows.string(row, "url") ?? "",
            intervalSecs: rows.int(row, "intervalsecs") ?? 0, fetchFullContent: rows.bool(row, "fetchfullcontent") ?? false,
            allowPrivateNetworks: rows.bool(row, "allowprivatenetworks") ?? false, origin: rows.string(row, "origin") ?? "",
            addedAt: rows.double(row, "addedat") ?? 0)
    }
}

extension FeedStateRecord {
    init(pg rows: PGRows, _ row: Int) {
        self.init(
            name: rows.string(row, "name") ?? "", url: rows.string(row, "url") ?? "", etag: rows.string(row, "etag"),
            lastModified: rows.string(row, "lastmodified"), health: rows.string(row, "health") ?? "ok",
            lastSuccessAt: rows.double(row, "lastsuccessat"), lastAttemptAt: rows.double(row, "lastattemptat"),
            lastStatus: rows.int(row, "laststatus"), lastError: rows.string(row, "lasterror"),
            lastErrorAt: rows.double(row, "lasterrorat"), consecutiveErrors: rows.int(row, "consecutiveerrors") ?? 0,
            nextPollAt: rows.double(row, "nextpollat"), warnings: rows.string(row, "warnings") ?? "[]",
            redirectCandidate: rows.string(row, "redirectcandidate"), redirectCount: rows.int(row, "redirectcount") ?? 0,
            configuredURL: rows.string(row, "configuredurl"), ttlMinutes: rows.int(row, "ttlminutes"),
            updateIntervalSecs: rows.int(row, "updateintervalsecs"))
    }

    /// ``saveSQL`` (its upsert is the same in both dialects) with numbered parameters.
    static let pgSaveSQL = PGConnection.numbered(saveSQL)

    static func pgSaveArguments(_ state: FeedState) -> [(any PGBindable)?] {
        [
            state.name, state.url, state.etag, state.lastModified, state.health.rawValue,
            state.lastSuccessAt?.timeIntervalSince1970, state.lastAttemptAt?.timeIntervalSince1970,
            state.lastStatus, state.lastError, state.lastErrorAt?.timeIntervalSince1970,
            state.consecutiveErrors, state.nextPollAt?.timeIntervalSince1970, JSONText.array(state.warnings),
            state.redirectCandidate, state.redirectCount, state.configuredURL, state.ttlMinutes,
            state.updateIntervalSecs,
        ]
    }
}

extension RawInputRecord {
    init(pg rows: PGRows, _ row: Int) {
        id = rows.int64(row, "id")
        sha256 = rows.string(row, "sha256") ?? ""
        format = rows.string(row, "format")
        size = rows.int(row, "size") ?? 0
        compression = rows.string(row, "compression") ?? ""
        data = Data(rows.bytes(row, "data") ?? [])
    }
}

extension IndexedFingerprint {
    init(pg rows: PGRows, _ row: Int) {
        let fingerprint = ArticleFingerprint(
            textHash: rows.string(row, "texthash"), canonicalURL: rows.string(row, "canonicalurl"),
            itemId: rows.string(row, "itemid"),
            minhash: DedupeFingerprintRecord.unpacked(Data(rows.bytes(row, "minhash") ?? [])), bands: [],
            shingles: rows.int(row, "shingles") ?? 0, clusterId: rows.string(row, "clusterid") ?? "")
        self.init(
            articleId: rows.int64(row, "articleid") ?? 0, fingerprint: fingerprint,
            committedAt: Date(timeIntervalSince1970: rows.double(row, "committedat") ?? 0))
    }
}
