import Testing

@testable import IngestStore

@Suite("the key index's table")
struct KeyMultiMapTests {
    /// Against a dictionary of sets, through many growths, with repeated pairs, extreme keys, and each key
    /// shared by about a hundred ids: a key's ids all start probing at its home slot, so runs are long and
    /// cross other keys' runs.
    @Test("finds every id added under a key, once each, and nothing else")
    func matchesReference() {
        var generator = SystemRandomNumberGenerator()
        var table = KeyMultiMap()
        var reference: [Int64: Set<Int64>] = [:]
        var keys: [Int64] = [0, -1, Int64.min, Int64.max]
        for _ in 0..<300 { keys.append(Int64.random(in: Int64.min...Int64.max, using: &generator)) }
        for k in 1...50 { keys.append(Int64(k) << 40) }
        for _ in 0..<40_000 {
            let key = keys.randomElement(using: &generator)!
            let id = Int64.random(in: 1...5_000, using: &generator)
            table.add(key, id)
            reference[key, default: []].insert(id)
        }
        #expect(table.count == reference.values.reduce(0) { $0 + $1.count })
        for key in keys {
            var found = Set<Int64>()
            table.collect(key, into: &found)
            #expect(found == reference[key, default: []])
        }
        var none = Set<Int64>()
        table.collect(12_345, into: &none)
        #expect(none.isEmpty)
    }
}
