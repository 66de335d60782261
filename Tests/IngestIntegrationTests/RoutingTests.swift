import Foundation
import IngestCore
import IngestDaemon
import IngestStore
import IngestTestKit
import Testing

@Suite("routing articles to queues")
struct RoutingTests {
    func article(source: String, labels: [(String, Double)] = []) -> Article {
        var a = Article(text: "t", origin: Origin(source: source, kind: .folder, location: "/x", receivedAt: Date()), format: .text)
        a.labels = labels.map { Label(name: $0.0, score: $0.1) }
        return a
    }

    @Test("the first matching route decides; the default queue takes the rest")
    func firstMatchWins() throws {
        let (configuration, _) = try ConfigLoader.parse("""
            [[routes]]
            label = "sport"
            queue = "sport"

            [[routes]]
            source = "wire"
            queue = "wire"

            [[routes]]
            label = "politics"
            source = "wire"
            min_score = 0.8
            queue = "never-reached"
            """)
        let router = configuration.router
        #expect(router.queue(for: article(source: "inbox", labels: [("sport", 0.9)])) == "sport")
        #expect(router.queue(for: article(source: "wire", labels: [("sport", 0.7)])) == "sport", "the first route wins")
        #expect(router.queue(for: article(source: "wire")) == "wire")
        #expect(router.queue(for: article(source: "inbox", labels: [("sport", 0.3)])) == "default", "below min_score")
        #expect(router.queue(for: article(source: "inbox")) == "default")
    }

    @Test("a route without a queue, with a bad name, or matching nothing is refused with its key path")
    func badRoutes() {
        #expect(throws: ConfigurationError.self) { try ConfigLoader.parse("[[routes]]\nlabel = \"sport\"\n") }
        do {
            _ = try ConfigLoader.parse("[[routes]]\nqueue = \"a b\"\nlabel = \"x\"\n\n[[routes]]\nqueue = \"ok\"\n")
            Issue.record("expected problems")
        } catch {
            let text = "\(error)"
            #expect(text.contains("routes[0].queue"), "\(text)")
            #expect(text.contains("routes[1]"), "\(text)")
            #expect(text.contains("needs a label, a source, or both"), "\(text)")
        }
    }

    @Test("the daemon enqueues into the routed queue")
    func daemonRoutes() async throws {
        let dir = try TemporaryDirectory("routing")
        let daemon = try DaemonProcess(directory: dir, extra: "[[routes]]\nsource = \"inbox\"\nqueue = \"inbox-queue\"\n")
        try await daemon.start()
        defer { daemon.stop() }
        try renameIntoPlace("a.txt", story(1), staging: dir.path, inbox: daemon.inbox)
        let store = try SQLiteStore(path: daemon.databasePath, createIfMissing: false)
        #expect(await waitUntil { ((try? store.peek(queue: "inbox-queue", state: nil, limit: 10)) ?? []).count == 1 })
        #expect(try store.peek(queue: "default", state: nil, limit: 10).isEmpty)
    }
}
