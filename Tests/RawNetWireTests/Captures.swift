import RawNetWire

/// One frame of each kind, built with the `Frame` builders (not golden bytes), for
/// the pcapng and tshark tests.
enum Captures {
    static let aliceEth = EthernetHeader(destination: Lab.routerMAC, source: Lab.aliceMAC, etherType: .ipv4)
    static let routerEth = EthernetHeader(destination: Lab.aliceMAC, source: Lab.routerMAC, etherType: .ipv4)

    static func ip(_ source: IPv4Address, _ destination: IPv4Address, id: UInt16, ttl: UInt8 = 64) -> IPv4Header {
        IPv4Header(identification: id, timeToLive: ttl, protocolNumber: .udp, source: source, destination: destination)
    }

    static var udpPacket: [UInt8] {
        Packet.ipv4(ip: ip(Lab.alice, Lab.bob, id: 20), .udp(UDPHeader(sourcePort: 40000, destinationPort: 4242),
                                                             payload: Array("hi bob".utf8)))
    }

    static var expiringPacket: [UInt8] {
        Packet.ipv4(ip: ip(Lab.alice, Lab.bob, id: 21, ttl: 1), .udp(UDPHeader(sourcePort: 40001, destinationPort: 33434),
                                                                     payload: Array("probe".utf8)))
    }

    /// (name, frame) in capture order.
    static var frames: [(String, [UInt8])] {
        let request = ARPPacket.request(senderMAC: Lab.aliceMAC, senderIP: Lab.alice, targetIP: Lab.router)
        let ping = Array("rawnet ping!".utf8)
        let syn = TCPHeader(sourcePort: 43210, destinationPort: 8080, sequenceNumber: 1000, acknowledgmentNumber: 0,
                            flags: .syn, window: 64240,
                            options: [.maximumSegmentSize(1460), .sackPermitted, .timestamps(value: 111, echoReply: 0),
                                      .noOperation, .windowScale(7)])
        let data = TCPHeader(sourcePort: 43210, destinationPort: 8080, sequenceNumber: 1001, acknowledgmentNumber: 5001,
                             flags: [.ack, .psh], window: 502,
                             options: [.noOperation, .noOperation, .timestamps(value: 112, echoReply: 222),
                                       .noOperation, .noOperation,
                                       .sack([SACKBlock(left: 6001, right: 7001), SACKBlock(left: 8001, right: 9001)])])
        return [
            ("arpRequest", Frame.arp(ethernet: EthernetHeader(destination: .broadcast, source: Lab.aliceMAC, etherType: .arp),
                                     arp: request)),
            ("arpReply", Frame.arp(ethernet: routerEth, arp: .reply(to: request, mac: Lab.routerMAC))),
            ("echoRequest", Frame.ipv4(ethernet: aliceEth, ip: ip(Lab.alice, Lab.bob, id: 1),
                                       icmp: .echoRequest(identifier: 0x1234, sequence: 1, payload: ping))),
            ("echoReply", Frame.ipv4(ethernet: routerEth, ip: ip(Lab.bob, Lab.alice, id: 2, ttl: 63),
                                     icmp: .echoReply(identifier: 0x1234, sequence: 1, payload: ping))),
            ("portUnreachable", Frame.ipv4(ethernet: routerEth, ip: ip(Lab.bob, Lab.alice, id: 3),
                                           icmp: .destinationUnreachable(.port, quoted: ICMPMessage.quote(udpPacket)))),
            ("timeExceeded", Frame.ipv4(ethernet: routerEth, ip: ip(Lab.router, Lab.alice, id: 4),
                                        icmp: .timeExceeded(.timeToLive, quoted: ICMPMessage.quote(expiringPacket)))),
            ("udp", Frame.ipv4(ethernet: aliceEth, packet: udpPacket)),
            ("tcpSyn", Frame.ipv4(ethernet: aliceEth, ip: ip(Lab.alice, Lab.bob, id: 5), tcp: syn, payload: [])),
            ("tcpData", Frame.ipv4(ethernet: aliceEth, ip: ip(Lab.alice, Lab.bob, id: 6), tcp: data,
                                   payload: Array("hello over tcp".utf8))),
        ]
    }
}
