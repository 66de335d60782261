import Glibc

/// Why a source could not start or keep running. Problems with one input (a bad file, a failed fetch) are
/// not `SourceError`s: they become an ``IngestFailure`` kept beside the input.
public enum SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed; `path` is the file or folder it was about, when there is one.
    case system(function: String, errno: Int32, path: String?)
    /// A configured folder cannot be used (it is a file, it cannot be created, …).
    case folder(path: String, reason: String)

    /// The errno of a failed system call, `nil` for other cases.
    public var errno: Int32? {
        if case .system(_, let code, _) = self { return code }
        return nil
    }

    public var description: String {
        switch self {
        case .system(let function, let code, let path):
            let message = String(cString: strerror(code))
            let subject = path.map { "(\($0))" } ?? "()"
            return "source: \(function)\(subject) failed: \(message) (errno \(code))"
        case .folder(let path, let reason):
            return "source: folder \(path): \(reason)"
        }
    }

    /// The error for the last failed system call, read from the calling thread's errno.
    static func lastSystemError(_ function: String, path: String? = nil) -> SourceError {
        .system(function: function, errno: Glibc.errno, path: path)
    }
}
