import IngestCore
import Testing
@testable import StageExtract

/// A byline that is plainly a name skips the byline rules: only where the rules would return it unchanged.
@Suite("plain-name shortcut for bylines")
struct PlainNameTests {
    static let words = [
        "Anna", "Lindqvist", "Jean", "Di", "By", "Byron", "Written", "And", "On", "Ona", "Updated", "Updatedly",
        "Posted", "Staff", "Writer", "Editor", "May", "March", "Monday", "Reuters", "Http", "Www", "Van", "Anonymous",
        "Lee", "Smith", "Von", "Par", "Paris", "The", "Editors", "News", "Desk", "Correspondent", "Al",
    ]

    @Test("on random bylines, the shortcut answers only what the rules answer, and takes the usual names")
    func agreesWithRules() {
        var rng = SplitMix64(seed: 17)
        var taken = 0
        for _ in 0..<20_000 {
            let count = Int(rng.next() % 7) + 1
            let byline = (0..<count).map { _ in Self.words[Int(rng.next() % UInt64(Self.words.count))] }.joined(separator: " ")
            if let name = Bylines.plainName(byline) {
                taken += 1
                #expect(Bylines.namesByRules(in: byline) == [name], "\(byline)")
            }
        }
        #expect(taken > 1_000, "the shortcut took \(taken) bylines")
        #expect(Bylines.plainName("Anna Lindqvist") == "Anna Lindqvist")
        #expect(Bylines.plainName("By Anna Lindqvist") == nil)
        #expect(Bylines.plainName("Anna Lindqvist, Reuters") == nil)
        #expect(Bylines.plainName("Anna  Lindqvist") == nil)
    }
}
