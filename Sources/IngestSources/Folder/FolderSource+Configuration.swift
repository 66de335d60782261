public import IngestCore

extension FolderSource {
    /// What to do with a file once everything it produced is committed.
    public enum SuccessAction: String, Sendable, Equatable, CaseIterable {
        /// Move it into ``Configuration/doneDirectory``.
        case move
        /// Remove it.
        case delete
    }

    /// One watched folder, a `[[sources.folders]]` table.
    ///
    /// - Configuration keys:
    ///   - `name` (string, required): the source's name, in every document's origin and in `ingestctl status`.
    ///     Unique among sources (the daemon checks that).
    ///   - `path` (string, default: "inbox"): the folder, relative to `daemon.state_dir` unless absolute.
    ///     Created when missing.
    ///   - `on_success` (string, default: "move"): `move` a committed file into `done_dir`, or `delete` it.
    ///   - `done_dir` (string, default: "done"): subfolder of the folder for committed files.
    ///   - `failed_dir` (string, default: "failed"): subfolder of the folder for files that could not be
    ///     ingested, each with a `NAME.error.json` beside it.
    ///   - `max_file_bytes` (int, default: 16777216, 1…1073741824): larger files go to `failed_dir`.
    ///   - `settle_ms` (int, default: 1000, 0…3600000): a file found by a scan (not announced by inotify)
    ///     whose modification time is this recent is left for a later look, as a writer may still be at it.
    ///   - `max_in_flight` (int, default: 1024, 1…100000): most files of this folder handed to the pipeline
    ///     and not yet committed or rejected.
    public struct Configuration: Sendable, Equatable {
        public var name: String
        /// The folder as configured and resolved against the state directory (may still be relative to the
        /// working directory; the source makes it absolute when it starts).
        public var path: String
        public var onSuccess: SuccessAction
        /// A name, not a path: the subfolder of ``path`` committed files are moved to.
        public var doneDirectory: String
        /// A name, not a path: the subfolder of ``path`` failed files are moved to.
        public var failedDirectory: String
        public var maxFileBytes: Int
        public var settle: Duration
        public var maxInFlight: Int
        /// The bytes of the files in flight: past this, no more is read until some are answered (one file
        /// may go past it). With ``maxInFlight`` it bounds the memory a burst costs whatever the files' sizes.
        public var maxInFlightBytes: Int

        public static let defaultPath = "inbox"
        public static let defaultMaxFileBytes = 16 << 20
        /// Enough files that the pipeline never waits for the folder while a commit waits for the disk: a
        /// burst's commits take whatever finished meanwhile, and with 64 in flight they were starved (the
        /// end-to-end benchmark ran 8–15 % faster with 256; BENCHMARKS.md).
        /// Room for what the pipeline holds while a batch commits (a batch of up to 256, up to twice that
        /// waiting behind it, the workers' input): at 256 the folder stopped handing out files during each
        /// long commit and the workers waited, leaving a core idle about a tenth of a burst.
        public static let defaultMaxInFlight = 1024
        public static let defaultMaxInFlightBytes = 64 << 20

        public init(
            name: String,
            path: String,
            onSuccess: SuccessAction = .move,
            doneDirectory: String = "done",
            failedDirectory: String = "failed",
            maxFileBytes: Int = Self.defaultMaxFileBytes,
            settle: Duration = .milliseconds(1_000),
            maxInFlight: Int = Self.defaultMaxInFlight,
            maxInFlightBytes: Int = Self.defaultMaxInFlightBytes
        ) {
            self.name = name
            self.path = path
            self.onSuccess = onSuccess
            self.doneDirectory = doneDirectory
            self.failedDirectory = failedDirectory
            self.maxFileBytes = maxFileBytes
            self.settle = settle
            self.maxInFlight = maxInFlight
            self.maxInFlightBytes = maxInFlightBytes
        }

        /// Reads a `[[sources.folders]]` table; problems are added to the section's problem list with their
        /// key paths, and the defaults stand in for wrong values.
        public init(from section: ConfigSection, daemon: DaemonConfiguration) {
            let defaults = Configuration(name: "", path: Self.defaultPath)
            let name = section.optionalString("name")
            if name == nil, !section.has("name") { section.problem("name", "is required") }
            if name?.isEmpty == true { section.problem("name", "must not be empty") }

            var path = section.string("path", default: defaults.path)
            if path.isEmpty {
                section.problem("path", "must not be empty")
                path = defaults.path
            }
            let action = section.choice(
                "on_success", default: defaults.onSuccess.rawValue,
                allowed: SuccessAction.allCases.map(\.rawValue))
            let done = section.string("done_dir", default: defaults.doneDirectory)
            let failed = section.string("failed_dir", default: defaults.failedDirectory)
            for (key, value) in [("done_dir", done), ("failed_dir", failed)] {
                if let problem = Self.subfolderProblem(value) { section.problem(key, problem) }
            }
            if done == failed { section.problem("failed_dir", "must differ from done_dir ('\(done)')") }
            let maxBytes = section.int("max_file_bytes", default: defaults.maxFileBytes, range: 1...(1 << 30))
            let settleMillis = section.int("settle_ms", default: 1_000, range: 0...3_600_000)
            let maxInFlight = section.int("max_in_flight", default: defaults.maxInFlight, range: 1...100_000)
            let maxInFlightBytes = section.int(
                "max_in_flight_bytes", default: defaults.maxInFlightBytes, range: (1 << 20)...(1 << 36))
            section.finish()

            self.init(
                name: name ?? "",
                path: daemon.resolve(path),
                onSuccess: SuccessAction(rawValue: action) ?? .move,
                doneDirectory: done,
                failedDirectory: failed,
                maxFileBytes: maxBytes,
                settle: .milliseconds(settleMillis),
                maxInFlight: maxInFlight,
                maxInFlightBytes: maxInFlightBytes)
        }

        /// Moves are `rename(2)` inside the folder, so the done and failed folders must be plain names of
        /// direct subfolders; a path could leave the folder or the file system.
        static func subfolderProblem(_ name: String) -> String? {
            if name.isEmpty { return "must not be empty" }
            if name.contains("/") { return "must be a folder name, not a path ('\(name)')" }
            if name == "." || name == ".." { return "must be a folder name ('\(name)')" }
            return nil
        }
    }
}
