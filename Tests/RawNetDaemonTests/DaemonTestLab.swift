import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import Testing

/// Errors of the process-level test harness.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The repository's Config directory.
private let labConfigDirectory: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/") + "/Config"
}()

/// A lab of real daemon processes in a private temporary run directory.
/// The temporary base acts as `$XDG_RUNTIME_DIR` for the `rawnet` commands the
/// tests run, so `--lab NAME` finds this lab and no other. `stop()` (also run
/// on deinit) kills every process it started and removes the directory.
final class DaemonTestLab {
    let base: String
    let runDirectory: String
    let topology: Topology
    /// `rawnet`, for the commands tests run.
    let executable: String
    /// What runs the daemons: `rawnetd` beside `rawnet`, or `rawnet` itself when asked to.
    let daemonExecutable: String
    private(set) var pids: [String: Int32] = [:]
    private var isStopped = false
    private nonisolated(unsafe) static var counter = 0

    var paths: SocketPaths { SocketPaths(runDirectory: runDirectory) }
    var labName: String { topology.name }

    /// The `rawnet` executable built next to the test bundle.
    static func rawnetExecutable() throws -> String {
        var candidates: [String] = []
        if let bundle = Processes.currentExecutablePath() {
            var parts = bundle.split(separator: "/", omittingEmptySubsequences: false)
            parts.removeLast()
            candidates.append(parts.joined(separator: "/") + "/rawnet")
        }
        var source = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        source.removeLast(3)
        candidates.append(source.joined(separator: "/") + "/.build/debug/rawnet")
        for path in candidates where FileSystem.exists(path) { return path }
        throw HarnessError("the rawnet executable is missing (looked at \(candidates.joined(separator: ", "))); run `swift build` first")
    }

    /// The daemon-only executable built beside `rawnet` (the build makes both).
    static func daemonExecutable(besideRawnet rawnet: String) throws -> String {
        guard let path = DaemonArguments.daemonExecutable(besideExecutable: rawnet) else {
            throw HarnessError("no rawnetd beside \(rawnet); run `swift build` first")
        }
        return path
    }

    /// Writes `yaml` as lab.yaml and lab.conf and starts one daemon per node, waiting until each
    /// answers `status`. The daemons are `rawnetd` processes; with `usingFallbackDaemon` they are
    /// `rawnet router|host` and only lab.yaml is written (they make lab.conf from it).
    init(yaml: String, usingFallbackDaemon: Bool = false) throws {
        executable = try Self.rawnetExecutable()
        daemonExecutable = usingFallbackDaemon ? executable : try Self.daemonExecutable(besideRawnet: executable)
        Processes.tetherChildrenToThisProcess()
        Self.counter += 1
        // Suites run in parallel and the counter is not atomic: the clock keeps two labs apart.
        base = "/tmp/rnt-\(Processes.currentPID)-\(Self.counter)-\(MonotonicClock.now() % 1_000_000_007)"
        topology = try TopologyLoader.parse(yaml: yaml, file: "test")
        runDirectory = base + "/rawnet/" + topology.name
        try? FileSystem.removeTree(at: base)
        try FileSystem.makeDirectories(runDirectory, mode: 0o700)
        try FileSystem.writeBytes(Array(yaml.utf8), to: paths.topologyFile)
        // The fallback daemons (`rawnet router|host`) write lab.conf from lab.yaml themselves.
        if !usingFallbackDaemon { try LabConfig.write(topology, to: paths) }
        do {
            for node in topology.nodes { try start(node.name) }
            for node in topology.nodes { try waitUntilReady(node.name) }
        } catch {
            stop()
            throw error
        }
    }

    convenience init(configFile name: String) throws {
        let bytes = try FileSystem.readBytes(at: labConfigDirectory + "/" + name)
        try self.init(yaml: String(decoding: bytes, as: UTF8.self))
    }

    deinit { stop() }

    /// Starts (or restarts) one node's daemon.
    func start(_ node: String) throws {
        guard let kind = topology.node(named: node)?.kind else { throw HarnessError("no node \(node)") }
        pids[node] = try Processes.spawn(executable: daemonExecutable,
                                         arguments: [kind.rawValue, node, "--run-dir", runDirectory],
                                         logPath: paths.logFile(node: node))
    }

    /// Waits until the node's control socket answers `status`.
    func waitUntilReady(_ node: String, timeout: Duration = .seconds(10)) throws {
        let deadline = MonotonicClock.now() + Int64(timeout.components.seconds) * 1_000_000_000
        while MonotonicClock.now() < deadline {
            if let pid = pids[node], let exit = try? Processes.reap(pid) {
                throw HarnessError("\(node) \(exit) before it was ready:\n\(log(node))")
            }
            if let response = try? control(node, "status"), response.ok { return }
            MonotonicClock.sleep(for: .milliseconds(20))
        }
        throw HarnessError("\(node) did not answer on its control socket in time:\n\(log(node))")
    }

    /// Kills one daemon with `signal` and reaps it.
    func kill(_ node: String, signal: Int32) throws {
        guard let pid = pids[node] else { return }
        try Processes.kill(pid, signal: signal)
        _ = waitForExit(pid, timeout: .seconds(5))
        pids[node] = nil
    }

    /// Whether the node's daemon still runs.
    func isRunning(_ node: String) -> Bool {
        guard let pid = pids[node] else { return false }
        return (try? Processes.reap(pid)) == .some(nil)
    }

    /// Sends one control request to a node.
    func control(_ node: String, _ command: String, _ args: [String: String] = [:]) throws -> ControlResponse {
        let client = try ControlClient(path: paths.control(node: node))
        return try client.request(ControlRequest(command: command, args: args), timeout: .seconds(5))
    }

    /// A node's status.
    func status(_ node: String) throws -> NodeStatus {
        let response = try control(node, "status")
        guard response.ok, let result = response.result else { throw HarnessError("status of \(node): \(response)") }
        return try result.decode(NodeStatus.self)
    }

    /// Runs `rawnet ARGS --lab NAME` and returns its exit status and output.
    func rawnet(_ arguments: [String], timeout: Duration = .seconds(20)) throws -> (status: Int32, output: String) {
        Self.counter += 1
        let outputPath = base + "/cmd-\(Self.counter).out"
        var environment = ProcessEnvironment.all
        environment["XDG_RUNTIME_DIR"] = base
        environment["RAWNET_LAB"] = nil
        let pid = try Processes.spawn(executable: executable, arguments: arguments + ["--lab", labName],
                                      logPath: outputPath, environment: environment)
        let exit = waitForExit(pid, timeout: timeout)
        let output = String(decoding: (try? FileSystem.readBytes(at: outputPath)) ?? [], as: UTF8.self)
        switch exit {
        case .exited(let code)?: return (code, output)
        case .signaled(let signal)?: throw HarnessError("rawnet \(arguments) killed by signal \(signal):\n\(output)")
        case nil:
            try? Processes.kill(pid, signal: SignalNumber.kill)
            _ = waitForExit(pid, timeout: .seconds(2))
            throw HarnessError("rawnet \(arguments) did not finish in time:\n\(output)")
        }
    }

    /// The daemon's log so far.
    func log(_ node: String) -> String {
        String(decoding: (try? FileSystem.readBytes(at: paths.logFile(node: node))) ?? [], as: UTF8.self)
    }

    /// Stops every daemon (SIGTERM, then SIGKILL) and removes the directory.
    func stop() {
        guard !isStopped else { return }
        isStopped = true
        for pid in pids.values { try? Processes.kill(pid, signal: SignalNumber.terminate) }
        for pid in pids.values where waitForExit(pid, timeout: .seconds(3)) == nil {
            try? Processes.kill(pid, signal: SignalNumber.kill)
            _ = waitForExit(pid, timeout: .seconds(2))
        }
        pids.removeAll()
        try? FileSystem.removeTree(at: base)
    }

    private func waitForExit(_ pid: Int32, timeout: Duration) -> ProcessExit? {
        let deadline = MonotonicClock.now() + Int64(timeout.components.seconds) * 1_000_000_000
            + timeout.components.attoseconds / 1_000_000_000
        while true {
            do {
                if let exit = try Processes.reap(pid) { return exit }
            } catch {
                return .exited(code: -1) // not our child any more: already reaped
            }
            if MonotonicClock.now() >= deadline { return nil }
            MonotonicClock.sleep(for: .milliseconds(10))
        }
    }
}
