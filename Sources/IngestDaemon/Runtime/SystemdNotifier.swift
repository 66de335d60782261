import Foundation
import Glibc

/// systemd's notify protocol: datagrams to `$NOTIFY_SOCKET`. Sends nothing when the variable is unset
/// (not under systemd), so the daemon runs the same in a terminal.
struct SystemdNotifier: Sendable {
    let socketPath: String?
    /// How often to send `WATCHDOG=1`: half of `WatchdogSec=` (systemd passes it as `$WATCHDOG_USEC`), so
    /// one late beat is not yet a missed one. `nil` when the unit sets no watchdog.
    let watchdogInterval: Duration?

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        watchdogInterval = environment["WATCHDOG_USEC"].flatMap { UInt64($0) }.flatMap { usec in
            usec > 0 ? .microseconds(usec / 2) : nil
        }
    }

    /// Sends `state` (e.g. `READY=1\nSTATUS=…`); failures are ignored: notification is best effort.
    func notify(_ state: String) {
        guard let socketPath else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        // An abstract socket is written with a leading "@" and addressed with a leading NUL.
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        let bytes = Array(state.utf8)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL), $0, length)
            }
        }
    }
}
