public import Foundation

/// A fresh directory under the system temp folder, removed with ``remove()`` or when the last reference
/// goes away.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ prefix: String = "ingestd-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(prefix)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { remove() }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Writes `contents` to `name` inside the directory, creating folders on the way.
    @discardableResult
    public func write(_ name: String, _ contents: String) throws -> String {
        try write(name, Data(contents.utf8))
    }

    @discardableResult
    public func write(_ name: String, _ data: Data) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Names of the regular files directly inside `subfolder` (not recursive), sorted.
    public func files(in subfolder: String = "") -> [String] {
        let dir = subfolder.isEmpty ? path : file(subfolder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { name in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(dir)/\(name)", isDirectory: &isDir) && !isDir.boolValue
        }.sorted()
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held. The timeout
/// is a bound for liveness, not a measure of speed: generous, since the test machines are shared and the
/// whole suite runs in parallel on two cores.
public func waitUntil(timeout: Duration = .seconds(60), _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}

/// Polls an asynchronous `condition` every 10 ms until it holds or `timeout` passes; returns whether it
/// held. Generous by default: the machines running the tests are shared and sometimes slow.
public func eventually(timeout: Duration = .seconds(60), _ condition: @Sendable () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
