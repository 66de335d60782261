import FlyingFox
import FlyingSocks
import Foundation
import Glibc
import IngestCore
import IngestStore
import Logging
import ServiceLifecycle

/// The control API: HTTP/1.1 with JSON bodies on a Unix socket (mode 0660), so `ingestctl` and
/// `curl --unix-socket` both work. Nothing listens on a network port.
final class ControlServer: Service {
    private let path: String
    private let server: HTTPServer
    private let logger: Logger
    private let store: any ArticleStore
    private let status: @Sendable () -> StatusReport

    init(path: String, store: any ArticleStore, status: @escaping @Sendable () -> StatusReport, logger: Logger) {
        self.path = path
        self.logger = logger
        self.store = store
        self.status = status
        server = HTTPServer(address: .unix(path: path), timeout: 30, logger: .disabled)
    }

    /// Refuses to start when another daemon answers on the socket; removes a stale socket file.
    static func prepare(path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        guard FileManager.default.fileExists(atPath: path) else { return }
        if (try? ControlClient(socketPath: path).request("GET", "/v1/version")) != nil {
            throw DaemonError.alreadyRunning(path)
        }
        unlink(path)
    }

    func run() async throws {
        await Self.routes(server, store: store, status: status)
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await self.server.run()
                    } catch {
                        // Stopping the server cancels its accept loop; that is how it ends, not a failure.
                        if Task.isShuttingDownGracefully || Task.isCancelled { return }
                        throw error
                    }
                }
                try await self.server.waitUntilListening(timeout: 10)
                // Owner and group only: the socket drives the daemon.
                chmod(self.path, 0o660)
                self.logger.info("control socket listening", metadata: ["socket": "\(self.path)"])
                try await group.next()
            }
        } onGracefulShutdown: {
            Task { await self.server.stop(timeout: 0.5) }
        }
        unlink(path)
    }

    private static func routes(_ server: HTTPServer, store: any ArticleStore, status: @escaping @Sendable () -> StatusReport) async {
        do {
            await server.appendRoute("GET /v1/version") { _ in
                json(["version": ControlAPI.ingestdVersion, "api": ControlAPI.version])
            }
            await server.appendRoute("GET /v1/status") { _ in json(status()) }
            await server.appendRoute("GET /v1/queue/stats") { _ in
                try handle { try store.queueStats() }
            }
            await server.appendRoute("GET /v1/queue/peek") { request in
                let queue = request.query["queue"] ?? "default"
                let state = request.query["state"].flatMap(QueueState.init(rawValue:))
                let limit = request.query["limit"].flatMap(Int.init) ?? 20
                return try handle { try store.peek(queue: queue, state: state, limit: limit) }
            }
            await server.appendRoute("POST /v1/queue/claim") { request in
                guard let body = await decode(ClaimRequest.self, request) else { return badBody() }
                return try handle {
                    try store.claim(queue: body.queue, consumer: body.consumer, limit: body.limit, leaseSecs: body.leaseSecs)
                }
            }
            await server.appendRoute("POST /v1/queue/ack") { request in
                guard let body = await decode(AckRequest.self, request) else { return badBody() }
                return try handle {
                    let done = try store.ack(ids: body.ids, consumer: body.consumer)
                    return AckResponse(acknowledged: done, notLeased: body.ids.filter { !done.contains($0) })
                }
            }
            await server.appendRoute("POST /v1/queue/nack") { request in
                guard let body = await decode(NackRequest.self, request) else { return badBody() }
                return try handle {
                    let state = try store.nack(id: body.id, consumer: body.consumer, error: body.error, retryAfterSecs: body.retryAfterSecs)
                    return NackResponse(id: body.id, state: state)
                }
            }
            await server.appendRoute("GET /v1/articles/:id") { request in
                guard let id = (request.routeParameters["id", of: String.self]).flatMap({ Int64($0) }) else {
                    return json(ErrorResponse(error: "article id must be a number"), status: .badRequest)
                }
                return try handle {
                    guard let article = try store.article(id: id) else { throw NotFound(id: id) }
                    return article
                }
            }
        }
    }

    private struct NotFound: Error { var id: Int64 }
    private struct BadRequest: Error { var message: String }

    private static func decode<T: Decodable>(_ type: T.Type, _ request: HTTPRequest) async -> T? {
        guard let data = try? await request.bodyData else { return nil }
        return try? ControlAPI.decoder().decode(type, from: data)
    }

    private static func badBody() -> HTTPResponse {
        json(ErrorResponse(error: "request body is not the JSON this route expects"), status: .badRequest)
    }

    private static func handle<T: Encodable>(_ body: () throws -> T) throws -> HTTPResponse {
        do {
            return json(try body())
        } catch let error as NotFound {
            return json(ErrorResponse(error: "no article \(error.id)"), status: .notFound)
        } catch let error as StoreError {
            return json(ErrorResponse(error: error.description), status: error.retryable ? .serviceUnavailable : .internalServerError)
        } catch {
            return json(ErrorResponse(error: "\(error)"), status: .badRequest)
        }
    }

    private static func json<T: Encodable>(_ value: T, status: HTTPStatusCode = .ok) -> HTTPResponse {
        let data = (try? ControlAPI.encoder().encode(value)) ?? Data("{}".utf8)
        return HTTPResponse(
            statusCode: status,
            headers: [.contentType: "application/json", HTTPHeader(ControlAPI.header): ControlAPI.version],
            body: data)
    }
}
