import Foundation
import RawNetContracts
import RawNetLabModel
import RawNetPlatform

/// The network namespaces of a lab's linux nodes, made and removed with
/// iproute2's `ip`. A namespace counts as the lab's only when the lab's run
/// directory records it (`NODE.netns`, written right after `ip netns add`
/// succeeded); nothing else is ever deleted.
public enum LinuxNamespaces {
    /// The namespace of linux node `node` in lab `lab`: `rawnet-LAB.NODE`.
    /// Lab and node names never hold a `.`, so no two labs' names can meet,
    /// and the prefix keeps them apart from namespaces made by anything else.
    public static func name(lab: String, node: String) -> String { "rawnet-\(lab).\(node)" }

    /// What one run of `ip` printed.
    public struct Output: Sendable {
        public var status: Int32
        public var output: String
        public var errors: String
    }

    /// iproute2's `ip`, where distributions put it.
    public static var ipExecutable: String? {
        ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first(where: FileSystem.isExecutableFile)
    }

    /// Runs `ip ARGUMENTS` to its end.
    public static func ip(_ arguments: [String]) throws(LabError) -> Output {
        guard let executable = ipExecutable else {
            throw .attachFailed(node: "", reason: "iproute2's `ip` is not installed (apt-get install iproute2)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw .attachFailed(node: "", reason: "cannot run \(executable): \(error)")
        }
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaints = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, output: String(decoding: printed, as: UTF8.self),
                      errors: String(decoding: complaints, as: UTF8.self))
    }

    /// Runs `ip ARGUMENTS`; a failure names the command and what `ip` said.
    @discardableResult
    static func check(_ arguments: [String], node: String) throws(LabError) -> String {
        let result: Output
        do { result = try ip(arguments) } catch {
            guard case .attachFailed(_, let reason) = error else { throw error }
            throw .attachFailed(node: node, reason: reason)
        }
        guard result.status == 0 else {
            let said = result.errors.trimmingCharacters(in: .whitespacesAndNewlines)
            throw .attachFailed(node: node, reason: "`ip \(arguments.joined(separator: " "))` failed: \(said)")
        }
        return result.output
    }

    /// Whether a named namespace `name` exists (`/run/netns/NAME`).
    public static func exists(_ name: String) -> Bool {
        FileSystem.exists(NetworkNamespace.path(named: name))
    }

    /// The namespace the lab recorded for `node`, if any.
    public static func recorded(node: String, paths: SocketPaths) -> String? {
        guard let bytes = try? FileSystem.readBytes(at: paths.namespaceRecord(node: node)) else { return nil }
        let name = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : name
    }

    /// Ends the processes still inside namespace `name` (SIGTERM, then SIGKILL),
    /// deletes it and forgets the record. Returns a problem, or nil when gone.
    static func remove(_ name: String, record: String) -> String? {
        if exists(name) {
            let pids = ((try? ip(["netns", "pids", name]))?.output ?? "").split(whereSeparator: \.isNewline)
                .compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
            for pid in pids { try? Processes.kill(pid, signal: SignalNumber.terminate) }
            let deadline = MonotonicClock.now() + 2_000_000_000
            while pids.contains(where: Processes.isAlive) && MonotonicClock.now() < deadline {
                MonotonicClock.sleep(for: .milliseconds(20))
            }
            for pid in pids where Processes.isAlive(pid) { try? Processes.kill(pid, signal: SignalNumber.kill) }
            do {
                let result = try ip(["netns", "delete", name])
                if result.status != 0 && exists(name) {
                    return "\(name): \(result.errors.trimmingCharacters(in: .whitespacesAndNewlines))"
                }
            } catch {
                return "\(name): \(error)"
            }
        }
        try? FileSystem.removeFile(at: record)
        return nil
    }

    /// Removes every namespace the run directory records (`*.netns`), and only
    /// those whose name is the one this lab gives that node. Returns the problems.
    public static func removeRecorded(in runDirectory: RunDirectory) -> [String] {
        guard let files = try? runDirectory.list() else { return [] }
        let paths = SocketPaths(runDirectory: runDirectory.path)
        var problems: [String] = []
        for file in files.sorted() where file.hasSuffix(".netns") {
            let node = String(file.dropLast(".netns".count))
            let record = paths.namespaceRecord(node: node)
            guard let name = recorded(node: node, paths: paths) else {
                try? FileSystem.removeFile(at: record)
                continue
            }
            guard name == Self.name(lab: runDirectory.labName, node: node) else {
                problems.append("\(name): \(record) names a namespace this lab would not have made; left alone")
                continue
            }
            if let problem = remove(name, record: record) { problems.append(problem) }
        }
        return problems
    }
}
