import RawNetCore
import RawNetWire

/// Single frames of every other kind, for trace lines and layer views.
enum FixtureFrames {
    static let alice = Fixture.alice
    static let bob = Fixture.bob

    static var arpRequest: [UInt8] {
        Frame.arp(ethernet: EthernetHeader(destination: .broadcast, source: alice.mac, etherType: .arp),
                  arp: .request(senderMAC: alice.mac, senderIP: alice.ip, targetIP: IPv4Address(10, 0, 1, 1)))
    }

    static var arpReply: [UInt8] {
        let request = ARPPacket.request(senderMAC: alice.mac, senderIP: alice.ip, targetIP: IPv4Address(10, 0, 1, 1))
        return Frame.arp(ethernet: EthernetHeader(destination: alice.mac, source: alice.routerMAC, etherType: .arp),
                         arp: .reply(to: request, mac: alice.routerMAC))
    }

    static var udp: [UInt8] {
        Frame.ipv4(ethernet: EthernetHeader(destination: alice.routerMAC, source: alice.mac, etherType: .ipv4),
                   ip: IPv4Header(identification: 9, protocolNumber: .udp, source: alice.ip, destination: bob.ip),
                   udp: UDPHeader(sourcePort: 5000, destinationPort: 7001), payload: Array("hi bob\n".utf8))
    }

    static var echoRequest: [UInt8] {
        Frame.ipv4(ethernet: EthernetHeader(destination: alice.routerMAC, source: alice.mac, etherType: .ipv4),
                   ip: IPv4Header(identification: 10, protocolNumber: .icmp, source: alice.ip, destination: bob.ip),
                   icmp: .echoRequest(identifier: 77, sequence: 3, payload: Array(repeating: 0x61, count: 32)))
    }

    /// r1 tells alice her UDP datagram's TTL ran out.
    static var timeExceeded: [UInt8] {
        let original = Packet.ipv4(ip: IPv4Header(identification: 11, timeToLive: 1, protocolNumber: .udp,
                                                  source: alice.ip, destination: bob.ip),
                                   .udp(UDPHeader(sourcePort: 5000, destinationPort: 33434), payload: [1, 2, 3]))
        return Frame.ipv4(ethernet: EthernetHeader(destination: alice.mac, source: alice.routerMAC, etherType: .ipv4),
                          ip: IPv4Header(identification: 1, protocolNumber: .icmp, source: IPv4Address(10, 0, 1, 1),
                                         destination: alice.ip),
                          icmp: .timeExceeded(.timeToLive, quoted: ICMPMessage.quote(original)))
    }

    /// bob has no socket on UDP port 7001.
    static var portUnreachable: [UInt8] {
        let original = Packet.ipv4(ip: IPv4Header(identification: 9, timeToLive: 63, protocolNumber: .udp,
                                                  source: alice.ip, destination: bob.ip),
                                   .udp(UDPHeader(sourcePort: 5000, destinationPort: 7001), payload: Array("hi bob\n".utf8)))
        return Frame.ipv4(ethernet: EthernetHeader(destination: bob.routerMAC, source: bob.mac, etherType: .ipv4),
                          ip: IPv4Header(identification: 6, protocolNumber: .icmp, source: bob.ip, destination: alice.ip),
                          icmp: .destinationUnreachable(.port, quoted: ICMPMessage.quote(original)))
    }

    /// The "hello⏎" data segment of the exchange, as alice sent it.
    static var hello: [UInt8] {
        Fixture.tcpFrame(from: alice, farSide: false, id: 3, seq: 1001, ack: 5001, flags: [.psh, .ack],
                         payload: Array("hello\n".utf8))
    }

    /// `frame` with one bit flipped, as the corruption impairment does.
    static func flipped(_ frame: [UInt8], byte: Int, bit: Int) -> [UInt8] {
        var copy = frame
        copy[byte] ^= UInt8(1 << bit)
        return copy
    }

    /// Three frames of a real trace (`rawnet trace --save` of `rawnet nc carol bob 9100`),
    /// each as its sender sent it: carol's SYN and bob's SYN-ACK, both offering window
    /// scale 7, then bob's FIN-ACK with the window field 2048 (262144 bytes scaled).
    static let realHandshake: [[UInt8]] = [
        hex("0265d0ece795028a7963633508004500003c000140004006218a0a00031e0a000214c000238c207b14dd00000000a002ffff89b40000020405b40303070402080a21c01ac60000000000"),
        hex("0236d29cd5400287bf631dff08004500003c00074000400621840a0002140a00031e238cc00079e375de207b14dea012ffffa6ea0000020405b40303070402080a7b287bca21c01ac600"),
        hex("0236d29cd5400287bf631dff080045000034000840004006218b0a0002140a00031e238cc00079e375df207b14de801108001a5e0000080a7b287bd221c01aca0000"),
    ]

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }
}
