import Synchronization

/// The keys dedupe looks fingerprints up by, in memory: the MinHash LSH band keys of the fingerprints in
/// `dedupeFingerprint`, and a 64-bit key of each one's text hash; key → article ids.
///
/// The band keys are kept with each fingerprint as one packed column (``DedupeFingerprintRecord``), not as
/// rows of their own: 21 random keys per article made 21 B-tree pages dirty per commit, written to the WAL
/// and again at the checkpoint, the largest part of what a burst wrote to disk. Here they cost about 30
/// bytes a key, and a lookup is a dictionary probe per band.
///
/// The text hash had an index of its own for the same reason, and its random keys were 14 % of the WAL
/// frames of a 20,000-document burst; the key here is 64 bits of a hash of it, so two texts may share one:
/// the caller compares the candidates' full hashes.
///
/// The index follows the table by article id: before each lookup it reads the fingerprints with a larger id
/// than the last it has seen, so it also sees commits by other processes on the same file. Ids only grow
/// (one writer at a time assigns them), so nothing committed is missed. A fingerprint deleted from the table
/// (pruned, or its article deleted) may stay here; the caller reads candidates from the table, where it is
/// gone. ``reset()`` after a prune drops what the table no longer has. What this process commits itself is
/// added by the commit (``absorb(after:_:)``), so the read before a lookup finds only other processes' rows.
final class FingerprintKeyIndex: Sendable {
    private struct State {
        var bands = KeyMultiMap()
        var texts = KeyMultiMap()
        /// The largest article id read from the table (or absorbed from this process's commits).
        var through: Int64 = 0
    }

    private let state = Mutex(State())

    /// One fingerprint as the table gives it to ``articles(sharing:text:read:)``: its article id, its packed
    /// band keys and its text hash's bytes (empty without one), valid only during the call.
    typealias Each = (Int64, UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void

    /// The articles sharing at least one of `bands`, or whose text hash may be `textHash`, after catching
    /// up with the table through `read`, which calls its second argument with each fingerprint after the
    /// given id, in id order.
    func articles(
        sharing bands: [Int64], text textHash: String?,
        read: (Int64, Each) throws(StoreError) -> Void
    ) throws(StoreError) -> Set<Int64> {
        try state.withLock { state throws(StoreError) -> Set<Int64> in
            try read(state.through) { id, packed, text in
                DedupeFingerprintRecord.forEachBand(in: packed) { state.bands.add($0, id) }
                if !text.isEmpty { state.texts.add(Self.textKey(text), id) }
                state.through = id
            }
            var found = Set<Int64>()
            for key in bands { state.bands.collect(key, into: &found) }
            if let textHash {
                var hash = textHash
                hash.withUTF8 { state.texts.collect(Self.textKey(UnsafeRawBufferPointer($0)), into: &found) }
            }
            return found
        }
    }

    /// One fingerprint this process has just committed: its article id, band keys and text hash.
    struct Committed {
        var articleId: Int64
        var bands: [Int64]
        var textHash: String?
    }

    /// Adds fingerprints this process has just committed, in id order, so the next lookup need not read
    /// back the rows it wrote (that read was 1.5 % of the daemon's CPU in a burst). Only when the index has
    /// read every fingerprint up to `after`, the table's largest article id before the commit inserted
    /// these: then none committed by another process lies between, and skipping past them loses nothing.
    /// Otherwise (another process committed meanwhile, or a lookup already read these) it does nothing, and
    /// the next lookup reads the table as before. Call only after the commit's transaction succeeded: ids
    /// of a rolled-back insert are given out again.
    func absorb(after: Int64, _ committed: [Committed]) {
        guard let last = committed.last?.articleId else { return }
        state.withLock { state in
            guard state.through == after else { return }
            for fingerprint in committed {
                for key in fingerprint.bands { state.bands.add(key, fingerprint.articleId) }
                if var hash = fingerprint.textHash, !hash.isEmpty {
                    hash.withUTF8 { state.texts.add(Self.textKey(UnsafeRawBufferPointer($0)), fingerprint.articleId) }
                }
            }
            state.through = last
        }
    }

    /// The largest article id the index holds everything up to (for tests).
    var through: Int64 { state.withLock { $0.through } }

    /// Forgets everything; the next lookup reads the table again.
    func reset() {
        state.withLock { $0 = State() }
    }

    /// 64-bit FNV-1a of the text hash's bytes: any string works (tests use short ones), and a SHA-256 in
    /// hex spreads over all 64 bits.
    static func textKey(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: hash)
    }
}
