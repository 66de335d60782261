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

    /// The kinds that have votes, most votes first (the order of equal ones is not meaningful).
    var ranked: [(key: Entity.Kind, value: Int)] {
        [Entity.Kind.person, .organisation, .place].map { ($0, self[$0]) }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
    }

    private static func slot(_ kind: Entity.Kind) -> Int {
        switch kind {
        case .person: 0
        case .organisation: 1
        case .place: 2
        }
    }
}
