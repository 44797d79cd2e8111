import RawNetContracts
import RawNetLabModel
import RawNetPlatform

/// What a node's pid file says once checked: the lab's daemon, nothing alive,
/// or a live process that is not provably the lab's daemon (never signalled).
public enum NodeProcess: Equatable, Sendable {
    case daemon(pid: Int32)
    case gone
    case notOurs(pid: Int32, reason: String)
}

extension LabSupervisor {
    /// Every pid file of a lab (`NODE.pid`) checked by `nodeProcess`, by node name.
    public func nodeProcesses(in runDirectory: RunDirectory) -> [(node: String, process: NodeProcess)] {
        guard let files = try? runDirectory.list() else { return [] }
        return files.filter { $0.hasSuffix(".pid") }.map { file in
            let node = String(file.dropLast(4))
            return (node, Self.nodeProcess(node: node, in: runDirectory))
        }
    }

    /// Proves that the process behind `NODE.pid` is this lab's daemon for that
    /// node before anyone signals it: a daemon (`rawnetd` or `rawnet`, kind
    /// router, host or linux) holds a lock on its pid file for its whole life
    /// (`PIDFile.lockAndWrite`), so the kernel names the holder (a live process,
    /// never a recycled pid), and the holder's command line must name this node
    /// and this run directory. A pid written by anyone else — planted, or left by
    /// a daemon that crashed and since reused — is never taken on trust.
    public static func nodeProcess(node: String, in runDirectory: RunDirectory) -> NodeProcess {
        let file = runDirectory.pidFile(for: node)
        let fileName = node + ".pid"
        if let holder = file.lockHolder() {
            if let problem = daemonMismatch(pid: holder, node: node, runDirectory: runDirectory) {
                return .notOurs(pid: holder, reason: "it holds the lock on \(fileName) but \(problem)")
            }
            return .daemon(pid: holder)
        }
        if let recorded = file.read(), Processes.isAlive(recorded) {
            return .notOurs(pid: recorded, reason: "nothing holds the lock on \(fileName), as a running daemon would")
        }
        return .gone
    }

    /// Why `pid` is not the daemon of `node` in `runDirectory`, nil when it is.
    public static func daemonMismatch(pid: Int32, node: String, runDirectory: RunDirectory) -> String? {
        guard let arguments = Processes.commandLine(of: pid) else { return "its command line cannot be read" }
        let shown = arguments.joined(separator: " ")
        var program = Substring(Processes.executablePath(of: pid) ?? arguments.first ?? "")
        if program.hasSuffix(" (deleted)") { program = program.dropLast(10) }  // rebuilt while it runs
        let name = program.split(separator: "/").last.map(String.init) ?? ""
        guard name == DaemonArguments.daemonExecutableName || name == "rawnet" else {
            return "runs \(program), not \(DaemonArguments.daemonExecutableName)"
        }
        let kinds = NodeKind.allCases.map(\.rawValue)
        guard arguments.count >= 5, kinds.contains(arguments[1]), arguments[2] == node,
              let flag = arguments.firstIndex(of: "--run-dir"), flag + 1 < arguments.count,
              arguments[flag + 1] == runDirectory.path || FileSystem.isSameFile(arguments[flag + 1], runDirectory.path)
        else {
            return "its command line '\(shown)' is not the daemon of \(node) in \(runDirectory.path)"
        }
        return nil
    }

    /// Nodes of a lab whose daemon runs, proven as `nodeProcess` proves it.
    public func runningPIDs(in runDirectory: RunDirectory) -> [(node: String, pid: Int32)] {
        nodeProcesses(in: runDirectory).compactMap { entry in
            if case .daemon(let pid) = entry.process { return (entry.node, pid) }
            return nil
        }
    }

    /// The line `down` prints for a pid it did not signal.
    static func skippedLine(node: String, pid: Int32, reason: String) -> String {
        "\(node): pid \(pid) is not this lab's daemon (\(reason)); not signalled"
    }
}
