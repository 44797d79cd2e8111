import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetSocket
import RawNetWire

/// converge: a generated grid of routers running RIP with fast timers and a
/// host at each corner; one link on a corner-to-corner path is cut (both
/// ends, as `rawnet link r1-r2 down`) and the case measures the seconds until
/// every host reaches every other host again. No reference: the figure is set
/// by the protocol's timers, stated in the case's name.
public struct ConvergeScenario: Scenario {
    public let name = "converge"
    public var rawnet: RawNetSides

    public init(rawnet: RawNetSides = .referencesOnly) { self.rawnet = rawnet }

    public func run(options: BenchOptions, log: @escaping @Sendable (String) -> Void) throws -> [CaseResult] {
        let grid = RIPGrid()
        let hook = rawnet.convergence
        let benchCase = BenchCase(
            scenario: name,
            name: "all hosts reach each other after a link cut, \(grid.rows * grid.columns)-router RIP grid (\(grid.timerText))",
            unit: "s", better: .lower,
            measured: hook.map { body in BenchSide(label: "RIP") { .figure(try body($0)) } },
            reference: nil, note: hook == nil ? pendingDaemons : nil)
        return runCases([benchCase], options: options, log: log)
    }
}

/// A rows × columns grid of routers `r1`… (row by row), each joined to its right
/// and lower neighbour, all running RIP with `timers`; hosts `h1`…`h4` on the
/// four corner routers. Link k is 10.(200 + k / 256).(k % 256).0/24; host j's
/// network 10.(1 + j).0.0/24. Routers have only connected routes.
struct RIPGrid: Sendable {
    var rows = 4
    var columns = 5
    var timers = RIPConfiguration(update: .seconds(1), timeout: .seconds(6), garbage: .seconds(4),
                                  damping: .milliseconds(100))

    /// `update 1s, timeout 6s, garbage 4s, damping 100ms`.
    var timerText: String {
        [("update", timers.update), ("timeout", timers.timeout), ("garbage", timers.garbage), ("damping", timers.damping)]
            .map { "\($0.0) \(ImpairmentText.duration($0.1))" }.joined(separator: ", ")
    }

    var corners: [Int] { [0, columns - 1, (rows - 1) * columns, rows * columns - 1] }

    static func hostAddress(_ index: Int) -> IPv4Address { IPv4Address("10.\(1 + index).0.10")! }

    /// Each link as (router a, router b), a before b.
    var links: [(Int, Int)] {
        var result: [(Int, Int)] = []
        for row in 0..<rows {
            for column in 0..<columns {
                let index = row * columns + column
                if column + 1 < columns { result.append((index, index + 1)) }
                if row + 1 < rows { result.append((index, index + columns)) }
            }
        }
        return result
    }

    func yaml(name: String = "converge") -> String {
        let count = rows * columns
        var interfaces = [[String]](repeating: [], count: count)
        var cables: [String] = []
        for (j, corner) in corners.enumerated() {
            interfaces[corner].append("eth\(interfaces[corner].count): 10.\(1 + j).0.1/24")
            cables.append("  - endpoints: [h\(j + 1):eth0, r\(corner + 1):eth\(interfaces[corner].count - 1)]")
        }
        for (k, (a, b)) in links.enumerated() {
            let subnet = "10.\(200 + k / 256).\(k % 256)"
            interfaces[a].append("eth\(interfaces[a].count): \(subnet).1/24")
            interfaces[b].append("eth\(interfaces[b].count): \(subnet).2/24")
            cables.append("  - endpoints: [r\(a + 1):eth\(interfaces[a].count - 1), r\(b + 1):eth\(interfaces[b].count - 1)]")
        }
        let rip = "rip: { update: \(ImpairmentText.duration(timers.update)), timeout: \(ImpairmentText.duration(timers.timeout)), "
            + "garbage: \(ImpairmentText.duration(timers.garbage)), damping: \(ImpairmentText.duration(timers.damping)) }"
        var lines = ["name: \(name)", "nodes:"]
        for j in corners.indices {
            lines.append("  h\(j + 1): { kind: host, ip: 10.\(1 + j).0.10/24, gateway: 10.\(1 + j).0.1 }")
        }
        for router in 0..<count {
            lines.append("  r\(router + 1): { kind: router, interfaces: { \(interfaces[router].joined(separator: ", ")) }, \(rip) }")
        }
        return (lines + ["links:"] + cables).joined(separator: "\n") + "\n"
    }
}

/// The converge case against real daemons.
struct ConvergenceLab: Sendable {
    var settings: LabSettings
    var grid = RIPGrid()

    /// Starts the grid, waits until every host reaches every other, cuts the first
    /// link on the top row (r1–r2, both ends) and returns the seconds from the cut
    /// until every ordered pair of hosts has had an echo reply to a ping sent after it.
    func secondsAfterLinkFailure() throws -> Double {
        let lab = try BenchLab(yaml: grid.yaml(), executable: try settings.executable())
        defer { lab.stop() }
        var probe = try PairProbe(runDirectory: lab.runDirectory, hosts: grid.corners.count)
        defer { probe.close() }
        guard try probe.allReach(within: .seconds(60)) != nil else {
            throw BenchError("the grid did not converge within 60 s after start")
        }
        let paths = SocketPaths(runDirectory: lab.runDirectory)
        for (node, interface) in [("r1", try cutInterface(of: 0, lab: lab)), ("r2", try cutInterface(of: 1, lab: lab))] {
            let client = try ControlClient(path: paths.control(node: node))
            let answer = try client.request(ControlRequest(command: "link", args: ["interface": interface, "state": "down"]))
            guard answer.ok else { throw BenchError("\(node) link down: \(answer.error ?? "error")") }
        }
        guard let seconds = try probe.allReach(within: .seconds(60)) else {
            throw BenchError("hosts still cut off 60 s after the link failure")
        }
        return seconds
    }

    /// The interface of router `index` (0 or 1) on the r1–r2 link.
    private func cutInterface(of index: Int, lab: BenchLab) throws -> String {
        guard let link = lab.topology.links.first(where: { Set([$0.a.node, $0.b.node]) == ["r1", "r2"] }) else {
            throw BenchError("no r1–r2 link in the grid")
        }
        return (index == 0) == (link.a.node == "r1") ? link.a.interface : link.b.interface
    }
}

/// Pings between every ordered pair of hosts, every 50 ms, to tell when all answer.
struct PairProbe {
    private var connections: [HostConnection] = []
    private var sockets: [ICMPSocket] = []
    private var sequence: UInt16 = 0
    let hosts: Int

    init(runDirectory: String, hosts: Int) throws {
        self.hosts = hosts
        for index in 0..<hosts {
            let connection = try HostConnection(runDirectory: runDirectory, host: "h\(index + 1)", appName: "bench-converge")
            connections.append(connection)
            sockets.append(try ICMPSocket(connection))
        }
    }

    /// Seconds from now until every pair has answered a ping sent after now; nil after `limit`.
    mutating func allReach(within limit: Duration) throws -> Double? {
        let start = MonotonicClock.now()
        var firstSequence: UInt16 = sequence &+ 1
        var reached = Set<Int>()
        var lastReply = start
        while reached.count < hosts * (hosts - 1) {
            let now = MonotonicClock.now()
            if now - start > limit.nanoseconds { return nil }
            sequence &+= 1
            if sequence == 0 { sequence = 1; firstSequence = 1 }
            for from in 0..<hosts {
                for to in 0..<hosts where to != from && !reached.contains(from * hosts + to) {
                    try sockets[from].sendEcho(to: RIPGrid.hostAddress(to), sequence: sequence, payload: Array("converge".utf8))
                }
            }
            let sweepEnd = MonotonicClock.now() + 50_000_000
            for from in 0..<hosts {
                while let received = try sockets[from].receive(timeout: .nanoseconds(max(0, sweepEnd - MonotonicClock.now()) / Int64(hosts))) {
                    guard case .echoReply(_, let number, _) = received.message, number >= firstSequence,
                          let to = (0..<hosts).first(where: { RIPGrid.hostAddress($0) == received.from }) else { continue }
                    if reached.insert(from * hosts + to).inserted { lastReply = MonotonicClock.now() }
                }
            }
            let rest = sweepEnd - MonotonicClock.now()
            if rest > 0 { MonotonicClock.sleep(for: .nanoseconds(rest)) }
        }
        return Double(lastReply - start) / 1e9
    }

    func close() {
        for socket in sockets { try? socket.close() }
        for connection in connections { connection.close() }
    }
}
