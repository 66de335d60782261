import Foundation
import Glibc
import IngestCore
import Logging
import ServiceLifecycle
import Synchronization

/// The Prometheus endpoint: `GET /metrics` over HTTP/1.1 on TCP, one request per connection.
///
/// Like the control API's server it is a few dozen lines over sockets rather than an HTTP library: a
/// scrape is one small GET. The listening socket is bound in ``init(configuration:metrics:logger:)``, so a
/// busy port stops the daemon's start with a clear error instead of failing later. The accept loop runs on
/// its own thread, sleeping in `poll()`; each connection is answered on a Dispatch queue.
final class MetricsServer: Service {
    private let metrics: DaemonMetrics
    private let logger: Logger
    private let listener: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let stopped = Mutex(false)
    private let connections = Atomic<Int>(0)
    let listen: String

    /// Connections answered at once; more are closed at once (a scraper sends one at a time).
    static let maxConnections = 8
    static let maxHead = 8 * 1024

    init(configuration: MetricsConfiguration, metrics: DaemonMetrics, logger: Logger) throws {
        self.metrics = metrics
        self.logger = logger
        listen = configuration.listen
        let ipv6 = configuration.address.count == 16
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Self.error("socket", configuration.listen) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let port = UInt16(configuration.port).bigEndian
        let bound: Int32
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port
            withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: configuration.address) }
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port
            withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: configuration.address) }
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            let e = Self.error("bind", configuration.listen)
            close(fd)
            throw e
        }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            close(fd)
            throw Self.error("pipe", configuration.listen)
        }
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        listener = fd
        wakeRead = pipeEnds[0]
        wakeWrite = pipeEnds[1]
    }

    func run() async throws {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "metrics-accept"
        thread.start()
        logger.info("metrics listening", metadata: ["listen": "\(listen)"])
        try? await cancelWhenGracefulShutdown {
            while true { try await Task.sleep(for: .seconds(86_400)) }
        }
        stop()
    }

    func stop() {
        let first = stopped.withLock { s in
            defer { s = true }
            return !s
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
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
            guard connections.add(1, ordering: .relaxed).newValue <= Self.maxConnections else {
                connections.subtract(1, ordering: .relaxed)
                close(client)
                continue
            }
            DispatchQueue.global().async { [self] in
                serve(client)
                connections.subtract(1, ordering: .relaxed)
            }
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let (status, headers, body) = respond(to: readHead(fd))
        var head = "HTTP/1.1 \(status)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let out = Array((head + "\r\n" + body).utf8)
        var offset = 0
        while offset < out.count {
            let n = out.withUnsafeBytes { send(fd, $0.baseAddress! + offset, out.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// The status line's code and reason, the headers and the body for a request line (`nil`: unreadable).
    func respond(to requestLine: String?) -> (String, [(String, String)], String) {
        let text = [("Content-Type", "text/plain; charset=utf-8")]
        guard let requestLine else { return ("400 Bad Request", text, "bad request\n") }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return ("400 Bad Request", text, "bad request\n") }
        let path = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path == "/metrics" else { return ("404 Not Found", text, "only /metrics is served here\n") }
        guard parts[0] == "GET" else { return ("405 Method Not Allowed", text + [("Allow", "GET")], "GET only\n") }
        return ("200 OK", [("Content-Type", PrometheusText.contentType)], metrics.render())
    }

    /// Reads up to the end of the request head and returns its first line; `nil` when the client sent
    /// something else, too much, or nothing in time.
    private func readHead(_ fd: Int32) -> String? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 2048)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while data.count <= Self.maxHead {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            data += buffer[0..<n]
            if data.count >= 4, (0...(data.count - 4)).contains(where: { data[$0..<($0 + 4)].elementsEqual(end) }) {
                guard let lineEnd = data.firstIndex(of: UInt8(ascii: "\r")) else { return nil }
                return String(decoding: data[..<lineEnd], as: UTF8.self)
            }
        }
        return nil
    }

    private static func error(_ function: String, _ listen: String) -> DaemonError {
        DaemonError.source("metrics: \(function) \(listen): \(String(cString: strerror(errno)))")
    }
}
