import Foundation
import RawNetPlatform

/// Runs the `rawnet` command line for a bench that drives a lab as a user
/// would: each command's output goes to a file of the bench's directory (no
/// pipe a daemon started by `up` could inherit and hold open).
struct RawnetCommand: Sendable {
    var rawnet: String
    var directory: String

    /// Runs `rawnet ARGUMENTS` (stdin from `input`), waits for it and returns
    /// its output; fails unless it exits with 0.
    func run(_ arguments: [String], input: String? = nil) throws -> String {
        let log = directory + "/command.log"
        try? FileManager.default.removeItem(atPath: log)
        let pid = try Processes.spawn(executable: rawnet, arguments: arguments, logPath: log, inputPath: input)
        var exit: ProcessExit?
        let deadline = Date().addingTimeInterval(300)
        while exit == nil {
            exit = try Processes.reap(pid)
            if exit == nil {
                guard Date() < deadline else { throw BenchError("rawnet \(arguments.joined(separator: " ")) did not end") }
                Thread.sleep(forTimeInterval: 0.002)
            }
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard exit == .exited(code: 0) else {
            throw BenchError("rawnet \(arguments.joined(separator: " ")) failed (\(exit!)): \(output)")
        }
        return output
    }

    /// Waits until `condition` holds, checking every `poll` seconds, for at most `timeout` seconds.
    static func waitUntil(_ what: String, timeout: Double = 120, poll: Double = 0.05, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { throw BenchError("timed out waiting until \(what)") }
            Thread.sleep(forTimeInterval: poll)
        }
    }
}
