import TOMLKit

/// Turns TOML text into ``ConfigValue``s, so nothing else depends on the TOML library.
public enum TOMLReader {
    /// Parses `text`; a syntax error becomes a problem with its line and column.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> [String: ConfigValue] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let where_ = "line \(error.source.begin.line), column \(error.source.begin.column)"
            throw ConfigurationError(problems: [
                ConfigProblem(keyPath: "", message: "\(file): \(where_): \(error.description)")
            ])
        } catch {
            throw ConfigurationError(problems: [ConfigProblem(keyPath: "", message: "\(file): \(error)")])
        }
        return convert(table)
    }

    private static func convert(_ table: TOMLTable) -> [String: ConfigValue] {
        var result: [String: ConfigValue] = [:]
        for (key, value) in table {
            result[key] = convert(value)
        }
        return result
    }

    private static func convert(_ value: any TOMLValueConvertible) -> ConfigValue {
        switch value.type {
        case .table: return .table(value.table.map(convert) ?? [:])
        case .array: return .array(value.array.map { $0.map(convert) } ?? [])
        case .string: return .string(value.string ?? "")
        case .int: return .int(value.int ?? 0)
        case .double: return .double(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        case .date, .time, .dateTime: return .date(value.tomlValue.debugDescription)
        }
    }
}
