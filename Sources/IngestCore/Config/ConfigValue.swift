/// A config value as read from TOML, independent of the TOML library.
public indirect enum ConfigValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    /// TOML dates and times, kept as their text.
    case date(String)
    case array([ConfigValue])
    case table([String: ConfigValue])

    /// The TOML name of the value's type, for error messages.
    public var typeName: String {
        switch self {
        case .string: "string"
        case .int: "integer"
        case .double: "float"
        case .bool: "boolean"
        case .date: "date"
        case .array: "array"
        case .table: "table"
        }
    }
}

/// One problem in a configuration, with the dotted key path it concerns.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public var keyPath: String
    public var message: String

    public init(keyPath: String, message: String) {
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String { keyPath.isEmpty ? message : "\(keyPath): \(message)" }
}

/// Collects every problem of a configuration, so all are reported at once.
public final class ConfigProblems {
    public private(set) var items: [ConfigProblem] = []

    public init() {}

    public var count: Int { items.count }

    public func add(_ keyPath: String, _ message: String) {
        items.append(ConfigProblem(keyPath: keyPath, message: message))
    }
}

/// A configuration that cannot be used, with every problem found in it.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(problems: [ConfigProblem]) {
        self.problems = problems
    }

    public var description: String {
        "invalid configuration (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
