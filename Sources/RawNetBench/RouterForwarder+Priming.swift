import RawNetPlatform
import RawNetWire

extension RouterForwarder {
    /// Makes the router know both neighbours before traffic starts: each
    /// neighbour asks (ARP request aimed at the router's interface, which the
    /// router learns per RFC 826) until the router answers, then one UDP frame
    /// must cross each way with its TTL decremented. The temporary neighbour
    /// sockets are closed again, so the traffic generator can bind the paths.
    static func teachNeighbours(leftToRight: FramePath, rightToLeft: FramePath) throws {
        let leftEnd = try UnixDatagramSocket(boundTo: rightToLeft.collect)
        let rightEnd = try UnixDatagramSocket(boundTo: leftToRight.collect)
        let intoLeft = try FrameTraffic.connectedSender(to: leftToRight.inject)
        let intoRight = try FrameTraffic.connectedSender(to: rightToLeft.inject)
        defer {
            leftEnd.close()
            rightEnd.close()
        }
        try askRouter(as: left, through: intoLeft, answersAt: leftEnd)
        try askRouter(as: right, through: intoRight, answersAt: rightEnd)
        try expectForwarded(frame(size: 1514, from: left, to: right), through: intoLeft, arrivingAt: rightEnd,
                            path: leftToRight.collect)
        try expectForwarded(frame(size: 1514, from: right, to: left), through: intoRight, arrivingAt: leftEnd,
                            path: rightToLeft.collect)
    }

    /// Sends ARP requests from `neighbour` for the router's address until the reply arrives.
    private static func askRouter(as neighbour: Neighbour, through sender: UnixDatagramSocket,
                                  answersAt receiver: UnixDatagramSocket) throws {
        let request = Frame.arp(
            ethernet: EthernetHeader(destination: .broadcast, source: neighbour.macAddress, etherType: .arp),
            arp: .request(senderMAC: neighbour.macAddress, senderIP: neighbour.address, targetIP: neighbour.routerAddress))
        for _ in 0..<20 {
            _ = sender.send(request)
            var deadline = 10
            while deadline > 0, let reply = try receive(on: receiver, timeout: .milliseconds(50)) {
                deadline -= 1
                guard reply.count >= EthernetView.headerLength + 28,
                      let arp = try? reply.withUnsafeBytes({ raw in
                          try ARPPacket(parsing: UnsafeRawBufferPointer(rebasing: raw[EthernetView.headerLength...]))
                      }) else { continue }
                if arp.operation == .reply, arp.senderIP == neighbour.routerAddress, arp.targetIP == neighbour.address {
                    return
                }
            }
        }
        throw BenchError("the router did not answer ARP for \(neighbour.routerAddress) from \(neighbour.node)")
    }

    /// Sends one frame and checks that it comes out as the router forwards it: same length, TTL one less.
    private static func expectForwarded(_ frame: [UInt8], through sender: UnixDatagramSocket,
                                        arrivingAt receiver: UnixDatagramSocket, path: String) throws {
        _ = sender.send(frame)
        let ttlOffset = EthernetView.headerLength + 8
        for _ in 0..<20 {
            guard let bytes = try receive(on: receiver, timeout: .milliseconds(100)) else { continue }
            if bytes.count == frame.count, bytes[12] == 0x08, bytes[13] == 0x00 {
                guard bytes[ttlOffset] == frame[ttlOffset] - 1 else {
                    throw BenchError("a frame reached \(path) with TTL \(bytes[ttlOffset]), sent with \(frame[ttlOffset])")
                }
                return
            }
        }
        throw BenchError("a test frame did not reach \(path) through the router")
    }

    private static func receive(on socket: UnixDatagramSocket, timeout: Duration) throws -> [UInt8]? {
        guard socket.fileDescriptor.waitReadable(timeout: timeout) else { return nil }
        return try socket.receive()
    }
}
