import RawNetContracts
import RawNetLabModel
import RawNetPlatform

extension LabSupervisor {
    /// The line a service writes to its log once it listens; `up` waits for it.
    public static let serviceReadyLine = "dns: serving"

    /// Starts each host's services once its daemon answers: a dns service is the
    /// app `rawnet dns serve HOST --run-dir DIR` (docs/decisions.md), its output in
    /// `HOST.dns.log`. It ends by itself when its host's daemon goes. Other kinds
    /// are checked by the topology but started elsewhere (not by this branch).
    func startServices(_ topology: Topology, paths: SocketPaths, daemonPIDs: [Int32],
                       deadline: Int64) throws(LabError) {
        var started: [(node: String, pid: Int32, log: String)] = []
        for (node, service) in topology.dnsServers {
            let log = paths.serviceLogFile(node: node.name, service: service.kind)
            var arguments = ["dns", "serve", node.name, "--run-dir", paths.runDirectory, "--quiet"]
            if let zone = service.options["zone"] { arguments += ["--zone", zone] }
            if let lab = service.flag("lab") { arguments += [lab ? "--lab-zone" : "--no-lab-zone"] }
            if service.isRecursive { arguments += ["--recursive"] }
            do {
                started.append((node.name, try Processes.spawn(executable: executable, arguments: arguments, logPath: log), log))
            } catch {
                stop(pids: daemonPIDs + started.map(\.pid))
                throw .spawnFailed(node: "\(node.name) (dns)", reason: "\(error)")
            }
        }
        var waiting = started
        while !waiting.isEmpty {
            for (index, entry) in waiting.enumerated().reversed() {
                let text = (try? FileSystem.readBytes(at: entry.log)).map { String(decoding: $0, as: UTF8.self) } ?? ""
                if text.contains(Self.serviceReadyLine) {
                    waiting.remove(at: index)
                } else if !Processes.isAlive(entry.pid) || ((try? Processes.reap(entry.pid)) ?? nil) != nil {
                    stop(pids: daemonPIDs + started.map(\.pid))
                    throw .nodeFailed(node: "\(entry.node) (dns service)", logTail: logTail(entry.log))
                }
            }
            if waiting.isEmpty { break }
            if MonotonicClock.now() > deadline {
                stop(pids: daemonPIDs + started.map(\.pid))
                throw .notReady(nodes: waiting.map { "\($0.node) (dns service)" })
            }
            sleepBriefly()
        }
    }
}
