import RawNetCore
import RawNetWire
import Testing

/// Reverse-path filtering (RFC 3704, Linux `rp_filter`) on r1 of the basic lab:
/// eth0 10.0.1.1/24 towards alice, eth1 10.0.2.1/24 towards bob.
@Suite struct NetworkReversePathTests {
    private static let r1West = MACAddress.derived(from: "r1.eth0")
    private static let r1East = MACAddress.derived(from: "r1.eth1")
    private static let spoofedBobSide = IPv4Address(10, 0, 2, 99)
    private static let nowhere = IPv4Address(192, 0, 2, 7)

    private static func router(_ filter: ReversePathFilter, defaultVia gateway: IPv4Address? = nil) -> IPNode {
        var node = IPNode(interfaces: [TestLab.interface("r1", "eth0", "10.0.1.1/24"),
                                       TestLab.interface("r1", "eth1", "10.0.2.1/24")],
                          configuration: IPNodeConfiguration(isForwarding: true, reversePathFilter: filter))
        if let gateway { node.setDefaultGateway(gateway) }
        return node
    }

    /// A ping from `source` to `destination` arriving on `interface` (0 or 1) of r1.
    private static func ping(from source: IPv4Address, to destination: IPv4Address, on interface: Int) -> [UInt8] {
        Frame.ipv4(ethernet: EthernetHeader(destination: interface == 0 ? r1West : r1East,
                                            source: MACAddress.derived(from: "peer"), etherType: .ipv4),
                   ip: IPv4Header(timeToLive: 64, protocolNumber: .icmp, source: source, destination: destination),
                   .icmp(.echoRequest(identifier: 7, sequence: 1, payload: [1, 2, 3])))
    }

    private static func wasForwarded(_ outputs: [NodeOutput]) -> Bool {
        outputs.contains { if case .event(.forwarded) = $0 { return true } else { return false } }
    }

    private static func reversePathDrop(_ outputs: [NodeOutput]) -> DropRecord? {
        for output in outputs {
            if case .dropped(let record) = output, record.reason == .reversePath { return record }
        }
        return nil
    }

    @Test func off_forwardsASpoofedSource_asLinuxDoesByDefault() {
        var r1 = Self.router(.off)
        let outputs = r1.receive(frame: Self.ping(from: Self.spoofedBobSide, to: TestLab.bob, on: 0), on: 0, now: .zero)
        #expect(Self.wasForwarded(outputs))
        #expect(r1.interfaces[0].counters[.reversePath] == 0)
    }

    @Test func strict_dropsASourceWhoseRouteBackLeavesByAnotherInterface() throws {
        var r1 = Self.router(.strict)
        let outputs = r1.receive(frame: Self.ping(from: Self.spoofedBobSide, to: TestLab.bob, on: 0), on: 0, now: .zero)
        let record = try #require(Self.reversePathDrop(outputs))
        #expect(outputs.count == 1, "a reverse-path drop sends no ICMP error")
        #expect(record.interface == 0)
        #expect(record.detail == "strict rp_filter: the route back to 10.0.2.99 leaves by eth1, not eth0")
        #expect(r1.interfaces[0].counters[.reversePath] == 1)
        #expect(r1.interfaces[0].counters.totalDrops == 1)
    }

    @Test func strict_forwardsASourceWhoseRouteBackIsTheArrivingInterface() {
        var r1 = Self.router(.strict)
        let outputs = r1.receive(frame: Self.ping(from: TestLab.alice, to: TestLab.bob, on: 0), on: 0, now: .zero)
        #expect(Self.wasForwarded(outputs))
        #expect(Self.reversePathDrop(outputs) == nil)
    }

    @Test func strict_followsTheDefaultRoute() {
        var r1 = Self.router(.strict, defaultVia: IPv4Address(10, 0, 2, 254))
        let east = r1.receive(frame: Self.ping(from: Self.nowhere, to: TestLab.alice, on: 1), on: 1, now: .zero)
        #expect(Self.wasForwarded(east), "the default route leaves by eth1, where it came in")
        let west = r1.receive(frame: Self.ping(from: Self.nowhere, to: TestLab.bob, on: 0), on: 0, now: .zero)
        #expect(Self.reversePathDrop(west) != nil)
    }

    @Test func loose_acceptsAnySourceWithARouteBack_andDropsOneWithout() throws {
        var r1 = Self.router(.loose)
        let spoofed = r1.receive(frame: Self.ping(from: Self.spoofedBobSide, to: TestLab.bob, on: 0), on: 0, now: .zero)
        #expect(Self.wasForwarded(spoofed), "loose mode asks only that a route back exists")
        let unroutable = r1.receive(frame: Self.ping(from: Self.nowhere, to: TestLab.bob, on: 0), on: 0, now: .zero)
        let record = try #require(Self.reversePathDrop(unroutable))
        #expect(record.detail == "loose rp_filter: no route back to 192.0.2.7")
        #expect(r1.interfaces[0].counters[.reversePath] == 1)
    }

    @Test func loose_withADefaultRoute_acceptsEverySource() {
        var r1 = Self.router(.loose, defaultVia: IPv4Address(10, 0, 2, 254))
        let outputs = r1.receive(frame: Self.ping(from: Self.nowhere, to: TestLab.bob, on: 0), on: 0, now: .zero)
        #expect(Self.wasForwarded(outputs))
    }

    @Test func strict_coversPacketsForTheRouterItself() {
        var r1 = Self.router(.strict)
        let spoofed = r1.receive(frame: Self.ping(from: Self.spoofedBobSide, to: TestLab.r1West, on: 0), on: 0, now: .zero)
        #expect(Self.reversePathDrop(spoofed) != nil, "no echo reply towards a source that cannot be there")
        let genuine = r1.receive(frame: Self.ping(from: TestLab.alice, to: TestLab.r1West, on: 0), on: 0, now: .zero)
        #expect(genuine.contains { if case .event(.echoAnswered) = $0 { return true } else { return false } })
    }

    @Test func reasonReadsAsInTheTrace() {
        #expect(DropReason.reversePath.description == "reverse path")
        #expect(ReversePathFilter(rawValue: "strict") == .strict)
        #expect(ReversePathFilter.allCases.map(\.rawValue) == ["off", "loose", "strict"])
    }
}
