import IngestCore

/// Topics and their weighted keyword and phrase rules, as written in a taxonomy TOML file
/// (``DefaultTaxonomy`` is the built-in one; its header comment documents the format).
public struct Taxonomy: Sendable, Equatable {
    public struct Topic: Sendable, Equatable {
        /// The label articles carry (`sport`, `crime-law-justice`).
        public var name: String
        public var description: String
        public var terms: [Term]
        /// Phrases that give the topic for certain.
        public var force: [String]
        /// Phrases that rule the topic out.
        public var forbid: [String]
    }

    public struct Term: Sendable, Equatable {
        /// As written: lowercase words, an optional trailing `*`.
        public var text: String
        public var weight: Double
    }

    /// Sorted by name, so labels come out in the same order whatever order the file lists them in.
    public var topics: [Topic]

    /// The built-in taxonomy. Its text is checked by the tests, so parsing it cannot fail in a release.
    public static func builtIn() -> Taxonomy {
        do {
            return try parse(DefaultTaxonomy.toml, source: "(built-in)")
        } catch {
            preconditionFailure("the built-in taxonomy does not parse: \(error)")
        }
    }

    /// Parses taxonomy TOML; `source` names it in errors (a path, or "(built-in)").
    ///
    /// - Throws: ``ClassifyError/taxonomy(source:problems:)`` listing every problem with its key path.
    public static func parse(_ text: String, source: String) throws(ClassifyError) -> Taxonomy {
        let root: [String: ConfigValue]
        do {
            root = try TOMLReader.parse(text, file: source)
        } catch {
            throw .taxonomy(source: source, problems: error.problems.map(\.description))
        }
        var problems: [String] = []
        for key in root.keys.sorted() where key != "labels" { problems.append("\(key): unknown key") }
        guard case .table(let labels)? = root["labels"], !labels.isEmpty else {
            throw .taxonomy(source: source, problems: problems + ["labels: no [labels.NAME] tables"])
        }
        var topics: [Topic] = []
        for name in labels.keys.sorted() {
            let path = "labels.\(name)"
            guard isLabelName(name) else {
                problems.append("\(path): a label name is lowercase letters, digits, '-' and '_'")
                continue
            }
            guard case .table(let table) = labels[name]! else {
                problems.append("\(path): expected a table")
                continue
            }
            var topic = Topic(name: name, description: "", terms: [], force: [], forbid: [])
            for key in table.keys.sorted() {
                let value = table[key]!
                switch key {
                case "description":
                    guard case .string(let s) = value else {
                        problems.append("\(path).description: expected a string")
                        continue
                    }
                    topic.description = s
                case "terms":
                    topic.terms = parseTerms(value, path: "\(path).terms", problems: &problems)
                case "force", "forbid":
                    let phrases = parsePhrases(value, path: "\(path).\(key)", problems: &problems)
                    if key == "force" { topic.force = phrases } else { topic.forbid = phrases }
                default:
                    problems.append("\(path).\(key): unknown key")
                }
            }
            if topic.terms.isEmpty && topic.force.isEmpty {
                problems.append("\(path): no terms and nothing forced: the label could never be given")
            }
            topics.append(topic)
        }
        guard problems.isEmpty else { throw .taxonomy(source: source, problems: problems) }
        return Taxonomy(topics: topics)
    }

    /// `terms` in either form: `weight = ["term", …]` or `"term" = weight`.
    private static func parseTerms(_ value: ConfigValue, path: String, problems: inout [String]) -> [Term] {
        guard case .table(let table) = value else {
            problems.append("\(path): expected a table")
            return []
        }
        var terms: [Term] = []
        for key in table.keys.sorted() {
            switch table[key]! {
            case .array(let items):
                guard let weight = Double(key), weight.isFinite else {
                    problems.append("\(path).\(key): a list of terms needs a number as its key (the weight)")
                    continue
                }
                for (i, item) in items.enumerated() {
                    guard case .string(let text) = item else {
                        problems.append("\(path).\(key)[\(i)]: expected a string")
                        continue
                    }
                    if let term = checkedTerm(text, weight: weight, path: "\(path).\(key)[\(i)]", problems: &problems) {
                        terms.append(term)
                    }
                }
            case .int(let weight):
                if let term = checkedTerm(key, weight: Double(weight), path: "\(path).\(key)", problems: &problems) {
                    terms.append(term)
                }
            case .double(let weight):
                if let term = checkedTerm(key, weight: weight, path: "\(path).\(key)", problems: &problems) {
                    terms.append(term)
                }
            default:
                problems.append("\(path).\(key): expected a weight or a list of terms")
            }
        }
        return terms.sorted { ($0.text, $0.weight) < ($1.text, $1.weight) }
    }

    private static func checkedTerm(_ text: String, weight: Double, path: String, problems: inout [String]) -> Term? {
        guard weight != 0, abs(weight) <= 100 else {
            problems.append("\(path): weight \(weight) must be non-zero and within -100…100")
            return nil
        }
        if let problem = TermPattern.problem(text) {
            problems.append("\(path): '\(text)': \(problem)")
            return nil
        }
        return Term(text: text, weight: weight)
    }

    private static func parsePhrases(_ value: ConfigValue, path: String, problems: inout [String]) -> [String] {
        guard case .array(let items) = value else {
            problems.append("\(path): expected an array of strings")
            return []
        }
        var phrases: [String] = []
        for (i, item) in items.enumerated() {
            guard case .string(let text) = item else {
                problems.append("\(path)[\(i)]: expected a string")
                continue
            }
            if let problem = TermPattern.problem(text) {
                problems.append("\(path)[\(i)]: '\(text)': \(problem)")
            } else {
                phrases.append(text)
            }
        }
        return phrases
    }

    private static func isLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, Tokenizer.isWordByte(first) else { return false }
        return name.utf8.allSatisfy { ($0 &- 97 < 26) || ($0 &- 48 < 10) || $0 == 45 || $0 == 95 }
    }
}

/// A term compiled for matching: the hashes of its words, the last one possibly a prefix.
struct TermPattern: Sendable {
    var words: [UInt64]
    /// The byte length of the last word's prefix when the term ends in `*`; 0 for an exact last word.
    var prefixLength: Int
    /// ``RuleMatcher/gateIndex(_:)`` of the last word's first bytes, for prefix terms.
    var prefixGate: Int = 0

    init?(_ text: String) {
        guard TermPattern.problem(text) == nil else { return nil }
        let isPrefix = text.hasSuffix("*")
        var body = Array((isPrefix ? String(text.dropLast()) : text).utf8)
        var words: [UInt64] = []
        var lastLength = 0
        var gate = 0
        body.withUnsafeMutableBufferPointer { buffer in
            let bytes = UnsafeBufferPointer(buffer)
            Tokenizer.forEachWord(in: bytes) { hash, start, length in
                words.append(hash)
                lastLength = length
                if length >= RuleMatcher.prefixProbe { gate = RuleMatcher.gateIndex(bytes.baseAddress! + start) }
            }
        }
        self.words = words
        prefixLength = isPrefix ? lastLength : 0
        prefixGate = isPrefix ? gate : 0
    }

    /// Why `text` cannot be a term, or `nil` when it can.
    static func problem(_ text: String) -> String? {
        let isPrefix = text.hasSuffix("*")
        let body = isPrefix ? String(text.dropLast()) : text
        if body.contains("*") { return "'*' may only end a term" }
        var words: [Int] = []
        var bytes = Array(body.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            Tokenizer.forEachWord(in: UnsafeBufferPointer(buffer)) { _, _, length in words.append(length) }
        }
        if words.isEmpty { return "no words in it" }
        if words.count > 8 { return "more than 8 words" }
        if isPrefix, let last = words.last, last < 3 {
            return "a prefix needs at least 3 letters before '*'"
        }
        if isPrefix, let last = body.unicodeScalars.last, !Tokenizer.isWordByte(UInt8(truncatingIfNeeded: last.value)) {
            return "'*' must follow a letter or digit"
        }
        return nil
    }
}
