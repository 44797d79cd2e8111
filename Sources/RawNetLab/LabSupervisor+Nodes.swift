import RawNetContracts
import RawNetLabModel
import RawNetPlatform

/// Switching single nodes of a running lab off and on again, as one powers a
/// machine down: `rawnet stop r2` ends r2's daemon (its neighbours lose the
/// carrier of seqpacket cables), `rawnet start r2` runs it again with the same
/// topology, and the services of a host with it.
extension LabSupervisor {
    /// Why a node cannot be stopped or started.
    public enum NodeFailure: Error, CustomStringConvertible, Equatable {
        /// No such node in the lab (the text names the nodes it has).
        case unknown(String)
        /// A linux node has no daemon: `rawnet attach` and `rawnet down` handle its bridge.
        case linux(String)
        case alreadyRunning(node: String, pid: Int32)
        case notRunning(String)
        /// Its pid file names a live process that is not provably the lab's daemon: left alone.
        case notOurs(node: String, pid: Int32, reason: String)

        public var description: String {
            switch self {
            case let .unknown(text): return text
            case let .linux(node):
                return "\(node) is a linux node: it has no daemon to start or stop (`rawnet attach \(node)` joins it)"
            case let .alreadyRunning(node, pid): return "\(node) is already running (pid \(pid))"
            case let .notRunning(node): return "\(node) is not running; `rawnet start \(node)` starts it"
            case let .notOurs(node, pid, reason): return LabSupervisor.skippedLine(node: node, pid: pid, reason: reason)
            }
        }
    }

    /// The nodes of `names` in `topology`, each with its process, or the first reason one cannot be acted on.
    func daemonNodes(_ names: [String], of topology: Topology,
                     in runDirectory: RunDirectory) throws(NodeFailure) -> [(node: TopologyNode, process: NodeProcess)] {
        var chosen: [(node: TopologyNode, process: NodeProcess)] = []
        for name in names where !chosen.contains(where: { $0.node.name == name }) {
            guard let node = topology.node(named: name) else { throw .unknown(topology.noNodeMessage(name)) }
            guard node.kind.hasDaemon else { throw .linux(name) }
            chosen.append((node, Self.nodeProcess(node: name, in: runDirectory)))
        }
        return chosen
    }

    /// Ends the daemons of `names` in the running lab `labName` (SIGTERM, SIGKILL after
    /// `grace`), leaving the others running. Refuses (and stops none) if one is not a
    /// daemon node, is not running, or is not provably the lab's process.
    /// The nodes that had to be killed.
    public func stop(nodes names: [String], of topology: Topology, labName: String,
                     grace: Duration = .seconds(3)) throws -> [String] {
        let runDirectory = try trustedRunDirectory(labName: labName)
        var running: [(node: String, pid: Int32)] = []
        for (node, process) in try daemonNodes(names, of: topology, in: runDirectory) {
            switch process {
            case .daemon(let pid): running.append((node.name, pid))
            case .gone: throw NodeFailure.notRunning(node.name)
            case let .notOurs(pid, reason): throw NodeFailure.notOurs(node: node.name, pid: pid, reason: reason)
            }
        }
        return stopDaemons(running, in: runDirectory, grace: grace)
    }

    /// Runs the daemons of `names` in the running lab `labName` again, waits until each
    /// answers with its cables to running nodes connected, then starts their services
    /// (a host's DNS or HTTP server, which ended with it). Refuses (and starts none) if one
    /// is not a daemon node or still runs. Their pids, by node name.
    public func start(nodes names: [String], of topology: Topology, labName: String,
                      readyTimeout: Duration = .seconds(15)) throws -> [String: Int32] {
        let runDirectory = try trustedRunDirectory(labName: labName)
        let chosen = try daemonNodes(names, of: topology, in: runDirectory)
        for (node, process) in chosen {
            switch process {
            case .gone: continue
            case .daemon(let pid): throw NodeFailure.alreadyRunning(node: node.name, pid: pid)
            case let .notOurs(pid, reason): throw NodeFailure.notOurs(node: node.name, pid: pid, reason: reason)
            }
        }
        let starting = Set(chosen.map(\.node.name))
        let running = Set(runningPIDs(in: runDirectory).map(\.node))
        let absent = Set(topology.nodes.map(\.name)).subtracting(running).subtracting(starting)
        let deadline = MonotonicClock.now() + readyTimeout.nanoseconds
        let pids = try spawnDaemons(chosen.map(\.node), of: topology, runDirectory: runDirectory, absent: absent,
                                    deadline: deadline)
        try startServices(topology, paths: SocketPaths(runDirectory: runDirectory.path), daemonPIDs: Array(pids.values),
                           only: starting, deadline: deadline)
        return pids
    }
}
