import Foundation
import IngestTestKit
import Glibc
import IngestCore
import Logging
import Testing

@testable import IngestSources

/// The folder source against real inotify in a temporary folder: files written, renamed into place,
/// written slowly, and dropped in a burst each reach the sink once, complete.
@Suite("FolderSource with inotify")
struct FolderWatchTests {
    @Test("a file written then closed is submitted once")
    func writeAndClose() async throws {
        try await withRunningSource { folder, sink, _ in
            folderWatchWrite(folder + "/a.txt", chunks: ["hello ", "world"])
            #expect(await eventually { await sink.count == 1 })
            #expect(await sink.text(of: "a.txt") == "hello world")
            try await Task.sleep(for: .milliseconds(300))
            #expect(await sink.names == ["a.txt"])
        }
    }

    @Test("a file renamed into place is submitted once")
    func renameIntoPlace() async throws {
        try await withRunningSource { folder, sink, _ in
            folderWatchWrite(folder + "/b.md.tmp", chunks: ["# title\n", "body\n"])
            try await Task.sleep(for: .milliseconds(100))
            #expect(await sink.count == 0, "a *.tmp file is not taken")
            #expect(rename(folder + "/b.md.tmp", folder + "/b.md") == 0)
            #expect(await eventually { await sink.count == 1 })
            #expect(await sink.text(of: "b.md") == "# title\nbody\n")
            try await Task.sleep(for: .milliseconds(300))
            #expect(await sink.names == ["b.md"])
        }
    }

    @Test("FileManager.createFile (IN_MOVED_TO, then IN_CLOSE_WRITE) gives one submission")
    func createFile() async throws {
        try await withRunningSource { folder, sink, _ in
            #expect(FileManager.default.createFile(atPath: folder + "/c.txt", contents: Data("created".utf8)))
            #expect(await eventually { await sink.count == 1 })
            try await Task.sleep(for: .milliseconds(300))
            #expect(await sink.names == ["c.txt"])
            #expect(await sink.text(of: "c.txt") == "created")
        }
    }

    @Test("a file written slowly through one handle is submitted once, complete, after close")
    func slowWriter() async throws {
        // The writer pauses 120 ms between writes; a scan takes a file that has not changed for the settle
        // time. On a loaded machine a pause can stretch past 500 ms, so the settle time here is far longer:
        // the test is about the open handle, not about the settle time.
        try await withRunningSource(settle: .seconds(10)) { folder, sink, source in
            let fd = open(folder + "/slow.txt", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            #expect(fd >= 0)
            var expected = ""
            for i in 0..<6 {
                let chunk = "chunk \(i)\n"
                expected += chunk
                _ = chunk.withCString { write(fd, $0, strlen($0)) }
                try await Task.sleep(for: .milliseconds(120))
                if i == 2 { source.shared.requestRescan() }  // a scan meanwhile must leave it alone
            }
            try await Task.sleep(for: .milliseconds(100))
            #expect(await sink.count == 0, "nothing is taken while the writer holds the file open")
            close(fd)
            #expect(await eventually { await sink.count == 1 })
            #expect(await sink.text(of: "slow.txt") == expected)
            try await Task.sleep(for: .milliseconds(300))
            #expect(await sink.names == ["slow.txt"])
        }
    }

    @Test("files already there at start are found by the first scan")
    func startupScan() async throws {
        let root = FolderWatchTemp()
        try FileManager.default.createDirectory(atPath: root.path + "/in", withIntermediateDirectories: true)
        for name in ["old1.txt", "old2.json"] {
            folderWatchWrite(root.path + "/in/" + name, chunks: ["{}"])
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: root.path + "/in/" + name)
        }
        try await withRunningSource(root: root) { _, sink, _ in
            #expect(await eventually { await sink.count == 2 })
            #expect(Set(await sink.names) == ["old1.txt", "old2.json"])
        }
    }

    @Test("a burst of files all arrive, none twice, and end in done/")
    func burst() async throws {
        let total = 300
        try await withRunningSource(autoAcknowledge: true, maxInFlight: 16) { folder, sink, source in
            for i in 0..<total {
                if i % 2 == 0 {
                    folderWatchWrite(folder + "/f\(i).txt", chunks: ["file \(i)"])
                } else {
                    folderWatchWrite(folder + "/.f\(i).txt", chunks: ["file \(i)"])
                    rename(folder + "/.f\(i).txt", folder + "/f\(i).txt")
                }
            }
            #expect(await eventually() { await sink.count >= total })
            try await Task.sleep(for: .milliseconds(300))
            let names = await sink.names
            #expect(names.count == total)
            #expect(Set(names) == Set((0..<total).map { "f\($0).txt" }))
            #expect(
                await eventually {
                    ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/done"))?.count ?? 0) == total
                })
            let status = source.status()
            #expect(status.state == "running")
            #expect(status.counts["submitted"] == total)
            #expect(status.counts["done"] == total)
            #expect(status.counts["in_flight"] == 0)
        }
    }

    @Test("a bad file dropped in is moved to failed with its reason")
    func badFile() async throws {
        try await withRunningSource { folder, sink, source in
            folderWatchWrite(folder + "/image.png", chunks: ["\u{89}PNG"])
            #expect(
                await eventually {
                    FileManager.default.fileExists(atPath: folder + "/failed/image.png.error.json")
                })
            #expect(await sink.count == 0)
            #expect(source.status().counts["failed"] == 1)
        }
    }

    // MARK: harness

    /// Starts a source on a fresh folder, runs `body` once it watches, then shuts it down and checks that
    /// `run()` returns promptly.
    private func withRunningSource(
        root: TemporaryDirectory = FolderWatchTemp(), autoAcknowledge: Bool = false, maxInFlight: Int = 64,
        settle: Duration = .milliseconds(500),
        _ body: (String, FolderWatchSink, FolderSource) async throws -> Void
    ) async throws {
        let folder = root.path + "/in"
        let sink = FolderWatchSink(autoAcknowledge: autoAcknowledge)
        let source = FolderSource(
            configuration: .init(name: "watch", path: folder, settle: settle, maxInFlight: maxInFlight),
            sink: sink, logger: Logger(label: "folder.watch.tests", factory: { _ in SwiftLogNoOpLogHandler() }))
        let running = Task { try await source.run() }
        #expect(await eventually { source.status().state == "running" })
        do {
            try await body(folder, sink, source)
        } catch {
            running.cancel()
            throw error
        }
        running.cancel()
        let stopped = Task {
            try? await running.value
            return true
        }
        #expect(await eventually { source.status().state == "stopped" }, "run() ends on cancellation")
        _ = await stopped.value
        withExtendedLifetime(root) {}
    }
}

/// Records submissions; optionally acknowledges each at once, like a pipeline that commits instantly.
private actor FolderWatchSink: DocumentSink {
    let autoAcknowledge: Bool
    private var documents: [RawDocument] = []

    init(autoAcknowledge: Bool) { self.autoAcknowledge = autoAcknowledge }

    func submit(_ document: RawDocument) async {
        documents.append(document)
        if autoAcknowledge { await document.receipt.acknowledge(IngestSummary(enqueued: 1, dropped: 0)) }
    }

    var count: Int { documents.count }
    var names: [String] { documents.map { ($0.origin.location as NSString).lastPathComponent } }

    func text(of name: String) -> String? {
        documents.first { ($0.origin.location as NSString).lastPathComponent == name }
            .map { String(decoding: $0.bytes, as: UTF8.self) }
    }
}

/// A temp folder for one test, removed when the test lets go of it.
private func FolderWatchTemp() -> TemporaryDirectory {
    try! TemporaryDirectory("folder-watch")
}

/// Writes `chunks` through one descriptor and closes it (one IN_CLOSE_WRITE).
private func folderWatchWrite(_ path: String, chunks: [String]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(fd >= 0, "cannot create \(path)")
    for chunk in chunks { _ = chunk.withCString { write(fd, $0, strlen($0)) } }
    close(fd)
}

