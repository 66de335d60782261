import Foundation
import Glibc
import IngestCore
import Testing

@testable import IngestSources

@Suite("FolderScanner")
struct FolderScannerTests {
    let folder = TempFolder()

    private func scanner(_ configure: (inout FolderSource.Configuration) -> Void = { _ in }) -> FolderScanner {
        try? FileManager.default.createDirectory(atPath: folder.path + "/in/done", withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(atPath: folder.path + "/in/failed", withIntermediateDirectories: true)
        var configuration = FolderSource.Configuration(name: "inbox", path: folder.path + "/in")
        configure(&configuration)
        return FolderScanner(configuration: configuration, folder: folder.path + "/in")
    }

    private let later = FolderLoop.nowNanos() + 3_600_000_000_000

    @Test(
        "temporary, hidden and own names are ignored",
        arguments: [
            (".hidden.txt", true), ("draft.tmp", true), ("draft.TMP", true), ("upload.part", true),
            ("notes.txt~", true), ("done", true), ("failed", true), ("", true),
            ("notes.txt", false), ("done.txt", false), ("report.partial", false), ("a.tmp.txt", false),
        ])
    func ignoredNames(name: String, ignored: Bool) {
        #expect(FolderScanner.isIgnoredName(name, configuration: .init(name: "x", path: "/x")) == ignored)
    }

    @Test("a text file is taken with its bytes, format and ledger key")
    func takesText() throws {
        let s = scanner()
        folder.write("in/note.md", "# Hello\n")
        guard case .take(let file) = s.inspect("note.md", requireSettled: true, nowNanos: later) else {
            Issue.record("expected the file to be taken")
            return
        }
        #expect(file.bytes == Array("# Hello\n".utf8))
        #expect(file.format == .markdown)
        #expect(file.path == folder.path + "/in/note.md")
        var st = stat()
        stat(file.path, &st)
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        #expect(file.ledgerKey == "folder:inbox:note.md:8:\(mtime):\(SHA256.hex(Array("# Hello\n".utf8)))")
    }

    @Test("an unaccepted extension is refused with the accepted list")
    func unsupportedExtension() {
        let s = scanner()
        folder.write("in/photo.jpeg", "not really")
        folder.write("in/README", "no extension")
        guard case .reject(let failure) = s.inspect("photo.jpeg", requireSettled: false, nowNanos: later) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(failure.stage == "source")
        #expect(failure.reason == "unsupported file extension '.jpeg'; accepted: .txt, .md, .html, .htm, .json, .jsonl, .xml, .rss, .atom")
        guard case .reject(let bare) = s.inspect("README", requireSettled: false, nowNanos: later) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(bare.reason.hasPrefix("no file extension; accepted: .txt"))
    }

    @Test("a file over the size limit is refused")
    func sizeCap() {
        let s = scanner { $0.maxFileBytes = 10 }
        folder.write("in/big.txt", String(repeating: "a", count: 11))
        folder.write("in/fits.txt", String(repeating: "a", count: 10))
        guard case .reject(let failure) = s.inspect("big.txt", requireSettled: false, nowNanos: later) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(failure.reason == "file is 11 bytes; the limit is 10")
        guard case .take = s.inspect("fits.txt", requireSettled: false, nowNanos: later) else {
            Issue.record("a file at the limit is taken")
            return
        }
    }

    @Test("files of many sizes are read whole, the limit's edge included")
    func readsWhole() {
        let s = scanner { $0.maxFileBytes = 300_000 }
        for size in [1, 2, 4_095, 4_096, 65_536, 65_537, 200_001, 300_000] {
            let text = String((0..<size).map { Character(UnicodeScalar(UInt8(0x61 + $0 % 26))) })
            folder.write("in/f\(size).txt", text)
            guard case .take(let taken) = s.inspect("f\(size).txt", requireSettled: false, nowNanos: later) else {
                Issue.record("a file of \(size) bytes is taken")
                continue
            }
            #expect(taken.bytes == Array(text.utf8), "\(size) bytes")
        }
    }

    @Test("binary and empty files are refused")
    func binaryAndEmpty() {
        let s = scanner()
        folder.write("in/blob.txt", bytes: [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x10])
        folder.write("in/empty.txt", bytes: [])
        guard case .reject(let binary) = s.inspect("blob.txt", requireSettled: false, nowNanos: later) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(binary.reason == "binary content (NUL bytes)")
        guard case .reject(let empty) = s.inspect("empty.txt", requireSettled: false, nowNanos: later) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(empty.reason == "file is empty")
    }

    @Test("a symbolic link out of the folder is refused; one to a file inside is followed")
    func symbolicLinks() throws {
        let s = scanner()
        folder.write("secret.txt", "outside")
        folder.write("in/real.txt", "inside")
        folder.write("in/done/old.txt", "done already")
        symlink(folder.path + "/secret.txt", folder.path + "/in/escape.txt")
        symlink("../secret.txt", folder.path + "/in/relative.txt")
        symlink("real.txt", folder.path + "/in/alias.txt")
        symlink("done/old.txt", folder.path + "/in/again.txt")
        symlink("missing.txt", folder.path + "/in/dangling.txt")
        symlink("done", folder.path + "/in/dirlink.txt")

        for name in ["escape.txt", "relative.txt", "again.txt"] {
            guard case .reject(let failure) = s.inspect(name, requireSettled: false, nowNanos: later) else {
                Issue.record("expected \(name) to be refused")
                continue
            }
            #expect(failure.reason == "symbolic link points outside the folder")
        }
        let verdict = s.inspect("alias.txt", requireSettled: false, nowNanos: later)
        guard case .take(let file) = verdict else {
            Issue.record("expected the link inside to be followed, got \(verdict)")
            return
        }
        #expect(file.bytes == Array("inside".utf8))
        #expect(file.name == "alias.txt")
        #expect(file.path == folder.path + "/in/alias.txt")
        guard case .reject(let dangling) = s.inspect("dangling.txt", requireSettled: false, nowNanos: later) else {
            Issue.record("expected a dangling link to be refused")
            return
        }
        #expect(dangling.reason == "symbolic link does not point to a regular file")
        guard case .ignore = s.inspect("dirlink.txt", requireSettled: false, nowNanos: later) else {
            Issue.record("a link to a folder inside is ignored like a folder")
            return
        }
    }

    @Test("a scan leaves a freshly written file for later; an announced one is taken at once")
    func settling() {
        let s = scanner { $0.settle = .seconds(1) }
        folder.write("in/fresh.txt", "still writing?")
        let now = FolderLoop.nowNanos()
        guard case .wait(let remaining) = s.inspect("fresh.txt", requireSettled: true, nowNanos: now) else {
            Issue.record("expected the scan to wait")
            return
        }
        #expect(remaining > .zero && remaining <= .seconds(1))
        guard case .take = s.inspect("fresh.txt", requireSettled: false, nowNanos: now) else {
            Issue.record("expected an announced file to be taken")
            return
        }
        guard case .take = s.inspect("fresh.txt", requireSettled: true, nowNanos: now + 1_500_000_000) else {
            Issue.record("expected a settled file to be taken")
            return
        }
    }

    @Test("folders, vanished files and special files")
    func others() {
        let s = scanner()
        #expect(mkdir(folder.path + "/in/sub.txt", 0o755) == 0)
        #expect(mkfifo(folder.path + "/in/pipe.txt", 0o644) == 0)
        if case .ignore = s.inspect("sub.txt", requireSettled: false, nowNanos: later) {
        } else {
            Issue.record("a folder is ignored")
        }
        if case .ignore = s.inspect("gone.txt", requireSettled: false, nowNanos: later) {
        } else {
            Issue.record("a vanished file is ignored")
        }
        guard case .reject(let fifo) = s.inspect("pipe.txt", requireSettled: false, nowNanos: later) else {
            Issue.record("a FIFO is refused without blocking on it")
            return
        }
        #expect(fifo.reason == "not a regular file")
    }

    @Test("a directory stream yields every file once and skips folders")
    func directoryStream() throws {
        _ = scanner()
        for i in 0..<50 { folder.write("in/f\(i).txt", "x") }
        let stream = try DirectoryStream(folder.path + "/in")
        var names: [String] = []
        while let name = stream.next() { names.append(name) }
        #expect(names.sorted() == (0..<50).map { "f\($0).txt" }.sorted())
    }
}

@Suite("FileMoves")
struct FileMovesTests {
    @Test(
        "collision names keep the extension",
        arguments: [
            ("a.txt", 0, "a.txt"), ("a.txt", 1, "a-1.txt"), ("a.b.md", 2, "a.b-2.md"), ("README", 3, "README-3"),
        ])
    func candidates(name: String, attempt: Int, expected: String) {
        #expect(FileMoves.candidate(name, attempt: attempt) == expected)
    }

    @Test("moving never overwrites")
    func noOverwrite() throws {
        let folder = TempFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/done", withIntermediateDirectories: true)
        folder.write("done/a.txt", "first")
        folder.write("done/a-1.txt", "second")
        folder.write("a.txt", "third")
        let name = try FileMoves.moveAside("a.txt", folder: folder.path, subfolder: "done")
        #expect(name == "a-2.txt")
        #expect(folder.contents("done/a.txt") == "first")
        #expect(folder.contents("done/a-1.txt") == "second")
        #expect(folder.contents("done/a-2.txt") == "third")
        #expect(!folder.exists("a.txt"))
        #expect(throws: SourceError.self) { try FileMoves.moveAside("a.txt", folder: folder.path, subfolder: "done") }
    }

    @Test("the failed folder's report is written under the file's new name before the file moves")
    func reportBeforeMove() throws {
        let folder = TempFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/failed", withIntermediateDirectories: true)
        folder.write("failed/b.pdf", "older")
        folder.write("b.pdf", "newer")
        var seen: (name: String, sourceThere: Bool, targetThere: Bool)?
        let name = try FileMoves.moveAside("b.pdf", folder: folder.path, subfolder: "failed") { chosen in
            seen = (chosen, folder.exists("b.pdf"), folder.exists("failed/" + chosen))
        }
        #expect(name == "b-1.pdf")
        #expect(seen?.name == "b-1.pdf" && seen?.sourceThere == true && seen?.targetThere == false)
        #expect(folder.contents("failed/b-1.pdf") == "newer")
    }
}
