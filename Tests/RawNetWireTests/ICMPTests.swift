import Testing
@testable import RawNetWire

@Suite struct ICMPTests {
    let ping = Array("rawnet ping!".utf8)

    @Test func echoRequest_golden() throws {
        let body = Golden.ipPayload(Golden.echoRequest)
        let icmp = try ICMPMessage(parsing: body)
        #expect(icmp == .echoRequest(identifier: 0x1234, sequence: 1, payload: ping))
        #expect(icmp.type == 8 && icmp.code == 0 && !icmp.isError)
        var out: [UInt8] = []
        icmp.serialize(into: &out)
        #expect(out == body)
        let eth = try EthernetHeader(parsing: Golden.echoRequest)
        let ip = try IPv4Header(parsing: Golden.packet(Golden.echoRequest))
        #expect(Frame.ipv4(ethernet: eth, ip: ip, icmp: icmp) == Golden.echoRequest)
    }

    @Test func echoReply_golden() throws {
        let icmp = try ICMPMessage(parsing: Golden.ipPayload(Golden.echoReply))
        #expect(icmp == .echoReply(identifier: 0x1234, sequence: 1, payload: ping))
        let eth = try EthernetHeader(parsing: Golden.echoReply)
        let ip = try IPv4Header(parsing: Golden.packet(Golden.echoReply))
        #expect(ip.timeToLive == 63)
        #expect(Frame.ipv4(ethernet: eth, ip: ip, icmp: icmp) == Golden.echoReply)
    }

    @Test func portUnreachable_golden_quotesOriginalHeader() throws {
        let body = Golden.ipPayload(Golden.portUnreachable)
        let icmp = try ICMPMessage(parsing: body)
        guard case .destinationUnreachable(let code, let quoted) = icmp else {
            Issue.record("not destination unreachable: \(icmp)"); return
        }
        #expect(code == .port && icmp.code == 3 && icmp.isError)
        #expect(quoted.count == 28)
        let original = try #require(icmp.quotedIPv4Header)
        #expect(original.source == Lab.alice && original.destination == Lab.bob)
        #expect(original.protocolNumber == .udp && original.totalLength == 33 && original.identification == 3)
        // Only 8 of the 13 UDP bytes are quoted: pad to the stated length to read the ports.
        let quotedUDP = try UDPHeader(parsing: Array(quoted[20...]) + [UInt8](repeating: 0, count: 5))
        #expect(quotedUDP.sourcePort == 40000 && quotedUDP.destinationPort == 9)
        var out: [UInt8] = []
        icmp.serialize(into: &out)
        #expect(out == body)
    }

    @Test func timeExceeded_golden() throws {
        let icmp = try ICMPMessage(parsing: Golden.ipPayload(Golden.timeExceeded))
        #expect(icmp.type == 11 && icmp.code == 0)
        guard case .timeExceeded(.timeToLive, let quoted) = icmp else {
            Issue.record("not time exceeded: \(icmp)"); return
        }
        #expect(quoted.count == 28)
        #expect(icmp.quotedIPv4Header?.timeToLive == 1)
        // A router builds the same message by quoting the original packet.
        let original = Golden.packet(Golden.timeExceeded)[28...]
        #expect(ICMPMessage.timeExceeded(.timeToLive, quoted: ICMPMessage.quote(Array(original))) == icmp)
        let eth = try EthernetHeader(parsing: Golden.timeExceeded)
        let ip = try IPv4Header(parsing: Golden.packet(Golden.timeExceeded))
        #expect(Frame.ipv4(ethernet: eth, ip: ip, icmp: icmp) == Golden.timeExceeded)
    }

    @Test func unreachableCodes_andFragmentationNeeded_roundTrip() throws {
        for code in UInt8(0)...20 {
            let message = ICMPMessage.destinationUnreachable(ICMPUnreachableCode(code: code, nextHopMTU: code == 4 ? 1400 : 0),
                                                             quoted: [1, 2, 3])
            var out: [UInt8] = []
            message.serialize(into: &out)
            #expect(out[1] == code)
            #expect(try ICMPMessage(parsing: out) == message)
        }
        let needed = ICMPMessage.destinationUnreachable(.fragmentationNeeded(nextHopMTU: 576), quoted: [])
        var out: [UInt8] = []
        needed.serialize(into: &out)
        #expect(out[4...7] == [0, 0, 0x02, 0x40])
    }

    @Test func badChecksumAndTruncation_areNamed() throws {
        var body = Golden.ipPayload(Golden.echoRequest)
        body[body.count - 1] ^= 0x01
        #expect(throws: WireError.self) { _ = try ICMPMessage(parsing: body) }
        do { _ = try ICMPMessage(parsing: body) } catch { #expect(error.fieldPath == "ICMP.checksum") }
        #expect(try ICMPMessage(parsing: body, verifyChecksum: false).type == 8)
        #expect(throws: WireError.truncated(layer: "ICMP", field: "header", needed: 8, available: 7)) {
            _ = try ICMPMessage(parsing: Array(body[0..<7]))
        }
    }

    @Test func unusualMessages_keepEveryByte() throws {
        let other = ICMPMessage.other(type: 3, code: 3, restOfHeader: 0x0000_0102, body: [9, 9])
        var out: [UInt8] = []
        other.serialize(into: &out)
        #expect(try ICMPMessage(parsing: out) == other)
        let timestamp = ICMPMessage.other(type: 13, code: 0, restOfHeader: 0x0001_0002, body: Array(repeating: 0, count: 12))
        out = []
        timestamp.serialize(into: &out)
        #expect(try ICMPMessage(parsing: out) == timestamp)
    }
}
