import Foundation
import Glibc
import IngestCore
import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP: the configuration is read again from where the daemon got it and applied, or refused with
/// every problem logged while the old one keeps running (``ConfigReloader``). systemd is told
/// `RELOADING=1` before and `READY=1` after, either way; the `STATUS=` line says when the last reload
/// failed, until one succeeds.
struct ReloadOnHangup: Service {
    let reloader: ConfigReloader
    let notifier: SystemdNotifier
    let status: @Sendable () -> StatusReport
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        try? await cancelWhenGracefulShutdown {
            for await _ in signals {
                reload()
            }
        }
    }

    func reload() {
        notifier.notify("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicros())")
        logger.info("reloading on SIGHUP")
        reloader.reload()
        notifier.notify("READY=1\nSTATUS=\(Heartbeat.summary(status()))")
    }

    /// CLOCK_MONOTONIC in microseconds, which systemd wants with RELOADING=1 to order the reload.
    static func monotonicMicros() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }
}
