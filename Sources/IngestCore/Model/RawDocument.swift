public import Foundation

/// What a source found: the bytes as they arrived, a hint of their format, where they came from, and the
/// receipt the source will be told the outcome through.
///
/// A source never writes the store. It hands a `RawDocument` to the pipeline and waits for one call on
/// ``receipt``: ``Receipt/acknowledge(_:)`` after the store committed everything the document produced,
/// ``Receipt/reject(_:)`` when it cannot be ingested, or ``Receipt/release()`` when it should be offered
/// again later (shutdown, a store outage).
public struct RawDocument: Sendable {
    public var bytes: [UInt8]
    /// The format, when the source knows it (a file extension, a content type). `nil` means "sniff".
    public var format: DocumentFormat?
    /// A charset declared outside the bytes (an HTTP header); the bytes' own declaration is read later.
    public var declaredCharset: String?
    public var origin: Origin
    public var receipt: any Receipt
    /// SHA-256 of ``bytes`` (lowercase hex), when the source has hashed them already (a folder does, for
    /// its ledger key): the store keeps it with the raw input instead of hashing the bytes again.
    public var sha256: String?

    public init(
        bytes: [UInt8],
        format: DocumentFormat?,
        declaredCharset: String? = nil,
        origin: Origin,
        receipt: any Receipt,
        sha256: String? = nil
    ) {
        self.sha256 = sha256
        self.bytes = bytes
        self.format = format
        self.declaredCharset = declaredCharset
        self.origin = origin
        self.receipt = receipt
    }
}

/// Where a document came from. Stored with every article so a consumer can trace it back.
public struct Origin: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case folder, feed, cli
    }
    /// The configured source's name (`inbox`, a feed's name).
    public var source: String
    public var kind: Kind
    /// A file path or a URL.
    public var location: String
    /// When the source first saw the document.
    public var receivedAt: Date
    /// Identifies the input to the source's ledger (a file's name, size, mtime and hash; a feed item's id).
    public var ledgerKey: String?

    public init(source: String, kind: Kind, location: String, receivedAt: Date, ledgerKey: String? = nil) {
        self.source = source
        self.kind = kind
        self.location = location
        self.receivedAt = receivedAt
        self.ledgerKey = ledgerKey
    }
}

/// How a document's source learns its outcome. Exactly one of the three methods is called, once.
///
/// - Important: ``acknowledge(_:)`` is called only after the store committed, never before: a crash in
///   between leaves the input where it was, to be found again at the next start.
public protocol Receipt: Sendable {
    /// Everything the document produced is committed (or was dropped on purpose, and that is recorded).
    func acknowledge(_ summary: IngestSummary) async
    /// The document cannot be ingested; the failure says where and why, to keep beside the input.
    func reject(_ failure: IngestFailure) async
    /// Not processed now (shutdown, store outage); the source may offer it again.
    func release() async
}

/// What happened to a document whose receipt is acknowledged.
public struct IngestSummary: Sendable, Equatable {
    public var enqueued: Int
    public var dropped: Int
    /// Already ingested before (the ledger knew it): nothing was enqueued again.
    public var alreadyIngested: Bool

    public init(enqueued: Int, dropped: Int, alreadyIngested: Bool = false) {
        self.enqueued = enqueued
        self.dropped = dropped
        self.alreadyIngested = alreadyIngested
    }
}

/// Why a document could not be ingested, kept beside it (`NAME.error.json`) and in the logs.
public struct IngestFailure: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    /// Where it failed: `source`, `decode`, a stage's name, or `store`.
    public var stage: String
    public var reason: String
    /// Whether trying the same input again later can help.
    public var retryable: Bool

    public init(stage: String, reason: String, retryable: Bool = false) {
        self.stage = stage
        self.reason = reason
        self.retryable = retryable
    }

    public var description: String { "\(stage): \(reason)" }
}
