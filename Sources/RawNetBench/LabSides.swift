import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import Synchronization

/// The RawNet halves of the tcp, loss, latency, scale and sim scenarios: real
/// daemon labs (started with `LabSupervisor` in a private run-directory base)
/// driven from the bench process through the socket library, and RawNetSim.
/// (The `forward` hook, `makeForwarder`, is set elsewhere.)
public enum LabSides {
    /// Every hook but `makeForwarder`.
    /// - Parameters:
    ///   - executable: the `rawnet` executable that runs the daemons (default: found by `locateRawnet`).
    ///   - scaleRouters, scaleHosts: the generated lab the scale hooks bring up; match `ScaleScenario`'s.
    ///   - scaleConnections: concurrent connections of the scale case (1 000; smoke runs use `smokeScaleConnections`).
    public static func make(executable: String? = nil, scaleRouters: Int = 30, scaleHosts: Int = 70,
                            scaleConnections: Int = 1_000, into base: RawNetSides = RawNetSides()) -> RawNetSides {
        var sides = base
        let settings = LabSettings(explicitExecutable: executable)
        sides.tcpGoodput = { connections, context in
            try LabTraffic.goodput(settings, connections: connections, context: context)
        }
        sides.lossRetained = { loss, context in
            try LabTraffic.retained(settings, lossPercent: loss, context: context)
        }
        sides.lossCleanGoodput = { context in try LabTraffic.cleanGoodput(settings, context: context) }
        sides.chatRoundTrips = { context in try LabTraffic.chatRoundTrips(settings, context: context) }
        sides.connectTimes = { context in try LabTraffic.connectTimes(settings, context: context) }
        let scale = ScaleLab(settings: settings, routers: scaleRouters, hosts: scaleHosts)
        sides.upTime = { labFile, _ in try scale.upTime(labFile: labFile) }
        sides.idleDaemonMemory = { _ in try scale.idleMemory() }
        sides.reachability = { _ in try scale.reachability() }
        sides.concurrentConnections = { context in
            try scale.concurrentConnections(context.isSmoke ? min(scaleConnections, smokeScaleConnections) : scaleConnections)
        }
        sides.convergence = { _ in try ConvergenceLab(settings: settings).secondsAfterLinkFailure() }
        sides.simulatedTransfers = { context in try SimulationSide.transfersPerCPUSecond(context: context) }
        sides.interopGoodput = { path, context in try InteropTraffic.goodput(settings, path: path, context: context) / 1e6 }
        return sides
    }

    /// Concurrent connections of a smoke run of the scale case.
    public static let smokeScaleConnections = 50

    /// Finds `rawnet`: `explicit` if given, else `$RAWNET`, else the running
    /// executable when it is `rawnet`, else next to it or in a parent directory
    /// (test bundles live one or two levels below the build products).
    public static func locateRawnet(explicit: String? = nil) throws -> String {
        if let explicit {
            guard FileSystem.exists(explicit) else { throw BenchError("no rawnet executable at \(explicit)") }
            return explicit
        }
        if let fromEnvironment = ProcessEnvironment.value("RAWNET"), FileSystem.exists(fromEnvironment) {
            return fromEnvironment
        }
        if let executable = Processes.currentExecutablePath() {
            if executable.hasSuffix("/rawnet") { return executable }
            var directory = executable
            for _ in 0..<4 {
                guard let slash = directory.lastIndex(of: "/"), slash != directory.startIndex else { break }
                directory = String(directory[..<slash])
                let candidate = directory + "/rawnet"
                if FileSystem.exists(candidate) { return candidate }
            }
        }
        throw BenchError("cannot find the rawnet executable: build it (swift build --product rawnet) or set RAWNET")
    }
}

/// Where the lab hooks find their executable and put their run directories.
struct LabSettings: Sendable {
    var explicitExecutable: String?
    func executable() throws -> String { try LabSides.locateRawnet(explicit: explicitExecutable) }
}

/// A lab of daemon processes under a private base directory (never the
/// user's labs). `stop()` (also on deinit) takes the daemons down, kills
/// stragglers and removes the whole base, also after a failed start.
final class BenchLab: @unchecked Sendable {
    // Safety: used by the one thread that runs a case; other threads only read `runDirectory`.
    let base: String
    let report: LabSupervisor.UpReport
    private let supervisor: LabSupervisor
    private var isStopped = false

    var runDirectory: String { report.runDirectory }
    var topology: Topology { report.topology }

    /// Starts `yaml`, then pins routers to `routerCPUs` and hosts to `hostCPUs` (nil: no pinning).
    init(yaml: String, executable: String, routerCPUs: [Int]? = nil, hostCPUs: [Int]? = nil,
         readyTimeout: Duration = .seconds(60)) throws {
        Processes.tetherChildrenToThisProcess()
        base = "/tmp/rnlab-\(Processes.currentPID)-\(Self.nextSerial())"
        try? FileSystem.removeTree(at: base)
        supervisor = LabSupervisor(executable: executable, base: base)
        do {
            report = try supervisor.up(yaml: yaml, file: "bench", readyTimeout: readyTimeout)
        } catch {
            try? FileSystem.removeTree(at: base)
            throw BenchError("lab did not start: \(error)")
        }
        do {
            for node in report.topology.nodes {
                guard let pid = report.pids[node.name] else { continue }
                let cpus = node.kind == .router ? routerCPUs : hostCPUs
                if let cpus { try CPUs.pin(pid: pid, cpus) }
            }
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    func stop() {
        guard !isStopped else { return }
        isStopped = true
        _ = try? supervisor.down(labName: report.topology.name, grace: .seconds(2))
        for pid in report.pids.values where Processes.isAlive(pid) {
            try? Processes.kill(pid, signal: 9)
            _ = try? Processes.reap(pid)
        }
        try? FileSystem.removeTree(at: base)
    }

    /// Attaches the lab's linux node `node` (root), pins its bridge to `cpus` and
    /// returns the path of its network namespace; `stop()` removes both.
    func attach(_ node: String, cpus: [Int]? = nil) throws -> String {
        let attached = try supervisor.attach(node: node, labName: report.topology.name)
        if let cpus { try CPUs.pin(pid: attached.pid, cpus) }
        return "/run/netns/" + attached.namespace
    }

    /// The daemon pids of the lab.
    var pids: [String: Int32] { report.pids }

    /// The default lab: alice 10.0.1.10 — r1 — bob 10.0.2.20.
    static let defaultYAML = TopologyLoader.defaultLabYAML(named: "bench")

    /// The default lab pinned like the forwarding references: r1 on the forwarder CPUs, hosts with the endpoints.
    static func oneRouter(_ settings: LabSettings, context: RunContext) throws -> BenchLab {
        try BenchLab(yaml: defaultYAML, executable: try settings.executable(),
                     routerCPUs: context.cpus.forwarder, hostCPUs: context.cpus.endpoints)
    }

    private static let serial = Atomic<Int>(0)
    private static func nextSerial() -> Int { serial.add(1, ordering: .relaxed).newValue }
}
