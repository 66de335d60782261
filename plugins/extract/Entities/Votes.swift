import IngestCore

/// A mention's evidence for each kind of entity: three counters, not a dictionary per mention.
struct Votes: Equatable {
    private var counts = SIMD4<Int32>()

    /// No cue voted for any kind.
    var isEmpty: Bool { counts == SIMD4() }

    subscript(kind: Entity.Kind) -> Int {
        get { Int(counts[Self.slot(kind)]) }
        set { counts[Self.slot(kind)] = Int32(newValue) }
    }

    static func += (lhs: inout Votes, rhs: Votes) {
        lhs.counts &+= rhs.counts
    }

    /// The kind with the most votes and their number; nil when no kind has a vote or two share the most.
    /// Three comparisons: this runs for every entity of every article.
    var leader: (kind: Entity.Kind, votes: Int)? {
        let most = max(counts[0], counts[1], counts[2])
        guard most > 0 else { return nil }
        let holders = (counts[0] == most ? 1 : 0) + (counts[1] == most ? 1 : 0) + (counts[2] == most ? 1 : 0)
        guard holders == 1 else { return nil }
        let kind: Entity.Kind = counts[0] == most ? .person : counts[1] == most ? .organisation : .place
        return (kind, Int(most))
    }

    private static func slot(_ kind: Entity.Kind) -> Int {
        switch kind {
        case .person: 0
        case .organisation: 1
        case .place: 2
        }
    }
}
