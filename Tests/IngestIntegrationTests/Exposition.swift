import Foundation

/// A strict reader of Prometheus' text exposition format 0.0.4, for the metrics tests: anything the
/// format does not allow, or that a scraper would reject or misread, is an error.
///
/// Checked: every line is a `# HELP`, a `# TYPE` or a sample `name{label="value",…} value`; a family has
/// one HELP and one TYPE, both before its samples, and its samples are not interleaved with another's;
/// names and label names are valid, label values correctly escaped, no label repeated; a counter's samples
/// carry the family's name; a histogram has, per label set, `_bucket`s with increasing `le` ending at `+Inf`,
/// cumulative counts that never decrease, `+Inf` equal to `_count`, and a `_sum`.
struct Exposition {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Family {
        var help: String?
        var type: String?
        var samples: [Sample] = []
    }

    struct Problem: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    private(set) var families: [String: Family] = [:]
    private(set) var order: [String] = []

    /// Every sample named `name` whose labels include `labels`.
    func samples(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        families.values.flatMap(\.samples).filter { s in
            s.name == name && labels.allSatisfy { s.labels[$0.key] == $0.value }
        }
    }

    /// The value of the one sample named `name` with exactly these labels (besides none other); `nil` when
    /// there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples(name, labels).first { $0.labels == labels }?.value
    }

    init(_ text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else { throw Problem(line: 0, message: "the text must end with a line feed") }
        var current: String?
        var finished: Set<String> = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let n = index + 1
            func fail(_ message: String) -> Problem { Problem(line: n, message: "\(message): \(line)") }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count >= 3, parts[0] == "#", parts[1] == "HELP" || parts[1] == "TYPE" else {
                    throw fail("a comment other than HELP or TYPE")
                }
                let name = String(parts[2])
                guard Self.isMetricName(name) else { throw fail("bad metric name") }
                guard !finished.contains(name) else { throw fail("\(name) comes back after another family") }
                if current != name, let previous = current { finished.insert(previous) }
                current = name
                var family = families[name] ?? Family()
                guard family.samples.isEmpty else { throw fail("HELP/TYPE after the family's samples") }
                if families[name] == nil { order.append(name) }
                if parts[1] == "HELP" {
                    guard family.help == nil else { throw fail("a second HELP") }
                    family.help = parts.count == 4 ? String(parts[3]) : ""
                } else {
                    guard family.type == nil else { throw fail("a second TYPE") }
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        throw fail("bad TYPE")
                    }
                    family.type = String(parts[3])
                }
                families[name] = family
                continue
            }
            guard !line.isEmpty else { throw fail("an empty line") }
            guard let sample = Self.parseSample(Substring(line)) else { throw fail("not a sample line") }
            guard let name = current, var family = families[name] else { throw fail("a sample before any HELP/TYPE") }
            guard let type = family.type, family.help != nil else { throw fail("a sample before its family's HELP and TYPE") }
            let allowed: [String] =
                switch type {
                case "histogram": [name + "_bucket", name + "_sum", name + "_count"]
                case "summary": [name, name + "_sum", name + "_count"]
                default: [name]
                }
            guard allowed.contains(sample.name) else { throw fail("sample \(sample.name) outside its family \(name)") }
            if type == "counter" { guard name.hasSuffix("_total") else { throw fail("a counter without _total") } }
            if type == "histogram" && sample.name == name + "_bucket" {
                guard sample.labels["le"] != nil else { throw fail("a bucket without le") }
            }
            family.samples.append(sample)
            families[name] = family
        }
        for (name, family) in families where family.type == "histogram" {
            try Self.checkHistogram(name, family.samples)
        }
    }

    private static func checkHistogram(_ name: String, _ samples: [Sample]) throws {
        var groups: [[String: String]: [Sample]] = [:]
        for s in samples {
            var key = s.labels
            key["le"] = nil
            groups[key, default: []].append(s)
        }
        for (labels, group) in groups {
            let buckets = group.filter { $0.name == name + "_bucket" }
            guard let count = group.first(where: { $0.name == name + "_count" })?.value,
                group.contains(where: { $0.name == name + "_sum" })
            else { throw Problem(line: 0, message: "\(name)\(labels): _count or _sum missing") }
            var previousBound = -Double.infinity
            var previousCount = 0.0
            for b in buckets {
                guard let bound = b.labels["le"].flatMap(parseValue) else {
                    throw Problem(line: 0, message: "\(name)\(labels): le is not a number")
                }
                guard bound > previousBound else { throw Problem(line: 0, message: "\(name)\(labels): le not increasing") }
                guard b.value >= previousCount else { throw Problem(line: 0, message: "\(name)\(labels): buckets not cumulative") }
                previousBound = bound
                previousCount = b.value
            }
            guard buckets.last?.labels["le"] == "+Inf" else { throw Problem(line: 0, message: "\(name)\(labels): no +Inf bucket last") }
            guard previousCount == count else {
                throw Problem(line: 0, message: "\(name)\(labels): +Inf bucket \(previousCount) ≠ _count \(count)")
            }
        }
    }

    static func isMetricName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCIILetter || first == "_" || first == ":" else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == ":" }
    }

    static func isLabelName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" }
    }

    static func parseValue(_ s: String) -> Double? {
        switch s {
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default:
            guard !s.isEmpty, s.allSatisfy({ "0123456789.eE+-".contains($0) }) else { return nil }
            return Double(s)
        }
    }

    /// `name{labels} value`, with no timestamp (ingestd sends none); `nil` when malformed.
    static func parseSample(_ line: Substring) -> Sample? {
        var rest = line[...]
        let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        guard isMetricName(name) else { return nil }
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                guard let eq = rest.firstIndex(of: "=") else { return nil }
                let label = String(rest[..<eq])
                guard isLabelName(label), labels[label] == nil else { return nil }
                rest = rest[rest.index(after: eq)...]
                guard rest.first == "\"" else { return nil }
                rest = rest.dropFirst()
                var value = ""
                while true {
                    guard let c = rest.first else { return nil }
                    rest = rest.dropFirst()
                    if c == "\"" { break }
                    if c == "\\" {
                        guard let e = rest.first else { return nil }
                        rest = rest.dropFirst()
                        switch e {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: return nil
                        }
                    } else {
                        value.append(c)
                    }
                }
                labels[label] = value
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { return nil }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { return nil }
        rest = rest.dropFirst()
        guard !rest.contains(" "), let value = parseValue(String(rest)) else { return nil }
        return Sample(name: name, labels: labels, value: value)
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
