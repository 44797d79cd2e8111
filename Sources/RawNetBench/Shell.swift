import Foundation
import RawNetPlatform

/// Runs system tools (ip, nft, ethtool, iperf3, apt-get) for the Linux
/// reference, capturing their output.
public enum Shell {
    /// What a finished command printed and how it ended.
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs `arguments[0]` (looked up in PATH) and waits for it.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String]? = nil,
                           input: String? = nil) throws -> Output {
        let process = try makeProcess(arguments, environment: environment)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inputPipe = input.map { _ in Pipe() }
        process.standardInput = inputPipe ?? FileHandle.nullDevice
        try process.run()
        if let inputPipe, let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inputPipe.fileHandleForWriting.close()
        }
        // Drain stderr on another thread so neither pipe can fill up and stall the child.
        let errorText = ErrorCollector()
        let reader = Thread { errorText.text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) ; errorText.done.signal() }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        errorText.done.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      standardOutput: String(decoding: stdout, as: UTF8.self), standardError: errorText.text)
    }

    /// Runs a command and fails with its stderr unless it exits with status 0.
    @discardableResult
    public static func check(_ arguments: [String], input: String? = nil) throws -> String {
        let output = try run(arguments, input: input)
        guard output.status == 0 else {
            let detail = output.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            throw BenchError("`\(arguments.joined(separator: " "))` failed (status \(output.status))\(detail.isEmpty ? "" : ": " + detail)")
        }
        return output.standardOutput
    }

    /// Starts a long-running command with output going to `logPath`, with
    /// default signal handling (Foundation's Process would pass on the
    /// caller's blocked signals, and a blocked SIGTERM cannot stop the child).
    /// - Returns: the child's pid; stop it with `stop(pid:)`.
    public static func start(_ arguments: [String], logPath: String) throws -> Int32 {
        guard let name = arguments.first else { throw BenchError("empty command") }
        guard let executable = name.hasPrefix("/") ? name : which(name) else {
            throw BenchError("`\(name)` is not installed (not found in PATH)")
        }
        return try Processes.spawn(executable: executable, arguments: Array(arguments.dropFirst()), logPath: logPath)
    }

    /// Stops a child started with `start`: SIGTERM, then SIGKILL after a
    /// second, and reaps it.
    public static func stop(pid: Int32) {
        try? Processes.kill(pid, signal: 15)
        for attempt in 0..<200 {
            if (try? Processes.reap(pid)) != nil { return }
            if attempt == 100 { try? Processes.kill(pid, signal: 9) }
            MonotonicClock.sleep(for: .milliseconds(10))
        }
    }

    /// Whether a child started with `start` still runs.
    public static func isRunning(pid: Int32) -> Bool {
        (try? Processes.reap(pid)) == .some(nil)
    }

    /// The full path of an executable found in PATH (plus the sbin directories), if any.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for directory in directories {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func makeProcess(_ arguments: [String], environment: [String: String]?) throws -> Process {
        guard let name = arguments.first else { throw BenchError("empty command") }
        guard let executable = name.hasPrefix("/") ? name : which(name) else {
            throw BenchError("`\(name)` is not installed (not found in PATH)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        return process
    }

    private final class ErrorCollector: @unchecked Sendable {
        // Safety: written by the reader thread before `done` is signalled, read after.
        var text = ""
        let done = DispatchSemaphore(value: 0)
    }
}
