import Foundation
import Glibc
import IngestCore

/// Moving files out of the watched folder: into the done or failed subfolder under a free name, and the
/// `NAME.error.json` report beside a failed one.
enum FileMoves {
    /// Moves `name` from `folder` into `folder/subfolder` and returns the name it got there.
    ///
    /// A name already taken gets a suffix (`report-1.txt`, `report-2.txt`, …): an earlier file is never
    /// overwritten. The move is `rename(2)` within one file system, so it is atomic. The check for a free
    /// name and the rename are two steps; only this source writes into its subfolders, and one name is
    /// never in flight twice, so nothing can take the name in between but an outside writer.
    ///
    /// `beforeMove` runs with the name chosen, before the file moves (the failed folder writes the file's
    /// report there): a crash between the two then leaves the file in the watched folder, to be taken
    /// again at the next start, never a moved file without its report.
    static func moveAside(
        _ name: String, folder: String, subfolder: String, beforeMove: (String) -> Void = { _ in }
    ) throws(SourceError) -> String {
        let source = folder + "/" + name
        let directory = folder + "/" + subfolder
        var attempt = 0
        while true {
            let candidate = Self.candidate(name, attempt: attempt)
            let target = directory + "/" + candidate
            var st = stat()
            if lstat(target, &st) == 0 {
                attempt += 1
                continue
            }
            guard errno == ENOENT else { throw .lastSystemError("lstat", path: target) }
            beforeMove(candidate)
            while rename(source, target) != 0 {
                if errno != EINTR { throw .lastSystemError("rename", path: source) }
            }
            return candidate
        }
    }

    /// `name` for the first attempt, then `stem-N.ext`.
    static func candidate(_ name: String, attempt: Int) -> String {
        guard attempt > 0 else { return name }
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            return "\(name[..<dot])-\(attempt)\(name[dot...])"
        }
        return "\(name)-\(attempt)"
    }

    /// Removes a file; one already gone is fine.
    static func remove(_ path: String) throws(SourceError) {
        while unlink(path) != 0 {
            if errno == ENOENT { return }
            if errno != EINTR { throw .lastSystemError("unlink", path: path) }
        }
    }

    /// The reason file written beside a failed input.
    struct ErrorReport: Codable, Equatable {
        /// The file's name in the watched folder.
        var file: String
        var source: String
        var stage: String
        var reason: String
        var retryable: Bool
        /// ISO 8601.
        var time: String

        init(file: String, source: String, failure: IngestFailure, time: Date) {
            self.file = file
            self.source = source
            stage = failure.stage
            reason = failure.reason
            retryable = failure.retryable
            self.time = time.formatted(.iso8601)
        }
    }

    /// Writes `report` as `directory/NAME.error.json`, replacing an older report of that name. The file is
    /// opened with `O_NOFOLLOW` so that a link planted under that name is not written through.
    static func writeReport(_ report: ErrorReport, besides name: String, in directory: String) throws(SourceError) {
        let path = directory + "/" + name + ".error.json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8]
        do {
            bytes = Array(try encoder.encode(report))
        } catch {
            throw .folder(path: path, reason: "cannot encode the error report: \(error)")
        }
        bytes.append(UInt8(ascii: "\n"))
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .lastSystemError("open", path: path) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .lastSystemError("write", path: path)
            }
            written += n
        }
    }
}
