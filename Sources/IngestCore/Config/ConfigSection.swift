/// Reads one table of the configuration, remembering which keys were read so that unknown keys (typos)
/// are reported, and reporting every wrong value with its full key path.
///
/// Getters never throw: a missing key gives the default, a wrong one gives the default and a problem.
/// Call ``finish()`` once all keys are read.
public final class ConfigSection {
    /// The dotted path of this table (`sources.folders[0]`), empty for the root.
    public let path: String
    public let problems: ConfigProblems
    private let values: [String: ConfigValue]
    private var read: Set<String> = []

    public init(path: String, values: [String: ConfigValue], problems: ConfigProblems) {
        self.path = path
        self.values = values
        self.problems = problems
    }

    /// The keys present, sorted.
    public var keys: [String] { values.keys.sorted() }

    public func has(_ key: String) -> Bool { values[key] != nil }

    public func keyPath(_ key: String?) -> String {
        guard let key else { return path }
        return path.isEmpty ? key : "\(path).\(key)"
    }

    public func problem(_ key: String?, _ message: String) {
        problems.add(keyPath(key), message)
    }

    private func value(_ key: String) -> ConfigValue? {
        read.insert(key)
        return values[key]
    }

    private func wrongType(_ key: String, _ value: ConfigValue, expected: String) {
        problem(key, "expected \(expected), found \(value.typeName)")
    }

    public func string(_ key: String, default defaultValue: String) -> String {
        optionalString(key) ?? defaultValue
    }

    public func optionalString(_ key: String) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else {
            wrongType(key, v, expected: "a string")
            return nil
        }
        return s
    }

    /// A string that must be one of `allowed`.
    public func choice(_ key: String, default defaultValue: String, allowed: [String]) -> String {
        let s = string(key, default: defaultValue)
        guard allowed.contains(s) else {
            problem(key, "'\(s)' is not one of \(allowed.map { "'\($0)'" }.joined(separator: ", "))")
            return defaultValue
        }
        return s
    }

    public func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>? = nil) -> Int {
        guard let v = value(key) else { return defaultValue }
        guard case .int(let i) = v else {
            wrongType(key, v, expected: "an integer")
            return defaultValue
        }
        if let range, !range.contains(i) {
            problem(key, "\(i) is out of range \(range.lowerBound)…\(range.upperBound)")
            return defaultValue
        }
        return i
    }

    public func double(_ key: String, default defaultValue: Double, range: ClosedRange<Double>? = nil) -> Double {
        guard let v = value(key) else { return defaultValue }
        let d: Double
        switch v {
        case .double(let x): d = x
        case .int(let i): d = Double(i)
        default:
            wrongType(key, v, expected: "a number")
            return defaultValue
        }
        if let range, !range.contains(d) {
            problem(key, "\(d) is out of range \(range.lowerBound)…\(range.upperBound)")
            return defaultValue
        }
        return d
    }

    public func bool(_ key: String, default defaultValue: Bool) -> Bool {
        guard let v = value(key) else { return defaultValue }
        guard case .bool(let b) = v else {
            wrongType(key, v, expected: "true or false")
            return defaultValue
        }
        return b
    }

    public func strings(_ key: String, default defaultValue: [String]) -> [String] {
        guard let v = value(key) else { return defaultValue }
        guard case .array(let items) = v else {
            wrongType(key, v, expected: "an array of strings")
            return defaultValue
        }
        var result: [String] = []
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item else {
                problems.add("\(keyPath(key))[\(i)]", "expected a string, found \(item.typeName)")
                continue
            }
            result.append(s)
        }
        return result
    }

    /// A sub-table; an empty one when the key is absent.
    public func section(_ key: String) -> ConfigSection {
        let v = value(key)
        switch v {
        case .table(let t):
            return ConfigSection(path: keyPath(key), values: t, problems: problems)
        case nil:
            return ConfigSection(path: keyPath(key), values: [:], problems: problems)
        case let other?:
            wrongType(key, other, expected: "a table")
            return ConfigSection(path: keyPath(key), values: [:], problems: problems)
        }
    }

    /// An array of tables (`[[sources.folders]]`); empty when the key is absent.
    public func sections(_ key: String) -> [ConfigSection] {
        guard let v = value(key) else { return [] }
        guard case .array(let items) = v else {
            wrongType(key, v, expected: "an array of tables")
            return []
        }
        var result: [ConfigSection] = []
        for (i, item) in items.enumerated() {
            let path = "\(keyPath(key))[\(i)]"
            guard case .table(let t) = item else {
                problems.add(path, "expected a table, found \(item.typeName)")
                continue
            }
            result.append(ConfigSection(path: path, values: t, problems: problems))
        }
        return result
    }

    /// Marks every key as read (for tables whose keys are checked elsewhere).
    public func markAllRead() {
        read.formUnion(values.keys)
    }

    /// Reports every key that no getter asked for.
    public func finish() {
        for key in values.keys.sorted() where !read.contains(key) {
            problem(key, "unknown key")
        }
        read.formUnion(values.keys)
    }
}
