import RawNetContracts
import RawNetLab
import RawNetLabModel
import RawNetPlatform

/// The lab `rawnet demo` runs: three routers in a triangle with a host on each
/// (as Config/demo.yaml, except that r3 reaches carol and dave through a switch),
/// and behind r1 a switch with the DNS tree (a resolver, root, `lab.` and
/// `example.lab.` servers); bob serves a hello,world page over HTTP. All of it
/// is written here, so the tour needs no file beside the executable,
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
          bob:
            kind: host
            ip: 10.0.2.20/24
            gateway: 10.0.2.1
            services: [{ http: { index: "hello,world\\n" } }]
          carol: { kind: host, ip: 10.0.3.30/24, gateway: 10.0.3.1 }
          dave:  { kind: host, ip: 10.0.3.40/24, gateway: 10.0.3.1 }
          sw1:   { kind: switch, ports: [p1, p2, p3] }
          rec:
            kind: host
            ip: 10.0.4.53/24
            gateway: 10.0.4.1
            services:
              - dns:
                  recursive: yes
                  records: |
                    ; where the walk starts: the root server
                    .          NS  root.lab.
                    root.lab.  A   10.0.4.11
          root:
            kind: host
            ip: 10.0.4.11/24
            gateway: 10.0.4.1
            services:
              - dns:
                  records: |
                    ; the root zone knows only who serves each top-level domain
                    $TTL 3600
                    .              SOA  root.lab. hostmaster.lab. 1 3600 900 604800 300
                    .              NS   root.lab.
                    lab.           NS   tld.lab.
                    in-addr.arpa.  NS   tld.lab.
                    root.lab.      A    10.0.4.11
                    tld.lab.       A    10.0.4.12
          tld:
            kind: host
            ip: 10.0.4.12/24
            gateway: 10.0.4.1
            services:
              - dns:
                  lab: yes
                  records: |
                    ; the lab zone (every node, every address) hands example.lab. to ns1
                    example.lab.   NS   ns1.lab.
          ns1:
            kind: host
            ip: 10.0.4.13/24
            gateway: 10.0.4.1
            services:
              - dns:
                  records: |
                    $ORIGIN example.lab.
                    @    SOA  ns1.lab. hostmaster.lab. 1 3600 900 604800 300
                         NS   ns1.lab.
                    www  A    10.0.2.20
          sw2:   { kind: switch, ports: [p1, p2, p3, p4, p5] }
          r1:
            kind: router
            interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24, eth2: 10.0.13.1/24, eth3: 10.0.4.1/24 }
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
              - { to: 10.0.4.0/24,  via: 10.0.12.1 }
          r3:
            kind: router
            interfaces: { eth0: 10.0.3.1/24, eth1: 10.0.13.3/24, eth2: 10.0.23.3/24 }
            routes:
              - { to: 10.0.1.0/24,  via: 10.0.13.1 }
              - { to: 10.0.2.0/24,  via: 10.0.23.2 }
              - { to: 10.0.12.0/24, via: 10.0.13.1 }
              - { to: 10.0.4.0/24,  via: 10.0.13.1 }
        links:
          - endpoints: [alice:eth0, r1:eth0]
          - endpoints: [bob:eth0, r2:eth0]
          - endpoints: [carol:eth0, sw1:p1]
          - endpoints: [dave:eth0, sw1:p2]
          - endpoints: [r3:eth0, sw1:p3]
          - endpoints: [rec:eth0, sw2:p1]
          - endpoints: [root:eth0, sw2:p2]
          - endpoints: [tld:eth0, sw2:p3]
          - endpoints: [ns1:eth0, sw2:p4]
          - endpoints: [r1:eth3, sw2:p5]
          - endpoints: [r1:eth1, r2:eth1]
          - endpoints: [r1:eth2, r3:eth1]
          - endpoints: [r2:eth2, r3:eth2]
            queue: 128
        """

    /// The picture printed at the start of the tour.
    public static let picture = """
          rec 10.0.4.53   root .11   tld .12   ns1 .13   (DNS, 10.0.4/24)
            └──────────────┴─┬─ sw2 ───┴─────────┘
                             │
          alice 10.0.1.10 ── r1 ────────────── r2 ── bob 10.0.2.20 (http)
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
