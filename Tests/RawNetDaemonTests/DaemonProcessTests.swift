import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import Testing

/// End-to-end tests with real daemon processes joined by Unix sockets, driven
/// through the `rawnet` command line. Serialized: each starts its own lab and
/// the machine is small.
@Suite(.serialized)
struct DaemonProcessTests {
    /// The default lab with its links on `kind` sockets.
    private static func defaultLab(linkSocket kind: LinkSocketKind) -> String {
        "link_socket: \(kind)\n" + TopologyLoader.defaultLabYAML
    }

    @Test(arguments: LinkSocketKind.allCases)
    func ping_defaultLab_answersBothWays(linkSocket: LinkSocketKind) throws {
        let lab = try DaemonTestLab(yaml: Self.defaultLab(linkSocket: linkSocket))
        defer { lab.stop() }
        for node in ["alice", "r1", "bob"] {
            let kinds = try lab.status(node).interfaces.map(\.linkSocket)
            #expect(kinds.allSatisfy { $0 == linkSocket.rawValue }, "\(node) runs its links on \(kinds)")
        }
        let there = try lab.rawnet(["ping", "alice", "bob", "-c", "2", "-i", "0.1"])
        #expect(there.status == 0, "\(there.output)")
        #expect(there.output.contains("PING bob (10.0.2.20) 56(84) bytes of data."))
        #expect(there.output.contains("64 bytes from 10.0.2.20: icmp_seq=1 ttl=63"))
        #expect(there.output.contains("2 packets transmitted, 2 received, 0% packet loss"))
        #expect(there.output.contains("rtt min/avg/max/mdev = "))

        let back = try lab.rawnet(["ping", "bob", "10.0.1.10", "-c", "2", "-i", "0.1"])
        #expect(back.status == 0, "\(back.output)")
        #expect(back.output.contains("64 bytes from 10.0.1.10: icmp_seq=2 ttl=63"))
        #expect(back.output.contains("2 packets transmitted, 2 received, 0% packet loss"))
    }

    @Test func traceroute_chainLab_showsEveryHopInOrder() throws {
        let lab = try DaemonTestLab(configFile: "chain.yaml")
        defer { lab.stop() }
        let result = try lab.rawnet(["traceroute", "alice", "bob", "-w", "1"])
        #expect(result.status == 0, "\(result.output)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "traceroute to bob (10.0.2.20), 30 hops max, 60 byte packets")
        let expected = ["10.0.1.1", "10.0.12.2", "10.0.23.3", "10.0.2.20"]
        #expect(lines.count == 1 + expected.count, "\(result.output)")
        for (index, address) in expected.enumerated() where index + 1 < lines.count {
            let words = lines[index + 1].split(separator: " ").map(String.init)
            #expect(words.first == String(index + 1), "\(lines[index + 1])")
            #expect(words.dropFirst().first == address, "\(lines[index + 1])")
            #expect(words.filter { $0 == "ms" }.count == 3, "\(lines[index + 1])")
            #expect(!words.contains("*"), "\(lines[index + 1])")
        }
    }

    /// To an address no router has a route for, the first router answers unreachable to the
    /// very first probe (TTL 1), as a Linux router does: one hop, !N, no invented extra hop.
    @Test func traceroute_noRoute_endsAtTheFirstRouterWithN() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let result = try lab.rawnet(["traceroute", "alice", "10.9.9.9", "-n", "-m", "3", "-w", "0.5"])
        let hops = result.output.split(separator: "\n").dropFirst().map(String.init)
        #expect(hops.count == 1 && hops[0].hasPrefix(" 1  10.0.1.1 ") && hops[0].contains("!N"), "\(result.output)")
    }

    @Test func linkDown_pingFails_linkUp_restores() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        #expect(try lab.rawnet(["link", "alice:eth0", "down"]).status == 0)
        #expect(try lab.status("alice").interfaces[0].isUp == false)
        let local = try lab.rawnet(["ping", "alice", "bob", "-c", "2", "-i", "0.1", "-W", "0.5"])
        #expect(local.status == 1)
        #expect(local.output.contains("ping: sendmsg: Network is unreachable"), "\(local.output)")
        #expect(local.output.contains("2 packets transmitted, 0 received, +2 errors, 100% packet loss"))

        #expect(try lab.rawnet(["link", "alice:eth0", "up"]).status == 0)
        #expect(try lab.rawnet(["ping", "alice", "bob", "-c", "1"]).status == 0)

        // Down in the middle: the router drops what would leave on eth1.
        #expect(try lab.rawnet(["link", "r1:eth1", "down"]).status == 0)
        let far = try lab.rawnet(["ping", "alice", "bob", "-c", "2", "-i", "0.1", "-W", "0.5"])
        #expect(far.status == 1)
        #expect(far.output.contains("2 packets transmitted, 0 received, 100% packet loss"), "\(far.output)")
        #expect(try lab.status("r1").interfaces[1].counters[.linkDown] >= 2)
        #expect(try lab.rawnet(["link", "r1:eth1", "up"]).status == 0)
        #expect(try lab.rawnet(["ping", "alice", "bob", "-c", "1"]).status == 0)
    }

    @Test(arguments: LinkSocketKind.allCases)
    func routerKilledAndRestarted_pingWorksAgain(linkSocket: LinkSocketKind) throws {
        let lab = try DaemonTestLab(yaml: Self.defaultLab(linkSocket: linkSocket))
        defer { lab.stop() }
        #expect(try lab.rawnet(["ping", "alice", "bob", "-c", "1"]).status == 0)
        try lab.kill("r1", signal: SignalNumber.kill)
        let lost = try lab.rawnet(["ping", "alice", "bob", "-c", "1", "-W", "0.3"])
        #expect(lost.status == 1)
        let cableAfterKill = try lab.status("alice").interfaces[0].isLinkConnected
        #expect(cableAfterKill == (linkSocket == .seqpacket ? false : nil))
        // Over seqpacket the cable's end went with r1's process: no carrier on either side,
        // as for a machine switched off (a datagram link cannot tell).
        // (After `CableLoss.delay`, so that a quick hand-over of a cable is no outage.)
        for node in ["alice", "bob"] {
            var hasCarrier = try lab.status(node).interfaces[0].hasCarrier
            for _ in 0..<40 where hasCarrier == true && linkSocket == .seqpacket {
                MonotonicClock.sleep(for: .milliseconds(50))
                hasCarrier = try lab.status(node).interfaces[0].hasCarrier
            }
            #expect(hasCarrier == (linkSocket != .seqpacket), "\(node)")
        }
        try lab.start("r1")
        try lab.waitUntilReady("r1")
        let again = try lab.rawnet(["ping", "alice", "bob", "-c", "2", "-i", "0.1"])
        #expect(again.status == 0, "\(again.output)")
        for node in ["alice", "bob"] where linkSocket == .seqpacket {
            #expect(try lab.status(node).interfaces[0].isLinkConnected == true, "\(node) took the restarted r1's cable")
            #expect(try lab.status(node).interfaces[0].hasCarrier == true, "\(node)'s carrier is back")
        }
        #expect(lab.isRunning("alice") && lab.isRunning("bob"))
    }

    @Test func garbageFrames_areCountedDrops_andEveryoneKeepsForwarding() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        #expect(try lab.rawnet(["ping", "alice", "bob", "-c", "1"]).status == 0)
        let before = try lab.status("r1").interfaces[0].counters.totalDrops
        // Injected as a tool would: on the lab's socket type, standing for no interface.
        let kind = lab.topology.linkSocketKind
        let intoR1 = try LinkClient(kind: kind, connectingTo: lab.paths.link(node: "r1", interface: "eth0"))
        let intoBob = try LinkClient(kind: kind, connectingTo: lab.paths.link(node: "bob", interface: "eth0"))
        var generator = SystemRandomNumberGenerator()
        var frames: [[UInt8]] = [[], [0x01], Array(repeating: 0xFF, count: 14)]
        // An Ethernet header for r1 with an IPv4 EtherType and a truncated, lying IPv4 header.
        let r1MAC = try lab.status("r1").interfaces[0].mac.split(separator: ":").map { UInt8($0, radix: 16)! }
        frames.append(r1MAC + [2, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45, 0x00, 0xFF, 0xFF, 0, 0])
        frames.append(r1MAC + [2, 0, 0, 0, 0, 1, 0x08, 0x06] + Array(repeating: 0xAA, count: 10))
        for _ in 0..<200 {
            let length = Int.random(in: 0...300, using: &generator)
            var frame = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if length >= 6 && Bool.random(using: &generator) { frame.replaceSubrange(0..<6, with: r1MAC) }
            frames.append(frame)
        }
        for frame in frames {
            _ = intoR1.send(frame)
            _ = intoBob.send(frame)
        }
        MonotonicClock.sleep(for: .milliseconds(200))
        #expect(try lab.status("r1").interfaces[0].counters.totalDrops > before)
        #expect(try lab.status("bob").interfaces[0].counters.totalDrops > 0)
        for node in ["alice", "bob", "r1"] { #expect(lab.isRunning(node), "\(node) died:\n\(lab.log(node))") }
        let after = try lab.rawnet(["ping", "alice", "bob", "-c", "2", "-i", "0.1"])
        #expect(after.status == 0, "\(after.output)")
    }

    @Test func controlSocket_badRequests_getErrors_andDaemonStaysUp() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        let unknown = try lab.control("r1", "frobnicate")
        #expect(unknown.ok == false)
        #expect(unknown.error?.contains("unknown command 'frobnicate'") == true)
        let badInterface = try lab.control("r1", "link", ["interface": "eth7", "state": "down"])
        #expect(badInterface.error == "r1 has no interface 'eth7' (has eth0, eth1)")
        let badSettings = try lab.control("r1", "impair", ["interface": "eth0", "settings": "loss lots"])
        #expect(badSettings.ok == false)

        // Raw lines: not JSON, then a request split across two writes.
        let connection = try UnixConnection.connect(kind: .stream, to: lab.paths.control(node: "r1"))
        _ = try connection.write(Array("this is not json\n{\"command\":".utf8))
        MonotonicClock.sleep(for: .milliseconds(50))
        _ = try connection.write(Array("\"routes\"}\n".utf8))
        var received: [UInt8] = []
        while received.filter({ $0 == 0x0A }).count < 2, connection.fileDescriptor.waitReadable(timeout: .seconds(5)) {
            guard let chunk = try connection.read(), !chunk.isEmpty else { break }
            received += chunk
        }
        let lines = received.split(separator: 0x0A).map { try? ControlCodec.decodeLine(ControlResponse.self, from: $0) }
        #expect(lines.count == 2)
        #expect(lines.first??.ok == false)
        #expect(lines.first??.error?.hasPrefix("bad request") == true)
        let routes = try lines.last??.result?.decode(RoutesAnswer.self)
        #expect(routes?.routes.map(\.destination) == ["10.0.1.0/24", "10.0.2.0/24"])

        #expect(lab.isRunning("r1"))
        #expect(try lab.status("r1").kind == "router")
        let shown = try lab.rawnet(["routes", "alice"])
        #expect(shown.output.contains("default via 10.0.1.1 dev eth0 proto static"), "\(shown.output)")
    }

    /// `rawnet arp alice --flush` forgets what alice learned (as `ip neigh flush all`), so her
    /// next ping asks for r1 again; the daemon refuses arguments it does not know.
    @Test func arpFlush_forgetsLearnedNeighbours_theNextPingAsksAgain() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        #expect(try lab.rawnet(["ping", "alice", "10.0.2.20", "-c", "1"]).status == 0)
        let learned = try lab.rawnet(["arp", "alice"]).output
        #expect(learned.contains("10.0.1.1 dev eth0 lladdr ") && learned.contains("REACHABLE"), "\(learned)")
        let flushed = try lab.rawnet(["arp", "alice", "--flush"])
        #expect(flushed.status == 0)
        #expect(flushed.output == "alice forgot 1 learned entry; the next packet to each neighbour sends an ARP request\n(no neighbours)\n",
                "\(flushed.output)")
        #expect(try lab.rawnet(["ping", "alice", "10.0.2.20", "-c", "1"]).status == 0)
        #expect(try lab.rawnet(["arp", "alice"]).output.contains("10.0.1.1 dev eth0 lladdr "), "learned again")
        // On an 80-column terminal the note is broken at a space, not in a word.
        let narrow = try lab.rawnet(["arp", "alice", "--flush", "--width", "80"]).output.split(separator: "\n")
        #expect(narrow.prefix(2) == ["alice forgot 1 learned entry; the next packet to each neighbour sends an ARP",
                                     "  request"], "\(narrow)")
        let refused = try lab.control("alice", "arp", ["flush": "some"])
        #expect(refused.ok == false && refused.error == "arp: unknown arguments flush; known: flush=all", "\(refused)")
    }

    @Test func sigterm_removesSocketAndPIDFiles() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        #expect(FileSystem.exists(lab.paths.appAPI(node: "alice")))
        #expect(FileSystem.exists(lab.paths.pidFile(node: "alice")))
        try lab.kill("alice", signal: SignalNumber.terminate)
        for path in [lab.paths.control(node: "alice"), lab.paths.appAPI(node: "alice"),
                     lab.paths.pidFile(node: "alice"), lab.paths.link(node: "alice", interface: "eth0")] {
            #expect(!FileSystem.exists(path), "\(path) left behind")
        }
    }
}
