import RawNetContracts
import RawNetLab
import RawNetLabModel
import RawNetPlatform

/// The lab `rawnet demo` runs: three routers in a triangle with a host on each
/// (as Config/demo.yaml, except that r3 reaches carol and dave through a switch),
/// under its own name `tour` so it never clashes with a
/// lab of the user's.
public enum DemoLab {
    public static let name = "tour"

    /// r2 sends traffic for alice's subnet the long way (via r3), so bob → alice
    /// crosses r2, r3, r1 while alice → bob crosses only r1, r2.
    public static let yaml = """
        name: tour
        nodes:
          alice: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
          bob:   { kind: host, ip: 10.0.2.20/24, gateway: 10.0.2.1 }
          carol: { kind: host, ip: 10.0.3.30/24, gateway: 10.0.3.1 }
          dave:  { kind: host, ip: 10.0.3.40/24, gateway: 10.0.3.1 }
          sw1:   { kind: switch, ports: [p1, p2, p3] }
          r1:
            kind: router
            interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24, eth2: 10.0.13.1/24 }
            routes:
              - { to: 10.0.2.0/24,  via: 10.0.12.2 }
              - { to: 10.0.3.0/24,  via: 10.0.13.3 }
              - { to: 10.0.23.0/24, via: 10.0.12.2 }
          r2:
            kind: router
            interfaces: { eth0: 10.0.2.1/24, eth1: 10.0.12.2/24, eth2: 10.0.23.2/24 }
            routes:
              - { to: 10.0.1.0/24,  via: 10.0.23.3 }
              - { to: 10.0.3.0/24,  via: 10.0.23.3 }
              - { to: 10.0.13.0/24, via: 10.0.12.1 }
          r3:
            kind: router
            interfaces: { eth0: 10.0.3.1/24, eth1: 10.0.13.3/24, eth2: 10.0.23.3/24 }
            routes:
              - { to: 10.0.1.0/24,  via: 10.0.13.1 }
              - { to: 10.0.2.0/24,  via: 10.0.23.2 }
              - { to: 10.0.12.0/24, via: 10.0.13.1 }
        links:
          - endpoints: [alice:eth0, r1:eth0]
          - endpoints: [bob:eth0, r2:eth0]
          - endpoints: [carol:eth0, sw1:p1]
          - endpoints: [dave:eth0, sw1:p2]
          - endpoints: [r3:eth0, sw1:p3]
          - endpoints: [r1:eth1, r2:eth1]
          - endpoints: [r1:eth2, r3:eth1]
          - endpoints: [r2:eth2, r3:eth2]
            queue: 128
        """

    /// The picture printed at the start of the tour.
    public static let picture = """
          alice 10.0.1.10 ── r1 ────────────── r2 ── bob 10.0.2.20
                               ╲   10.0.12/24  ╱
                     10.0.13/24 ╲            ╱ 10.0.23/24
                                  ╲        ╱
                                     r3 ── sw1 ── carol 10.0.3.30
                                            └──── dave  10.0.3.40
        """

    /// How the tour got its lab.
    public enum Start: Sendable {
        /// Started by this run (stop it at the end unless kept).
        case started(runDirectory: String)
        /// A `tour` lab was already running (from `demo --keep`); it is reused and left running.
        case reused(runDirectory: String)

        public var runDirectory: String {
            switch self {
            case .started(let directory), .reused(let directory): return directory
            }
        }
    }

    /// Starts the tour lab, or reuses a running one whose daemons all answer.
    public static func start(executable: String, base: String? = nil) throws -> Start {
        let supervisor = LabSupervisor(executable: executable, base: base)
        let directory = try RunDirectory(labName: name, base: base)
        if directory.exists && !supervisor.runningPIDs(in: directory).isEmpty {
            let paths = SocketPaths(runDirectory: directory.path)
            let topology = try TopologyLoader.parse(yaml: yaml, file: "built-in tour lab")
            let silent = topology.nodes.map(\.name).filter { node in
                guard let client = try? ControlClient(path: paths.control(node: node)),
                      let answer = try? client.request(ControlRequest(command: "status"), timeout: .seconds(1)) else { return true }
                return !answer.ok
            }
            guard silent.isEmpty else {
                throw DemoFailure("a lab named '\(name)' is running but \(silent.joined(separator: ", ")) do not answer; stop it with `rawnet down --lab \(name)` and try again")
            }
            return .reused(runDirectory: directory.path)
        }
        let report = try supervisor.up(yaml: yaml, file: "built-in tour lab")
        return .started(runDirectory: report.runDirectory)
    }

    /// Stops the tour lab.
    public static func stop(executable: String, base: String? = nil) {
        _ = try? LabSupervisor(executable: executable, base: base).down(labName: name)
    }
}

/// Why the tour could not go on.
public struct DemoFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }

    /// Ctrl-C ended the tour (its lab is stopped): not a failure to report, an exit like a shell's (130).
    public static let interrupted = DemoFailure("interrupted")
    public var isInterruption: Bool { description == Self.interrupted.description }
}
