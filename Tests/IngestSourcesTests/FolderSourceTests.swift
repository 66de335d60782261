import Foundation
import IngestCore
import IngestTestKit
import Testing

@testable import IngestSources

@Suite("FolderSource without inotify")
struct FolderSourceTests {
    let folder = TempFolder()
    let sink = RecordingSink()

    @Test("a scan creates the folders, submits text files and moves bad ones to failed")
    func scan() async throws {
        let source = makeSource(folder, sink: sink)
        try await source.scanOnce()  // creates in/, in/done, in/failed
        #expect(folder.list("in") == ["done", "failed"])

        folder.write("in/a.txt", "alpha")
        folder.write("in/b.html", "<p>beta</p>")
        folder.write("in/c.exe", "MZ")
        folder.write("in/d.txt", bytes: [0, 1, 2, 3])
        folder.write("in/.hidden.txt", "hidden")
        folder.write("in/e.part", "partial")
        for name in ["a.txt", "b.html", "c.exe", "d.txt"] { folder.age("in/\(name)") }
        try await source.scanOnce()

        #expect(await sink.names.sorted() == ["a.txt", "b.html"])
        let a = try #require(await sink.document(named: "a.txt"))
        #expect(a.bytes == Array("alpha".utf8))
        #expect(a.format == .text)
        #expect(a.origin.source == "inbox")
        #expect(a.origin.kind == .folder)
        #expect(a.origin.location == folder.path + "/in/a.txt")
        #expect(a.origin.ledgerKey?.hasPrefix("folder:inbox:a.txt:5:") == true)
        // The hash the store keeps with the raw input, computed once here.
        #expect(a.sha256 == SHA256.hex(Array("alpha".utf8)))
        #expect(a.origin.ledgerKey?.hasSuffix(":" + SHA256.hex(Array("alpha".utf8))) == true)
        #expect(await sink.document(named: "b.html")?.format == .html)

        #expect(folder.list("in/failed") == ["c.exe", "c.exe.error.json", "d.txt", "d.txt.error.json"])
        let report = try #require(readReport(folder, "in/failed/c.exe.error.json"))
        #expect(report["file"] as? String == "c.exe")
        #expect(report["source"] as? String == "inbox")
        #expect(report["stage"] as? String == "source")
        #expect((report["reason"] as? String)?.hasPrefix("unsupported file extension '.exe'; accepted: .txt") == true)
        #expect(report["retryable"] as? Bool == false)
        let time = try #require(report["time"] as? String)
        #expect((try? Date.ISO8601FormatStyle().parse(time)) != nil)
        #expect(readReport(folder, "in/failed/d.txt.error.json")?["reason"] as? String == "binary content (NUL bytes)")
        // Ignored names stay where they are.
        #expect(folder.exists("in/.hidden.txt") && folder.exists("in/e.part"))

        let status = source.status()
        #expect(status.state == "stopped")
        #expect(status.kind == .folder)
        #expect(status.location == folder.path + "/in")
        #expect(status.counts["seen"] == 4)
        #expect(status.counts["submitted"] == 2)
        #expect(status.counts["failed"] == 2)
        #expect(status.counts["in_flight"] == 2)
    }

    @Test("a rescan does not submit a file while it is in flight")
    func noDuplicateWhileInFlight() async throws {
        let source = makeSource(folder, sink: sink)
        try await source.scanOnce()
        folder.write("in/a.txt", "alpha")
        folder.age("in/a.txt")
        try await source.scanOnce()
        try await source.scanOnce()
        #expect(await sink.names == ["a.txt"])
    }

    @Test("a scan leaves recently written files for a later look")
    func settleOnScan() async throws {
        let source = makeSource(folder, sink: sink) { $0.settle = .seconds(30) }
        try await source.scanOnce()
        folder.write("in/fresh.txt", "fresh")
        try await source.scanOnce()
        #expect(await sink.documents.isEmpty)
        folder.age("in/fresh.txt", secondsAgo: 31)
        try await source.scanOnce()
        #expect(await sink.names == ["fresh.txt"])
    }

    @Test("acknowledge moves the file to done without overwriting; a second call is ignored")
    func acknowledge() async throws {
        let source = makeSource(folder, sink: sink)
        try await source.scanOnce()
        folder.write("in/done/a.txt", "an older a.txt")
        folder.write("in/a.txt", "alpha")
        folder.age("in/a.txt")
        try await source.scanOnce()
        let document = try #require(await sink.documents.first)

        await document.receipt.acknowledge(IngestSummary(enqueued: 1, dropped: 0, alreadyIngested: true))
        #expect(!folder.exists("in/a.txt"))
        #expect(folder.contents("in/done/a.txt") == "an older a.txt")
        #expect(folder.contents("in/done/a-1.txt") == "alpha")

        // Later calls change nothing, even with a new file of the same name in place.
        folder.write("in/a.txt", "alpha again")
        await document.receipt.reject(IngestFailure(stage: "clean", reason: "late"))
        await document.receipt.acknowledge(IngestSummary(enqueued: 1, dropped: 0))
        #expect(folder.contents("in/a.txt") == "alpha again")
        #expect(folder.list("in/failed").isEmpty)
        #expect(folder.list("in/done") == ["a-1.txt", "a.txt"])

        let status = source.status()
        #expect(status.counts["done"] == 1)
        #expect(status.counts["already_ingested"] == 1)
        #expect(status.counts["in_flight"] == 0)
    }

    @Test("on_success = delete removes the file")
    func deleteOnSuccess() async throws {
        let source = makeSource(folder, sink: sink) { $0.onSuccess = .delete }
        try await source.scanOnce()
        folder.write("in/a.txt", "alpha")
        folder.age("in/a.txt")
        try await source.scanOnce()
        await (try #require(await sink.documents.first)).receipt.acknowledge(IngestSummary(enqueued: 1, dropped: 0))
        #expect(folder.list("in") == ["done", "failed"])
        #expect(folder.list("in/done").isEmpty)
    }

    @Test("reject moves the file to failed with the failure beside it")
    func reject() async throws {
        let source = makeSource(folder, sink: sink)
        try await source.scanOnce()
        folder.write("in/a.txt", "alpha")
        folder.age("in/a.txt")
        try await source.scanOnce()
        let document = try #require(await sink.documents.first)
        await document.receipt.reject(IngestFailure(stage: "decode", reason: "invalid UTF-16 text", retryable: true))

        #expect(folder.list("in/failed") == ["a.txt", "a.txt.error.json"])
        let report = try #require(readReport(folder, "in/failed/a.txt.error.json"))
        #expect(report["file"] as? String == "a.txt")
        #expect(report["source"] as? String == "inbox")
        #expect(report["stage"] as? String == "decode")
        #expect(report["reason"] as? String == "invalid UTF-16 text")
        #expect(report["retryable"] as? Bool == true)
        #expect(Set(report.keys) == ["file", "source", "stage", "reason", "retryable", "time"])
        #expect(source.status().counts["failed"] == 1)
        #expect(source.status().counts["in_flight"] == 0)
    }

    @Test("release leaves the file and lets a later scan offer it again")
    func release() async throws {
        let source = makeSource(folder, sink: sink)
        try await source.scanOnce()
        folder.write("in/a.txt", "alpha")
        folder.age("in/a.txt")
        try await source.scanOnce()
        await (try #require(await sink.documents.first)).receipt.release()
        #expect(folder.contents("in/a.txt") == "alpha")
        #expect(source.status().counts["released"] == 1)
        #expect(source.status().counts["in_flight"] == 0)
        try await source.scanOnce()
        #expect(await sink.names == ["a.txt", "a.txt"])
    }

    @Test("no more than max_in_flight files are submitted and unanswered")
    func maxInFlight() async throws {
        try await expectTwoInFlight(files: 5, content: { "file \($0)" }) { $0.maxInFlight = 2 }
    }

    @Test("no more is read once max_in_flight_bytes are in flight; one file may go past it")
    func maxInFlightBytes() async throws {
        // 600 KiB in flight leaves room under 1 MiB; 1.2 MiB does not.
        try await expectTwoInFlight(files: 4, content: { _ in String(repeating: "word ", count: (600 << 10) / 5) }) {
            $0.maxInFlight = 100
            $0.maxInFlightBytes = 1 << 20
        }
    }

    /// Drops `files` files into a source configured by `configure` and checks that two are submitted, a
    /// third only once one is answered, and that every file is done in the end.
    private func expectTwoInFlight(
        files: Int, content: (Int) -> String, configure: (inout FolderSource.Configuration) -> Void
    ) async throws {
        let source = makeSource(folder, sink: sink, configure: configure)
        try await source.scanOnce()
        for i in 0..<files {
            folder.write("in/f\(i).txt", content(i))
            folder.age("in/f\(i).txt")
        }
        let scan = Task { try await source.scanOnce() }
        #expect(await eventually { await sink.documents.count == 2 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(await sink.documents.count == 2)

        await sink.documents[0].receipt.acknowledge(IngestSummary(enqueued: 1, dropped: 0))
        #expect(await eventually { await sink.documents.count == 3 })
        try await Task.sleep(for: .milliseconds(50))
        #expect(await sink.documents.count == 3)

        for i in 1..<files {
            #expect(await eventually { await sink.documents.count > i })
            await sink.documents[i].receipt.acknowledge(IngestSummary(enqueued: 1, dropped: 0))
        }
        try await scan.value
        #expect(Set(await sink.names) == Set((0..<files).map { "f\($0).txt" }))
        #expect(folder.list("in/done").count == files)
        #expect(source.status().counts["done"] == files)
        #expect(source.status().counts["in_flight"] == 0)
    }

    @Test("run() fails when the folder cannot be created")
    func unusableFolder() async throws {
        folder.write("blocker", "a file where the folder should be")
        let source = FolderSource(
            configuration: .init(name: "x", path: folder.path + "/blocker"), sink: sink, logger: quietLogger)
        await #expect(throws: SourceError.folder(path: folder.path + "/blocker", reason: "exists and is not a folder"))
        {
            try await source.run()
        }
        #expect(source.status().state == "failing")
        #expect(source.status().lastError != nil)
    }
}
