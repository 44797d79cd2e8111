import RawNetCore
import RawNetWire
import Testing

/// A router has no sockets: what reaches its own addresses over TCP or UDP is
/// refused as a host with no socket there refuses it (`IPNode.refuse`).
@Suite struct NetworkIPNodeRefuseTests {
    /// Alice sends `header` (and `payload`) to r1's west address; r1 refuses it. Returns the lab.
    private func refusedByR1(_ header: TCPHeader, payload: [UInt8] = []) -> TestLab {
        var lab = TestLab.basic()
        lab.run("alice") { node, now in node.send(.tcp(header, payload: payload), to: TestLab.r1West, now: now) }
        guard let packet = lab.delivered["r1"]?.first else {
            Issue.record("r1 did not take the segment"); return lab
        }
        lab.run("r1") { node, now in node.refuse(packet, now: now) }
        return lab
    }

    private func tcp(_ packet: DeliveredPacket?) -> TCPHeader? {
        if case .tcp(let header, _)? = packet?.transport { return header }
        return nil
    }

    @Test func synToARouter_getsRSTACK_acknowledgingTheSYN() throws {
        let syn = TCPHeader(sourcePort: 50000, destinationPort: 7000, sequenceNumber: 1000, acknowledgmentNumber: 0,
                            flags: [.syn], window: 65535)
        let lab = refusedByR1(syn)
        let reset = try #require(tcp(lab.delivered["alice"]?.first))
        #expect(reset.flags == [.rst, .ack])
        #expect(reset.sequenceNumber == 0)
        #expect(reset.acknowledgmentNumber == 1001)  // the SYN occupies one number
        #expect(reset.sourcePort == 7000 && reset.destinationPort == 50000)
        #expect(lab.delivered["alice"]?.first?.header.source == TestLab.r1West)
        #expect(lab.drops["r1"]?.map(\.reason) == [.noSocketOnPort])
        #expect(lab.nodes["r1"]!.interfaces[0].counters[.noSocketOnPort] == 1)
        // The RST on the wire decodes cleanly, checksums included.
        let frame = try #require(lab.frames(from: "r1").last)
        #expect(DecodedFrame(parsing: frame).error == nil)
    }

    @Test func dataToARouter_getsRSTAtItsAcknowledgmentNumber() throws {
        let data = TCPHeader(sourcePort: 50000, destinationPort: 22, sequenceNumber: 5, acknowledgmentNumber: 777,
                             flags: [.ack, .psh], window: 100)
        let lab = refusedByR1(data, payload: [1, 2, 3])
        let reset = try #require(tcp(lab.delivered["alice"]?.first))
        #expect(reset.flags == [.rst])
        #expect(reset.sequenceNumber == 777)
        #expect(lab.drops["r1"]?.map(\.reason) == [.noSocketOnPort])
    }

    @Test func rstToARouter_isNeverAnswered_butCounted() {
        let rst = TCPHeader(sourcePort: 50000, destinationPort: 7000, sequenceNumber: 9, acknowledgmentNumber: 0,
                            flags: [.rst], window: 0)
        let lab = refusedByR1(rst)
        #expect(lab.delivered["alice"] == nil)
        #expect(lab.frames(from: "r1").allSatisfy { DecodedFrame(parsing: $0).ipv4 == nil })  // ARP only
        #expect(lab.drops["r1"]?.map(\.reason) == [.noSocketOnPort])
        #expect(lab.nodes["r1"]!.interfaces[0].counters[.noSocketOnPort] == 1)
    }

    @Test func udpToARouter_getsPortUnreachable() throws {
        var lab = TestLab.basic()
        let udp = UDPHeader(sourcePort: 40000, destinationPort: 9)
        lab.run("alice") { node, now in node.send(.udp(udp, payload: [1, 2, 3]), to: TestLab.r1East, now: now) }
        let datagram = try #require(lab.delivered["r1"]?.first)
        lab.run("r1") { node, now in node.refuse(datagram, now: now) }
        let error = try #require(lab.delivered["alice"]?.first?.icmp)
        guard case .destinationUnreachable(.port, _) = error else { Issue.record("got \(error)"); return }
        #expect(lab.drops["r1"]?.map(\.reason) == [.noSocketOnPort])
    }
}

/// ICMP errors quote as much of the offending datagram as fits in 576 bytes (RFC 1812 §4.3.2.3), as Linux's do.
@Suite struct NetworkICMPQuoteTests {
    /// Alice sends a UDP datagram with `size` bytes of data to a closed port on bob; bob answers port unreachable.
    private func portUnreachable(dataSize size: Int) throws -> (error: DeliveredPacket, datagram: DeliveredPacket,
                                                                 frame: [UInt8]) {
        var lab = TestLab.basic()
        let udp = UDPHeader(sourcePort: 40000, destinationPort: 9)
        let data = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        lab.run("alice") { node, now in node.send(.udp(udp, payload: data), to: TestLab.bob, now: now) }
        let datagram = try #require(lab.delivered["bob"]?.first)
        let before = lab.sent.count
        lab.run("bob") { node, now in node.refuse(datagram, now: now) }
        let frame = try #require(lab.sent[before...].first { $0.from.node == "bob" }?.frame)
        let error = try #require(lab.delivered["alice"]?.first)
        return (error, datagram, frame)
    }

    @Test func largeDatagram_isQuotedUpTo576BytesOfErrorDatagram() throws {
        let (error, datagram, frame) = try portUnreachable(dataSize: 1200)
        #expect(error.header.totalLength == 576)
        #expect(error.packet.count == 576)
        guard case .destinationUnreachable(.port, let quoted)? = error.icmp else {
            Issue.record("expected port unreachable, got \(String(describing: error.icmp))"); return
        }
        #expect(quoted.count == 548)
        #expect(quoted == Array(datagram.packet[0..<548]))
        // On the wire: the IP and ICMP checksums verify, and the frame holds exactly 576 bytes of IP.
        let decoded = DecodedFrame(parsing: frame)
        #expect(decoded.error == nil)
        #expect(decoded.ipv4?.totalLength == 576)
        #expect(frame.count == 14 + 576)
        #expect(InternetChecksum.sum(frame[34...]) == 0xFFFF)
    }

    @Test func smallDatagram_isQuotedWhole() throws {
        let (error, datagram, _) = try portUnreachable(dataSize: 100)
        guard case .destinationUnreachable(.port, let quoted)? = error.icmp else {
            Issue.record("expected port unreachable"); return
        }
        #expect(quoted == datagram.packet)
        #expect(error.packet.count == 20 + 8 + 20 + 8 + 100)
    }

    @Test func errorQuote_bounds() {
        #expect(ICMPMessage.errorQuote(Array(repeating: 0x45, count: 2000)).count == 548)
        #expect(ICMPMessage.errorQuote(Array(repeating: 0x45, count: 548)).count == 548)
        #expect(ICMPMessage.errorQuote([0x45, 0, 0]) == [0x45, 0, 0])
    }
}
