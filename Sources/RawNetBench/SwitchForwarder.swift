import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetWire

/// One switch daemon (`rawnetd switch sw1 --run-dir DIR`) between two links,
/// the RawNet side of the `switch` scenario: `left` (10.0.1.10) — `sw1` (p1 | p2)
/// — `right` (10.0.1.20), one subnet. Only `sw1` runs; the harness plays both
/// hosts through their link sockets, as for `RouterForwarder`. Before handing
/// it out, one frame from each host crosses, so the switch has learned both
/// addresses and the measured frames are known unicast sent out of one port.
public final class SwitchForwarder: FrameForwarder, @unchecked Sendable {
    // Safety: immutable after init except `isStopped`, touched only by the owning scenario.
    public let leftToRight: FramePath
    public let rightToLeft: FramePath
    public let runDirectory: String
    private let pid: Int32
    private var isStopped = false

    static let node = "sw1"
    static let leftMAC = TopologyInterface.defaultMACAddress(node: "left", interface: "eth0")
    static let rightMAC = TopologyInterface.defaultMACAddress(node: "right", interface: "eth0")

    static func labYAML(socketKind: LinkSocketKind) -> String {
        """
        link_socket: \(socketKind)
        name: swbench
        nodes:
          left:  { kind: host, ip: 10.0.1.10/24 }
          right: { kind: host, ip: 10.0.1.20/24 }
          sw1:   { kind: switch, ports: [p1, p2] }
        links:
          - endpoints: [left:eth0, sw1:p1]
            queue: 1000000
          - endpoints: [sw1:p2, right:eth0]
            queue: 1000000

        """
    }

    /// Sets the `switch` scenario's hook of `sides`.
    public static func plug(into sides: inout RawNetSides) {
        sides.makeSwitchForwarder = { directory, cpus, kind in
            try SwitchForwarder(executable: RouterForwarder.locateRawnet(), workDirectory: directory, cpus: cpus,
                                socketKind: kind)
        }
    }

    public init(executable: String, workDirectory: String, cpus: [Int], socketKind: LinkSocketKind) throws {
        Processes.tetherChildrenToThisProcess()
        runDirectory = "\(workDirectory)/rnsw-\(Processes.currentPID)-\(RouterForwarder.nextSerial())"
        let paths = SocketPaths(runDirectory: runDirectory)
        let portLeft = paths.link(node: Self.node, interface: "p1"), portRight = paths.link(node: Self.node, interface: "p2")
        let leftSocket = paths.link(node: "left", interface: "eth0"), rightSocket = paths.link(node: "right", interface: "eth0")
        (leftToRight, rightToLeft) = FramePath.pair(socketKind, leftPort: portLeft, rightPort: portRight,
                                                    leftSocket: leftSocket, rightSocket: rightSocket)

        try? FileSystem.removeTree(at: runDirectory)
        try FileSystem.makeDirectories(runDirectory, mode: 0o700)
        let yaml = Self.labYAML(socketKind: socketKind)
        try FileSystem.writeBytes(Array(yaml.utf8), to: paths.topologyFile)
        try LabConfig.write(try TopologyLoader.parse(yaml: yaml, file: "switch bench lab"), to: paths)
        let daemon = DaemonArguments.daemonExecutable(besideExecutable: executable) ?? executable
        pid = try Processes.spawn(executable: daemon, arguments: ["switch", Self.node, "--run-dir", runDirectory],
                                  logPath: paths.logFile(node: Self.node), environment: ProcessEnvironment.all)
        do {
            try CPUs.pin(pid: pid, cpus)
            try teach(socketKind: socketKind, portLeft: portLeft, portRight: portRight,
                      leftSocket: leftSocket, rightSocket: rightSocket, log: paths.logFile(node: Self.node))
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    public func frame(size: Int, towardsRight: Bool) -> [UInt8] {
        let (source, destination) = towardsRight ? (Self.leftMAC, Self.rightMAC) : (Self.rightMAC, Self.leftMAC)
        let headers = EthernetView.headerLength + 20 + 8
        let payload = [UInt8](repeating: 0x5A, count: max(0, max(size, EthernetView.minimumFrameLength) - headers))
        let ip = IPv4Header(timeToLive: 64, protocolNumber: .udp,
                            source: IPv4Address(0x0A00_010A + (towardsRight ? 0 : 10)),
                            destination: IPv4Address(0x0A00_0114 - (towardsRight ? 0 : 10)))
        return Frame.ipv4(ethernet: EthernetHeader(destination: destination, source: source, etherType: .ipv4),
                          ip: ip, udp: UDPHeader(sourcePort: 40_000, destinationPort: 9), payload: payload)
    }

    public func stop() {
        guard !isStopped else { return }
        isStopped = true
        RouterForwarder.end(pid, with: SignalNumber.terminate, killAfter: .seconds(1))
        try? FileSystem.removeTree(at: runDirectory)
    }

    /// Connects as both hosts (retrying while the switch starts), then sends one
    /// frame each way and waits for it on the far side: the switch has learned both.
    private func teach(socketKind: LinkSocketKind, portLeft: String, portRight: String,
                       leftSocket: String, rightSocket: String, log: String) throws {
        func connect(_ path: String, as identity: String) throws -> LinkClient {
            for _ in 0..<500 {
                if let exit = try? Processes.reap(pid) {
                    isStopped = true
                    let text = String(decoding: (try? FileSystem.readBytes(at: log)) ?? [], as: UTF8.self)
                    throw BenchError("the switch \(exit) before it was ready:\n\(text)")
                }
                if let client = try? LinkClient(kind: socketKind, connectingTo: path, as: identity) {
                    if (try? client.waitForAnswer(timeout: .seconds(2))) == true { return client }
                    client.close()
                }
                MonotonicClock.sleep(for: .milliseconds(10))
            }
            throw BenchError("cannot connect to \(path)")
        }
        let left = try connect(portLeft, as: leftSocket)
        defer { left.close() }
        let right = try connect(portRight, as: rightSocket)
        defer { right.close() }
        for (towardsRight, sender, receiver) in [(false, right, left), (true, left, right)] {
            let probe = frame(size: 100, towardsRight: towardsRight)
            var arrived = false
            for _ in 0..<20 where !arrived {
                _ = sender.send(probe)
                arrived = (try receiver.receive(timeout: .milliseconds(100))) == probe
            }
            guard arrived else { throw BenchError("a test frame did not cross the switch") }
        }
    }
}
