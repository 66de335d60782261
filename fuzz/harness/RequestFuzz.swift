import Foundation
import Glibc

/// Bytes through the control socket's HTTP/1.1 request parser, as a client would send them: written to
/// one end of a socket pair, read by `UnixHTTPServer.readRequest` from the other.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var ends: [Int32] = [0, 0]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0 else { return 0 }
    let (reader, sender) = (ends[0], ends[1])
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // A writer thread, so inputs bigger than the socket buffer do not block; it then shuts its end, which
    // is what a client that stops sending looks like.
    let done = DispatchSemaphore(value: 0)
    let writer = Thread {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(sender, $0.baseAddress! + offset, bytes.count - offset) }
            if n <= 0 { break }
            offset += n
        }
        shutdown(sender, Int32(SHUT_WR))
        done.signal()
    }
    writer.start()
    if case .success(let request) = UnixHTTPServer.readRequest(reader) {
        _ = request.method.count + request.path.count + request.query.count + request.body.count
    }
    close(reader)
    done.wait()
    close(sender)
    return 0
}
