import Foundation
import Glibc

/// What to start: an absolute program path, its arguments (the program first), the whole environment and
/// the working directory.
struct SpawnSpec: Sendable {
    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var directory: String
}

/// A started child: its pid and our ends of its three pipes.
struct SpawnedChild: Sendable {
    var pid: pid_t
    var stdin: Int32
    var stdout: Int32
    var stderr: Int32
}

/// Why a plugin could not be started.
struct SpawnError: Error, CustomStringConvertible {
    var description: String
}

/// Starts plugin processes with fork and exec, all from one thread that lives as long as the daemon.
///
/// The child asks the kernel for SIGKILL when its parent dies (`PR_SET_PDEATHSIG`), so no plugin outlives
/// a daemon that crashed or was killed. That signal follows the *thread* that forked, not the process:
/// forking from a pool thread that later exits would kill the plugin, hence the dedicated thread. The child
/// also gets a process group of its own (so its children die with it), default signal handling, an empty
/// signal mask, only fds 0–2, and the plugin's folder as working directory. posix_spawn can do most of
/// this but not the death signal.
final class ProcessSpawner: @unchecked Sendable {
    static let shared = ProcessSpawner()

    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    private init() {
        // A plugin's stdin may close under us; a write must then fail with EPIPE, not kill the daemon.
        signal(SIGPIPE, SIG_IGN)
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "ingestd-plugin-spawner"
        thread.start()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    /// Starts `spec` and calls `then` with the outcome, on the spawner's own thread.
    ///
    /// The plugin host starts plugins this way rather than from a task: when the tasks' thread pool is busy
    /// (a loaded machine, other work blocking its few threads), a start waiting for a pool thread would
    /// outlast the plugin's start timeout and fail articles that only had to wait.
    func spawn(_ spec: SpawnSpec, then: @escaping @Sendable (Result<SpawnedChild, SpawnError>) -> Void) {
        condition.lock()
        jobs.append { then(Self.forkExec(spec)) }
        condition.signal()
        condition.unlock()
    }

    // MARK: fork and exec

    private typealias PrctlFunction = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
    private typealias CloseRangeFunction = @convention(c) (UInt32, UInt32, Int32) -> Int32

    /// `prctl` is variadic, so Swift cannot call it by name; on Linux a variadic function called with
    /// integer arguments takes them as a fixed-argument one would.
    private static let prctl: PrctlFunction? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "prctl") else { return nil }
        return unsafeBitCast(symbol, to: PrctlFunction.self)
    }()
    /// glibc 2.34+; the fallback closes fds one by one.
    private static let closeRange: CloseRangeFunction? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "close_range") else { return nil }
        return unsafeBitCast(symbol, to: CloseRangeFunction.self)
    }()
    private static let PR_SET_PDEATHSIG: Int32 = 1
    private typealias Pipe2Function = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    /// `pipe2` needs `_GNU_SOURCE`, which the Glibc module does not define.
    private static let pipe2: Pipe2Function? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "pipe2") else { return nil }
        return unsafeBitCast(symbol, to: Pipe2Function.self)
    }()

    /// A pipe whose ends are close-on-exec and above fd 2 (so the child's dup2 onto 0–2 cannot clobber them).
    private static func makePipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [0, 0]
        if let pipe2 = Self.pipe2 {
            guard pipe2(&fds, O_CLOEXEC) == 0 else { return nil }
        } else {
            // Without pipe2 another thread's fork could inherit these for a moment; it closes them at exec.
            guard pipe(&fds) == 0 else { return nil }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        for i in 0..<2 where fds[i] < 3 {
            let moved = fcntl(fds[i], F_DUPFD_CLOEXEC, 3)
            close(fds[i])
            fds[i] = moved
        }
        return (fds[0], fds[1])
    }

    private static func forkExec(_ spec: SpawnSpec) -> Result<SpawnedChild, SpawnError> {
        var opened: [Int32] = []
        func pipeOrNil() -> (read: Int32, write: Int32)? {
            guard let p = makePipe() else { return nil }
            opened += [p.read, p.write]
            return p
        }
        guard let input = pipeOrNil(), let output = pipeOrNil(), let errors = pipeOrNil(), let report = pipeOrNil()
        else {
            let message = String(cString: strerror(errno))
            opened.forEach { close($0) }
            return .failure(SpawnError(description: "cannot create pipes: \(message)"))
        }
        // Everything the child touches is made before fork: between fork and exec it may only make system
        // calls (another thread may hold a lock the child would need).
        let argv: [UnsafeMutablePointer<CChar>?] = spec.arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            spec.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        guard let path = strdup(spec.executable), let cwd = strdup(spec.directory) else {
            opened.forEach { close($0) }
            return .failure(SpawnError(description: "out of memory"))
        }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
            free(path)
            free(cwd)
        }
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        let maxFD = Int32(min(limit.rlim_cur, 65_536))
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        let parent = getpid()
        let prctl = Self.prctl
        let closeRange = Self.closeRange
        let deathSignalOption = Self.PR_SET_PDEATHSIG

        let pid: pid_t = argv.withUnsafeBufferPointer { argvBuffer in
            let argvBase = argvBuffer.baseAddress!
            return envp.withUnsafeBufferPointer { envpBuffer in
                let envpBase = envpBuffer.baseAddress!
                let childPID = fork()
                guard childPID == 0 else { return childPID }
                // The child.
                _ = prctl?(deathSignalOption, UInt(SIGKILL), 0, 0, 0)
                // The parent may have died before the line above: then nobody would send the signal.
                if getppid() != parent { _exit(127) }
                _ = setpgid(0, 0)
                _ = dup2(input.read, 0)
                _ = dup2(output.write, 1)
                _ = dup2(errors.write, 2)
                var sig: Int32 = 1
                while sig < 65 {
                    _ = signal(sig, SIG_DFL)
                    sig += 1
                }
                _ = sigprocmask(SIG_SETMASK, &emptyMask, nil)
                let keep = report.write
                if let closeRange {
                    if keep > 3 { _ = closeRange(3, UInt32(keep - 1), 0) }
                    _ = closeRange(UInt32(keep + 1), UInt32.max, 0)
                } else {
                    var fd: Int32 = 3
                    while fd < maxFD {
                        if fd != keep { _ = close(fd) }
                        fd += 1
                    }
                }
                if chdir(cwd) == 0 {
                    _ = execve(path, argvBase, envpBase)
                }
                var code = errno
                _ = write(keep, &code, 4)
                _exit(127)
            }
        }
        let forkError = errno
        for fd in [input.read, output.write, errors.write, report.write] { close(fd) }
        guard pid > 0 else {
            for fd in [input.write, output.read, errors.read, report.read] { close(fd) }
            return .failure(SpawnError(description: "cannot fork: \(String(cString: strerror(forkError)))"))
        }
        // The report pipe closes on a successful exec (close-on-exec) and carries errno otherwise.
        var code: Int32 = 0
        var n: Int
        repeat { n = read(report.read, &code, 4) } while n < 0 && errno == EINTR
        close(report.read)
        guard n == 4 else {
            return .success(SpawnedChild(pid: pid, stdin: input.write, stdout: output.read, stderr: errors.read))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        for fd in [input.write, output.read, errors.read] { close(fd) }
        return .failure(
            SpawnError(
                description: "cannot run \(spec.executable) in \(spec.directory): \(String(cString: strerror(code)))"))
    }
}
