import Foundation
import IngestStore

/// How the control API's route handlers answer: JSON bodies with the API version header, errors as
/// `{"error": …}`, store errors as 503 when a retry may work and 400 when it will not. Shared by the
/// core routes (``ControlRoutes``) and the operator's (``OperatorRoutes``).
protocol JSONRoutes {}

extension JSONRoutes {
    func decode<T: Decodable>(_ type: T.Type, _ request: UnixHTTPServer.Request) -> T? {
        try? ControlAPI.decoder().decode(type, from: request.body)
    }

    func badBody() -> UnixHTTPServer.Response {
        error(400, "request body is not the JSON this route expects")
    }

    func handle<T: Encodable>(_ body: () throws -> T) -> UnixHTTPServer.Response {
        do {
            return json(try body())
        } catch let error as StoreError {
            return storeError(error)
        } catch {
            return self.error(500, "\(error)")
        }
    }

    func storeError(_ error: StoreError) -> UnixHTTPServer.Response {
        self.error(error.retryable ? 503 : 400, error.description)
    }

    func error(_ status: Int, _ message: String) -> UnixHTTPServer.Response {
        json(ErrorResponse(error: message), status: status)
    }

    func json<T: Encodable>(_ value: T, status: Int = 200) -> UnixHTTPServer.Response {
        let data = (try? ControlAPI.encoder().encode(value)) ?? Data("{}".utf8)
        return UnixHTTPServer.Response(status: status, body: data, headers: [(ControlAPI.header, ControlAPI.version)])
    }
}
