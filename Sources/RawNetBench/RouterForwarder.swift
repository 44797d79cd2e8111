import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetWire
import Synchronization

/// One router daemon (`rawnet router r1 --run-dir DIR`) between two links,
/// the RawNet side of the `forward` and `latency` scenarios.
///
/// The lab has three nodes: `left` (10.0.1.10) — `r1` (10.0.1.1 | 10.0.2.1) —
/// `right` (10.0.2.20). Only `r1` runs; the harness plays `left` and `right`
/// by binding their link sockets (`left.eth0`, `right.eth0`) on datagram
/// links, or on seqpacket links by connecting to the router's sockets with a
/// hello standing for those paths. Before handing
/// the forwarder out it teaches the router both neighbours' MAC addresses
/// with an ARP request from each (RFC 826: a request aimed at the router is
/// learned), waits for the replies, and checks that one UDP frame crosses
/// with its TTL decremented. Links get the largest queue a lab allows, so
/// like the relay the router holds frames rather than dropping them while the
/// receiver catches up. A frame only crosses if addressed to the router's
/// interface on its side: an echo must send `frame(size:towardsRight:)` of the
/// other direction, not the bytes it received.
public final class RouterForwarder: FrameForwarder, @unchecked Sendable {
    // Safety: immutable after init except `isStopped`, touched only by the owning scenario.
    public let leftToRight: FramePath
    public let rightToLeft: FramePath
    /// The lab's run directory (removed by `stop()`).
    public let runDirectory: String
    /// True when the daemon runs with `RAWNET_BYPASS_IMPAIRMENT=1`.
    public let isImpairmentBypassed: Bool
    /// The lab's `link_socket`.
    public let socketKind: LinkSocketKind
    private let pid: Int32
    private var isStopped = false

    static let labName = "fwdbench"
    static let router = "r1"
    static let left = Neighbour(node: "left", address: IPv4Address(0x0A00_010A), routerAddress: IPv4Address(0x0A00_0101),
                                routerInterface: "eth0")
    static let right = Neighbour(node: "right", address: IPv4Address(0x0A00_0214), routerAddress: IPv4Address(0x0A00_0201),
                                 routerInterface: "eth1")

    /// A node the harness plays: its address, and the router interface facing it.
    struct Neighbour {
        var node: String
        var address: IPv4Address
        var routerAddress: IPv4Address
        var routerInterface: String
        var macAddress: MACAddress { TopologyInterface.defaultMACAddress(node: node, interface: "eth0") }
        var routerMAC: MACAddress { TopologyInterface.defaultMACAddress(node: RouterForwarder.router, interface: routerInterface) }
    }

    /// The lab file the daemon reads, its links on `socketKind` sockets.
    static func labYAML(socketKind: LinkSocketKind) -> String {
        "link_socket: \(socketKind)\n" + labBody
    }

    private static let labBody = """
        name: \(labName)
        nodes:
          left:  { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
          right: { kind: host, ip: 10.0.2.20/24, gateway: 10.0.2.1 }
          r1:    { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
        links:
          - endpoints: [left:eth0, r1:eth0]
            queue: 1000000
          - endpoints: [r1:eth1, right:eth0]
            queue: 1000000

        """

    /// `makeForwarder` for `RawNetSides`: the router with its (idle) impairment engines.
    public static func make(workDirectory: String, cpus: [Int],
                            socketKind: LinkSocketKind = .default) throws -> any FrameForwarder {
        try RouterForwarder(executable: locateRawnet(), workDirectory: workDirectory, cpus: cpus, bypassImpairment: false,
                            socketKind: socketKind)
    }

    /// The same router started with `RAWNET_BYPASS_IMPAIRMENT=1`: no engines at all.
    public static func makeBypassed(workDirectory: String, cpus: [Int],
                                    socketKind: LinkSocketKind = .default) throws -> any FrameForwarder {
        try RouterForwarder(executable: locateRawnet(), workDirectory: workDirectory, cpus: cpus, bypassImpairment: true,
                            socketKind: socketKind)
    }

    /// Sets both router hooks of `sides`.
    public static func plug(into sides: inout RawNetSides) {
        sides.makeForwarder = { try make(workDirectory: $0, cpus: $1, socketKind: $2) }
        sides.makeBypassedForwarder = { try makeBypassed(workDirectory: $0, cpus: $1, socketKind: $2) }
        sides.makeCapturedForwarder = { try CapturedRouter(workDirectory: $0, cpus: $1, socketKind: $2) }
    }

    /// Writes the lab, starts the router pinned to `cpus`, and primes its ARP cache.
    /// The run directory is `directory`, else a fresh one in `workDirectory`.
    public init(executable: String, workDirectory: String, cpus: [Int], bypassImpairment: Bool,
                socketKind: LinkSocketKind = .default, runDirectory directory: String? = nil) throws {
        Processes.tetherChildrenToThisProcess()
        runDirectory = directory ?? "\(workDirectory)/rnfwd-\(Processes.currentPID)-\(Self.nextSerial())"
        isImpairmentBypassed = bypassImpairment
        self.socketKind = socketKind
        let paths = SocketPaths(runDirectory: runDirectory)
        let routerLeft = paths.link(node: Self.router, interface: Self.left.routerInterface)
        let routerRight = paths.link(node: Self.router, interface: Self.right.routerInterface)
        let leftSocket = paths.link(node: Self.left.node, interface: "eth0")
        let rightSocket = paths.link(node: Self.right.node, interface: "eth0")
        (leftToRight, rightToLeft) = FramePath.pair(socketKind, leftPort: routerLeft, rightPort: routerRight,
                                                    leftSocket: leftSocket, rightSocket: rightSocket,
                                                    arpRequests: (Self.arpRequest(from: Self.left),
                                                                  Self.arpRequest(from: Self.right)))

        try? FileSystem.removeTree(at: runDirectory)
        try FileSystem.makeDirectories(runDirectory, mode: 0o700)
        let yaml = Self.labYAML(socketKind: socketKind)
        try FileSystem.writeBytes(Array(yaml.utf8), to: paths.topologyFile)
        try LabConfig.write(try TopologyLoader.parse(yaml: yaml, file: "forward bench lab"), to: paths)
        var environment = ProcessEnvironment.all
        environment[NodeDaemon.bypassEnvironmentVariable] = bypassImpairment ? "1" : nil
        // The router runs as a lab's daemons do: rawnetd when it was built beside rawnet.
        let daemon = DaemonArguments.daemonExecutable(besideExecutable: executable) ?? executable
        pid = try Processes.spawn(executable: daemon, arguments: ["router", Self.router, "--run-dir", runDirectory],
                                  logPath: paths.logFile(node: Self.router), environment: environment)
        do {
            try CPUs.pin(pid: pid, cpus)
            try waitUntilRunning(pidFile: paths.pidFile(node: Self.router), log: paths.logFile(node: Self.router))
            try Self.teachNeighbours(socketKind: socketKind, routerLeft: routerLeft, routerRight: routerRight,
                                     leftSocket: leftSocket, rightSocket: rightSocket)
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    /// A UDP frame from `left` to `right` (or back) addressed to the router's
    /// interface, `size` bytes in all (at least the 60-byte Ethernet minimum).
    public func frame(size: Int, towardsRight: Bool) -> [UInt8] {
        Self.frame(size: size, from: towardsRight ? Self.left : Self.right, to: towardsRight ? Self.right : Self.left)
    }

    static func frame(size: Int, from source: Neighbour, to destination: Neighbour) -> [UInt8] {
        let headers = EthernetView.headerLength + 20 + 8
        let payload = [UInt8](repeating: 0x5A, count: max(0, max(size, EthernetView.minimumFrameLength) - headers))
        let ip = IPv4Header(timeToLive: 64, protocolNumber: .udp, source: source.address, destination: destination.address)
        return Frame.ipv4(ethernet: EthernetHeader(destination: source.routerMAC, source: source.macAddress, etherType: .ipv4),
                          ip: ip, udp: UDPHeader(sourcePort: 40_000, destinationPort: 9), payload: payload)
    }

    /// Stops the router (SIGTERM, then SIGKILL after a second), reaps it and removes the lab directory.
    public func stop() {
        guard !isStopped else { return }
        isStopped = true
        Self.end(pid, with: SignalNumber.terminate, killAfter: .seconds(1))
        try? FileSystem.removeTree(at: runDirectory)
    }

    /// Sends `signal` to `pid`, SIGKILL if it still runs after `grace`, and reaps it.
    static func end(_ pid: Int32, with signal: Int32, killAfter grace: Duration) {
        try? Processes.kill(pid, signal: signal)
        let polls = Int(grace.components.seconds * 100)
        for attempt in 0..<(polls + 100) {
            if (try? Processes.reap(pid)) != nil { break }
            if attempt == polls { try? Processes.kill(pid, signal: SignalNumber.kill) }
            MonotonicClock.sleep(for: .milliseconds(10))
        }
    }

    /// Finds `rawnet`: `$RAWNET_EXECUTABLE`, the running executable if it is
    /// `rawnet`, else `rawnet` next to it or in a parent directory (test bundles).
    public static func locateRawnet() throws -> String {
        if let fromEnvironment = ProcessEnvironment.value("RAWNET_EXECUTABLE"), FileSystem.exists(fromEnvironment) {
            return fromEnvironment
        }
        guard let executable = Processes.currentExecutablePath() else {
            throw BenchError("cannot find the rawnet executable: set RAWNET_EXECUTABLE")
        }
        if executable.hasSuffix("/rawnet") { return executable }
        var directory = executable
        for _ in 0..<4 {
            guard let slash = directory.lastIndex(of: "/"), slash != directory.startIndex else { break }
            directory = String(directory[..<slash])
            if FileSystem.exists(directory + "/rawnet/") { continue }  // a source or build directory, not the program
            if FileSystem.exists(directory + "/rawnet") { return directory + "/rawnet" }
        }
        throw BenchError("cannot find the rawnet executable near \(executable): build it (swift build --product rawnet) or set RAWNET_EXECUTABLE")
    }

    private func waitUntilRunning(pidFile: String, log: String) throws {
        for _ in 0..<1_000 {
            // The daemon creates and locks the file first; the pid is in it once its sockets are bound.
            if PIDFile(path: pidFile).read() != nil { return }
            if let exit = try? Processes.reap(pid) {
                isStopped = true
                let text = String(decoding: (try? FileSystem.readBytes(at: log)) ?? [], as: UTF8.self)
                throw BenchError("the router \(exit) before it was ready:\n\(text)")
            }
            MonotonicClock.sleep(for: .milliseconds(10))
        }
        throw BenchError("the router did not start within 10 s (no \(pidFile))")
    }

    private static let serial = Atomic<Int>(0)
    static func nextSerial() -> Int { serial.add(1, ordering: .relaxed).newValue }
}
