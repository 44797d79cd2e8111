import Testing
@testable import RawNetWire

@Suite struct IPv4Tests {
    @Test func golden_echoRequestHeader_everyField() throws {
        let packet = Golden.packet(Golden.echoRequest)
        let ip = try IPv4Header(parsing: packet)
        #expect(ip.version == 4 && ip.headerLength == 20)
        #expect(ip.dscp == 0 && ip.ecn == 0)
        #expect(ip.totalLength == 40)
        #expect(ip.identification == 1)
        #expect(ip.flags == .dontFragment && ip.fragmentOffset == 0 && !ip.isFragment)
        #expect(ip.timeToLive == 64)
        #expect(ip.protocolNumber == .icmp)
        #expect(ip.checksum == 0x23B7)
        #expect(ip.source == Lab.alice && ip.destination == Lab.bob)
        #expect(ip.options.isEmpty)
        var out: [UInt8] = []
        ip.serialize(into: &out)
        #expect(out == Array(packet[0..<20]))
    }

    @Test func golden_withRouterAlertOption_keepsOptions() throws {
        let packet = Golden.packet(Golden.ipOptions)
        let ip = try IPv4Header(parsing: packet)
        #expect(ip.headerLength == 24)
        #expect(ip.options == [0x94, 0x04, 0x00, 0x00])
        #expect(ip.protocolNumber == .udp && ip.totalLength == 33)
        var out: [UInt8] = []
        ip.serialize(into: &out)
        #expect(out == Array(packet[0..<24]))
    }

    @Test func fragmentFields_roundTrip() throws {
        let ip = IPv4Header(dscp: 46, ecn: 1, totalLength: 24, identification: 0xBEEF, flags: [.moreFragments, .reserved],
                            fragmentOffset: 0x1ABC, timeToLive: 3, protocolNumber: .udp,
                            source: Lab.alice, destination: Lab.bob, options: [1, 1, 1])
        var out: [UInt8] = []
        ip.serialize(into: &out)
        #expect(out.count == 24)
        var parsed = try IPv4Header(parsing: out)
        #expect(parsed.isFragment)
        #expect(parsed.options == [1, 1, 1, 0])
        parsed.options = [1, 1, 1]
        parsed.checksum = 0
        #expect(parsed == ip)
    }

    @Test func badChecksum_isNamed_andSkippableWhenTracing() throws {
        var packet = Golden.packet(Golden.echoRequest)
        packet[8] = 7   // TTL changed, checksum not
        #expect(throws: WireError.badChecksum(layer: "IPv4", field: "headerChecksum", stored: 0x23B7, computed: 0x5CB7)) {
            try IPv4Header(parsing: packet)
        }
        let ip = try IPv4Header(parsing: packet, verifyChecksum: false)
        #expect(ip.timeToLive == 7)
        #expect(WireError.badChecksum(layer: "IPv4", field: "headerChecksum", stored: 0x23B7, computed: 0x5CB7).description
                == "IPv4.headerChecksum: bad checksum 0x23b7, computed 0x5cb7")
    }

    @Test func badLengths_areNamed() {
        let packet = Golden.packet(Golden.echoRequest)
        var bad = packet
        bad[0] = 0x65
        #expect(throws: WireError.badValue(layer: "IPv4", field: "version", value: 6, expected: "4")) {
            try IPv4Header(parsing: bad)
        }
        bad = packet; bad[0] = 0x44
        #expect((try? IPv4Header(parsing: bad)).map { _ in "parsed" } == nil)
        #expect(throws: WireError.truncated(layer: "IPv4", field: "options", needed: 60, available: 40)) {
            bad = packet; bad[0] = 0x4F
            _ = try IPv4Header(parsing: bad, verifyChecksum: false)
        }
        #expect(throws: WireError.truncated(layer: "IPv4", field: "totalLength", needed: 40, available: 39)) {
            try IPv4Header(parsing: Array(packet.dropLast()))
        }
        #expect(throws: WireError.badValue(layer: "IPv4", field: "totalLength", value: 19, expected: "at least the header length 20")) {
            bad = packet; bad[3] = 19
            _ = try IPv4Header(parsing: bad, verifyChecksum: false)
        }
        #expect(throws: WireError.truncated(layer: "IPv4", field: "header", needed: 20, available: 19)) {
            try IPv4Header(parsing: Array(packet[0..<19]))
        }
    }
}
