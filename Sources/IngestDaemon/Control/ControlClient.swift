public import Foundation
import Glibc

/// A small HTTP/1.1 client for the control socket: one request per connection, blocking. `ingestctl`
/// needs no more, and it keeps the CLI free of an event loop.
public struct ControlClient: Sendable {
    public let socketPath: String
    /// Seconds to wait for an answer.
    public var timeout: Int = 30

    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
    }

    public enum ClientError: Error, CustomStringConvertible {
        /// Nothing listens on the socket: the daemon is not running (or the path is wrong).
        case notRunning(String)
        /// The socket exists but cannot be used (permissions).
        case cannotConnect(String, String)
        /// The answer is not HTTP, or the daemon speaks another API version.
        case protocolError(String)

        public var description: String {
            switch self {
            case .notRunning(let path): "ingestd is not running (nothing listens on \(path))"
            case .cannotConnect(let path, let why): "cannot connect to \(path): \(why)"
            case .protocolError(let why): why
            }
        }
    }

    /// Sends one request and returns the answer; checks the daemon's API version.
    public func request(_ method: String, _ target: String, body: Data? = nil) throws(ClientError) -> Response {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .cannotConnect(socketPath, String(cString: strerror(errno))) }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw .cannotConnect(socketPath, "socket path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if connected != 0 {
            let code = errno
            if code == ENOENT || code == ECONNREFUSED { throw .notRunning(socketPath) }
            throw .cannotConnect(socketPath, String(cString: strerror(code)))
        }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: ingestd\r\nConnection: close\r\n"
        if let body {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        } else if method != "GET" {
            head += "Content-Length: 0\r\n"
        }
        var request = Data((head + "\r\n").utf8)
        if let body { request.append(body) }
        try writeAll(fd, request)
        let response = try parse(try readAll(fd))
        guard let api = response.headers[ControlAPI.header.lowercased()] else {
            throw .protocolError("\(socketPath) does not answer like ingestd (no \(ControlAPI.header) header)")
        }
        guard api == ControlAPI.version else {
            throw .protocolError("the daemon speaks control API v\(api); this ingestctl speaks v\(ControlAPI.version): use the ingestctl of the same version")
        }
        return response
    }

    private func writeAll(_ fd: Int32, _ data: Data) throws(ClientError) {
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes { send(fd, $0.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .protocolError("writing to \(socketPath): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    private func readAll(_ fd: Int32) throws(ClientError) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { throw .protocolError("no answer from \(socketPath) within \(timeout) s") }
                throw .protocolError("reading from \(socketPath): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            // Stop as soon as the whole body is there, in case the server keeps the connection open.
            if let response = try? parse(data), let length = response.headers["content-length"].flatMap(Int.init),
                response.body.count >= length
            {
                break
            }
        }
        return data
    }

    private func parse(_ data: Data) throws(ClientError) -> Response {
        let separator = Data("\r\n\r\n".utf8)
        guard let range = data.range(of: separator) else { throw .protocolError("incomplete answer from \(socketPath)") }
        let head = String(decoding: data[..<range.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/"), let status = Int(statusLine[1]) else {
            throw .protocolError("\(socketPath) does not answer HTTP")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: Data(data[range.upperBound...]))
    }
}
