import RawNetContracts
import RawNetLabModel
import RawNetPlatform

/// Why a lab could not be started or stopped.
public enum LabError: Error, CustomStringConvertible {
    case invalidTopology(TopologyError)
    /// `stopped`: its daemon nodes that are not running (`rawnet start` runs them again).
    case alreadyRunning(lab: String, pids: [Int32], stopped: [String] = [])
    case runDirectory(String)
    case spawnFailed(node: String, reason: String)
    case nodeFailed(node: String, logTail: String)
    case notReady(nodes: [String])
    /// `rawnet attach` could not join a linux node to the lab (everything it made was undone).
    case attachFailed(node: String, reason: String)
    /// `rawnet down` stopped the lab but could not remove these namespaces.
    case namespacesLeft([String])

    public var description: String {
        switch self {
        case let .invalidTopology(error):
            return "the topology is not valid:\n" + error.issues.map { "  " + $0.description }.joined(separator: "\n")
        case let .alreadyRunning(lab, pids, stopped):
            let running = "lab '\(lab)' is already running (pids \(pids.map(String.init).joined(separator: ", ")))"
            let down = "`rawnet down --lab \(lab)`"
            guard !stopped.isEmpty else { return running + "; run \(down) first" }
            // A lab with nodes switched off: starting those is likelier wanted than stopping the rest.
            let onLab = lab == LabLocator.builtInLabName ? "" : " --lab \(lab)"
            return running + " without \(stopped.joined(separator: ", ")):\n"
                + "  `rawnet start \(stopped.joined(separator: " "))\(onLab)` starts \(stopped.count == 1 ? "it" : "them") again;\n"
                + "  \(down) stops the lab, to start it afresh"
        case let .runDirectory(reason):
            return "cannot prepare the run directory: \(reason)"
        case let .spawnFailed(node, reason):
            return "cannot start node '\(node)': \(reason)"
        case let .nodeFailed(node, logTail):
            return "node '\(node)' exited while starting; the end of its log:\n\(logTail)"
        case let .notReady(nodes):
            return "these nodes did not answer on their control sockets in time: \(nodes.joined(separator: ", "))"
        case let .attachFailed(node, reason):
            return "cannot attach '\(node)': \(reason)"
        case let .namespacesLeft(problems):
            return "the lab is down, but these network namespaces could not be removed:\n"
                + problems.map { "  " + $0 }.joined(separator: "\n")
        }
    }
}

/// Starts and stops the daemons of a lab: one process per node, recorded in the
/// lab's run directory (see DESIGN.md, "Decisions taken while building").
public struct LabSupervisor {
    /// The `rawnet` executable; it runs `rawnet router|host NAME --run-dir DIR`
    /// when no `rawnetd` lies beside it.
    public var executable: String
    /// What runs the daemons: `rawnetd` beside `executable` when it is there
    /// (much smaller in memory), else `executable` itself.
    public var daemonExecutable: String
    /// Base folder for run directories (nil: `RunDirectory.baseDirectory()`).
    public var base: String?

    /// - Parameter daemonExecutable: what runs the daemons; by default `rawnetd`
    ///   beside `executable`, else `executable` itself.
    public init(executable: String, daemonExecutable: String? = nil, base: String? = nil) {
        self.executable = executable
        self.daemonExecutable = daemonExecutable
            ?? DaemonArguments.daemonExecutable(besideExecutable: executable) ?? executable
        self.base = base
    }

    /// True when the daemons run as `rawnet router|host` because no `rawnetd` was found.
    public var isUsingFallbackDaemon: Bool { daemonExecutable == executable }

    /// The line `rawnet up` prints when the daemons run as `rawnet` itself.
    public var fallbackNote: String {
        "note: no \(DaemonArguments.daemonExecutableName) beside \(executable); the daemons run as 'rawnet router|host' "
            + "(about twice the memory each; `swift build` builds \(DaemonArguments.daemonExecutableName))"
    }

    /// What `up` did.
    public struct UpReport: Sendable {
        public var topology: Topology
        public var runDirectory: String
        public var pids: [String: Int32]
        public var cleanedCrashedLab: Bool
    }

    /// Validates the topology, refuses a lab already running, cleans one that
    /// crashed, starts every node and waits until each answers `status` with
    /// its link cables connected.
    /// With `part`, starts only the nodes the topology's `machines:` puts on that machine.
    public func up(yaml: String, file: String, part: String? = nil,
                   readyTimeout: Duration = .seconds(15)) throws(LabError) -> UpReport {
        let topology: Topology
        do { topology = try TopologyLoader.parse(yaml: yaml, file: file, part: part) } catch { throw .invalidTopology(error) }

        let runDirectory = try trustedRunDirectory(labName: topology.name)
        let paths = SocketPaths(runDirectory: runDirectory.path)
        do { try paths.check(topology, file: file) } catch { throw .invalidTopology(error) }

        var cleaned = false
        if runDirectory.exists {
            let alive = runningPIDs(in: runDirectory)
            if !alive.isEmpty {
                let stopped = topology.nodes.filter { $0.kind.hasDaemon && !alive.map(\.node).contains($0.name) }.map(\.name)
                throw .alreadyRunning(lab: topology.name, pids: alive.map(\.pid), stopped: stopped)
            }
            _ = LinuxNamespaces.removeRecorded(in: runDirectory)
            do { try runDirectory.remove() } catch { throw .runDirectory("\(error)") }
            cleaned = true
        }
        do {
            try runDirectory.create()
            try FileSystem.writeBytes(Array(yaml.utf8), to: paths.topologyFile)
            try LabConfig.write(topology, to: paths)
        } catch {
            throw .runDirectory("\(error)")
        }

        let deadline = MonotonicClock.now() + readyTimeout.nanoseconds
        // A linux node has no daemon: `rawnet attach` starts its bridge later.
        let pids = try spawnDaemons(topology.nodes.filter(\.kind.hasDaemon), of: topology, runDirectory: runDirectory,
                                    deadline: deadline)
        try startServices(topology, paths: paths, daemonPIDs: Array(pids.values), deadline: deadline)
        return UpReport(topology: topology, runDirectory: runDirectory.path, pids: pids, cleanedCrashedLab: cleaned)
    }

    /// Starts the daemons of `nodes` and waits until each answers on its control socket
    /// with its cables connected (seqpacket: the connecting end may retry for a few ms);
    /// stops them all if one fails. Their pids, by node name. Cables to the nodes of `absent`
    /// (stopped, not started here) are not waited for, nor those of linux nodes.
    func spawnDaemons(_ nodes: [TopologyNode], of topology: Topology, runDirectory: RunDirectory,
                      absent: Set<String> = [], deadline: Int64) throws(LabError) -> [String: Int32] {
        let paths = SocketPaths(runDirectory: runDirectory.path)
        var pids: [String: Int32] = [:]
        let linuxEnds = Set(topology.nodes.filter { !$0.kind.hasDaemon || absent.contains($0.name) }.flatMap { node in
            node.interfaces.map { LinkEndpoint(node: node.name, interface: $0.name).description }
        })
        for node in nodes {
            do {
                pids[node.name] = try Processes.spawn(
                    executable: daemonExecutable,
                    arguments: [node.kind.rawValue, node.name, "--run-dir", runDirectory.path],
                    logPath: paths.logFile(node: node.name))
            } catch {
                stop(pids: Array(pids.values))
                throw .spawnFailed(node: node.name, reason: "\(error)")
            }
        }
        var waiting = Set(nodes.map(\.name))
        while !waiting.isEmpty {
            for name in waiting.sorted() {
                if let pid = pids[name], !Processes.isAlive(pid) || ((try? Processes.reap(pid)) ?? nil) != nil {
                    stop(pids: Array(pids.values))
                    throw .nodeFailed(node: name, logTail: logTail(paths.logFile(node: name)))
                }
                if let client = try? ControlClient(path: paths.control(node: name)),
                   let answer = try? client.request(ControlRequest(command: "status"), timeout: .milliseconds(500)),
                   answer.ok, Self.cablesAreConnected(answer, ignoringPeers: linuxEnds) {
                    waiting.remove(name)
                }
            }
            if waiting.isEmpty { break }
            if MonotonicClock.now() > deadline {
                stop(pids: Array(pids.values))
                throw .notReady(nodes: waiting.sorted())
            }
            sleepBriefly()
        }
        return pids
    }

    /// True unless a node's status shows a cabled interface whose seqpacket
    /// cable is not connected yet (datagram links have nothing to wait for).
    /// Cables to `ignoringPeers` (`node:interface`, the ends of linux nodes,
    /// which connect only once attached) are not waited for.
    static func cablesAreConnected(_ answer: ControlResponse, ignoringPeers: Set<String> = []) -> Bool {
        guard let status = try? answer.result?.decode(NodeStatus.self) else { return true }
        return status.interfaces.allSatisfy {
            $0.peer == nil || ignoringPeers.contains($0.peer!) || $0.isLinkConnected != false
        }
    }

    /// What `down` did: the nodes whose daemon had to be killed, and a line for
    /// each live process a pid file named that was not provably the lab's
    /// daemon and so was left alone.
    public struct DownReport: Sendable, Equatable {
        public var killed: [String] = []
        public var skipped: [String] = []
    }

    /// Stops every daemon of a lab (SIGTERM, then SIGKILL after a grace period)
    /// and the bridges of attached linux nodes, removes the network namespaces
    /// the lab recorded as its own (`NODE.netns`) and its run directory.
    /// Works after a crash too. Only processes proven to be the lab's daemons
    /// (`nodeProcess`) are signalled; the others are named in `skipped`.
    @discardableResult
    public func down(labName: String, grace: Duration = .seconds(3)) throws(LabError) -> DownReport {
        let runDirectory = try trustedRunDirectory(labName: labName)
        var report = DownReport()
        var running: [(node: String, pid: Int32)] = []
        for (node, process) in nodeProcesses(in: runDirectory) {
            switch process {
            case .daemon(let pid): running.append((node, pid))
            case let .notOurs(pid, reason): report.skipped.append(Self.skippedLine(node: node, pid: pid, reason: reason))
            case .gone: break
            }
        }
        report.killed = stopDaemons(running, in: runDirectory, grace: grace)
        let namespaceProblems = LinuxNamespaces.removeRecorded(in: runDirectory)
        if runDirectory.exists {
            do { try runDirectory.remove() } catch { throw .runDirectory("\(error)") }
        }
        if !namespaceProblems.isEmpty { throw .namespacesLeft(namespaceProblems) }
        return report
    }

    /// Ends the daemons `running` (proven the lab's by `nodeProcess`): SIGTERM, then SIGKILL
    /// for those still holding their pid file's lock after `grace`. The nodes that had to be killed.
    func stopDaemons(_ running: [(node: String, pid: Int32)], in runDirectory: RunDirectory,
                     grace: Duration) -> [String] {
        var killed: [String] = []
        for (_, pid) in running { try? Processes.kill(pid, signal: 15) }
        let deadline = MonotonicClock.now() + grace.nanoseconds
        for (node, pid) in running {
            let pidFile = runDirectory.pidFile(for: node)
            // The daemon's lock ends with it: while it is held, the pid is still the daemon's.
            while pidFile.lockHolder() == pid && Processes.isAlive(pid) && MonotonicClock.now() < deadline {
                _ = try? Processes.reap(pid)
                sleepBriefly()
            }
            if pidFile.lockHolder() == pid && Processes.isAlive(pid) {
                try? Processes.kill(pid, signal: 9)
                killed.append(node)
            }
            _ = try? Processes.reap(pid)
        }
        // Daemons this process started (a bench, a test) are its children: once
        // they end, reap them, or each lab brought down leaves a zombie per node.
        Processes.reapChildren(running.map(\.pid), within: .milliseconds(500))
        return killed
    }

    /// The run directory of `labName`, refused when another user could tamper with it.
    func trustedRunDirectory(labName: String) throws(LabError) -> RunDirectory {
        do {
            let runDirectory = try RunDirectory(labName: labName, base: base)
            try runDirectory.checkTrusted()
            return runDirectory
        } catch {
            throw .runDirectory("\(error)")
        }
    }

    func stop(pids: [Int32]) {
        for pid in pids { try? Processes.kill(pid, signal: 9); _ = try? Processes.reap(pid) }
    }

    func logTail(_ path: String) -> String {
        guard let bytes = try? FileSystem.readBytes(at: path) else { return "(no log)" }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    func sleepBriefly() {
        MonotonicClock.sleep(for: .milliseconds(20))
    }
}
