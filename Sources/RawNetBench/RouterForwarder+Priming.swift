import RawNetPlatform
import RawNetWire

extension RouterForwarder {
    /// Makes the router know both neighbours before traffic starts: each
    /// neighbour asks (ARP request aimed at the router's interface, which the
    /// router learns per RFC 826) until the router answers, then one UDP frame
    /// must cross each way with its TTL decremented. The neighbours' temporary
    /// ends (`LinkClient`s standing for `left.eth0` and `right.eth0`) are closed
    /// again, so the traffic generator can take their place.
    static func teachNeighbours(socketKind: LinkSocketKind, routerLeft: String, routerRight: String,
                                leftSocket: String, rightSocket: String) throws {
        let leftEnd = try connect(socketKind, to: routerLeft, as: leftSocket)
        defer { leftEnd.close() }
        let rightEnd = try connect(socketKind, to: routerRight, as: rightSocket)
        defer { rightEnd.close() }
        try askRouter(as: left, through: leftEnd, answersAt: leftEnd)
        try askRouter(as: right, through: rightEnd, answersAt: rightEnd)
        try expectForwarded(frame(size: 1514, from: left, to: right), through: leftEnd, arrivingAt: rightEnd,
                            path: rightSocket)
        try expectForwarded(frame(size: 1514, from: right, to: left), through: rightEnd, arrivingAt: leftEnd,
                            path: leftSocket)
    }

    /// A neighbour's end, retrying while the router starts (up to two seconds).
    private static func connect(_ kind: LinkSocketKind, to path: String, as identity: String) throws -> LinkClient {
        var lastError: Error?
        for _ in 0..<200 {
            do {
                let client = try LinkClient(kind: kind, connectingTo: path, as: identity)
                guard try client.waitForAnswer(timeout: .seconds(2)) else {
                    client.close()
                    throw BenchError("the router took no cable at \(path)")
                }
                return client
            } catch {
                lastError = error
                MonotonicClock.sleep(for: .milliseconds(10))
            }
        }
        throw BenchError("cannot connect to \(path): \(lastError.map { "\($0)" } ?? "unknown error")")
    }

    /// `neighbour`'s ARP request for the router's address.
    static func arpRequest(from neighbour: Neighbour) -> [UInt8] {
        Frame.arp(
            ethernet: EthernetHeader(destination: .broadcast, source: neighbour.macAddress, etherType: .arp),
            arp: .request(senderMAC: neighbour.macAddress, senderIP: neighbour.address, targetIP: neighbour.routerAddress))
    }

    /// Sends ARP requests from `neighbour` for the router's address until the reply arrives.
    private static func askRouter(as neighbour: Neighbour, through sender: LinkClient,
                                  answersAt receiver: LinkClient) throws {
        let request = arpRequest(from: neighbour)
        for _ in 0..<20 {
            _ = sender.send(request)
            var deadline = 10
            while deadline > 0, let reply = try receiver.receive(timeout: .milliseconds(50)) {
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
    private static func expectForwarded(_ frame: [UInt8], through sender: LinkClient,
                                        arrivingAt receiver: LinkClient, path: String) throws {
        _ = sender.send(frame)
        let ttlOffset = EthernetView.headerLength + 8
        for _ in 0..<20 {
            guard let bytes = try receiver.receive(timeout: .milliseconds(100)) else { continue }
            if bytes.count == frame.count, bytes[12] == 0x08, bytes[13] == 0x00 {
                guard bytes[ttlOffset] == frame[ttlOffset] - 1 else {
                    throw BenchError("a frame reached \(path) with TTL \(bytes[ttlOffset]), sent with \(frame[ttlOffset])")
                }
                return
            }
        }
        throw BenchError("a test frame did not reach \(path) through the router")
    }
}
