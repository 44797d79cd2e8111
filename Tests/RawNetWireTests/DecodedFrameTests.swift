import Testing
@testable import RawNetWire

@Suite struct DecodedFrameTests {
    @Test func everyGoldenFrame_decodesWithoutError() {
        for (name, frame) in Golden.all {
            let decoded = DecodedFrame(parsing: frame)
            #expect(decoded.error == nil, "\(name): \(decoded)")
            #expect(decoded.ethernet != nil, "\(name)")
        }
    }

    @Test func tcpFrame_decodesAllLayers() throws {
        let decoded = DecodedFrame(parsing: Golden.tcpSack)
        guard case .ipv4(let ip, .tcp(let tcp, let data)) = decoded.payload else {
            Issue.record("not TCP: \(decoded)"); return
        }
        #expect(ip.source == Lab.alice && tcp.destinationPort == 80)
        #expect(data == Array("GET / HTTP/1.0\r\n\r\n".utf8))
        #expect(decoded.tcp == tcp && decoded.ipv4 == ip && decoded.applicationData == data)
        #expect(decoded.layers.count == 3)
    }

    @Test func paddedFrames_ignorePadding() {
        let udp = DecodedFrame(parsing: Golden.udp)
        #expect(udp.applicationData == Array("hello, bob".utf8))
        #expect(DecodedFrame(parsing: Golden.arpRequest).arp?.targetIP == Lab.router)
        #expect(DecodedFrame(parsing: Golden.echoRequest).icmp?.type == 8)
    }

    @Test func corruptedChecksum_reportsErrorButKeepsFields() {
        var frame = Golden.tcpSyn
        frame[frame.count - 1] ^= 0x04   // window scale 7 -> 3
        let decoded = DecodedFrame(parsing: frame)
        #expect(decoded.error?.fieldPath == "TCP.checksum")
        #expect(decoded.tcp?.options.last == .windowScale(3))
        #expect(DecodedFrame(parsing: frame, verifyChecksums: false).error == nil)
    }

    @Test func everySingleBitFlipInsideThePacket_isCaught() {
        for (name, frame) in Golden.all where frame[12] == 0x08 && frame[13] == 0x00 {
            let end = 14 + Golden.packet(frame).count
            for index in 14..<end {
                for bit in 0..<8 {
                    var corrupted = frame
                    corrupted[index] ^= UInt8(1) << UInt8(bit)
                    #expect(DecodedFrame(parsing: corrupted).error != nil, "\(name) byte \(index) bit \(bit)")
                }
            }
        }
    }

    @Test func fragments_areNotDecodedAsTransport() {
        var ip = IPv4Header(protocolNumber: .udp, source: Lab.alice, destination: Lab.bob)
        ip.flags = [.moreFragments]
        let frame = Frame.ipv4(ethernet: EthernetHeader(destination: Lab.routerMAC, source: Lab.aliceMAC, etherType: .ipv4),
                               ip: ip, .udp(UDPHeader(sourcePort: 1, destinationPort: 2), payload: [1, 2, 3]))
        let decoded = DecodedFrame(parsing: frame)
        #expect(decoded.error == nil)
        guard case .fragment(let bytes) = decoded.transport else { Issue.record("\(decoded)"); return }
        #expect(bytes.count == 11)
    }

    @Test func otherEtherTypesAndProtocols_areKept() {
        let eth = EthernetHeader(destination: .broadcast, source: Lab.aliceMAC, etherType: .ipv6)
        var frame: [UInt8] = []
        eth.serialize(into: &frame)
        frame += [1, 2, 3]
        #expect(DecodedFrame(parsing: frame).payload == .other(.ipv6, [1, 2, 3]))
        let gre = Frame.ipv4(ethernet: eth, ip: IPv4Header(protocolNumber: IPProtocol(47), source: Lab.alice, destination: Lab.bob),
                             .raw([9, 9, 9, 9]))
        #expect(DecodedFrame(parsing: gre).transport == .other(IPProtocol(47), [9, 9, 9, 9]))
    }
}
