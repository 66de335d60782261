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
    /// Dedupe's near-duplicate threshold for ``similarity(to:)``. A store shared by several instances
    /// compares an original with those another instance committed since dedupe looked (see
    /// `PostgresStore`); `nil` when near-duplicates are not compared.
    public var nearThreshold: Double?

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

// MinHash similarity lives here, not in the dedupe stage, because a shared store applies it too when two
// instances commit near-copies at the same moment.
extension ArticleFingerprint {
    /// How alike the two texts are, from their signatures: the larger of the Jaccard similarity and the
    /// containment of the smaller text in the larger (``similarity(_:sizeA:_:sizeB:)``).
    public func similarity(to other: ArticleFingerprint) -> Double {
        Self.similarity(minhash, sizeA: shingles, other.minhash, sizeB: other.shingles)
    }

    /// The estimated Jaccard similarity of two signatures of the same length: the share of agreeing
    /// values, corrected for the agreements 16-bit values make by chance.
    public static func jaccard(_ a: [UInt16], _ b: [UInt16]) -> Double {
        guard !a.isEmpty, a.count == b.count else { return 0 }
        var equal = 0
        for i in 0..<a.count where a[i] == b[i] { equal += 1 }
        let chance = 1.0 / 65_536
        return max(0, (Double(equal) / Double(a.count) - chance) / (1 - chance))
    }

    /// How much of the smaller text the larger one contains, estimated from the Jaccard similarity J and the
    /// set sizes: |A ∩ B| = J·(|A| + |B|) / (1 + J). A copy truncated to 60 % has J = 0.6 but is contained
    /// whole (1.0); the similarity dedupe uses is the larger of J and this containment.
    ///
    /// Containment is only estimated when the smaller text is at least ``containmentRatio`` of the larger:
    /// for a short text against a long one J is tiny, and a couple of chance agreements would read as
    /// "contained".
    public static func similarity(_ a: [UInt16], sizeA: Int, _ b: [UInt16], sizeB: Int) -> Double {
        let j = jaccard(a, b)
        let smaller = min(sizeA, sizeB)
        let larger = max(sizeA, sizeB)
        guard smaller > 0, Double(smaller) >= containmentRatio * Double(larger) else { return j }
        let intersection = j * Double(sizeA + sizeB) / (1 + j)
        return max(j, min(1, intersection / Double(smaller)))
    }

    public static let containmentRatio = 0.4
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
