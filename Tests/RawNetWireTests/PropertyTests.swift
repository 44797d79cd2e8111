import Testing
@testable import RawNetWire

/// Seeded property tests: random valid values round-trip; random and truncated bytes never trap.
@Suite struct PropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 0xC0FFEE]

    func randomOptions(_ random: inout TestRandom) -> TCPOptionList {
        var options: TCPOptionList = []
        var length = 0
        while true {
            let option: TCPOption
            switch Int.random(in: 0..<8, using: &random) {
            case 0: option = .noOperation
            case 1: option = .maximumSegmentSize(UInt16.random(in: 0...UInt16.max, using: &random))
            case 2: option = .windowScale(UInt8.random(in: 0...14, using: &random))
            case 3: option = .sackPermitted
            case 4: option = .timestamps(value: UInt32.random(in: 0...UInt32.max, using: &random),
                                         echoReply: UInt32.random(in: 0...UInt32.max, using: &random))
            case 5:
                let count = Int.random(in: 1...3, using: &random)
                option = .sack((0..<count).map { _ in
                    SACKBlock(left: UInt32.random(in: 0...UInt32.max, using: &random),
                              right: UInt32.random(in: 0...UInt32.max, using: &random))
                })
            case 6: option = .unknown(kind: UInt8.random(in: 9...250, using: &random),
                                      data: random.bytes(Int.random(in: 0...6, using: &random)))
            default: return options
            }
            // Keep within 40 bytes and leave no zero byte of padding mistaken for option data.
            if length + option.encodedLength > 40 { return options }
            options.append(option)
            length += option.encodedLength
        }
    }

    func randomIP(_ random: inout TestRandom) -> IPv4Header {
        IPv4Header(dscp: UInt8.random(in: 0...63, using: &random), ecn: UInt8.random(in: 0...3, using: &random),
                   identification: UInt16.random(in: 0...UInt16.max, using: &random),
                   flags: Bool.random(using: &random) ? .dontFragment : [],
                   timeToLive: UInt8.random(in: 1...255, using: &random), protocolNumber: .tcp,
                   source: IPv4Address(UInt32.random(in: 0...UInt32.max, using: &random)),
                   destination: IPv4Address(UInt32.random(in: 0...UInt32.max, using: &random)),
                   options: Bool.random(using: &random) ? [] : [1, 1, 1, 1])
    }

    @Test(arguments: seeds) func randomSegments_roundTripThroughFrames(seed: UInt64) throws {
        var random = TestRandom(seed: seed)
        let eth = EthernetHeader(destination: MACAddress(random.next()), source: MACAddress(random.next()), etherType: .ipv4)
        for _ in 0..<300 {
            let ip = randomIP(&random)
            let data = random.bytes(Int.random(in: 0...64, using: &random))
            let payload: IPv4Payload
            switch Int.random(in: 0..<3, using: &random) {
            case 0:
                payload = .tcp(TCPHeader(sourcePort: UInt16.random(in: 0...UInt16.max, using: &random),
                                         destinationPort: UInt16.random(in: 0...UInt16.max, using: &random),
                                         sequenceNumber: UInt32.random(in: 0...UInt32.max, using: &random),
                                         acknowledgmentNumber: UInt32.random(in: 0...UInt32.max, using: &random),
                                         flags: TCPFlags(rawValue: UInt8.random(in: 0...255, using: &random)),
                                         window: UInt16.random(in: 0...UInt16.max, using: &random),
                                         urgentPointer: UInt16.random(in: 0...UInt16.max, using: &random),
                                         options: randomOptions(&random)), payload: data)
            case 1:
                payload = .udp(UDPHeader(sourcePort: UInt16.random(in: 0...UInt16.max, using: &random),
                                         destinationPort: UInt16.random(in: 0...UInt16.max, using: &random)), payload: data)
            default:
                payload = .icmp(.echoRequest(identifier: UInt16.random(in: 0...UInt16.max, using: &random),
                                             sequence: UInt16.random(in: 0...UInt16.max, using: &random), payload: data))
            }
            let frame = Frame.ipv4(ethernet: eth, ip: ip, payload)
            let decoded = DecodedFrame(parsing: frame)
            #expect(decoded.error == nil)
            #expect(decoded.ethernet == eth)
            var parsedIP = try #require(decoded.ipv4)
            #expect(parsedIP.headerLength == ip.headerLength)
            #expect(Int(parsedIP.totalLength) == frame.count - 14 || frame.count == 60)
            parsedIP.checksum = 0; parsedIP.totalLength = 0
            var expectedIP = ip
            expectedIP.totalLength = 0
            expectedIP.protocolNumber = parsedIP.protocolNumber
            #expect(parsedIP == expectedIP)
            switch (payload, decoded.transport) {
            case (.tcp(let sent, let sentData), .tcp(var got, let gotData)?):
                got.checksum = 0
                #expect(got == sent)
                #expect(gotData == sentData)
            case (.udp(let sent, let sentData), .udp(let got, let gotData)?):
                #expect(got.sourcePort == sent.sourcePort && got.destinationPort == sent.destinationPort)
                #expect(Int(got.length) == 8 + sentData.count && got.checksum != 0)
                #expect(gotData == sentData)
            case (.icmp(let sent), .icmp(let got)?):
                #expect(got == sent)
            default:
                Issue.record("transport mismatch: \(decoded)")
            }
        }
    }

    @Test(arguments: seeds) func randomArpPackets_roundTrip(seed: UInt64) throws {
        var random = TestRandom(seed: seed)
        for _ in 0..<200 {
            let arp = ARPPacket(operation: ARPOperation(rawValue: UInt16.random(in: 0...UInt16.max, using: &random)),
                                senderMAC: MACAddress(random.next()), senderIP: IPv4Address(UInt32.random(in: 0...UInt32.max, using: &random)),
                                targetMAC: MACAddress(random.next()), targetIP: IPv4Address(UInt32.random(in: 0...UInt32.max, using: &random)))
            var out: [UInt8] = []
            arp.serialize(into: &out)
            #expect(try ARPPacket(parsing: out) == arp)
        }
    }

    @Test(arguments: seeds) func randomBytes_neverTrap(seed: UInt64) {
        var random = TestRandom(seed: seed)
        var errors = 0
        for _ in 0..<3000 {
            var frame = random.bytes(Int.random(in: 0...120, using: &random))
            // Steer half of the inputs into the IPv4 and ARP decoders.
            if frame.count > 14 && Bool.random(using: &random) {
                frame[12] = 0x08; frame[13] = Bool.random(using: &random) ? 0x00 : 0x06
                if frame.count > 15 { frame[14] = 0x45 }
            }
            let decoded = DecodedFrame(parsing: frame)
            if decoded.error != nil { errors += 1 }
            _ = decoded.description
            frame.withUnsafeBytes { raw in
                _ = try? IPv4Header(parsing: raw)
                _ = try? TCPHeader(parsing: raw)
                _ = try? UDPHeader(parsing: raw)
                _ = try? ICMPMessage(parsing: raw)
                _ = try? ARPPacket(parsing: raw)
                _ = try? TCPView(raw).options()
            }
        }
        #expect(errors > 100)
    }

    @Test func truncatedGoldenFrames_neverTrap_andNameAField() {
        for (name, frame) in Golden.all {
            let meaningful = frame[12] == 0x08 && frame[13] == 0x06 ? 42 : 14 + Golden.packet(frame).count
            for length in 0..<meaningful {
                let decoded = DecodedFrame(parsing: Array(frame[0..<length]))
                #expect(decoded.error != nil, "\(name) cut to \(length)")
                #expect(decoded.error?.field.isEmpty == false)
            }
        }
    }

    @Test func randomTCPOptionBytes_neverTrap() throws {
        var random = TestRandom(seed: 2018)
        for _ in 0..<5000 {
            let optionCount = Int.random(in: 0...10, using: &random) * 4
            var segment = random.bytes(20 + optionCount)
            segment[12] = UInt8(5 + optionCount / 4) << 4
            if let options = try? TCPHeader(parsing: segment).options {
                #expect(options.reduce(0) { $0 + $1.encodedLength } <= optionCount)
            }
        }
    }
}
