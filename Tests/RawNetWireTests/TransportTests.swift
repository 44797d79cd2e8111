import Testing
@testable import RawNetWire

@Suite struct TransportTests {
    @Test func udp_golden_everyField() throws {
        let packet = Golden.packet(Golden.udp)
        let ip = try IPv4Header(parsing: packet)
        let body = Golden.ipPayload(Golden.udp)
        let udp = try UDPHeader(parsing: body, pseudoHeader: IPv4PseudoHeader(ip))
        #expect(udp == UDPHeader(sourcePort: 49152, destinationPort: 49153, length: 18, checksum: 0x94E7))
        var out: [UInt8] = []
        udp.serialize(into: &out, payload: Array("hello, bob".utf8), pseudoHeader: IPv4PseudoHeader(ip))
        #expect(out == body)
        out = []
        udp.serialize(into: &out)
        #expect(out == Array(body[0..<8]))
        let eth = try EthernetHeader(parsing: Golden.udp)
        #expect(Frame.ipv4(ethernet: eth, ip: ip, udp: udp, payload: Array("hello, bob".utf8)) == Golden.udp)
    }

    @Test func udp_checksumZeroMeansNone_badChecksumIsNamed() throws {
        let pseudo = IPv4PseudoHeader(source: Lab.alice, destination: Lab.bob)
        var body = Golden.ipPayload(Golden.udp)
        body[8] ^= 0x20
        #expect(throws: WireError.badChecksum(layer: "UDP", field: "checksum", stored: 0x94E7, computed: 0xB4E7)) {
            _ = try UDPHeader(parsing: body, pseudoHeader: pseudo)
        }
        #expect(try UDPHeader(parsing: body).checksum == 0x94E7)
        body[6] = 0; body[7] = 0
        #expect(try UDPHeader(parsing: body, pseudoHeader: pseudo).checksum == 0)
        body[5] = 7
        #expect(throws: WireError.badValue(layer: "UDP", field: "length", value: 7, expected: "at least 8")) {
            _ = try UDPHeader(parsing: body)
        }
        body[5] = 19
        #expect(throws: WireError.truncated(layer: "UDP", field: "length", needed: 19, available: 18)) {
            _ = try UDPHeader(parsing: body)
        }
    }

    @Test func udp_computedZeroIsSentAsFFFF() throws {
        // Search a payload whose checksum computes to 0; it must go out as 0xFFFF and verify.
        let pseudo = IPv4PseudoHeader(source: Lab.alice, destination: Lab.bob)
        let header = UDPHeader(sourcePort: 1, destinationPort: 2)
        var found = false
        for value in 0...0xFFFF {
            let payload = [UInt8(value >> 8), UInt8(value & 0xFF)]
            var out: [UInt8] = []
            header.serialize(into: &out, payload: payload, pseudoHeader: pseudo)
            if out[6] == 0xFF && out[7] == 0xFF {
                #expect(try UDPHeader(parsing: out, pseudoHeader: pseudo).checksum == 0xFFFF)
                found = true
                break
            }
        }
        #expect(found)
    }

    @Test func tcpSyn_golden_everyOption() throws {
        let ip = try IPv4Header(parsing: Golden.packet(Golden.tcpSyn))
        let body = Golden.ipPayload(Golden.tcpSyn)
        let tcp = try TCPHeader(parsing: body, pseudoHeader: IPv4PseudoHeader(ip))
        #expect(tcp.sourcePort == 43210 && tcp.destinationPort == 80)
        #expect(tcp.sequenceNumber == 0x0102_0304 && tcp.acknowledgmentNumber == 0)
        #expect(tcp.flags == .syn && tcp.window == 64240 && tcp.urgentPointer == 0)
        #expect(tcp.checksum == 0x84E9)
        #expect(tcp.dataOffset == 10 && tcp.headerLength == 40)
        #expect(tcp.options == [.maximumSegmentSize(1460), .sackPermitted, .timestamps(value: 1000, echoReply: 0),
                                .noOperation, .windowScale(7)])
        var out: [UInt8] = []
        tcp.serialize(into: &out, payload: [], pseudoHeader: IPv4PseudoHeader(ip))
        #expect(out == body)
        let eth = try EthernetHeader(parsing: Golden.tcpSyn)
        #expect(Frame.ipv4(ethernet: eth, ip: ip, tcp: tcp, payload: []) == Golden.tcpSyn)
    }

    @Test func tcpData_golden_sackBlocks() throws {
        let ip = try IPv4Header(parsing: Golden.packet(Golden.tcpSack))
        let body = Golden.ipPayload(Golden.tcpSack)
        let tcp = try TCPHeader(parsing: body, pseudoHeader: IPv4PseudoHeader(ip))
        #expect(tcp.flags == [.psh, .ack] && tcp.acknowledgmentNumber == 0xA0B0_C0D1 && tcp.window == 502)
        #expect(tcp.options == [.noOperation, .noOperation, .timestamps(value: 2000, echoReply: 1500),
                                .noOperation, .noOperation,
                                .sack([SACKBlock(left: 0x0102_0400, right: 0x0102_0800),
                                       SACKBlock(left: 0x0102_0C00, right: 0x0102_1000)])])
        let data = Array("GET / HTTP/1.0\r\n\r\n".utf8)
        #expect(Array(body[tcp.headerLength...]) == data)
        let eth = try EthernetHeader(parsing: Golden.tcpSack)
        #expect(Frame.ipv4(ethernet: eth, ip: ip, tcp: tcp, payload: data) == Golden.tcpSack)
    }

    @Test func tcp_unknownOptionsKept_paddingAdded() throws {
        let tcp = TCPHeader(sourcePort: 1, destinationPort: 2, sequenceNumber: 3, acknowledgmentNumber: 4,
                            flags: [.ack, .ece, .cwr], window: 5,
                            options: [.unknown(kind: 30, data: [1, 2, 3]), .noOperation, .endOfList])
        var out: [UInt8] = []
        tcp.serialize(into: &out)
        #expect(out.count == 28 && tcp.dataOffset == 7)
        #expect(Array(out[20...]) == [30, 5, 1, 2, 3, 1, 0, 0])
        var expected = tcp
        expected.options.removeLast()   // end-of-list is padding on parse
        #expect(try TCPHeader(parsing: out) == expected)
    }

    @Test func tcp_badOptionsAndOffsets_areNamed() {
        func segment(options: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            TCPHeader(sourcePort: 1, destinationPort: 2, sequenceNumber: 0, acknowledgmentNumber: 0,
                      flags: .syn, window: 0).serialize(into: &out)
            out[12] = UInt8(5 + options.count / 4) << 4
            return out + options
        }
        #expect(throws: WireError.badValue(layer: "TCP", field: "maximumSegmentSize", value: 3, expected: "option length 4")) {
            _ = try TCPHeader(parsing: segment(options: [2, 3, 0, 0]))
        }
        #expect(throws: WireError.badValue(layer: "TCP", field: "optionLength", value: 1, expected: "at least 2")) {
            _ = try TCPHeader(parsing: segment(options: [30, 1, 0, 0]))
        }
        #expect(throws: WireError.truncated(layer: "TCP", field: "optionLength", needed: 9, available: 4)) {
            _ = try TCPHeader(parsing: segment(options: [30, 9, 0, 0]))
        }
        #expect(throws: WireError.truncated(layer: "TCP", field: "optionLength", needed: 5, available: 4)) {
            _ = try TCPHeader(parsing: segment(options: [1, 1, 1, 8]))
        }
        #expect(throws: WireError.badValue(layer: "TCP", field: "sack", value: 6, expected: "length 2+8n, n ≥ 1")) {
            _ = try TCPHeader(parsing: segment(options: [5, 6, 0, 0, 0, 0, 0, 0]))
        }
        var short = segment(options: [])
        short[12] = 0x40
        #expect(throws: WireError.badValue(layer: "TCP", field: "dataOffset", value: 4, expected: "5...15 (words)")) {
            _ = try TCPHeader(parsing: short)
        }
        short[12] = 0x60
        #expect(throws: WireError.truncated(layer: "TCP", field: "options", needed: 24, available: 20)) {
            _ = try TCPHeader(parsing: short)
        }
    }

    @Test func tcp_badChecksum_isNamed() throws {
        var body = Golden.ipPayload(Golden.tcpSack)
        body[body.count - 1] ^= 0xFF
        let pseudo = IPv4PseudoHeader(source: Lab.alice, destination: Lab.bob)
        do {
            _ = try TCPHeader(parsing: body, pseudoHeader: pseudo)
            Issue.record("corrupted segment accepted")
        } catch {
            #expect(error.fieldPath == "TCP.checksum")
            guard case .badChecksum(_, _, let stored, let computed) = error else { Issue.record("\(error)"); return }
            #expect(stored == 0xE070 && computed != stored)
        }
        #expect(try TCPHeader(parsing: body).checksum == 0xE070)
    }
}
