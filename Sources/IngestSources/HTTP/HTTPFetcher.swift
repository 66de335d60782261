import CCurl
import Foundation
import Synchronization

/// Fetches URLs over HTTP(S) with libcurl's multi interface, for feeds and the pages they link to.
///
/// One libcurl multi handle runs every transfer on a thread of its own. Callers `await`
/// ``fetch(_:)`` from any task; the thread sleeps in `curl_multi_poll` and is woken by
/// `curl_multi_wakeup` when work arrives, so an idle fetcher costs nothing.
///
/// Safe defaults, always on: only `http` and `https` (redirects included), at most
/// ``Configuration/maxRedirects`` redirects, TLS verified, a size cap counted on decoded bytes and
/// enforced while downloading, connect/total/low-speed timeouts. With
/// ``FetchRequest/allowPrivateNetworks`` `false`, connections to loopback, private and link-local
/// addresses are refused once libcurl knows the address it connected to, for every redirect too.
///
/// - Important: Deinitialising the fetcher (or calling ``shutdown()``) fails every fetch still waiting or
///   running with ``FetchError/cancelled``.
public final class HTTPFetcher: Sendable {
    /// How the fetcher behaves; defaults follow the feed-fetching rules of issue 3.
    public struct Configuration: Sendable, Equatable {
        /// Transfers running at once; more wait in the fetcher's own queue.
        public var maxConcurrentTransfers: Int = 8
        /// Transfers running at once against one host (by the host of the requested URL).
        public var maxPerHost: Int = 2
        /// Sent as `User-Agent`.
        public var userAgent: String = HTTPFetcher.userAgent(version: "0.1.0")
        public var connectTimeout: Duration = .seconds(10)
        public var totalTimeout: Duration = .seconds(60)
        /// Slower than this for that long is a timeout: a server dripping bytes must not hold a slot.
        public var lowSpeedLimit = LowSpeedLimit(bytesPerSecond: 1024, duration: .seconds(20))
        /// Size cap on the decoded body, in bytes.
        public var maxBodyBytes: Int = 16 * 1024 * 1024
        public var maxRedirects: Int = 5

        public init() {}
    }

    /// The `User-Agent` ingestd sends: the product, its version and where to read about it, so that
    /// a server operator can tell who is polling and how to reach the people behind it.
    public static func userAgent(version: String, infoURL: String = "https://github.com/ingestd/ingestd") -> String {
        "ingestd/\(version) (+\(infoURL))"
    }

    public let configuration: Configuration
    private let engine: CurlEngine

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.engine = CurlEngine(configuration: configuration)
    }

    deinit { engine.shutdown() }

    /// Fetches `request.url` with GET, following redirects.
    ///
    /// Never throws: every failure comes back as ``FetchResult/error``, together with what was learnt
    /// before it (redirects, last status). Cancelling the calling task aborts the transfer.
    public func fetch(_ request: FetchRequest) async -> FetchResult {
        let engine = self.engine
        let id = engine.makeID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                engine.submit(CurlEngine.Job(id: id, request: request, continuation: continuation))
            }
        } onCancel: {
            engine.cancel(id)
        }
    }

    /// Stops the transfer thread; waiting and running fetches end with ``FetchError/cancelled``.
    public func shutdown() { engine.shutdown() }
}

/// The multi handle, its thread and the queue between callers and that thread.
final class CurlEngine: Sendable {
    struct Job: Sendable {
        let id: UInt64
        let request: FetchRequest
        let continuation: CheckedContinuation<FetchResult, Never>
    }

    private struct Shared {
        var submitted: [Job] = []
        var cancelled: Set<UInt64> = []
        var stopping = false
        /// Set by the thread just before it frees the multi handle: no wakeup may touch it after.
        var closed = false
    }

    /// libcurl's global state must be set up once, before any thread uses it.
    private static let globalInit: Void = { _ = ingest_curl_global_init_default() }()

    private let configuration: HTTPFetcher.Configuration
    // Only the transfer thread drives the multi handle; other threads just call curl_multi_wakeup,
    // which libcurl documents as thread-safe, under `shared`'s lock and only while not `closed`.
    nonisolated(unsafe) private let multi: UnsafeMutableRawPointer
    private let shared = Mutex(Shared())
    private let ids = Atomic<UInt64>(0)

    init(configuration: HTTPFetcher.Configuration) {
        _ = Self.globalInit
        self.configuration = configuration
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed (out of memory)") }
        self.multi = multi
        _ = ingest_curl_multi_setopt_long(
            multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(1, configuration.maxConcurrentTransfers))
        _ = ingest_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, configuration.maxPerHost))
        let thread = Thread { [self] in run() }
        thread.name = "ingestd-http"
        thread.start()
    }

    func makeID() -> UInt64 { ids.add(1, ordering: .relaxed).newValue }

    func submit(_ job: Job) {
        let accepted = shared.withLock { shared -> Bool in
            // Checked under the lock that `cancel` takes, so a cancellation is never lost between the two.
            guard !shared.stopping, !Task.isCancelled else { return false }
            shared.submitted.append(job)
            curl_multi_wakeup(multi)
            return true
        }
        if !accepted {
            job.continuation.resume(returning: FetchResult(requestURL: job.request.url, error: .cancelled))
        }
    }

    func cancel(_ id: UInt64) {
        shared.withLock { shared in
            guard !shared.closed else { return }
            shared.cancelled.insert(id)
            curl_multi_wakeup(multi)
        }
    }

    func shutdown() {
        shared.withLock { shared in
            guard !shared.closed, !shared.stopping else { return }
            shared.stopping = true
            curl_multi_wakeup(multi)
        }
    }

    // MARK: - The transfer thread

    private func run() {
        var waiting: [Job] = []
        var running: [UnsafeMutableRawPointer: Transfer] = [:]
        var perHost: [String: Int] = [:]

        func finish(_ transfer: Transfer, code: CURLcode?) {
            curl_multi_remove_handle(multi, transfer.easy)
            running[transfer.easy] = nil
            perHost[transfer.hostKey, default: 1] -= 1
            if perHost[transfer.hostKey] == 0 { perHost[transfer.hostKey] = nil }
            transfer.job.continuation.resume(returning: transfer.result(code: code, maxRedirects: configuration.maxRedirects))
        }

        while true {
            let (incoming, cancelled, stopping) = shared.withLock { shared in
                defer {
                    shared.submitted.removeAll()
                    shared.cancelled.removeAll()
                }
                return (shared.submitted, shared.cancelled, shared.stopping)
            }
            if stopping { break }
            waiting.append(contentsOf: incoming)

            if !cancelled.isEmpty {
                for job in waiting where cancelled.contains(job.id) {
                    job.continuation.resume(returning: FetchResult(requestURL: job.request.url, error: .cancelled))
                }
                waiting.removeAll { cancelled.contains($0.id) }
                for transfer in running.values where cancelled.contains(transfer.job.id) {
                    transfer.cancelled = true
                    finish(transfer, code: nil)
                }
            }

            // Start what fits, oldest first, skipping jobs whose host is at its limit so that one slow host
            // does not hold up the others.
            var index = 0
            while running.count < max(1, configuration.maxConcurrentTransfers), index < waiting.count {
                let host = Transfer.hostKey(waiting[index].request.url)
                if perHost[host, default: 0] >= max(1, configuration.maxPerHost) {
                    index += 1
                    continue
                }
                let job = waiting.remove(at: index)
                let transfer = Transfer(job: job, hostKey: host, configuration: configuration)
                running[transfer.easy] = transfer
                perHost[host, default: 0] += 1
                let added = curl_multi_add_handle(multi, transfer.easy)
                if added != CURLM_OK {
                    running[transfer.easy] = nil
                    perHost[host, default: 1] -= 1
                    let message = String(cString: curl_multi_strerror(added))
                    job.continuation.resume(
                        returning: FetchResult(requestURL: job.request.url, error: .other(code: -Int(added.rawValue), message: message)))
                }
            }

            var stillRunning: Int32 = 0
            curl_multi_perform(multi, &stillRunning)

            var finishedAny = false
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                    let transfer = running[easy]
                else { continue }
                finish(transfer, code: message.pointee.data.result)
                finishedAny = true
            }
            // A finished transfer freed a slot: start the next one now rather than after the poll timeout.
            if finishedAny && !waiting.isEmpty { continue }

            // Sleeps until a socket is ready, libcurl's next timer, or a wakeup; never longer than a second.
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }

        for transfer in Array(running.values) {
            transfer.cancelled = true
            finish(transfer, code: nil)
        }
        let late = shared.withLock { shared in
            shared.closed = true
            defer { shared.submitted.removeAll() }
            return shared.submitted
        }
        for job in waiting + late {
            job.continuation.resume(returning: FetchResult(requestURL: job.request.url, error: .cancelled))
        }
        curl_multi_cleanup(multi)
    }
}
