import Foundation
import IngestCore
import IngestStore

/// The operator's routes of the control API, answered before the others (``ControlRoutes``):
///
/// - `POST /v1/reprocess` (``ReprocessRequest`` → ``ReprocessReport``)
/// - `POST /v1/articles/search` (``SearchRequest`` → `[SearchHit]`)
/// - `POST /v1/queue/retry` (``RetryRequest`` → ``RetryReport``), `POST /v1/queue/purge` (``PurgeRequest`` →
///   ``PurgeReport``)
/// - `GET /v1/intake`, `POST /v1/intake/pause`, `POST /v1/intake/resume` (→ ``IntakeState``)
struct OperatorRoutes: Sendable, JSONRoutes {
    let store: any StoreBackend
    let reprocessor: Reprocessor
    let intake: IntakeGate

    /// The answer, or `nil` when the request is not one of these routes.
    func answer(_ request: UnixHTTPServer.Request) async -> UnixHTTPServer.Response? {
        let segments = request.path.split(separator: "/").map(String.init)
        switch (request.method, segments) {
        case ("POST", ["v1", "reprocess"]):
            guard let body = decode(ReprocessRequest.self, request) else { return badBody() }
            guard !body.ids.isEmpty || body.source != nil || body.since != nil else {
                return error(400, "name the articles to reprocess: ids, a source, or a time since")
            }
            do {
                return json(try await reprocessor.run(body))
            } catch {
                switch error {
                case .reload(let message): return self.error(409, message)
                case .store(let storeError): return self.storeError(storeError)
                }
            }
        case ("POST", ["v1", "articles", "search"]):
            guard let body = decode(SearchRequest.self, request) else { return badBody() }
            return handle { try store.search(body.query, limit: max(1, min(body.limit, 10_000)), raw: body.raw) }
        case ("POST", ["v1", "queue", "retry"]):
            guard let body = decode(RetryRequest.self, request) else { return badBody() }
            return handle { try store.retry(ids: body.ids, allDead: body.allDead, queue: body.queue) }
        case ("POST", ["v1", "queue", "purge"]):
            guard let body = decode(PurgeRequest.self, request) else { return badBody() }
            let before = body.olderThanSecs.map { Date().addingTimeInterval(-Double($0)) }
            return handle { try store.purge(queue: body.queue, dead: body.dead, olderThan: before) }
        case ("GET", ["v1", "intake"]):
            return json(intake.current)
        case ("POST", ["v1", "intake", "pause"]):
            intake.pause()
            return json(intake.current)
        case ("POST", ["v1", "intake", "resume"]):
            intake.resume()
            return json(intake.current)
        default:
            return nil
        }
    }
}
