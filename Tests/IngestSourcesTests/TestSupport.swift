import Foundation
import Glibc
import IngestCore
import IngestTestKit
import Logging
import Synchronization

@testable import IngestSources

/// A fresh temporary folder per test, removed when the value goes away.
final class TempFolder: Sendable {
    private let directory = try! TemporaryDirectory("ingest-sources")
    var path: String { directory.path }

    func url(_ relative: String) -> URL { URL(fileURLWithPath: path + "/" + relative) }

    @discardableResult
    func write(_ relative: String, _ text: String) -> String { write(relative, bytes: Array(text.utf8)) }

    @discardableResult
    func write(_ relative: String, bytes: [UInt8]) -> String {
        let full = path + "/" + relative
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }

    func exists(_ relative: String) -> Bool {
        var st = stat()
        return lstat(path + "/" + relative, &st) == 0
    }

    func contents(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Names in a subfolder, sorted; empty when it does not exist.
    func list(_ relative: String = "") -> [String] {
        let dir = relative.isEmpty ? path : path + "/" + relative
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    /// Sets a file's modification time `secondsAgo` in the past, so a scan counts it as settled.
    func age(_ relative: String, secondsAgo: Double = 60) {
        let date = Date(timeIntervalSinceNow: -secondsAgo)
        try? FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path + "/" + relative)
    }
}

/// Records what a source submits; tests answer the receipts themselves.
actor RecordingSink: DocumentSink {
    private(set) var documents: [RawDocument] = []

    func submit(_ document: RawDocument) async {
        documents.append(document)
    }

    var names: [String] { documents.map { ($0.origin.location as NSString).lastPathComponent } }

    func document(named name: String) -> RawDocument? {
        documents.first { ($0.origin.location as NSString).lastPathComponent == name }
    }
}

let quietLogger = Logger(label: "ingest.sources.tests", factory: { _ in SwiftLogNoOpLogHandler() })

func makeSource(
    _ folder: TempFolder, name: String = "inbox", sink: RecordingSink,
    configure: (inout FolderSource.Configuration) -> Void = { _ in }
) -> FolderSource {
    var configuration = FolderSource.Configuration(name: name, path: folder.path + "/in", settle: .milliseconds(500))
    configure(&configuration)
    return FolderSource(configuration: configuration, sink: sink, logger: quietLogger)
}

/// Parses a `NAME.error.json` report.
func readReport(_ folder: TempFolder, _ relative: String) -> [String: Any]? {
    guard let data = FileManager.default.contents(atPath: folder.path + "/" + relative) else { return nil }
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
}
