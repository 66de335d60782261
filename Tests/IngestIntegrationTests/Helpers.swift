import Foundation
import IngestCore
import IngestStore
import IngestTestKit

/// Every stored article's title, from the daemon's database (opened read-write by a second process,
/// as any consumer would).
func storedTitles(_ daemon: DaemonProcess) throws -> [String] {
    let store = try SQLiteStore(path: daemon.databasePath, createIfMissing: false)
    var titles: [String] = []
    for row in try store.peek(queue: "default", state: nil, limit: 1_000_000) {
        if let stored = try store.article(id: row.articleId) { titles.append(stored.article.title ?? "") }
    }
    return titles
}

func queueCount(_ daemon: DaemonProcess) -> Int {
    guard let store = try? SQLiteStore(path: daemon.databasePath, createIfMissing: false),
        let stats = try? store.queueStats()
    else { return 0 }
    return stats.reduce(0) { $0 + $1.counts.values.reduce(0, +) }
}

/// Top-level regular files left in the inbox (done/ and failed/ are subfolders).
func inboxFiles(_ daemon: DaemonProcess) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: daemon.inbox)) ?? []
    return names.filter { name in
        var isDir: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: "\(daemon.inbox)/\(name)", isDirectory: &isDir)
        return !isDir.boolValue
    }
}

/// Writes a file outside the inbox, then renames it in: the way careful writers deliver files.
func renameIntoPlace(_ name: String, _ contents: String, staging: String, inbox: String) throws {
    let temp = "\(staging)/\(name)"
    try Data(contents.utf8).write(to: URL(fileURLWithPath: temp))
    guard rename(temp, "\(inbox)/\(name)") == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
}

/// A small news-like text whose first line is its title.
func story(_ n: Int) -> String {
    "Story number \(n) about the harbour\n\nThe council met on Tuesday to discuss item \(n). Residents asked questions about the plan.\n"
}
