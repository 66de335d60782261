import Foundation

/// Writes Prometheus' text exposition format, version 0.0.4: for each metric family a `# HELP` and a
/// `# TYPE` line, then its samples, `name{label="value",…} value`, one per line.
///
/// Written by hand rather than through swift-prometheus: the daemon's numbers already live in
/// ``RuntimeStats`` and the sources' own status, so a scrape only formats a snapshot, and the format is a
/// few lines of escaping.
struct PrometheusText {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    enum Kind: String {
        case counter, gauge, histogram
    }

    private(set) var text = ""

    /// Starts a family. Its samples must follow before the next family starts.
    mutating func family(_ name: String, _ kind: Kind, _ help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    mutating func sample(_ name: String, _ labels: KeyValuePairs<String, String> = [:], _ value: Double) {
        sample(name, labels: labels.map { ($0.key, $0.value) }, value)
    }

    mutating func sample(_ name: String, labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " \(Self.format(value))\n"
    }

    mutating func sample(_ name: String, _ labels: KeyValuePairs<String, String> = [:], _ value: Int) {
        sample(name, labels, Double(value))
    }

    /// A histogram's samples: cumulative `_bucket`s for each bound and `+Inf`, then `_sum` and `_count`.
    /// `counts` holds the (non-cumulative) count per bound; what lies above the last bound is
    /// `count − sum(counts)`.
    mutating func histogram(
        _ name: String, labels: [(String, String)], bounds: [Double], counts: [Int], count: Int, sum: Double
    ) {
        var cumulative = 0
        for (bound, n) in zip(bounds, counts) {
            cumulative += n
            sample("\(name)_bucket", labels: labels + [("le", Self.format(bound))], Double(cumulative))
        }
        sample("\(name)_bucket", labels: labels + [("le", "+Inf")], Double(count))
        sample("\(name)_sum", labels: labels, sum)
        sample("\(name)_count", labels: labels, Double(count))
    }

    /// Integers without a fraction, others in Swift's shortest exact form; `+Inf`, `-Inf`, `NaN`.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Label values escape backslash, double quote and line feed.
    static func escapeLabel(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    /// HELP text escapes backslash and line feed.
    static func escapeHelp(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
