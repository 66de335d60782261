import Foundation
/// Why the extract stage cannot start.
public enum ExtractError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The configured gazetteer file cannot be read, or a line of it is wrong (`line` 0: the whole file).
    case gazetteer(path: String, line: Int, reason: String)
    /// The configured keywords background model cannot be read.
    case background(path: String, reason: String)

    public var description: String {
        switch self {
        case .gazetteer(let path, let line, let reason):
            line == 0 ? "extract: gazetteer \(path): \(reason)" : "extract: gazetteer \(path), line \(line): \(reason)"
        case .background(let path, let reason):
            "extract: keywords background \(path): \(reason)"
        }
    }
}
