import Synchronization

/// The MinHash LSH band keys of the fingerprints in `dedupeFingerprint`, in memory: band key → article ids.
///
/// The keys are kept with each fingerprint as one packed column (``DedupeFingerprintRecord``), not as rows
/// of their own: 21 random keys per article made 21 B-tree pages dirty per commit, written to the WAL and
/// again at the checkpoint, the largest part of what a burst wrote to disk. Here they cost about 30 bytes a
/// key, and a lookup is a dictionary probe per band.
///
/// The index follows the table by article id: before each lookup it reads the fingerprints with a larger id
/// than the last it has seen, so it also sees commits by other processes on the same file. Ids only grow
/// (one writer at a time assigns them), so nothing committed is missed. A fingerprint deleted from the table
/// (pruned, or its article deleted) may stay here; the caller reads candidates from the table, where it is
/// gone. ``reset()`` after a prune drops what the table no longer has.
final class BandIndex: Sendable {
    private struct State {
        /// The first article seen with each key; nearly every key has one.
        var first: [Int64: Int64] = [:]
        /// The others, for keys shared by several articles.
        var more: [Int64: [Int64]] = [:]
        /// The largest article id read from the table.
        var through: Int64 = 0
    }

    private let state = Mutex(State())

    /// The articles sharing at least one of `bands`, after catching up with the table through `read`, which
    /// calls its second argument with each fingerprint's article id and packed band keys after the given
    /// id, in id order.
    func articles(
        sharing bands: [Int64],
        read: (Int64, (Int64, UnsafeRawBufferPointer) -> Void) throws(StoreError) -> Void
    ) throws(StoreError) -> Set<Int64> {
        try state.withLock { state throws(StoreError) -> Set<Int64> in
            try read(state.through) { id, packed in
                DedupeFingerprintRecord.forEachBand(in: packed) { Self.add($0, id, to: &state) }
                state.through = id
            }
            var found = Set<Int64>()
            for key in bands {
                guard let id = state.first[key] else { continue }
                found.insert(id)
                if let others = state.more[key] { found.formUnion(others) }
            }
            return found
        }
    }

    /// Forgets everything; the next lookup reads the table again.
    func reset() {
        state.withLock { $0 = State() }
    }

    private static func add(_ key: Int64, _ id: Int64, to state: inout State) {
        if let existing = state.first[key] {
            if existing != id { state.more[key, default: []].append(id) }
        } else {
            state.first[key] = id
        }
    }
}
