import Testing
@testable import RawNetCore
import RawNetWire

/// 224.0.0.9 for RIP: sent once per interface with TTL 1 to 01:00:5e:00:00:09,
/// taken only by nodes that joined the group, never forwarded.
@Suite struct NetworkMulticastTests {
    static func ripDatagram(_ node: inout IPNode, interface: Int) -> [UInt8] {
        let outputs = node.sendMulticast(UDPHeader(sourcePort: 520, destinationPort: 520),
                                         payload: RIPMessage.wholeTableRequest.bytes, to: RIPMessage.multicastGroup,
                                         interface: interface, now: .zero)
        guard case .transmit(interface, let frame)? = outputs.first else { return [] }
        return frame
    }

    @Test func sendMulticast_isTTL1ToTheGroupMACFromTheInterface() throws {
        var lab = TestLab.basic()
        let frame = Self.ripDatagram(&lab.nodes["r1"]!, interface: 1)
        let decoded = DecodedFrame(parsing: frame)
        #expect(decoded.error == nil)
        #expect(decoded.ethernet?.destination == MACAddress("01:00:5e:00:00:09"))
        #expect(decoded.ethernet?.source == lab.nodes["r1"]!.interfaces[1].macAddress)
        #expect(decoded.ipv4?.timeToLive == 1)
        #expect(decoded.ipv4?.source == TestLab.r1East)
        #expect(decoded.ipv4?.destination == RIPMessage.multicastGroup)
        guard case .ipv4(_, .udp(let udp, let payload)) = decoded.payload else {
            Issue.record("not UDP")
            return
        }
        #expect(udp.destinationPort == 520 && udp.checksum != 0)
        #expect(try RIPMessage(parsing: payload).isWholeTableRequest)
        // A down interface sends nothing: a counted "link down".
        var r1 = lab.nodes["r1"]!
        _ = r1.setInterface(1, isUp: false)
        let down = r1.sendMulticast(UDPHeader(sourcePort: 520, destinationPort: 520), payload: [1], to: RIPMessage.multicastGroup,
                                    interface: 1, now: .zero)
        #expect(down.count == 1 && { if case .dropped(let record) = down[0] { record.reason == .linkDown } else { false } }())
    }

    @Test func groupFrames_areDeliveredOnlyWhenJoined_neverForwarded() {
        var lab = TestLab.basic()
        let frame = Self.ripDatagram(&lab.nodes["bob"]!, interface: 0)
        var r1 = lab.nodes["r1"]!
        let ignored = r1.receive(frame: frame, on: 1, now: .zero)
        #expect(ignored.count == 1 && { if case .dropped(let record) = ignored[0] { record.reason == .notForUs } else { false } }(),
                "not joined: the frame is for another MAC address")
        r1.multicastGroups.insert(RIPMessage.multicastGroup)
        let taken = r1.receive(frame: frame, on: 1, now: .zero)
        #expect(taken.count == 1)
        guard case .deliver(let packet)? = taken.first else {
            Issue.record("not delivered: \(taken)")
            return
        }
        #expect(packet.interface == 1 && packet.header.destination == RIPMessage.multicastGroup)
        #expect(!taken.contains { if case .transmit = $0 { true } else { false } }, "a group packet is never forwarded")
    }

    @Test func routeOutOfADownInterface_yieldsToAnotherOfItsPrefix() {
        var r1 = TestLab.basic().nodes["r1"]!
        let far = IPv4Prefix("10.9.0.0/16")!
        r1.routingTable.add(Route(destination: far, nextHop: IPv4Address(10, 0, 2, 20), interface: 1, kind: .static))
        r1.routingTable.replace(Route(destination: far, nextHop: IPv4Address(10, 0, 1, 10), interface: 0, kind: .rip, metric: 3))
        #expect(r1.route(to: IPv4Address(10, 9, 1, 1))?.kind == .static)
        _ = r1.setInterface(1, isUp: false)
        #expect(r1.route(to: IPv4Address(10, 9, 1, 1))?.kind == .rip)
        _ = r1.setInterface(1, isUp: true)
        #expect(r1.route(to: IPv4Address(10, 9, 1, 1))?.kind == .static)
    }
}
