import Foundation
import TOMLKit
import Synchronization

/// Parses TOML text once in a child process before the process itself does.
///
/// The TOML library's C++ parser (toml++, inside TOMLKit) is built with its assertions on, and some malformed
/// text (`b = [1, 2.5, }`) makes it abort the whole process instead of reporting an error. A daemon must not
/// die of an operator's typo on reload, and `ingestctl validate` should say what is wrong rather than crash,
/// so the executables run the same parse in a copy of themselves first (`/proc/self/exe` with
/// ``environmentKey`` set): a child killed by a signal means the text would have killed this process.
///
/// Only the executables turn this on (``enable()``, then ``serveIfAsked()`` first thing in `main`); a test
/// process or a library user parses in-process as before.
public enum TOMLProbe {
    /// Set in a child's environment: read TOML on stdin, parse it, exit 0.
    public static let environmentKey = "INGESTD_TOML_PROBE"

    /// The program that answers probes; nil while probing is off.
    private static let prober = Mutex<String?>(nil)

    /// Probes run `executable`, which answers them (it calls ``serveIfAsked()`` at the top of `main`): by
    /// default this very program. The fuzzer names a small uninstrumented one: starting a copy of an
    /// instrumented fuzzer took a second per input.
    public static func enable(executable: String = "/proc/self/exe") {
        prober.withLock { $0 = executable }
    }

    /// In a probe child: parse stdin and exit (0, or 1 on a reported error). Otherwise returns at once.
    public static func serveIfAsked() {
        guard ProcessInfo.processInfo.environment[environmentKey] == "1" else { return }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        let ok = (try? TOMLTable(string: String(decoding: data, as: UTF8.self))) != nil
        exit(ok ? 0 : 1)
    }

    /// Why `text` cannot be parsed safely in this process, or nil when it can (it parses, or its error is
    /// reported normally, or probing is off or could not run).
    static func crash(parsing text: String) -> String? {
        guard let executable = prober.withLock({ $0 }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        var environment = ProcessInfo.processInfo.environment
        environment[environmentKey] = "1"
        // A crash is expected here: no backtrace (it takes time and says nothing the assertion does not).
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return nil
        }
        // The throwing calls, not write(_:) and readDataToEndOfFile(): those end the process on an error
        // (a read interrupted by a signal, a child gone early), which is what this probe is here to avoid.
        // The child's message is only a help; what decides is how it ended.
        try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        try? input.fileHandleForWriting.close()
        var stderr = Data()
        for _ in 0..<3 {
            do {
                stderr = try errors.fileHandleForReading.readToEnd() ?? Data()
                break
            } catch {
                continue  // interrupted: read on
            }
        }
        process.waitUntilExit()
        guard process.terminationReason == .uncaughtSignal else { return nil }
        // The parser's own complaint, e.g. "Assertion `!is_value_terminator(*cp)' failed.", is its first line.
        let first = String(decoding: stderr.prefix(600), as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        let assertion = first.range(of: "Assertion").map { String(first[$0.lowerBound...]) } ?? ""
        return "the TOML parser cannot read this file and stops instead of saying where (signal "
            + "\(process.terminationStatus)\(assertion.isEmpty ? "" : ": \(assertion)")); look for a value missing "
            + "before a comma or a closing bracket or brace, or an unclosed table header"
    }
}
