import Foundation
import Synchronization

/// Document frequencies of stemmed words, per language: the background TF-IDF compares a text with.
///
/// It is built from the articles the process sees (``KeywordExtractor`` adds each text it scores with
/// TF-IDF when asked to learn), and can be written to a file and loaded again, so a restart does not
/// begin from nothing: `ingestctl extract background` builds one from a folder of texts the operator
/// owns. No data ships with the project. Thread-safe.
public final class BackgroundModel: Sendable {
    /// Stems kept at most; past it the rarest half is forgotten (their df then reads as 0, i.e. rare).
    public let capacity: Int

    private struct State {
        var documents = 0
        var counts: [String: Int32] = [:]
    }

    private let state = Mutex(State())

    public init(capacity: Int = 500_000) {
        self.capacity = max(capacity, 1_000)
    }

    /// Texts added so far.
    public var documentCount: Int { state.withLock { $0.documents } }
    /// Distinct stems held.
    public var termCount: Int { state.withLock { $0.counts.count } }

    /// The document count and each stem's document frequency, read under one lock.
    struct Frequencies {
        var documents: Int
        var counts: [Int32]
    }

    func frequencies(of stems: [String], language: String?) -> Frequencies {
        let keys = stems.map { Self.key($0, language) }
        return state.withLock { state in
            Frequencies(documents: state.documents, counts: keys.map { state.counts[$0] ?? 0 })
        }
    }

    /// Counts one text: each distinct stem once.
    public func add(stems: some Sequence<String>, language: String?) {
        let keys = Set(stems.map { Self.key($0, language) })
        state.withLock { state in
            state.documents += 1
            for key in keys { state.counts[key, default: 0] += 1 }
            if state.counts.count > capacity { Self.prune(&state) }
        }
    }

    /// Stems are kept per language: "die" is a stop word in German and a verb in English.
    private static func key(_ stem: String, _ language: String?) -> String {
        (language ?? "") + "\u{1F}" + stem
    }

    private static func prune(_ state: inout State) {
        let sorted = state.counts.values.sorted()
        let threshold = sorted[sorted.count / 2]
        state.counts = state.counts.filter { $0.value > threshold }
    }

    // MARK: File

    public struct FormatError: Error, CustomStringConvertible {
        public var description: String
    }

    private static let magic = "ingestd-background 1"

    /// Writes the model as text: a header line with the document count, then `language TAB stem TAB df`.
    public func write(to path: String) throws {
        let snapshot = state.withLock { $0 }
        var text = "\(Self.magic)\t\(snapshot.documents)\n"
        for (key, count) in snapshot.counts.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
            text += "\(parts[0])\t\(parts.count > 1 ? parts[1] : "")\t\(count)\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Loads a file written by ``write(to:)``.
    public static func load(from path: String, capacity: Int = 500_000) throws -> BackgroundModel {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw FormatError(description: "cannot read background model \(path): \(error.localizedDescription)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard let header = lines.next(), header.hasPrefix(magic),
            let documents = Int(header.dropFirst(magic.count).trimmingCharacters(in: .whitespaces))
        else { throw FormatError(description: "\(path) is not a background model (no '\(magic)' header)") }
        let model = BackgroundModel(capacity: capacity)
        var counts: [String: Int32] = [:]
        var number = 1
        while let line = lines.next() {
            number += 1
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3, let count = Int32(fields[2]), count > 0 else {
                throw FormatError(description: "\(path):\(number): expected 'language<TAB>stem<TAB>df'")
            }
            counts[Self.key(String(fields[1]), String(fields[0]))] = count
        }
        model.state.withLock { state in
            state.documents = documents
            state.counts = counts
        }
        return model
    }
}
