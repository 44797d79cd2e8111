import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform

/// scale: a generated lab, by default of 100 nodes (30 routers, 70 hosts): time
/// to `up`, resident memory per idle daemon, every host reaching a far host, and
/// concurrent TCP connections, byte-exact. The goals follow the size: up to 100
/// nodes ≤ 5 s and ≤ 20 MB; from 1,000 nodes (issue 21) ≤ 10 s and ≤ 10 MB.
public struct ScaleScenario: Scenario {
    public let name = "scale"
    public var rawnet: RawNetSides
    public var routers: Int
    public var hosts: Int
    public var connections: Int

    public init(rawnet: RawNetSides = .referencesOnly, routers: Int = 30, hosts: Int = 70, connections: Int = 1_000) {
        self.rawnet = rawnet
        self.routers = routers
        self.hosts = hosts
        self.connections = connections
    }

    /// The goals of a lab of `nodes` nodes: time to up (s) and idle memory per daemon (MB).
    static func goals(nodes: Int) -> (upSeconds: Double, megabytes: Double) {
        nodes >= 1_000 ? (10, 10) : (5, 20)
    }

    public func run(options: BenchOptions, log: @escaping @Sendable (String) -> Void) throws -> [CaseResult] {
        let generator = try TopologyGenerator(name: "scale", routers: routers, hosts: hosts, shape: .tree)
        let yaml = generator.yaml()
        let labFile = "\(options.workDirectory)/rnbench-\(Processes.currentPID)-scale.yaml"
        try FileSystem.writeBytes(Array(yaml.utf8), to: labFile)
        defer { try? FileSystem.removeFile(at: labFile) }
        let nodes = routers + hosts
        let lab = "\(nodes)-node lab (\(routers) routers, \(hosts) hosts)"
        let goals = Self.goals(nodes: nodes)

        func hooked(_ hook: (@Sendable (RunContext) throws -> Double)?, label: String) -> BenchSide? {
            hook.map { body in BenchSide(label: label) { .figure(try body($0)) } }
        }
        let upHook = rawnet.upTime
        let cases = [
            BenchCase(scenario: name, name: "generate and validate the \(lab)", unit: "ms", better: .lower,
                      measured: BenchSide(label: "rawnet gen") { _ in
                          let started = MonotonicClock.now()
                          let text = try TopologyGenerator(name: "scale", routers: routers, hosts: hosts, shape: .tree).yaml()
                          let topology = try TopologyLoader.parse(yaml: text, file: "generated")
                          guard topology.nodes.count == nodes else { throw BenchError("generated \(topology.nodes.count) nodes, not \(nodes)") }
                          return .figure(Double(MonotonicClock.now() - started) / 1e6)
                      }, reference: nil),
            BenchCase(scenario: name, name: "time to up, \(lab)", unit: "s", better: .lower,
                      measured: upHook.map { body in BenchSide(label: "rawnet up") { .figure(try body(labFile, $0)) } },
                      reference: nil, goal: .valueAtMost(goals.upSeconds), note: upHook == nil ? pendingDaemons : nil),
            BenchCase(scenario: name, name: "resident memory per idle daemon", unit: "MB", better: .lower,
                      measured: hooked(rawnet.idleDaemonMemory, label: "rawnetd"), reference: nil,
                      goal: .valueAtMost(goals.megabytes), note: rawnet.idleDaemonMemory == nil ? pendingDaemons : nil),
            BenchCase(scenario: name, name: "hosts reaching a far host", unit: "%", better: .higher,
                      measured: hooked(rawnet.reachability, label: "rawnet ping"), reference: nil,
                      goal: .valueAtLeast(100), note: rawnet.reachability == nil ? pendingDaemons : nil),
            BenchCase(scenario: name, name: "\(Self.grouped(connections)) concurrent TCP connections byte-exact", unit: "%", better: .higher,
                      measured: hooked(rawnet.concurrentConnections, label: "rawnet tcp"), reference: nil,
                      goal: .valueAtLeast(100), note: rawnet.concurrentConnections == nil ? pendingDaemons : nil),
        ]
        return runCases(cases, options: options, log: log)
    }

    /// 10000 as "10 000", as the case names have always written counts.
    static func grouped(_ count: Int) -> String {
        let digits = Array(String(count))
        return String(digits.enumerated().flatMap { index, digit in
            index > 0 && (digits.count - index) % 3 == 0 ? [" ", digit] : [digit]
        })
    }
}

/// sim: simulated lossy transfers per CPU-second (RawNetSim, no reference):
/// 10,000 in at most 10 s of CPU is 1,000 per CPU-second.
public struct SimScenario: Scenario {
    public let name = "sim"
    public var rawnet: RawNetSides
    public init(rawnet: RawNetSides = .referencesOnly) { self.rawnet = rawnet }

    public func run(options: BenchOptions, log: @escaping @Sendable (String) -> Void) throws -> [CaseResult] {
        let hook = rawnet.simulatedTransfers
        let benchCase = BenchCase(
            scenario: name, name: "simulated lossy transfers per CPU-second", unit: "transfers/s", better: .higher,
            measured: hook.map { body in BenchSide(label: "rawnet sim") { .figure(try body($0)) } }, reference: nil,
            goal: .valueAtLeast(1_000), note: hook == nil ? "RawNet side pending: needs TCP in RawNetSim" : nil)
        return runCases([benchCase], options: options, log: log)
    }
}

/// Every scenario by name, in the order `all` runs them.
public enum Scenarios {
    public static let names = ["forward", "tcp", "loss", "latency", "scale", "sim", "interop"]

    public static func named(_ name: String, rawnet: RawNetSides = .referencesOnly) -> (any Scenario)? {
        switch name {
        case "forward": return ForwardScenario(rawnet: rawnet)
        case "capture": return CaptureScenario(rawnet: rawnet)
        case "switch": return SwitchScenario(rawnet: rawnet)
        case "tcp": return TCPScenario(rawnet: rawnet)
        case "loss": return LossScenario(rawnet: rawnet)
        case "latency": return LatencyScenario(rawnet: rawnet)
        case "scale": return ScaleScenario(rawnet: rawnet)
        case "sim": return SimScenario(rawnet: rawnet)
        case "interop": return InteropScenario(rawnet: rawnet)
        case "converge": return ConvergeScenario(rawnet: rawnet)
        case "http": return HTTPScenario()
        default: return nil
        }
    }
}
