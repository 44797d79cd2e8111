import RawNetContracts
import RawNetLabModel
import RawNetPlatform

extension LabSupervisor {
    /// The line a service writes to its log once it listens; `up` waits for it.
    public static let serviceReadyLine = "dns: serving"

    /// What each kind of service writes once it listens (`http: serving http on bob port 80`).
    static func readyText(kind: String) -> String { kind == "dns" ? serviceReadyLine : "\(kind): serving" }

    /// Starts each host's services once its daemon answers, as apps of that host
    /// (docs/decisions.md): a dns service is `rawnet dns serve HOST --run-dir DIR`, an
    /// http service `rawnet http serve HOST --run-dir DIR [--port P] [--root D]`, each
    /// with its output in `HOST.KIND.log`. Each ends by itself when its host's daemon goes.
    /// With `only`, the services of those hosts alone (hosts started again).
    func startServices(_ topology: Topology, paths: SocketPaths, daemonPIDs: [Int32], only: Set<String>? = nil,
                       deadline: Int64) throws(LabError) {
        // `from`: the log's length before the service started. The log is appended to, so a
        // service started again (`rawnet start HOST`) is ready only when its own line comes,
        // not at the line its previous run left.
        var started: [(node: String, kind: String, pid: Int32, log: String, from: Int)] = []
        for node in topology.nodes where only?.contains(node.name) ?? true {
            for service in node.services {
                let log = paths.serviceLogFile(node: node.name, service: service.kind)
                var arguments = [service.kind, "serve", node.name, "--run-dir", paths.runDirectory]
                switch service.kind {
                case "dns":
                    arguments.append("--quiet")
                    if let zone = service.options["zone"] { arguments += ["--zone", zone] }
                    if let records = service.options["records"] { arguments.append("--records=" + records) }
                    if let lab = service.flag("lab") { arguments += [lab ? "--lab-zone" : "--no-lab-zone"] }
                    if service.isRecursive { arguments += ["--recursive"] }
                case "http":
                    if let port = service.options["port"] { arguments += ["--port", port] }
                    if let root = service.options["root"] { arguments += ["--root", root] }
                    if let index = service.options["index"] { arguments.append("--index=" + index) }
                default:
                    continue
                }
                do {
                    let from = (try? FileSystem.readBytes(at: log).count) ?? 0
                    let pid = try Processes.spawn(executable: executable, arguments: arguments, logPath: log)
                    started.append((node.name, service.kind, pid, log, from))
                } catch {
                    stop(pids: daemonPIDs + started.map(\.pid))
                    throw .spawnFailed(node: "\(node.name) (\(service.kind))", reason: "\(error)")
                }
            }
        }
        var waiting = started
        while !waiting.isEmpty {
            for (index, entry) in waiting.enumerated().reversed() {
                let text = (try? FileSystem.readBytes(at: entry.log)).map { String(decoding: $0.dropFirst(entry.from), as: UTF8.self) } ?? ""
                if text.contains(Self.readyText(kind: entry.kind)) {
                    waiting.remove(at: index)
                } else if !Processes.isAlive(entry.pid) || ((try? Processes.reap(entry.pid)) ?? nil) != nil {
                    stop(pids: daemonPIDs + started.map(\.pid))
                    throw .nodeFailed(node: "\(entry.node) (\(entry.kind) service)", logTail: logTail(entry.log))
                }
            }
            if waiting.isEmpty { break }
            if MonotonicClock.now() > deadline {
                stop(pids: daemonPIDs + started.map(\.pid))
                throw .notReady(nodes: waiting.map { "\($0.node) (\($0.kind) service)" })
            }
            sleepBriefly()
        }
    }
}
