import Foundation
import Glibc
import Synchronization

/// A minimal HTTP/1.1 server on a Unix socket: one request per connection, answered and closed.
///
/// The control API needs no more, and keeping it this small keeps the daemon free of a networking stack
/// (a general HTTP library here pulled in libcurl and TLS, 10 MB of resident memory for nothing). The
/// accept loop runs on its own thread, sleeping in `poll()`; each request is read and written on a Dispatch
/// queue, and its handler runs as a task (some answers wait for work, like `feeds poll`).
final class UnixHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        var body: Data
    }

    struct Response: Sendable {
        var status: Int
        var body: Data
        var headers: [(String, String)] = []
    }

    typealias Handler = @Sendable (Request) async -> Response

    let path: String
    private let handler: Handler
    private let listener: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let stopped = Mutex(false)

    /// Request heads larger than this are refused; bodies are capped too (claims and acks are small).
    static let maxHead = 64 * 1024
    static let maxBody = 4 * 1024 * 1024

    /// Binds and listens at `path` with `mode`; the socket file must not exist.
    init(path: String, mode: mode_t, handler: @escaping Handler) throws {
        self.path = path
        self.handler = handler
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Self.error("socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw DaemonError.source("control socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        // Create the socket file with no permissions for others from the start, then set the exact mode.
        let oldMask = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(oldMask)
        guard bound == 0 else {
            let e = Self.error("bind \(path)")
            close(fd)
            throw e
        }
        chmod(path, mode)
        guard listen(fd, 64) == 0 else {
            let e = Self.error("listen")
            close(fd)
            throw e
        }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw Self.error("pipe") }
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        listener = fd
        wakeRead = pipeEnds[0]
        wakeWrite = pipeEnds[1]
    }

    /// Starts the accept thread.
    func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "control-accept"
        thread.start()
    }

    /// Stops accepting; requests being answered finish on their own.
    func stop() {
        let first = stopped.withLock { s in
            defer { s = true }
            return !s
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        unlink(path)
    }

    private func acceptLoop() {
        defer {
            close(listener)
            close(wakeRead)
            close(wakeWrite)
        }
        while true {
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            let client = accept(listener, nil, nil)
            if client < 0 { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            DispatchQueue.global().async { [self] in serve(client) }
        }
    }

    /// Runs the async handler and waits for it on this Dispatch thread. The socket I/O stays off the
    /// concurrency pool, where a client that stalls would hold one of its few threads.
    private func answer(_ request: Request) -> Response {
        let done = DispatchSemaphore(value: 0)
        let box = Mutex<Response?>(nil)
        let handler = self.handler
        Task {
            let response = await handler(request)
            box.withLock { $0 = response }
            done.signal()
        }
        done.wait()
        return box.withLock { $0 } ?? Response(status: 500, body: Data("{\"error\":\"no answer\"}".utf8))
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        // A client that stops talking must not hold a thread forever.
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let response: Response
        switch Self.readRequest(fd) {
        case .success(let request): response = answer(request)
        case .failure(let problem): response = Response(status: problem.status, body: Data("{\"error\":\"\(problem.message)\"}".utf8))
        }
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        head += "Content-Type: application/json\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        var out = Data((head + "\r\n").utf8)
        out.append(response.body)
        var offset = 0
        while offset < out.count {
            let n = out.withUnsafeBytes { send(fd, $0.baseAddress! + offset, out.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    struct Problem: Error {
        var status: Int
        var message: String
    }

    /// Reads one request from `fd`: the head, then a body of Content-Length bytes. Internal for the fuzz target
    /// (fuzz/harness/RequestFuzz.swift).
    static func readRequest(_ fd: Int32) -> Result<Request, Problem> {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var headEnd: Range<Data.Index>?
        while headEnd == nil {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return .failure(Problem(status: 400, message: "incomplete request")) }
            data.append(contentsOf: buffer[0..<n])
            headEnd = data.range(of: Data("\r\n\r\n".utf8))
            if headEnd == nil && data.count > Self.maxHead { return .failure(Problem(status: 431, message: "request head too large")) }
        }
        let head = String(decoding: data[..<headEnd!.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else {
            return .failure(Problem(status: 400, message: "not an HTTP/1.x request line"))
        }
        var contentLength = 0
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == "content-length" {
                guard let length = Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)), length >= 0 else {
                    return .failure(Problem(status: 400, message: "bad Content-Length"))
                }
                contentLength = length
            }
        }
        guard contentLength <= Self.maxBody else { return .failure(Problem(status: 413, message: "request body too large")) }
        var body = Data(data[headEnd!.upperBound...])
        while body.count < contentLength {
            let n = read(fd, &buffer, min(buffer.count, contentLength - body.count))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return .failure(Problem(status: 400, message: "incomplete request body")) }
            body.append(contentsOf: buffer[0..<n])
        }
        let target = String(requestLine[1])
        let parts = target.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                // Empty names are kept ("=x" → "": "x"); a bare "=" used to trap on kv[0] and take the daemon down.
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
                query[kv[0]] = kv.count > 1 ? kv[1] : ""
            }
        }
        return .success(Request(method: String(requestLine[0]), path: String(parts.first ?? ""), query: query, body: body))
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 413: "Payload Too Large"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        default: "Error"
        }
    }

    private static func error(_ function: String) -> DaemonError {
        DaemonError.source("control socket: \(function): \(String(cString: strerror(errno)))")
    }
}
