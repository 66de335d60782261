import Foundation
import Glibc
import IngestCore
import IngestPlugins
import IngestSources
import IngestStore
import Logging
import ServiceLifecycle

/// The control API: HTTP/1.1 with JSON bodies on a Unix socket (mode 0660), so `ingestctl` and
/// `curl --unix-socket` both work. Nothing listens on a network port.
final class ControlServer: Service {
    private let path: String
    private let logger: Logger
    private let routes: ControlRoutes

    init(
        path: String, store: any ArticleStore, feeds: FeedPoller?, status: @escaping @Sendable () -> StatusReport,
        plugins: @escaping @Sendable () -> [PluginStatus] = { [] }, operations: OperatorRoutes? = nil, logger: Logger
    ) {
        self.path = path
        self.logger = logger
        routes = ControlRoutes(store: store, feeds: feeds, status: status, plugins: plugins, operations: operations)
    }

    /// Refuses to start when another daemon answers on the socket; removes a stale socket file.
    static func prepare(path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        guard FileManager.default.fileExists(atPath: path) else { return }
        if (try? ControlClient(socketPath: path).request("GET", "/v1/version")) != nil {
            throw DaemonError.alreadyRunning(path)
        }
        unlink(path)
    }

    func run() async throws {
        let routes = self.routes
        let server = try UnixHTTPServer(path: path, mode: 0o660) { await routes.answer($0) }
        server.start()
        logger.info("control socket listening", metadata: ["socket": "\(path)"])
        // Serve until shutdown; the accept loop runs on its own thread meanwhile.
        try? await cancelWhenGracefulShutdown {
            while true { try await Task.sleep(for: .seconds(86_400)) }
        }
        server.stop()
    }
}

/// Maps control requests to store calls and encodes the answers.
struct ControlRoutes: Sendable, JSONRoutes {
    let store: any ArticleStore
    let feeds: FeedPoller?
    let status: @Sendable () -> StatusReport
    let plugins: @Sendable () -> [PluginStatus]
    /// Reprocess, search, queue retry and purge, pause and resume (OperatorRoutes.swift).
    var operations: OperatorRoutes? = nil

    func answer(_ request: UnixHTTPServer.Request) async -> UnixHTTPServer.Response {
        if let operations, let answer = await operations.answer(request) { return answer }
        let segments = request.path.split(separator: "/").map(String.init)
        switch (request.method, segments) {
        case ("GET", ["v1", "version"]):
            return json(["version": ControlAPI.ingestdVersion, "api": ControlAPI.version])
        case ("GET", ["v1", "status"]):
            return json(status())
        case ("GET", ["v1", "plugins"]):
            return json(plugins())
        case ("GET", ["v1", "queue", "stats"]):
            return handle { try store.queueStats() }
        case ("GET", ["v1", "queue", "peek"]):
            let queue = request.query["queue"] ?? "default"
            var state: QueueState?
            if let raw = request.query["state"] {
                guard let parsed = QueueState(rawValue: raw) else { return error(400, "state must be one of ready, leased, done, dead") }
                state = parsed
            }
            let limit = request.query["limit"].flatMap(Int.init) ?? 20
            return handle { try store.peek(queue: queue, state: state, limit: max(1, min(limit, 100_000))) }
        case ("POST", ["v1", "queue", "claim"]):
            guard let body = decode(ClaimRequest.self, request) else { return badBody() }
            return handle { try store.claim(queue: body.queue, consumer: body.consumer, limit: body.limit, leaseSecs: body.leaseSecs) }
        case ("POST", ["v1", "queue", "ack"]):
            guard let body = decode(AckRequest.self, request) else { return badBody() }
            return handle {
                let done = try store.ack(ids: body.ids, consumer: body.consumer)
                return AckResponse(acknowledged: done, notLeased: body.ids.filter { !done.contains($0) })
            }
        case ("POST", ["v1", "queue", "nack"]):
            guard let body = decode(NackRequest.self, request) else { return badBody() }
            return handle {
                NackResponse(id: body.id, state: try store.nack(id: body.id, consumer: body.consumer, error: body.error, retryAfterSecs: body.retryAfterSecs))
            }
        case ("GET", ["v1", "feeds"]):
            return json(feeds?.listings() ?? [])
        case ("POST", ["v1", "feeds", "reload"]):
            feeds?.reload()
            return json(feeds?.listings() ?? [])
        case ("POST", ["v1", "feeds", "poll"]):
            guard let body = decode(FeedPollRequest.self, request) else { return badBody() }
            guard let feeds else { return error(404, "no feeds are configured") }
            do {
                return json(try await feeds.pollNow(body.names))
            } catch .unknownFeed(let name) {
                return error(404, FeedPollError.unknownFeed(name).description)
            } catch {
                return self.error(503, error.description)
            }
        case ("GET", let s) where s.count == 3 && s[0] == "v1" && s[1] == "articles":
            guard let id = Int64(s[2]) else { return error(400, "article id must be a number") }
            do {
                guard let article = try store.article(id: id) else { return error(404, "no article \(id)") }
                return json(article)
            } catch {
                return storeError(error)
            }
        case (_, let s) where s.first == "v1":
            return error(404, "no route \(request.method) \(request.path)")
        default:
            return error(404, "no route \(request.method) \(request.path); the API lives under /v1")
        }
    }
}
