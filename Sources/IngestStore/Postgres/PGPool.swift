import Foundation
import Synchronization

/// Connections to one PostgreSQL database, opened on demand and kept for reuse. The store's methods are
/// synchronous and called from many threads: each call takes a connection of its own for its duration,
/// so two calls never share one, and a connection that broke is dropped instead of returned.
final class PGPool: Sendable {
    let url: String
    /// Idle connections kept; more may be open at a moment of high concurrency, and are closed on return.
    private let maxIdle: Int
    private let idle = Mutex<[PGConnection]>([])

    init(url: String, maxIdle: Int = 8) {
        self.url = url
        self.maxIdle = maxIdle
    }

    /// Runs `body` with a connection of its own.
    func withConnection<T>(_ body: (PGConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        let connection = try take()
        do throws(StoreError) {
            let value = try body(connection)
            give(connection)
            return value
        } catch {
            give(connection)
            throw error
        }
    }

    /// Runs `body` in one transaction (READ COMMITTED; statements lock what they change). A serialization
    /// failure or deadlock rolls back and runs the whole body again, up to three times: the body must be
    /// safe to repeat, which every store transaction is, as nothing outside the database changes in it.
    func transaction<T>(_ operation: String, _ body: (PGConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        var attempt = 0
        while true {
            attempt += 1
            do throws(StoreError) {
                return try withConnection { connection throws(StoreError) in
                    try connection.run("BEGIN", operation: operation)
                    do throws(StoreError) {
                        let value = try body(connection)
                        try connection.run("COMMIT", operation: operation)
                        return value
                    } catch {
                        try? connection.run("ROLLBACK", operation: operation)
                        throw error
                    }
                }
            } catch {
                let conflict = error.sqlState == "40001" || error.sqlState == "40P01"
                if conflict && attempt < 3 { continue }
                // Named as the SQLite store names it (the whole operation), with the step in the message.
                var wrapped = error
                if error.operation != operation {
                    wrapped.operation = operation
                    wrapped.message = "\(error.operation): \(error.message)"
                }
                throw wrapped
            }
        }
    }

    private func take() throws(StoreError) -> PGConnection {
        if let connection = idle.withLock({ $0.popLast() }) { return connection }
        return try PGConnection(url: url)
    }

    private func give(_ connection: PGConnection) {
        guard connection.isHealthy else { return }
        idle.withLock { connections in
            if connections.count < maxIdle { connections.append(connection) }
        }
    }
}
