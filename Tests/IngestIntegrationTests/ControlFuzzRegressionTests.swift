import Foundation
import Glibc
import IngestTestKit
import Testing

/// Requests the control API fuzz target (fuzz/harness/RequestFuzz.swift) found to crash the daemon, sent
/// raw to a running ingestd: each must get an answer, and the daemon must still answer afterwards.
@Suite("control API requests found by fuzzing", .serialized)
struct ControlFuzzRegressionTests {
    @Test("a query of a bare '=' (GET /v1/status?=) is answered, not a crash")
    func bareEqualsInQuery() async throws {
        let dir = try TemporaryDirectory("fuzz-control")
        defer { dir.remove() }
        let daemon = try DaemonProcess(directory: dir)
        try await daemon.start()
        for target in ["/v1/status?=", "/v1/queue/peek?=&=&limit=1", "/v1/status?&=x&", "/v1/status?=="] {
            let answer = sendRaw("GET \(target) HTTP/1.1\r\nHost: ingestd\r\n\r\n", to: daemon.socketPath)
            #expect(answer.hasPrefix("HTTP/1.1 "), "\(target): no answer")
            #expect(daemon.process?.isRunning == true, "\(target) took ingestd down; log:\n\(daemon.log().suffix(1500))")
        }
        let status = try daemon.ctl(["status", "--json"])
        #expect(status.status == 0)
        #expect(daemon.stop() == 0)
    }
}

/// Writes `request` to the Unix socket at `path` and reads the answer until the server closes.
private func sendRaw(_ request: String, to path: String) -> String {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes.prefix(raw.count - 1))
        raw[min(bytes.count, raw.count - 1)] = 0
    }
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard connected == 0 else { return "" }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let out = Array(request.utf8)
    _ = out.withUnsafeBytes { send(fd, $0.baseAddress!, out.count, Int32(MSG_NOSIGNAL)) }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { break }
        answer += buffer[0..<n]
    }
    return String(decoding: answer, as: UTF8.self)
}
