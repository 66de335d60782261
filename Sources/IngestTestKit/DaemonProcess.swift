public import Foundation
import Glibc

/// A real `ingestd` running in a temp folder with its own config, for integration tests.
public final class DaemonProcess: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let configPath: String
    public private(set) var process: Process?
    private var logHandle: FileHandle?

    public var stateDirectory: String { directory.file("state") }
    public var inbox: String { directory.file("state/inbox") }
    public var socketPath: String { directory.file("state/control.sock") }
    public var databasePath: String { directory.file("state/ingestd.db") }
    public var logPath: String { directory.file("ingestd.log") }

    /// Writes a config whose state directory is inside `directory`; `extra` is appended to it.
    public init(directory: TemporaryDirectory, extra: String = "") throws {
        self.directory = directory
        configPath = directory.file("ingestd.toml")
        let config = """
            [daemon]
            state_dir = "\(directory.file("state"))"
            log_level = "info"

            [[sources.folders]]
            name = "inbox"
            path = "inbox"

            \(extra)
            """
        try directory.write("ingestd.toml", config)
    }

    /// Starts the daemon and waits until its control socket answers.
    public func start(timeout: Duration = .seconds(20)) async throws {
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        let process = try launch(stderr: handle)
        self.process = process
        self.logHandle = handle
        let ready = await waitUntil(timeout: timeout) {
            guard process.isRunning, let result = try? ctl(["status", "--json"]) else { return !process.isRunning }
            return result.status == 0 && result.stdout.contains("\"pid\"")
        }
        guard ready, process.isRunning else {
            throw DaemonProcessError(message: "ingestd did not start; log:\n\(log())")
        }
    }

    /// Starts `ingestd` on this config with `environment` added to the test's own, and returns at once: for
    /// tests that give it what systemd would (NOTIFY_SOCKET, WATCHDOG_USEC, JOURNAL_STREAM) and manage the
    /// process themselves. Its stderr and stdout go to `stderr`, or nowhere.
    public func launch(environment extra: [String: String] = [:], stderr: FileHandle? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Executables.path("ingestd"))
        process.arguments = ["--config", configPath]
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        process.standardError = stderr ?? FileHandle.nullDevice
        process.standardOutput = stderr ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `ingestctl` against this daemon's config.
    public func ctl(_ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
        try runProcess(Executables.path("ingestctl"), arguments + ["--config", configPath], stdin: stdin)
    }

    /// SIGTERM, then waits for the exit; returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        guard let process else { return 0 }
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        self.process = nil
        return process.terminationStatus
    }

    /// SIGKILL: the crash a test recovers from.
    public func crash() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

public struct DaemonProcessError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
