import Foundation
import RawNetContracts
import RawNetLab
import RawNetPlatform
import RawNetSocket
import RawNetTestSupport
import RawNetWire
import Testing

/// The interop suite: each row runs with Linux's own stack as the peer, in the
/// namespace of an attached linux node that also forwards (so Linux, not only
/// RawNet, answers with ICMP errors):
///
///     bob 10.0.2.20 — r1 — linux 10.0.1.10 | 10.0.3.10 — carol 10.0.3.20
///
/// r1 sends 10.0.3.0/24 and 10.0.8.0/24 to linux; linux knows 10.0.2.0/24 and
/// 10.0.7.0/24 through r1 and has no default route, so 10.0.7.7 is a network
/// r1 cannot reach and 10.0.8.8 one Linux cannot; 10.0.2.99 and 10.0.3.99 are
/// hosts nobody answers ARP for.
@Suite(.serialized) struct InteropTests {
    static func yaml(lab: String) -> String {
        """
        name: \(lab)
        nodes:
          linux: { kind: linux, interfaces: { eth0: 10.0.1.10/24, eth1: 10.0.3.10/24 },
                   routes: [ { to: 10.0.2.0/24, via: 10.0.1.1 }, { to: 10.0.7.0/24, via: 10.0.1.1 } ] }
          bob:   { kind: host,   ip: 10.0.2.20/24, gateway: 10.0.2.1 }
          carol: { kind: host,   ip: 10.0.3.20/24, gateway: 10.0.3.10 }
          r1:    { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 },
                   routes: [ { to: 10.0.3.0/24, via: 10.0.1.10 }, { to: 10.0.8.0/24, via: 10.0.1.10 } ] }
        links:
          - endpoints: [linux:eth0, r1:eth0]
          - endpoints: [r1:eth1, bob:eth0]
          - endpoints: [linux:eth1, carol:eth0]

        """
    }

    /// Starts the lab, attaches linux (forwarding on) and writes the Python side.
    func withInteropLab(_ prefix: String, _ body: (RawNetRunner) throws -> Void) throws {
        try #require(Processes.isRoot, "rawnet attach needs root: run the tests as root (CI does)")
        let lab = prefix + String(Processes.currentPID)
        try LinuxPeer.withLab(lab, yaml: Self.yaml(lab: lab), attach: true) { runner, _ in
            try Self.prepare(runner)
            try body(runner)
        }
    }

    func withInteropLab(_ prefix: String, _ body: (RawNetRunner, String) async throws -> Void) async throws {
        try #require(Processes.isRoot, "rawnet attach needs root: run the tests as root (CI does)")
        let lab = prefix + String(Processes.currentPID)
        try await LinuxPeer.withLab(lab, yaml: Self.yaml(lab: lab), attach: true) { runner, _ in
            try Self.prepare(runner)
            try await body(runner, LinuxPeer.runDirectory(runner, lab: lab))
        }
    }

    static func prepare(_ runner: RawNetRunner) throws {
        let forwarding = try runner.run(["exec", "linux", "--", "sysctl", "-qw", "net.ipv4.ip_forward=1"])
        try #require(forwarding.status == 0, "\(forwarding.output)")
        _ = try LinuxPeer.writeScript(runner)
    }

    /// Runs a command inside the linux node's namespace.
    static func linux(_ runner: RawNetRunner, _ command: String..., timeout: Double = 60) throws -> RawNetRunner.Run {
        try runner.run(["exec", "linux", "--"] + command, timeout: timeout)
    }

    // MARK: ICMP: traceroute, tracepath, TTL expiry, unreachables

    @Test func linuxTracesThroughARawNetRouterAndRawNetThroughLinux() throws {
        for tool in [("traceroute", "traceroute"), ("tracepath", "iputils-tracepath"), ("ping", "iputils-ping")] {
            try LinuxPeer.requireTool(tool.0, package: tool.1)
        }
        try withInteropLab("ir") { runner in
            // Linux's traceroute in its three probe kinds: r1, then bob.
            for (kind, flags) in [("UDP", [String]()), ("ICMP", ["-I"]), ("TCP", ["-T", "-p", "7"])] {
                let trace = try runner.run(["exec", "linux", "--", "traceroute", "-n", "-w", "2"] + flags + ["10.0.2.20"])
                #expect(trace.status == 0, "\(kind): \(trace.output)")
                #expect(Self.hop(1, in: trace.output)?.contains("10.0.1.1 ") == true, "\(kind): \(trace.output)")
                #expect(Self.hop(2, in: trace.output)?.contains("10.0.2.20 ") == true, "\(kind): \(trace.output)")
                #expect(Self.hop(3, in: trace.output) == nil, "\(kind): more hops than two: \(trace.output)")
                #expect(!trace.output.contains(" * * *") && !trace.output.contains("!"), "\(kind): \(trace.output)")
            }
            let path = try Self.linux(runner, "tracepath", "-n", "10.0.2.20")
            #expect(path.status == 0, "\(path.output)")
            #expect(path.output.contains(" 1:  10.0.1.1 "), "\(path.output)")
            #expect(path.output.contains(" 2:  10.0.2.20 ") && path.output.contains("reached"), "\(path.output)")
            #expect(path.output.contains("Resume: pmtu 1500 hops 2 back 2"), "\(path.output)")

            // RawNet's traceroute from bob to carol: r1, then Linux forwarding, then carol.
            let back = try runner.run(["traceroute", "bob", "10.0.3.20", "-w", "2"])
            #expect(back.status == 0, "\(back.output)")
            #expect(back.output.contains(" 1  10.0.2.1 "), "\(back.output)")
            #expect(back.output.contains(" 2  10.0.1.10 "), "Linux's time exceeded names it: \(back.output)")
            #expect(back.output.contains(" 3  10.0.3.20 "), "\(back.output)")
            #expect(!back.output.contains(" 4 "), "\(back.output)")
        }
    }

    @Test func ttlExpiryAndUnreachablesReadAsEachSidePrintsThem() throws {
        try LinuxPeer.requireTool("ping", package: "iputils-ping")
        try withInteropLab("iu") { runner in
            // TTL expiry: RawNet's r1 answers Linux, Linux answers RawNet.
            let expired = try Self.linux(runner, "ping", "-n", "-c", "1", "-W", "2", "-t", "1", "10.0.2.20")
            #expect(expired.output.contains("From 10.0.1.1 icmp_seq=1 Time to live exceeded"), "\(expired.output)")
            let expiredBack = try runner.run(["ping", "bob", "10.0.3.20", "-c", "1", "-t", "2", "-W", "2"])
            #expect(expiredBack.output.contains("From 10.0.1.10 icmp_seq=1 Time to live exceeded"), "\(expiredBack.output)")

            // Network unreachable: r1 has no route to 10.0.7.0/24, Linux none to 10.0.8.0/24.
            // Host unreachable: nobody answers ARP for 10.0.2.99 (behind r1) or 10.0.3.99 (behind Linux).
            // Each as ping and a TCP connect print it, from Linux through r1 and from bob through Linux.
            let rows = [(kind: "Net", toward: ("10.0.7.7", "10.0.8.8"), errno: "Network is unreachable", nc: "network is unreachable"),
                        (kind: "Host", toward: ("10.0.2.99", "10.0.3.99"), errno: "No route to host", nc: "host unreachable")]
            for row in rows {
                let wait = row.kind == "Host" ? "8" : "2"  // a host is unreachable once ARP gives up (3 s)
                let ping = try Self.linux(runner, "ping", "-n", "-c", "1", "-W", wait, row.toward.0)
                #expect(ping.output.contains("From 10.0.1.1 icmp_seq=1 Destination \(row.kind) Unreachable"), "\(ping.output)")
                let connect = try LinuxPeer.python(runner, ["connect", row.toward.0, "9"])
                #expect(connect.output.contains("ERROR OSError: \(row.errno)"), "\(connect.output)")
                let pingBack = try runner.run(["ping", "bob", row.toward.1, "-c", "1", "-W", wait])
                #expect(pingBack.output.contains("From 10.0.1.10 icmp_seq=1 Destination \(row.kind) Unreachable"),
                        "\(pingBack.output)")
                let connectBack = try runner.run(["nc", "bob", row.toward.1, "9"], timeout: 30)
                #expect(connectBack.status != 0 && connectBack.output.contains("nc: \(row.nc)"), "\(connectBack.output)")
                if row.kind == "Host" {
                    // The error says what "host unreachable" means here and where to look.
                    #expect(connectBack.output.contains("nobody answered ARP for the next hop")
                            && connectBack.output.contains("rawnet trace --filter arp"), "\(connectBack.output)")
                }
            }

            // Port unreachable: Linux's traceroute ends on it (above); a connected UDP socket hears it.
            let port = try LinuxPeer.python(runner, ["udp-refused", "10.0.2.20", "9999"])
            #expect(port.output.contains("ERROR ConnectionRefusedError: Connection refused"), "\(port.output)")
            let connection = try HostConnection(runDirectory: runner.base + "/rawnet/" + Self.labName(runner),
                                                host: "bob", appName: "interop-udp")
            let socket = try UDPSocket(connection)
            try socket.connect(to: IPv4Address(10, 0, 1, 10), port: 9999)
            try socket.send(Array("anyone there?".utf8))
            #expect(throws: NetworkError.connectionRefused) { _ = try socket.receive(timeout: .seconds(5)) }
            try? socket.close()
        }
    }

    /// The one lab under the runner's base.
    static func labName(_ runner: RawNetRunner) throws -> String {
        let labs = try FileManager.default.contentsOfDirectory(atPath: runner.base + "/rawnet")
        guard labs.count == 1 else { throw TestFailure("expected one lab, found \(labs)") }
        return labs[0]
    }

    /// The line of hop `number` in traceroute's or tracepath's output.
    static func hop(_ number: Int, in output: String) -> String? {
        output.split(separator: "\n").map(String.init).first {
            $0.hasPrefix(" \(number)  ") || $0.hasPrefix("\(number)  ")
        }
    }
}
