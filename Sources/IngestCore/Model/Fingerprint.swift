public import Foundation

/// What dedupe knows about an article's content, computed by the dedupe stage and stored with the article
/// at commit (table `dedupeFingerprint`), so later copies are recognised across restarts and sources.
public struct ArticleFingerprint: Sendable, Equatable {
    /// SHA-256 (hex) of the normalised text; `nil` when the text is too short to say anything.
    public var textHash: String?
    /// The canonical URL (see the dedupe stage); `nil` without a URL, or for a site's front page.
    public var canonicalURL: String?
    /// A feed item id that names one story wherever it appears (a URI such as `urn:…` or `https://…`).
    public var itemId: String?
    /// The MinHash signature of the text's word shingles (empty when the text is too short).
    public var minhash: [UInt16]
    /// The signature's LSH band keys: articles sharing one are compared (stored with an index).
    public var bands: [Int64]
    /// How many distinct shingles the text has: with two signatures' agreement it gives containment.
    public var shingles: Int
    /// The cluster this article founds; its copies carry it in ``Article/clusterId``.
    public var clusterId: String
    /// Dedupe marks copies instead of dropping them (`action = "mark"`). A store shared by several
    /// instances reads it when the commit finds another instance stored a copy first.
    public var keepsCopies = false

    public init(
        textHash: String?, canonicalURL: String?, itemId: String?, minhash: [UInt16], bands: [Int64], shingles: Int,
        clusterId: String
    ) {
        self.bands = bands
        self.textHash = textHash
        self.canonicalURL = canonicalURL
        self.itemId = itemId
        self.minhash = minhash
        self.shingles = shingles
        self.clusterId = clusterId
    }
}

/// A committed article's fingerprint, as the index returns it.
public struct IndexedFingerprint: Sendable, Equatable {
    public var articleId: Int64
    public var fingerprint: ArticleFingerprint
    public var committedAt: Date

    public init(articleId: Int64, fingerprint: ArticleFingerprint, committedAt: Date) {
        self.articleId = articleId
        self.fingerprint = fingerprint
        self.committedAt = committedAt
    }
}

/// The fingerprints of committed articles: what the dedupe stage compares a new article with. The store
/// implements it (an index per key, so a lookup never scans); fingerprints are written with the article in
/// the commit's transaction.
public protocol DuplicateIndex: Sendable {
    /// Committed fingerprints since `since` that share an exact key with the probe, or one of its LSH
    /// `bands` (band keys as the dedupe stage computes them).
    func candidates(
        textHash: String?, canonicalURL: String?, itemId: String?, bands: [Int64], since: Date
    ) throws -> [IndexedFingerprint]
    /// Forgets fingerprints of articles committed before `before` (out of every window); returns how many.
    func pruneFingerprints(before: Date) throws -> Int
}
