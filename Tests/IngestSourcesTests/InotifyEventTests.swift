import Glibc
import IngestCore
import Testing

@testable import IngestSources

/// inotify's events without the kernel: bytes as `read(2)` returns them, and events handed to the source.
@Suite("inotify events")
struct InotifyEventTests {
    private func encode(_ wd: Int32, _ mask: Int32, _ name: String, cookie: UInt32 = 0) -> [UInt8] {
        var nameBytes = Array(name.utf8)
        if !nameBytes.isEmpty {
            nameBytes.append(0)
            while nameBytes.count % 16 != 0 { nameBytes.append(0) }
        }
        var bytes: [UInt8] = []
        withUnsafeBytes(of: wd) { bytes += $0 }
        withUnsafeBytes(of: UInt32(bitPattern: mask)) { bytes += $0 }
        withUnsafeBytes(of: cookie) { bytes += $0 }
        withUnsafeBytes(of: UInt32(nameBytes.count)) { bytes += $0 }
        return bytes + nameBytes
    }

    private func event(_ mask: Int32, _ name: String, watch: Int32 = 1) -> InotifyEvent {
        InotifyEvent(watch: watch, mask: UInt32(bitPattern: mask), cookie: 0, name: name)
    }

    @Test("names are read after the fixed header")
    func parse() {
        let bytes =
            encode(1, IN_CLOSE_WRITE, "a.txt") + encode(1, IN_MOVED_TO, "a much longer name.md", cookie: 7)
            + encode(-1, IN_Q_OVERFLOW, "")
        let events = bytes.withUnsafeBytes { Inotify.parse($0) }
        #expect(
            events == [
                InotifyEvent(watch: 1, mask: UInt32(IN_CLOSE_WRITE), cookie: 0, name: "a.txt"),
                InotifyEvent(watch: 1, mask: UInt32(IN_MOVED_TO), cookie: 7, name: "a much longer name.md"),
                InotifyEvent(watch: -1, mask: UInt32(IN_Q_OVERFLOW), cookie: 0, name: ""),
            ])
        #expect(MemoryLayout<inotify_event>.size == 16)
    }

    @Test("a truncated buffer yields only whole events")
    func truncated() {
        let bytes = encode(1, IN_CLOSE_WRITE, "a.txt") + encode(1, IN_CLOSE_WRITE, "b.txt").prefix(10)
        #expect(bytes.withUnsafeBytes { Inotify.parse($0) }.map(\.name) == ["a.txt"])
    }

    @Test("IN_MOVED_TO then IN_CLOSE_WRITE for one file queue it once; ignored names are dropped")
    func queueing() {
        let folder = TempFolder()
        let core = makeSource(folder, sink: RecordingSink()).shared
        core.setWatch(1)
        core.handle(
            .success([
                event(IN_MOVED_TO, "a.txt"), event(IN_CLOSE_WRITE, "a.txt"), event(IN_CLOSE_WRITE, "b.txt.tmp"),
                event(IN_CLOSE_WRITE, ".c.txt"), event(IN_MOVED_TO | IN_ISDIR, "sub"), event(IN_CREATE, "d.txt"),
                event(IN_CLOSE_WRITE, "e.txt", watch: 9), event(IN_CLOSE_WRITE, "f.txt"),
            ]))
        var names: [String] = []
        while let name = core.popPending() { names.append(name) }
        #expect(names == ["a.txt", "f.txt"])
        #expect(!core.takeRescan())
    }

    @Test("a burst beyond the pending bound flags a rescan instead of growing")
    func bounded() {
        let folder = TempFolder()
        let core = makeSource(folder, sink: RecordingSink()).shared
        core.setWatch(1)
        let burst = (0..<(FolderCore.pendingLimit + 500)).map { event(IN_CLOSE_WRITE, "f\($0).txt") }
        core.handle(.success(burst))
        #expect(core.status().counts["pending"] == FolderCore.pendingLimit)
        #expect(core.takeRescan())
        var count = 0
        while core.popPending() != nil { count += 1 }
        #expect(count == FolderCore.pendingLimit)
        #expect(core.status().counts["pending"] == 0)
    }

    @Test("an overflow or a lost watch flags a rescan")
    func overflowAndLostWatch() {
        let folder = TempFolder()
        let core = makeSource(folder, sink: RecordingSink()).shared
        core.setWatch(1)
        core.handle(.success([event(IN_Q_OVERFLOW, "", watch: -1)]))
        #expect(core.takeRescan())
        #expect(!core.isPolling)
        core.handle(.success([event(IN_IGNORED, "")]))
        #expect(core.takeRescan())
        #expect(core.isPolling)
        // Events of the lost watch no longer count.
        core.handle(.success([event(IN_CLOSE_WRITE, "late.txt")]))
        #expect(core.popPending() == nil)
    }
}
