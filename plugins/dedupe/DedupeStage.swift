import Foundation
import IngestDigest
public import IngestCore
public import Logging
import Synchronization

/// Lets one copy of a story through, however many ways it arrives: the same text, the same canonical URL,
/// the same feed item id, or a near-duplicate (a syndicated copy with other boilerplate, small edits, a
/// corrected headline, a truncated version).
///
/// Each article is compared with the committed ones (``DuplicateIndex``, in the store, within the window)
/// and with the originals still in flight (``PendingIndex``), under one lock: of two copies in the pipeline
/// at the same moment exactly one becomes the original. A duplicate is dropped (or marked) with the
/// original's id in `duplicate_of`, the shared cluster id, and the reason with its similarity in the trace.
/// An original carries its fingerprint to the commit, which stores it in the same transaction.
///
/// See `plugins/dedupe/README.md` for the configuration keys and the measurements behind the defaults.
public struct DedupeStage: Stage {
    public static let name = "dedupe"

    let configuration: Configuration
    private let index: (any DuplicateIndex)?
    private let shared = Shared()

    public init(configuration: Configuration, context: StageContext) throws {
        self.configuration = configuration
        self.index = context.duplicateIndex
    }

    public func process(_ article: Article, logger: Logger) async throws -> StageOutcome {
        guard var fingerprint = Self.fingerprint(of: article, configuration) else { return .continue(article) }
        let window = Date().addingTimeInterval(-Double(configuration.windowDays) * 86_400)
        // The store is read before taking the lock, so workers' reads overlap instead of queueing behind it
        // (holding it through the read left a core idle a tenth of the time in a burst). What the read can
        // miss is an original committed meanwhile, as it then leaves the in-flight index: `removals` says
        // whether any did, and then the read is made again under the lock.
        let removalsBefore = shared.removals.load(ordering: .acquiring)
        var committed = try committedCandidates(fingerprint, since: window)
        let (match, pruneDue): (Match?, Bool) = try shared.state.withLock { state in
            if shared.removals.load(ordering: .acquiring) != removalsBefore {
                committed = try committedCandidates(fingerprint, since: window)
            }
            let pruneDue = Self.pruneDue(&state)
            // A stored article run through the pipeline again (`ingestctl reprocess`) keeps its id: its own
            // fingerprint must not make it a copy of itself.
            let candidates =
                committed.filter { $0.articleId != article.id }.map { ($0.fingerprint, Optional($0.articleId)) }
                + state.pending.candidates(fingerprint).map { ($0, Int64?.none) }
            if let best = Self.bestMatch(for: fingerprint, among: candidates, configuration) { return (best, pruneDue) }
            state.pending.insert(fingerprint)
            return (nil, pruneDue)
        }
        if pruneDue { prune(window: window, logger: logger) }

        var result = article
        guard let match else {
            result.clusterId = fingerprint.clusterId
            result.fingerprint = fingerprint
            return .continue(result)
        }
        fingerprint.clusterId = match.clusterId
        result.clusterId = match.clusterId
        result.duplicateOf = match.articleId
        let original = match.articleId.map { "article \($0)" } ?? "an article in flight (cluster \(match.clusterId))"
        let reason = "duplicate of \(original): \(match.reason)"
        switch configuration.action {
        case .drop:
            return .dropRecorded(result, reason: reason)
        case .mark:
            result.fields["duplicate_reason"] = reason
            return .continue(result)
        }
    }

    /// An original's entry leaves the in-flight index once its fate is sealed: committed, the store
    /// answers for it; not committed, it is no original at all.
    public func finished(_ article: Article, committed: Bool) async {
        guard let fingerprint = article.fingerprint else { return }
        forget(fingerprint)
    }

    /// Takes an original out of the in-flight index, counting the removal for ``process(_:logger:)``'s read.
    func forget(_ fingerprint: ArticleFingerprint) {
        shared.state.withLock { state in
            state.pending.remove(clusterId: fingerprint.clusterId)
            shared.removals.add(1, ordering: .releasing)
        }
    }

    /// The committed fingerprints sharing a key with `fingerprint`.
    private func committedCandidates(_ fingerprint: ArticleFingerprint, since window: Date) throws -> [IndexedFingerprint] {
        do {
            return try index?.candidates(
                textHash: fingerprint.textHash, canonicalURL: fingerprint.canonicalURL, itemId: fingerprint.itemId,
                bands: fingerprint.bands, since: window) ?? []
        } catch {
            // Without the index a copy could pass as an original; retrying later is the safe choice.
            throw StageError("dedupe index unavailable: \(error)", disposition: .retry)
        }
    }

    /// Originals in flight (for tests and status).
    var pendingCount: Int { shared.state.withLock { $0.pending.count } }

    // MARK: comparing

    struct Match: Equatable {
        var clusterId: String
        var articleId: Int64?
        var similarity: Double
        var reason: String
    }

    /// The closest candidate at or above the threshold; committed originals win ties, so `duplicate_of` is
    /// known at once whenever it can be.
    static func bestMatch(
        for probe: ArticleFingerprint, among candidates: [(ArticleFingerprint, Int64?)], _ configuration: Configuration
    ) -> Match? {
        var best: Match?
        for (candidate, articleId) in candidates {
            guard let (similarity, reason) = compare(probe, candidate, configuration) else { continue }
            let match = Match(clusterId: candidate.clusterId, articleId: articleId, similarity: similarity, reason: reason)
            if let current = best {
                let better = similarity > current.similarity
                    || (similarity == current.similarity && current.articleId == nil && articleId != nil)
                    || (similarity == current.similarity && articleId != nil && current.articleId != nil && articleId! < current.articleId!)
                if !better { continue }
            }
            best = match
        }
        return best
    }

    /// Whether two fingerprints are one story, how similar, and why.
    static func compare(
        _ a: ArticleFingerprint, _ b: ArticleFingerprint, _ configuration: Configuration
    ) -> (Double, String)? {
        if let ha = a.textHash, ha == b.textHash { return (1, "same text") }
        if let ua = a.canonicalURL, ua == b.canonicalURL { return (1, "same URL (\(ua))") }
        if let ia = a.itemId, ia == b.itemId { return (1, "same feed item id (\(ia))") }
        guard !a.minhash.isEmpty, !b.minhash.isEmpty else { return nil }
        let similarity = MinHash.similarity(a.minhash, sizeA: a.shingles, b.minhash, sizeB: b.shingles)
        guard similarity >= configuration.threshold else { return nil }
        return (similarity, "near-duplicate, similarity \(String(format: "%.2f", similarity))")
    }

    // MARK: fingerprints

    /// The article's fingerprint with a new cluster id; `nil` when there is nothing to compare (no text,
    /// no title, no URL, no item id).
    static func fingerprint(of article: Article, _ configuration: Configuration) -> ArticleFingerprint? {
        let shingles = Shingles(article.text)
        let url = configuration.matchURL ? article.url.flatMap(CanonicalURL.canonical) : nil
        let itemId = configuration.matchItemId ? article.fields["item_id"].flatMap(globalItemId) : nil
        var textHash: String?
        var minhash: [UInt16] = []
        if shingles.words.count >= configuration.minWords {
            // Long enough to speak for itself: the title is left out, so a corrected headline is the same story.
            textHash = SHA256Digest.hex(shingles.words.utf8)
            minhash = MinHash.signature(shingles.hashes)
        } else {
            let short = Shingles(article.title ?? "").normalized + "\n" + shingles.normalized
            if short.count > 1 { textHash = "short:" + SHA256Digest.hex(short) }
        }
        guard textHash != nil || url != nil || itemId != nil else { return nil }
        var fingerprint = ArticleFingerprint(
            textHash: textHash, canonicalURL: url, itemId: itemId, minhash: minhash, bands: MinHash.bandKeys(minhash),
            shingles: shingles.hashes.count, clusterId: newClusterId())
        fingerprint.keepsCopies = configuration.action == .mark
        fingerprint.nearThreshold = minhash.isEmpty ? nil : configuration.threshold
        return fingerprint
    }

    /// An item id that names one story wherever it appears. Small feeds number their items `1`, `2`, …:
    /// such ids would make unrelated items of two feeds duplicates, so only URI-like ids count.
    static func globalItemId(_ id: String) -> String? {
        let lower = id.lowercased()
        let uriLike = lower.contains("://") || lower.hasPrefix("urn:") || lower.hasPrefix("tag:")
        return uriLike && id.count >= 8 ? id : nil
    }

    /// The time in milliseconds (12 hex digits) followed by 48 bits unique to the id (12 hex digits).
    ///
    /// Time first, so new clusters sort after the ones before: `clusterId` is indexed twice (`article`,
    /// `dedupeFingerprint`), and a random id put each new article on a random 16 KiB page of both, written
    /// to the WAL at the commit and again at the checkpoint: 13 % of the pages a 20,000-document burst
    /// wrote, more as the tables grow. Appended in order, they touch the last page.
    ///
    /// The low 48 bits are this process's random start plus a counter times an odd number: within a
    /// process they repeat only after 2^48 ids, and two processes sharing the database start at random
    /// points (a collision within one millisecond has a chance of about 10^-14 at 1,500 new clusters a
    /// second). A random draw per id cost a `getrandom` call each.
    static func newClusterId(now: Date = Date()) -> String {
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        let n = clusterCounter.add(1, ordering: .relaxed).oldValue
        let low = (clusterStart &+ n &* 0x9E37_79B9_7F4B) & 0xFFFF_FFFF_FFFF
        return String(unsafeUninitializedCapacity: 24) { out in
            for i in 0..<12 {
                out[i] = hexDigit(millis >> UInt64(44 - 4 * i))
                out[12 + i] = hexDigit(low >> UInt64(44 - 4 * i))
            }
            return 24
        }
    }

    private static let clusterStart = UInt64.random(in: 0...0xFFFF_FFFF_FFFF)
    private static let clusterCounter = Atomic<UInt64>(0)

    /// The lowercase hex digit of the low four bits.
    private static func hexDigit(_ value: UInt64) -> UInt8 {
        let digit = UInt8(truncatingIfNeeded: value & 0x0F)
        return digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") - 10 + digit
    }

    // MARK: housekeeping

    /// Whether fingerprints out of the window are due to be forgotten (at most once an hour); marks it done.
    private static func pruneDue(_ state: inout Shared.State) -> Bool {
        let now = ContinuousClock.now
        if let last = state.lastPrune, now - last < .seconds(3600) { return false }
        state.lastPrune = now
        return true
    }

    /// Forgets fingerprints out of the window, off the article's path.
    private func prune(window: Date, logger: Logger) {
        guard let index else { return }
        Task.detached(priority: .background) {
            do {
                let pruned = try index.pruneFingerprints(before: window)
                if pruned > 0 { logger.info("dedupe forgot fingerprints out of the window", metadata: ["count": "\(pruned)"]) }
            } catch {
                logger.warning("dedupe could not prune fingerprints", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The lock-guarded state every copy of the stage value shares.
    final class Shared: Sendable {
        struct State {
            var pending = PendingIndex()
            var lastPrune: ContinuousClock.Instant?
        }
        let state = Mutex(State())
        /// Originals taken out of the in-flight index so far (see ``DedupeStage/process(_:logger:)``).
        let removals = Atomic<Int>(0)
    }
}
