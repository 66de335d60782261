import TOMLKit

/// Turns TOML text into ``ConfigValue``s, so nothing else depends on the TOML library.
public enum TOMLReader {
    /// Parses `text`; a syntax error becomes a problem with its line and column.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> [String: ConfigValue] {
        if let (line, column) = headerWithoutKey(text) {
            throw ConfigurationError(problems: [
                ConfigProblem(
                    keyPath: "",
                    message: "\(file): line \(line), column \(column): a table header must start with a key, and a date's T a time")
            ])
        }
        if let crash = TOMLProbe.crash(parsing: text) {
            throw ConfigurationError(problems: [ConfigProblem(keyPath: "", message: "\(file): \(crash)")])
        }
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

    /// The line and column of a table header whose key starts with a character no key starts with (`[#`,
    /// `[=`, `[.`…), or of a date-time with no time after its `T`, if there is one.
    ///
    /// toml++ (inside TOMLKit) is built with its assertions on, and on such a header it fails an assertion,
    /// aborting the process (`ingestctl validate`, or ingestd at start or on SIGHUP), where it should report
    /// a syntax error; found by fuzz/harness/ConfigFuzz.swift. So these are refused here first. A
    /// line opens a table header when it starts with `[` outside any string, comment, array or inline table.
    static func headerWithoutKey(_ text: String) -> (line: Int, column: Int)? {
        let s = Array(text.unicodeScalars)
        func at(_ i: Int) -> Unicode.Scalar? { i < s.count ? s[i] : nil }
        func starts(_ i: Int, _ q: Unicode.Scalar) -> Bool { at(i) == q && at(i + 1) == q && at(i + 2) == q }
        var i = 0
        var line = 1
        var lineStart = 0
        var atLineStart = true
        var depth = 0
        while i < s.count {
            let c = s[i]
            if c == "\n" {
                line += 1
                lineStart = i + 1
                atLineStart = true
                i += 1
                continue
            }
            if c == " " || c == "\t" || c == "\r" {
                i += 1
                continue
            }
            if atLineStart && depth == 0 && c == "[" {
                var j = i + 1
                while at(j) == " " || at(j) == "\t" { j += 1 }
                if at(j) == "[" {
                    j += 1
                    while at(j) == " " || at(j) == "\t" { j += 1 }
                }
                if let k = at(j), !(k.properties.isASCIIHexDigit || ("a"..."z").contains(k) || ("A"..."Z").contains(k)
                    || k == "_" || k == "-" || k == "\"" || k == "'" || k == "]")
                {
                    return (line, j - lineStart + 1)
                }
                // The rest of the header line holds no value: skip it (a key's quotes stay on one line).
                while i < s.count && s[i] != "\n" { i += 1 }
                continue
            }
            atLineStart = false
            switch c {
            case "#":
                while i < s.count && s[i] != "\n" { i += 1 }
                continue
            case "\"" where starts(i, "\""), "'" where starts(i, "'"):
                // A multi-line string: to its closing triple quote (newlines inside count as lines).
                let quote = c
                i += 3
                while i < s.count && !starts(i, quote) {
                    if s[i] == "\n" {
                        line += 1
                        lineStart = i + 1
                    }
                    i += quote == "\"" && s[i] == "\\" ? 2 : 1
                }
                i += 3
                continue
            case "\"", "'":
                let quote = c
                i += 1
                while i < s.count && s[i] != quote && s[i] != "\n" { i += quote == "\"" && s[i] == "\\" ? 2 : 1 }
                if i < s.count && s[i] == quote { i += 1 }
                continue
            case "[", "{":
                depth += 1
            case "]", "}":
                depth = max(0, depth - 1)
            case "0"..."9":
                // A date followed by T and no time (`1979-05-27T`, `…Tx`): toml++ asserts a digit there too.
                func digit(_ k: Int) -> Bool { at(k).map { ("0"..."9").contains($0) } ?? false }
                let isDate = (0..<4).allSatisfy { digit(i + $0) } && at(i + 4) == "-" && digit(i + 5) && digit(i + 6)
                    && at(i + 7) == "-" && digit(i + 8) && digit(i + 9)
                if isDate && (at(i + 10) == "T" || at(i + 10) == "t") && !digit(i + 11) {
                    return (line, i + 11 - lineStart + 1)
                }
                while i + 1 < s.count && (digit(i + 1) || at(i + 1) == "-") { i += 1 }
            default:
                break
            }
            i += 1
        }
        return nil
    }
}
