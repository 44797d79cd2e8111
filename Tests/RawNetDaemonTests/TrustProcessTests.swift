import RawNetContracts
import RawNetCore
import RawNetLab
import RawNetPlatform
import RawNetWire
import Testing

/// Real daemons against a spoofed source (rp_filter) and a connection that
/// claims to be a live cable's other end (issue 15, items 6 and 9).
@Suite struct TrustProcessTests {
    /// The `dropped` events a subscription carries within `timeout`.
    private static func drops(on stream: ControlClient, timeout: Duration = .milliseconds(500)) throws -> [TraceEvent] {
        var found: [TraceEvent] = []
        while let line = try stream.nextLine(timeout: timeout) {
            let event = try ControlCodec.decodeLine(TraceEvent.self, from: line)
            if event.kind == .dropped { found.append(event) }
        }
        return found
    }

    /// Waits up to 2 s for `condition`.
    private static func eventually(_ condition: () throws -> Bool) rethrows -> Bool {
        for _ in 0..<100 {
            if try condition() { return true }
            MonotonicClock.sleep(for: .milliseconds(20))
        }
        return try condition()
    }

    @Test(arguments: [ReversePathFilter.off, .strict])
    func spoofedSourceOnR1sAliceSide_isForwardedOnlyWithoutTheFilter(filter: ReversePathFilter) throws {
        let yaml = """
            name: basic
            nodes:
              alice: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
              bob: { kind: host, ip: 10.0.2.20/24, gateway: 10.0.2.1 }
              r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 }, rp_filter: \(filter) }
            links:
              - endpoints: [alice:eth0, r1:eth0]
              - endpoints: [r1:eth1, bob:eth0]
            """
        let lab = try DaemonTestLab(yaml: yaml)
        defer { lab.stop() }
        #expect(lab.topology.node(named: "r1")?.reversePathFilter == filter)
        #expect(try lab.rawnet(["ping", "alice", "bob", "-c", "1"]).status == 0, "genuine traffic passes either way")
        let r1 = try lab.status("r1")
        let sentTowardsBob = r1.interfaces[1].counters.sentFrames
        // A frame on r1:eth0 (alice's cable) whose source lies in bob's subnet.
        let spoofed = Frame.ipv4(
            ethernet: EthernetHeader(destination: try #require(MACAddress(r1.interfaces[0].mac)),
                                     source: MACAddress.derived(from: "spoofer"), etherType: .ipv4),
            ip: IPv4Header(timeToLive: 64, protocolNumber: .icmp, source: IPv4Address(10, 0, 2, 99),
                           destination: IPv4Address(10, 0, 2, 20)),
            .icmp(.echoRequest(identifier: 9, sequence: 1, payload: Array("spoofed".utf8))))
        let stream = try ControlClient(path: lab.paths.control(node: "r1"))
        #expect(try stream.request(ControlRequest(command: "subscribe")).ok)
        let injector = try LinkClient(kind: .seqpacket, connectingTo: lab.paths.link(node: "r1", interface: "eth0"))
        defer { injector.close() }
        #expect(injector.send(spoofed) == .sent)
        let traced = try Self.drops(on: stream).filter { $0.reason == DropReason.reversePath.rawValue }
        #expect(traced.count == (filter == .off ? 0 : 1))
        if let event = traced.first {
            #expect(event.interface == "eth0" && event.frame == spoofed)
            #expect(event.detail == "strict rp_filter: the route back to 10.0.2.99 leaves by eth1, not eth0")
        }
        if filter == .off {
            #expect(try Self.eventually { try lab.status("r1").interfaces[1].counters.sentFrames > sentTowardsBob })
            #expect(try lab.status("r1").interfaces[0].counters[.reversePath] == 0)
        } else {
            #expect(try Self.eventually { try lab.status("r1").interfaces[0].counters[.reversePath] == 1 },
                    "a counted 'reverse path' drop on eth0")
            #expect(try lab.status("r1").interfaces[1].counters.sentFrames == sentTowardsBob, "nothing went on to bob")
        }
        #expect(try lab.rawnet(["ping", "alice", "bob", "-c", "1"]).status == 0)
    }

    @Test func helloClaimingAlicesEnd_doesNotTakeR1sLiveCable() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        #expect(try lab.rawnet(["ping", "alice", "bob", "-c", "1"]).status == 0)
        let claimant = try LinkClient(kind: .seqpacket, connectingTo: lab.paths.link(node: "r1", interface: "eth0"),
                                      as: lab.paths.link(node: "alice", interface: "eth0"))
        defer { claimant.close() }
        #expect((try? claimant.waitForAnswer(timeout: .seconds(1))) != true, "r1 never answers the claimant")
        // With the claimant's connection still open, the real cable carries traffic.
        #expect(try lab.status("r1").interfaces[0].isLinkConnected == true)
        #expect(try lab.status("alice").interfaces[0].isLinkConnected == true)
        let ping = try lab.rawnet(["ping", "alice", "bob", "-c", "2", "-i", "0.1"])
        #expect(ping.status == 0, "\(ping.output)")
        #expect(ping.output.contains("2 packets transmitted, 2 received"), "\(ping.output)")
        for node in ["alice", "bob", "r1"] { #expect(lab.isRunning(node)) }
    }

    @Test func datagramLink_countsFramesFromAnyoneButItsPeerAsDrops() throws {
        let lab = try DaemonTestLab(yaml: "link_socket: datagram\n" + TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        #expect(try lab.rawnet(["ping", "alice", "bob", "-c", "1"]).status == 0)
        let r1 = try lab.status("r1")
        let ping = Frame.ipv4(
            ethernet: EthernetHeader(destination: try #require(MACAddress(r1.interfaces[0].mac)),
                                     source: MACAddress.derived(from: "stranger"), etherType: .ipv4),
            ip: IPv4Header(timeToLive: 64, protocolNumber: .icmp, source: IPv4Address(10, 0, 1, 10),
                           destination: IPv4Address(10, 0, 2, 20)),
            .icmp(.echoRequest(identifier: 9, sequence: 1, payload: [])))
        let stream = try ControlClient(path: lab.paths.control(node: "r1"))
        #expect(try stream.request(ControlRequest(command: "subscribe")).ok)
        let injector = try LinkClient(kind: .datagram, connectingTo: lab.paths.link(node: "r1", interface: "eth0"))
        defer { injector.close() }
        for _ in 0..<3 { #expect(injector.send(ping) == .sent) }
        let traced = try Self.drops(on: stream).filter { $0.reason == DropReason.notFromPeer.rawValue }
        #expect(traced.count == 3 && traced.allSatisfy { $0.interface == "eth0" && $0.frame == ping })
        #expect(try Self.eventually { try lab.status("r1").interfaces[0].counters[.notFromPeer] == 3 })
        #expect(try lab.status("r1").interfaces[1].counters.sentFrames == r1.interfaces[1].counters.sentFrames,
                "nothing the stranger sent was forwarded")
        #expect(try lab.rawnet(["ping", "alice", "bob", "-c", "2", "-i", "0.1"]).status == 0, "alice is still the peer")
    }
}
