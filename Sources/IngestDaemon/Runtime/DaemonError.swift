/// Why the daemon cannot start or run.
public enum DaemonError: Error, CustomStringConvertible {
    /// Another ingestd answers on the control socket.
    case alreadyRunning(String)
    /// The store could not be opened.
    case store(String)
    /// A source could not start.
    case source(String)

    public var description: String {
        switch self {
        case .alreadyRunning(let path): "another ingestd is already running (it answers on \(path))"
        case .store(let why): why
        case .source(let why): why
        }
    }
}
