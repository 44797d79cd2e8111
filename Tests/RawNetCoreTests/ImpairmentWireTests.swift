import Testing
import RawNetWire
@testable import RawNetCore

/// Corruption never repairs checksums: RawNet's own parsers must reject every
/// corrupted frame, except flips in bytes no checksum covers.
@Suite struct ImpairmentWireTests {
    private static let eth = EthernetHeader(destination: MACAddress(0x02_00_00_00_00_02),
                                            source: MACAddress(0x02_00_00_00_00_01), etherType: .ipv4)

    /// A mix of real frames: UDP, TCP (with and without options) and ICMP echo, small and large.
    private static func realFrame(_ i: Int) -> [UInt8] {
        let ip = IPv4Header(identification: UInt16(truncatingIfNeeded: i), protocolNumber: .udp,
                            source: IPv4Address(10, 0, 1, 10), destination: IPv4Address(10, 0, 2, 20))
        let payload = (0..<((i * 53) % 700)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) }
        switch i % 4 {
        case 0:
            let udp = UDPHeader(sourcePort: 40_000 &+ UInt16(i % 1000), destinationPort: 7)
            return Frame.ipv4(ethernet: eth, ip: ip, udp: udp, payload: Array(payload.prefix(i % 12)))
        case 1:
            let udp = UDPHeader(sourcePort: 5353, destinationPort: 53)
            return Frame.ipv4(ethernet: eth, ip: ip, udp: udp, payload: payload)
        case 2:
            let tcp = TCPHeader(sourcePort: 50_000, destinationPort: 80, sequenceNumber: UInt32(i) &* 1000,
                                acknowledgmentNumber: 77, flags: [.ack, .psh], window: 65_535)
            return Frame.ipv4(ethernet: eth, ip: ip, tcp: tcp, payload: payload)
        default:
            let echo = ICMPMessage.echoRequest(identifier: 0x1234, sequence: UInt16(i % 65_536),
                                               payload: Array(payload.prefix(56)))
            return Frame.ipv4(ethernet: eth, ip: ip, icmp: echo)
        }
    }

    @Test func everyCorruptedFrame_isRejectedUnlessTheFlipHitUncoveredBytes() {
        var engine = ImpairmentEngine(settings: ImpairmentSettings(corrupt: 1), seed: 2024)
        var rejected = 0, macFlips = 0, paddingFlips = 0, udpChecksumZeroed = 0
        let count = 20_000
        for i in 0..<count {
            let original = Self.realFrame(i)
            #expect(DecodedFrame(parsing: original).error == nil)
            let outcome = engine.submit(original, now: Instant(nanoseconds: Int64(i)))
            guard case let .corrupted(offset, _) = outcome.events.first,
                  let corrupted = engine.release(now: Instant(nanoseconds: Int64(i))).first else {
                Issue.record("frame \(i) was not corrupted: \(outcome)"); continue
            }
            let ipLength = Int(original[16]) << 8 | Int(original[17])
            let decoded = DecodedFrame(parsing: corrupted)
            let isIPv4 = decoded.ipv4 != nil
            if decoded.error != nil || !isIPv4 {
                rejected += 1
                #expect(offset >= 12, "a MAC flip cannot break decoding")
                continue
            }
            // Accepted: the flip must be in bytes no checksum covers.
            if offset < 12 {
                macFlips += 1        // Ethernet addresses: RawNet frames carry no FCS
                #expect(decoded.payload == DecodedFrame(parsing: original).payload)
            } else if offset >= 14 + ipLength {
                paddingFlips += 1    // zero padding up to the 60-byte Ethernet minimum
                #expect(decoded.payload == DecodedFrame(parsing: original).payload)
            } else if case .udp(let udp, _)? = decoded.transport, udp.checksum == 0 {
                udpChecksumZeroed += 1  // a one-bit checksum flipped to 0 reads as "no checksum" (RFC 768)
            } else {
                Issue.record("frame \(i): flip at byte \(offset) inside the IPv4 packet was accepted")
            }
        }
        #expect(rejected + macFlips + paddingFlips + udpChecksumZeroed == count)
        // Roughly 12 bytes of addresses in frames averaging ~300 bytes: a few percent.
        #expect(macFlips > 0 && Double(macFlips) / Double(count) < 0.2)
        #expect(paddingFlips > 0)
        #expect(Double(rejected) / Double(count) > 0.8)
    }
}
