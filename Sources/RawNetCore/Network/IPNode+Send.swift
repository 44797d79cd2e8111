import RawNetWire

extension IPNode {
    /// Sends a packet this node originates (a ping, a traceroute probe, a UDP
    /// datagram or TCP segment from an app). The route decides the interface and,
    /// unless `source` is given, the source address. A packet to one of the node's
    /// own addresses is delivered back to it without touching a link.
    public mutating func send(_ payload: IPv4Payload, to destination: IPv4Address, from source: IPv4Address? = nil,
                              timeToLive: UInt8? = nil, now: Instant) -> [NodeOutput] {
        let route = route(to: destination)
        let chosenSource = source
            ?? (isOwnAddress(destination) ? destination : nil)
            ?? route.map { $0.preferredSource ?? interfaces[$0.interface].address.address }
            ?? interfaces.first?.address.address
            ?? .any
        let header = IPv4Header(identification: takeIdentification(),
                                timeToLive: timeToLive ?? configuration.defaultTimeToLive,
                                protocolNumber: IPNode.protocolNumber(of: payload),
                                source: chosenSource, destination: destination)
        var frame: [UInt8] = []
        frame.reserveCapacity(EthernetView.headerLength + header.headerLength + Self.reservedLength(of: payload))
        EthernetHeader(destination: .zero, source: .zero, etherType: .ipv4).serialize(into: &frame)
        Packet.serializeIPv4(ip: header, payload, into: &frame)
        if header.protocolNumber != .tcp, let route, !isOwnAddress(destination) {
            let linkMTU = interfaces[route.interface].mtu
            let mtu = min(linkMTU, pathMTU(to: destination, now: now) ?? linkMTU)
            if frame.count - EthernetView.headerLength > mtu {
                Self.clearDontFragment(in: &frame)
                if mtu < linkMTU {
                    return sendInPieces(frame, mtu: mtu, destination: destination, route: route, now: now)
                }
            }
        }
        return dispatchLocallyOriginated(frame: consume frame, destination: destination, route: route, now: now)
    }

    /// A UDP datagram or ICMP message larger than the path MTU learned for its
    /// destination: cut for that MTU here, as Linux does once it knows it.
    private mutating func sendInPieces(_ frame: [UInt8], mtu: Int, destination: IPv4Address, route: Route,
                                       now: Instant) -> [NodeOutput] {
        let packet = Array(frame[EthernetView.headerLength...])
        guard let pieces = try? IPv4Fragmentation.fragments(of: packet, mtu: mtu) else {
            return dispatchLocallyOriginated(frame: frame, destination: destination, route: route, now: now)
        }
        var outputs: [NodeOutput] = [.event(.fragmented(interface: route.interface,
                                                        identification: UInt16(packet[4]) << 8 | UInt16(packet[5]),
                                                        count: pieces.count, mtu: mtu))]
        for piece in pieces {
            outputs += dispatchLocallyOriginated(frame: Array(frame[0..<EthernetView.headerLength]) + piece,
                                                 destination: destination, route: route, now: now)
        }
        return outputs
    }

    /// Clears DF in the packet of `frame` (checksum updated, RFC 1624). A UDP
    /// datagram or ICMP message larger than its interface's MTU is fragmented
    /// by its sender, as Linux does for sockets without strict PMTU discovery;
    /// one that fits keeps DF, and TCP always does.
    static func clearDontFragment(in frame: inout [UInt8]) {
        let at = EthernetView.headerLength + 6
        guard frame.count >= EthernetView.headerLength + 20, frame[at] & 0x40 != 0 else { return }
        let old = UInt16(frame[at]) << 8 | UInt16(frame[at + 1])
        let new = old & ~0x4000
        frame[at] = UInt8(new >> 8)
        let checksumAt = EthernetView.headerLength + 10
        let checksum = UInt16(frame[checksumAt]) << 8 | UInt16(frame[checksumAt + 1])
        let updated = InternetChecksum.update(checksum, old: old, new: new)
        frame[checksumAt] = UInt8(updated >> 8)
        frame[checksumAt + 1] = UInt8(updated & 0xFF)
    }

    /// Room to reserve for `payload` (headers at their longest), so a frame is
    /// allocated once and never grown.
    static func reservedLength(of payload: IPv4Payload) -> Int {
        switch payload {
        case .tcp(_, let data): 60 + data.count
        case .udp(_, let data): 8 + data.count
        case .raw(let bytes): bytes.count
        case .icmp: 576
        }
    }

    /// Sends an IPv4 packet this node built whole (header and checksums included).
    public mutating func send(packet: [UInt8], now: Instant) -> [NodeOutput] {
        var frame: [UInt8] = []
        frame.reserveCapacity(EthernetView.headerLength + packet.count)
        EthernetHeader(destination: .zero, source: .zero, etherType: .ipv4).serialize(into: &frame)
        frame.append(contentsOf: packet)
        guard let header = try? IPv4Header(parsing: packet, verifyChecksum: false) else {
            return [drop(.malformed, interface: nil, bytes: frame, detail: "locally sent packet is not IPv4")]
        }
        return dispatchLocallyOriginated(frame: frame, destination: header.destination,
                                         route: route(to: header.destination), now: now)
    }

    /// Tells the sender of a delivered packet that it could not be handled here,
    /// e.g. `.port` when no socket listens on its UDP port (RFC 1122 3.2.2.1).
    public mutating func sendDestinationUnreachable(_ code: ICMPUnreachableCode, about delivered: DeliveredPacket,
                                                    now: Instant) -> [NodeOutput] {
        icmpError(.destinationUnreachable(code, quoted: ICMPMessage.errorQuote(delivered.packet)), about: delivered.packet,
                  arrivedOn: delivered.interface, linkBroadcast: false, now: now)
    }

    /// Answers a packet for this node that no socket takes, as a host with no
    /// socket there does (a router has no sockets at all): a TCP segment gets a
    /// RST computed from it (RFC 9293 §3.10.7.1; never one for a RST), a UDP
    /// datagram an ICMP port unreachable (RFC 1122 3.2.2.1). Either way it is a
    /// counted "no socket on port" drop. A TCP segment to a broadcast address gets no RST.
    public mutating func refuse(_ delivered: DeliveredPacket, now: Instant) -> [NodeOutput] {
        let packet = delivered.packet
        var frame: [UInt8] = []
        frame.reserveCapacity(EthernetView.headerLength + packet.count)
        EthernetHeader(destination: .zero, source: .zero, etherType: .ipv4).serialize(into: &frame)
        frame.append(contentsOf: packet)
        let header = delivered.header
        switch delivered.transport {
        case .tcp(let tcp, let payload):
            var outputs = [drop(.noSocketOnPort, interface: delivered.interface, bytes: frame,
                                detail: "no TCP socket on port \(tcp.destinationPort)")]
            let segment = TCPSegment(source: header.source, destination: header.destination, header: tcp,
                                     payload: payload)
            if isOwnAddress(header.destination), let reset = TCPConnection.reset(replyingTo: segment) {
                outputs += send(.tcp(reset.header, payload: []), to: reset.destination, from: reset.source, now: now)
            }
            return outputs
        case .udp(let udp, _):
            return [drop(.noSocketOnPort, interface: delivered.interface, bytes: frame,
                         detail: "no UDP socket on port \(udp.destinationPort)")]
                + sendDestinationUnreachable(.port, about: delivered, now: now)
        default:
            return []
        }
    }

    /// Routes a frame whose Ethernet header is still blank, holding a locally originated packet.
    /// The frame is taken (`consuming`), so addressing it writes in place rather than into a copy.
    private mutating func dispatchLocallyOriginated(frame: consuming [UInt8], destination: IPv4Address, route: Route?,
                                                    now: Instant) -> [NodeOutput] {
        if isOwnAddress(destination) {
            return receiveLocal(frame: frame, on: nil, isBroadcast: false, now: now)
        }
        guard let route else {
            let packet = Array(frame[EthernetView.headerLength...])
            return [drop(.noRoute, interface: nil, bytes: frame, detail: "no route to \(destination)")]
                + icmpError(.destinationUnreachable(.network, quoted: ICMPMessage.errorQuote(packet)),
                            about: packet, arrivedOn: nil, linkBroadcast: false, now: now)
        }
        var outputs: [NodeOutput] = []
        sendFrame(consume frame, toward: route.neighbour(for: destination), interface: route.interface, inbound: nil,
                  now: now, into: &outputs)
        return outputs
    }

    static func protocolNumber(of payload: IPv4Payload) -> IPProtocol {
        switch payload {
        case .icmp: return .icmp
        case .udp: return .udp
        case .tcp: return .tcp
        case .raw: return IPProtocol(255)
        }
    }
}

extension IPNode {
    /// Sends a UDP datagram to a link-local multicast group out of one interface
    /// (RIP's updates to 224.0.0.9): from that interface's address, TTL 1, to the
    /// group's Ethernet address (RFC 1112 §6.4), with no route and no ARP.
    public mutating func sendMulticast(_ udp: UDPHeader, payload: [UInt8], to group: IPv4Address, interface: Int,
                                       now: Instant) -> [NodeOutput] {
        guard interfaces.indices.contains(interface) else { return [] }
        let own = interfaces[interface]
        let header = IPv4Header(identification: takeIdentification(), timeToLive: 1, protocolNumber: .udp,
                                source: own.address.address, destination: group)
        var frame: [UInt8] = []
        frame.reserveCapacity(EthernetView.headerLength + header.headerLength + 8 + payload.count)
        EthernetHeader(destination: .multicast(group), source: own.macAddress, etherType: .ipv4).serialize(into: &frame)
        Packet.serializeIPv4(ip: header, .udp(udp, payload: payload), into: &frame)
        guard own.isUp else { return [drop(.linkDown, interface: interface, bytes: frame)] }
        Frame.pad(&frame)
        return [transmit(frame, interface: interface)]
    }
}
