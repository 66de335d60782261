import Foundation
import IngestCore
import IngestStore
import IngestTestKit
import Testing

/// The real daemon with the default pipeline: copies of one story arriving at once, and later.
@Suite("ingestd dedupe")
struct DedupeTests {
    static let story = """
        Harbour reopens after the storm

        Ferry services between the island and the mainland resumed on Tuesday after three days of storms. \
        The harbour master said the first crossing left at seven in the morning with forty passengers on board. \
        Engineers had inspected the pier overnight and found only minor damage to the railings and lights. \
        Local shops reported a rush of customers as deliveries of fresh food arrived for the first time since Friday.
        """

    @Test("five copies dropped at once: exactly one is enqueued, the others point at it")
    func copiesAtOnce() async throws {
        let dir = try TemporaryDirectory("dedupe-daemon")
        let daemon = try DaemonProcess(directory: dir)
        try await daemon.start()
        defer { daemon.stop() }
        let staging = dir.file("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        for i in 0..<5 { try renameIntoPlace("copy\(i).txt", Self.story, staging: staging, inbox: daemon.inbox) }
        #expect(await waitUntil { inboxFiles(daemon).isEmpty })

        let store = try SQLiteStore(path: daemon.databasePath, createIfMissing: false)
        #expect(try store.peek(queue: "default", state: nil, limit: 100).count == 1)
        #expect(try store.totals().articles == 5)
        let queued = try #require(try store.peek(queue: "default", state: nil, limit: 1).first).articleId
        // Copies committed before their original are pointed at it when it commits.
        let cluster = try store.cluster(of: queued)
        #expect(cluster.count == 5)
        #expect(cluster.filter { $0.status == "dropped" }.allSatisfy { $0.article.duplicateOf == queued && $0.dropStage == "dedupe" })

        let listed = try daemon.ctl(["articles", "duplicates", "\(queued)", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.filter { $0.contains("\"role\":\"original\"") }.count == 1)
        #expect(lines.filter { $0.contains("same text") }.count == 4)

        // The same story later, edited and with a new headline, after a restart: still a duplicate.
        daemon.stop()
        try await daemon.start()
        let edited = Self.story.replacingOccurrences(of: "Harbour reopens after the storm", with: "Ferries sail again")
            .replacingOccurrences(of: "forty passengers", with: "about forty passengers")
        try renameIntoPlace("later.txt", edited, staging: staging, inbox: daemon.inbox)
        #expect(await waitUntil { inboxFiles(daemon).isEmpty })
        #expect(try store.peek(queue: "default", state: nil, limit: 100).count == 1)
        #expect(try store.cluster(of: queued).count == 6)
    }
}
