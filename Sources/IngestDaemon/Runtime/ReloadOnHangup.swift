import Foundation
import Glibc
import IngestCore
import IngestPlugins
import IngestSources
import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP: stages read their files again (a classify model, rules), exec plugins that failed or whose
/// files changed are restarted, and the feeds added or removed with `ingestctl` are picked up, with systemd told `RELOADING=1` before and `READY=1` after. A file that fails
/// to load is logged and the stage keeps what it had.
///
/// Re-reading the whole config (added or removed folders and config feeds, other stages) is not done yet:
/// those still need a restart.
struct ReloadOnHangup: Service {
    let pipeline: Pipeline
    let feeds: FeedPoller
    let plugins: PluginHost
    let notifier: SystemdNotifier
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
        for case let stage as any ReloadableStage in pipeline.stages {
            let name = stage.name
            do {
                let summary = try stage.reload()
                logger.info("stage reloaded", metadata: ["stage": "\(name)", "loaded": "\(summary)"])
            } catch {
                logger.error("stage reload failed; it keeps what it had", metadata: ["stage": "\(name)", "error": "\(error)"])
            }
        }
        plugins.reload()
        feeds.reload()
        notifier.notify("READY=1")
    }

    /// CLOCK_MONOTONIC in microseconds, which systemd wants with RELOADING=1 to order the reload.
    static func monotonicMicros() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }
}
