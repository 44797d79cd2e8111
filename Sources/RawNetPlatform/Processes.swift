import Glibc
import CRawNetPlatform
import Synchronization

/// How a child process ended.
public enum ProcessExit: Equatable, Sendable, CustomStringConvertible {
    case exited(code: Int32)
    case signaled(signal: Int32)

    public var description: String {
        switch self {
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}

/// Spawning and watching processes (daemons, apps, test children).
public enum Processes {
    /// Set in a child's environment to the pid it is tethered to: a daemon
    /// that finds this process gone shuts down (see `tetherChildrenToThisProcess`).
    public static let tetherVariable = "RAWNET_TETHER_PID"

    private static let isTetheringChildren = Atomic<Bool>(false)

    /// From now on every child this process spawns carries `RAWNET_TETHER_PID`
    /// with this process's pid, and so does everything those children spawn
    /// with the environment they inherited. Test harnesses and benchmarks call
    /// this so that their labs end with them even when they are killed. An
    /// `environment` given to `spawn` that names a tether keeps its own.
    public static func tetherChildrenToThisProcess() {
        isTetheringChildren.store(true, ordering: .relaxed)
    }

    /// Starts `executable` with `arguments` (not including argv[0]) in a new
    /// session (so it outlives the parent and its terminal), stdin from
    /// `inputPath` (a file or FIFO; /dev/null when nil), stdout and stderr
    /// appended to `logPath` (or /dev/null).
    /// - Returns: the child's pid.
    public static func spawn(
        executable: String, arguments: [String], logPath: String? = nil,
        environment: [String: String]? = nil, inputPath: String? = nil
    ) throws(Errno) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        let flags = rawnet_posix_spawn_setsid_flag() | Int16(POSIX_SPAWN_SETSIGDEF) | Int16(POSIX_SPAWN_SETSIGMASK)
        posix_spawnattr_setflags(&attributes, flags)

        let argv = [executable] + arguments
        var env = environment.map { $0.map { "\($0.key)=\($0.value)" } } ?? currentEnvironment()
        if isTetheringChildren.load(ordering: .relaxed), environment?[tetherVariable] == nil {
            env.removeAll { $0.hasPrefix(tetherVariable + "=") }
            env.append("\(tetherVariable)=\(getpid())")
        }
        var pid: pid_t = 0
        let status = withCStrings(argv) { argvPointers in
            withCStrings(env) { envPointers in
                posix_spawn(&pid, executable, &actions, &attributes, argvPointers, envPointers)
            }
        }
        if status != 0 { throw Errno(rawValue: status) }
        return pid
    }

    /// Replaces this process with `executable` run with `arguments` (not including
    /// argv[0], which is `executable`): execv(3). The pid, environment, open
    /// descriptors and terminal stay, so what the program prints and its exit status
    /// are the caller's. Returns only by throwing, when the program cannot be run.
    public static func exec(executable: String, arguments: [String]) throws(Errno) -> Never {
        let error = withCStrings([executable] + arguments) { argv in
            execv(executable, argv)
            return Errno.current
        }
        throw error
    }

    /// Sends `signal` to `pid` (a negative pid names a process group).
    public static func kill(_ pid: Int32, signal: Int32) throws(Errno) {
        try retryingOnInterrupt { Glibc.kill(pid, signal) }
    }

    /// Whether a process with this pid exists (a zombie counts until reaped).
    /// A zombie (ended, not yet reaped — e.g. an orphan whose reaper is slow) counts as dead.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard Glibc.kill(pid, 0) == 0 || Errno.current == .permissionDenied || Errno.current.rawValue == EPERM else {
            return false
        }
        return !isZombie(pid)
    }

    /// Whether /proc says the process has ended but was not reaped.
    static func isZombie(_ pid: Int32) -> Bool {
        guard let bytes = try? FileSystem.readBytes(at: "/proc/\(pid)/stat") else { return false }
        // Format: "pid (comm) S ...": the state follows the last ')'.
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")), close + 2 < bytes.count else { return false }
        return bytes[close + 2] == UInt8(ascii: "Z")
    }

    /// Reaps `pid` if it has ended, without blocking.
    /// - Returns: how it ended, or nil while it still runs.
    /// - Throws: `ECHILD` if it is not our child (or was already reaped).
    public static func reap(_ pid: Int32) throws(Errno) -> ProcessExit? {
        var status: Int32 = 0
        let result = try retryingOnInterrupt { waitpid(pid, &status, WNOHANG) }
        if result == 0 { return nil }
        let low = status & 0x7f
        if low == 0 { return .exited(code: (status >> 8) & 0xff) }
        return .signaled(signal: low)
    }

    /// Waits up to `limit` for those of `pids` that are this process's children to
    /// end, reaping each, so a process that starts and stops many labs (a bench,
    /// a test run) keeps no zombies. Returns the pids still running at the limit;
    /// pids that are not our children are skipped.
    @discardableResult
    public static func reapChildren(_ pids: [Int32], within limit: Duration) -> [Int32] {
        var left = pids
        let deadline = MonotonicClock.now() + limit.components.seconds * 1_000_000_000
            + limit.components.attoseconds / 1_000_000_000
        while true {
            left = left.filter { pid in
                do { return try reap(pid) == nil } catch { return false }  // ECHILD: not ours, or reaped already
            }
            if left.isEmpty || MonotonicClock.now() >= deadline { return left }
            MonotonicClock.sleep(for: .milliseconds(2))
        }
    }

    /// The absolute path of the running executable (/proc/self/exe).
    public static func currentExecutablePath() -> String? {
        executablePath(ofProcessFile: "/proc/self/exe")
    }

    /// The executable another process runs (/proc/PID/exe), nil when unknown.
    public static func executablePath(of pid: Int32) -> String? {
        executablePath(ofProcessFile: "/proc/\(pid)/exe")
    }

    private static func executablePath(ofProcessFile link: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(link, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The arguments a process was started with (/proc/PID/cmdline, argv[0]
    /// first), nil when it is gone or unreadable.
    public static func commandLine(of pid: Int32) -> [String]? {
        guard let bytes = try? FileSystem.readBytes(at: "/proc/\(pid)/cmdline"), !bytes.isEmpty else { return nil }
        return bytes.split(separator: 0, omittingEmptySubsequences: false).dropLast(bytes.last == 0 ? 1 : 0)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// Ends this process with `status` (stdio buffers are flushed).
    public static func exit(status: Int32) -> Never {
        Glibc.exit(status)
    }

    /// This process's id.
    public static var currentPID: Int32 { getpid() }

    private static func currentEnvironment() -> [String] {
        var result: [String] = []
        var pointer = environ
        while let entry = pointer.pointee {
            result.append(String(cString: entry))
            pointer += 1
        }
        return result
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// The process environment as a dictionary.
public enum ProcessEnvironment {
    public static var all: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    public static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
