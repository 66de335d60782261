import Foundation
import IngestCore

/// Known names: places, organisations, and given names (which make a capitalised pair a person).
///
/// The built-in lists come from scripts/make_gazetteer.py (country names from iso-codes, the rest written for
/// the project). An operator's file (`gazetteer` in `[stages.extract]`) adds to them: one entry per line,
/// `place<TAB>Name`, `organisation<TAB>Name`, `person<TAB>Name` or `given<TAB>Name`; `#` starts a comment.
struct Gazetteer: Sendable {
    /// Each name's kind, as its index in ``allKinds``.
    var kinds = WordTable()
    /// The shapes of the names in ``kinds``: most runs looked up are no known name, and are turned away
    /// here without a hash.
    private var kindShapes = ShapeFilter()
    static let allKinds: [Entity.Kind] = [.person, .organisation, .place]
    var givenNames = WordSet()
    /// Every word of a multi-word entry, so a sentence-initial word that starts a known name is kept.
    var entryWords = WordSet()
    /// The longest entry, in words: how far a lookup needs to look.
    var longest = 1

    static let builtIn: Gazetteer = {
        var g = Gazetteer()
        for name in GazetteerData.places { g.add(name, .place) }
        for name in GazetteerData.organisations { g.add(name, .organisation) }
        g.givenNames = WordSet(GazetteerData.givenNames)
        return g
    }()

    mutating func add(_ name: String, _ kind: Entity.Kind) {
        kinds[name] = Self.allKinds.firstIndex(of: kind)!
        kindShapes.insert(name)
        let words = name.split(separator: " ")
        longest = max(longest, words.count)
        for word in words { entryWords.insert(String(word)) }
    }

    func kind(of name: String) -> Entity.Kind? { kinds[name].map { Self.allKinds[$0] } }

    /// The kind of the name spelled by `name` (UTF-8).
    func kind(bytes name: UnsafeBufferPointer<UInt8>) -> Entity.Kind? {
        guard kindShapes.mayContain(name) else { return nil }
        return kinds.value(bytes: name).map { Self.allKinds[$0] }
    }

    /// The built-in lists plus the entries of a file.
    ///
    /// - Throws: ``ExtractError/gazetteer(path:line:reason:)`` for an unreadable file or a bad line.
    static func loading(_ path: String) throws(ExtractError) -> Gazetteer {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .gazetteer(path: path, line: 0, reason: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .gazetteer(path: path, line: 0, reason: "not UTF-8")
        }
        var g = builtIn
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: "\t", maxSplits: 1)
            let name = fields.count == 2 ? HTMLText.collapse(String(fields[1])) : ""
            guard fields.count == 2, !name.isEmpty else {
                throw .gazetteer(path: path, line: index + 1, reason: "expected KIND<TAB>NAME")
            }
            switch fields[0].trimmingCharacters(in: .whitespaces) {
            case "place": g.add(name, .place)
            case "organisation", "organization": g.add(name, .organisation)
            case "person": g.add(name, .person)
            case "given": g.givenNames.insert(name)
            case let other:
                throw .gazetteer(path: path, line: index + 1, reason: "unknown kind '\(other)' (place, organisation, person, given)")
            }
        }
        return g
    }
}
