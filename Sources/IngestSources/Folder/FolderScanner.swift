import Glibc
import IngestCore
import IngestDigest

/// A file the scanner accepted: its bytes and what identifies them.
struct TakenFile: Sendable {
    /// The name in the folder (a link's own name for a followed symbolic link).
    var name: String
    /// Absolute path of ``name`` in the folder.
    var path: String
    var bytes: [UInt8]
    var format: DocumentFormat
    var size: Int
    var modifiedNanos: Int64
    var ledgerKey: String
    /// SHA-256 of ``bytes``, lowercase hex (part of ``ledgerKey``).
    var sha256: String
}

/// What to do with one directory entry.
enum FileVerdict: Sendable {
    /// Not for us: a temporary or hidden name, a directory, or gone already.
    case ignore
    /// Found by a scan but written too recently: look again after this long.
    case wait(Duration)
    /// Cannot be ingested: move it to the failed folder with this failure.
    case reject(IngestFailure)
    case take(TakenFile)
}

/// Looks at the entries of one folder and decides, file by file, what to do with them. It reads but never
/// moves anything, so it can be tested against a temporary folder without a running source.
struct FolderScanner: Sendable {
    let configuration: FolderSource.Configuration
    /// The folder's absolute path.
    let folder: String

    init(configuration: FolderSource.Configuration, folder: String) {
        self.configuration = configuration
        self.folder = folder
    }

    /// Names a writer uses while a file is incomplete (`*.tmp`, `*.part`, `*~`), hidden files, and the
    /// source's own subfolders are never taken.
    static func isIgnoredName(_ name: String, configuration: FolderSource.Configuration) -> Bool {
        if name.isEmpty || name.hasPrefix(".") || name.hasSuffix("~") { return true }
        if name == configuration.doneDirectory || name == configuration.failedDirectory { return true }
        let lower = name.lowercased()
        return lower.hasSuffix(".tmp") || lower.hasSuffix(".part")
    }

    func isIgnoredName(_ name: String) -> Bool { Self.isIgnoredName(name, configuration: configuration) }

    func path(of name: String) -> String { folder + "/" + name }

    /// The extension after the last dot, `nil` when there is none.
    static func fileExtension(_ name: String) -> String? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...]
        return ext.isEmpty ? nil : String(ext)
    }

    /// Decides about `name`.
    /// - Parameters:
    ///   - requireSettled: true for files found by a scan, which may still be open in a writer; files
    ///     announced by `IN_CLOSE_WRITE` or `IN_MOVED_TO` are complete and taken at once.
    ///   - nowNanos: the wall-clock time in nanoseconds since 1970, compared with modification times.
    func inspect(_ name: String, requireSettled: Bool, nowNanos: Int64) -> FileVerdict {
        if isIgnoredName(name) { return .ignore }
        let linkPath = path(of: name)
        var entry = stat()
        guard lstat(linkPath, &entry) == 0 else { return .ignore }  // gone already

        var readPath = linkPath
        let openFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW
        var expected = entry
        switch entry.st_mode & S_IFMT {
        case S_IFDIR:
            return .ignore
        case S_IFLNK:
            switch resolveLink(linkPath) {
            case .outside:
                return .reject(Self.failure("symbolic link points outside the folder"))
            case .directory:
                return .ignore
            case .notRegular:
                return .reject(Self.failure("symbolic link does not point to a regular file"))
            case .inside(let target, let targetStat):
                // realpath() gave a path without links; O_NOFOLLOW refuses one swapped in since.
                readPath = target
                expected = targetStat
            }
        case S_IFREG:
            break
        default:
            return .reject(Self.failure("not a regular file"))
        }

        guard let ext = Self.fileExtension(name), let format = DocumentFormat(fileExtension: ext) else {
            let accepted = DocumentFormat.acceptedExtensions.joined(separator: ", ")
            let what = Self.fileExtension(name).map { "unsupported file extension '.\($0)'" } ?? "no file extension"
            return .reject(Self.failure("\(what); accepted: \(accepted)"))
        }

        // An empty file just closed is often a writer's `touch` or `open`+`close` before it writes the real
        // content: give it the settle time too before calling it empty.
        if requireSettled || expected.st_size == 0,
            let remaining = unsettledTime(modifiedNanos(expected), nowNanos: nowNanos)
        {
            return .wait(remaining)
        }
        if Int(expected.st_size) > configuration.maxFileBytes {
            return .reject(Self.sizeFailure(Int(expected.st_size), limit: configuration.maxFileBytes))
        }

        let fd = open(readPath, openFlags)
        guard fd >= 0 else {
            // ENOENT: moved away meanwhile; ELOOP: replaced by a link, which the next look will judge.
            if errno == ENOENT || errno == ELOOP { return .ignore }
            return .reject(Self.failure("cannot open: \(String(cString: strerror(errno)))", retryable: true))
        }
        defer { close(fd) }
        var opened = stat()
        guard fstat(fd, &opened) == 0, opened.st_mode & S_IFMT == S_IFREG,
            opened.st_dev == expected.st_dev, opened.st_ino == expected.st_ino
        else {
            return .ignore  // swapped between lstat and open; look again when it settles
        }

        let bytes: [UInt8]
        switch readAll(fd, limit: configuration.maxFileBytes, size: Int(opened.st_size)) {
        case .failure(let error):
            return .reject(Self.failure("cannot read: \(error)", retryable: true))
        case .success(let read):
            bytes = read
        }
        if bytes.count > configuration.maxFileBytes {
            // It grew after the size check.
            return .reject(Self.sizeFailure(bytes.count, limit: configuration.maxFileBytes))
        }
        if bytes.isEmpty { return .reject(Self.failure("file is empty")) }
        if let reason = TextDecoding.binaryReason(bytes) { return .reject(Self.failure(reason)) }

        // Identify what was read, not what the directory said before.
        var after = stat()
        let size = bytes.count
        let modified = fstat(fd, &after) == 0 ? modifiedNanos(after) : modifiedNanos(opened)
        let sha256 = SHA256Digest.hex(bytes)
        let key = "folder:\(configuration.name):\(name):\(size):\(modified):\(sha256)"
        return .take(
            TakenFile(
                name: name, path: linkPath, bytes: bytes, format: format, size: size, modifiedNanos: modified,
                ledgerKey: key, sha256: sha256))
    }

    // MARK: helpers

    static func failure(_ reason: String, retryable: Bool = false) -> IngestFailure {
        IngestFailure(stage: "source", reason: reason, retryable: retryable)
    }

    static func sizeFailure(_ size: Int, limit: Int) -> IngestFailure {
        failure("file is \(size) bytes; the limit is \(limit)")
    }

    private func modifiedNanos(_ st: stat) -> Int64 {
        Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    }

    /// How long until a file modified at `modified` counts as settled; `nil` when it already does.
    func unsettledTime(_ modified: Int64, nowNanos: Int64) -> Duration? {
        let settle = configuration.settle
        let settleNanos = settle.components.seconds * 1_000_000_000 + settle.components.attoseconds / 1_000_000_000
        let age = nowNanos - modified
        // A time far in the future is a skewed clock (a copied timestamp), not a writer at work: waiting for
        // it would hold the file back indefinitely.
        if age < -60_000_000_000 { return nil }
        guard age < settleNanos else { return nil }
        return .nanoseconds(min(settleNanos - age, settleNanos))
    }

    private enum LinkTarget {
        case inside(String, stat)
        case outside
        case directory
        case notRegular
    }

    /// Where a symbolic link leads. Only a regular file inside the folder, outside the source's own
    /// done and failed subfolders, is followed.
    private func resolveLink(_ linkPath: String) -> LinkTarget {
        guard let folderReal = Self.realPath(folder) else { return .outside }
        guard let target = Self.realPath(linkPath) else { return .notRegular }  // dangling or a loop
        var st = stat()
        guard stat(target, &st) == 0 else { return .notRegular }
        // A link to a folder is never read, wherever it leads: ignored like any folder.
        if st.st_mode & S_IFMT == S_IFDIR { return .directory }
        let prefix = folderReal.hasSuffix("/") ? folderReal : folderReal + "/"
        guard target.hasPrefix(prefix) else { return .outside }
        let inside = target.dropFirst(prefix.count)
        let top = inside.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        if top == configuration.doneDirectory || top == configuration.failedDirectory { return .outside }
        return st.st_mode & S_IFMT == S_IFREG ? .inside(target, st) : .notRegular
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reads at most `limit + 1` bytes, so that a file past the limit is noticed without reading it all.
    ///
    /// Straight into the array, sized by the file's `size` with a byte to spare: reading through a zeroed
    /// 64 KiB chunk appended to the array cost a memset and a copy per file. A file that grew since is read
    /// on into a larger array, up to the limit.
    private func readAll(_ fd: Int32, limit: Int, size: Int) -> Result<[UInt8], SourceError> {
        var capacity = min(limit + 1, max(0, size) + 1)
        var bytes: [UInt8] = []
        while true {
            var failure: SourceError?
            var ended = false
            let earlier = bytes
            bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                let base = buffer.baseAddress!
                earlier.withUnsafeBufferPointer { old in
                    if let start = old.baseAddress { base.initialize(from: start, count: old.count) }
                }
                count = earlier.count
                while count < capacity {
                    let n = read(fd, base + count, capacity - count)
                    if n > 0 {
                        count += n
                    } else if n == 0 {
                        ended = true
                        return
                    } else if errno != EINTR {
                        failure = .lastSystemError("read")
                        return
                    }
                }
            }
            if let failure { return .failure(failure) }
            if ended || bytes.count > limit { return .success(bytes) }
            capacity = min(limit + 1, capacity * 2)
        }
    }
}

/// Streams the names in a folder with `opendir`/`readdir`, one at a time, so a scan of 100,000 files
/// holds one name, not a list.
final class DirectoryStream {
    private let handle: OpaquePointer

    init(_ path: String) throws(SourceError) {
        guard let handle = opendir(path) else { throw .lastSystemError("opendir", path: path) }
        self.handle = handle
    }

    deinit { closedir(handle) }

    /// The next entry's name, skipping `.`, `..` and entries known to be directories; `nil` at the end.
    func next() -> String? {
        while let entry = readdir(handle) {
            if entry.pointee.d_type == UInt8(DT_DIR) { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            return name
        }
        return nil
    }
}
