import RawNetWire

extension IPNode {
    /// Routes a packet that is not for this node: longest-prefix match, TTL check and
    /// decrement, ARP for the next hop.
    mutating func forward(frame: consuming [UInt8], header: IPv4Header, from inbound: Int, isLinkBroadcast: Bool,
                          now: Instant) -> [NodeOutput] {
        // RFC 1812 5.3.4: a packet that came as a link-layer broadcast is not forwarded.
        guard !isLinkBroadcast else {
            return [drop(.notForUs, interface: inbound, bytes: frame, detail: "link-layer broadcast is not forwarded")]
        }
        let end = min(frame.count, EthernetView.headerLength + Int(header.totalLength))
        // The route first, then the TTL, as Linux does (the routing decision comes before
        // ip_forward's TTL check): a packet with nowhere to go is unreachable (traceroute's
        // !N at this hop), whatever its TTL.
        guard let route = route(to: header.destination) else {
            let packet = Array(frame[EthernetView.headerLength..<end])
            return [drop(.noRoute, interface: inbound, bytes: frame, detail: "no route to \(header.destination)")]
                + icmpError(.destinationUnreachable(.network, quoted: ICMPMessage.errorQuote(packet)),
                            about: packet, arrivedOn: inbound, linkBroadcast: false, now: now)
        }
        guard header.timeToLive > 1 else {
            let packet = Array(frame[EthernetView.headerLength..<end])
            return [drop(.ttlExpired, interface: inbound, bytes: frame, detail: "TTL \(header.timeToLive)")]
                + icmpError(.timeExceeded(.timeToLive, quoted: ICMPMessage.errorQuote(packet)),
                            about: packet, arrivedOn: inbound, linkBroadcast: false, now: now)
        }
        let outbound = route.interface
        guard interfaces[outbound].isUp else {
            return [drop(.linkDown, interface: outbound, bytes: frame, detail: "\(interfaces[outbound].name) is down")]
        }
        // The frame becomes the outgoing one: changed in place when the caller gave it up.
        var outgoing = consume frame
        if outgoing.count > end { outgoing.removeLast(outgoing.count - end) }
        let ttl: UInt8
        do {
            ttl = try IPv4Header.decrementTTL(inPacket: &outgoing, at: EthernetView.headerLength)
        } catch {
            return [drop(.malformed, interface: inbound, bytes: outgoing, detail: error.description)]
        }
        var outputs: [NodeOutput] = []
        outputs.reserveCapacity(2)
        outputs.append(.event(.forwarded(from: inbound, to: outbound, source: header.source,
                                         destination: header.destination, timeToLive: ttl)))
        sendFrame(consume outgoing, toward: route.neighbour(for: header.destination), interface: outbound,
                  inbound: inbound, now: now, into: &outputs)
        return outputs
    }

    /// Sends a frame holding an IPv4 packet to a neighbour: at once if its MAC
    /// address is known, else after ARP (the frame waits in the ARP cache).
    mutating func sendFrame(_ frame: consuming [UInt8], toward neighbour: IPv4Address, interface: Int, inbound: Int?,
                            now: Instant, into outputs: inout [NodeOutput]) {
        // `consume frame` on the way out (no shadowing `let`, whose copy would keep the
        // parameter alive): addressed in place, not copied.
        let own = interfaces[interface]
        guard own.isUp else {
            outputs.append(drop(.linkDown, interface: interface, bytes: frame, detail: "\(own.name) is down"))
            return
        }
        if Self.ipTotalLength(of: frame) > own.mtu {
            sendOversized(consume frame, toward: neighbour, interface: interface, inbound: inbound, now: now, into: &outputs)
            return
        }
        if isBroadcast(neighbour, on: interface) {
            outputs.append(transmit(Self.addressed(consume frame, to: .broadcast, from: own.macAddress), interface: interface))
            return
        }
        if let mac = arpCache.lookup(neighbour, interface: interface, now: now) {
            outputs.append(transmit(Self.addressed(consume frame, to: mac, from: own.macAddress), interface: interface))
            return
        }
        // Not a frame on this link until ARP answers: a forwarded packet keeps no trace of the
        // header it arrived in, so a drop while it waits shows as the IP layer's, not another cable's.
        let pending = PendingFrame(frame: Self.addressed(consume frame, to: .zero, from: .zero), inboundInterface: inbound)
        switch arpCache.resolve(neighbour, interface: interface, packet: pending, now: now) {
        case .resolved(let mac):
            // Not reached after the lookup above; kept so every case sends.
            outputs.append(transmit(Self.addressed(pending.frame, to: mac, from: own.macAddress), interface: interface))
        case .queued(let sendRequest):
            if sendRequest { outputs += arpRequest(for: neighbour, interface: interface) }
        case .overflow:
            outputs.append(drop(.arpQueueOverflow, interface: interface, bytes: pending.frame,
                                detail: "already \(configuration.arp.maximumPendingPerAddress) packets waiting for \(neighbour)"))
        }
    }

    /// Whether RFC 1122 3.2.2 and RFC 1812 4.3.2.7 allow an ICMP error about this
    /// packet: never about an ICMP error, a fragment other than the first, a
    /// broadcast or multicast, a link-layer broadcast, or a source that names no
    /// single host.
    func icmpErrorAllowed(about original: IPv4Header, packet: [UInt8], linkBroadcast: Bool) -> Bool {
        guard !linkBroadcast, original.fragmentOffset == 0 else { return false }
        if Self.isBroadcastOrMulticast(original.destination)
            || interfaces.indices.contains(where: { isBroadcast(original.destination, on: $0) }) {
            return false
        }
        let source = original.source
        if source == .any || Self.isBroadcastOrMulticast(source) || source.value >> 24 == 127 || source.value >> 28 == 0xF {
            return false
        }
        if original.protocolNumber == .icmp {
            let typeOffset = original.headerLength
            guard typeOffset < packet.count else { return false }
            // Echo request/reply, timestamp, information and address mask messages are queries; all else is an error.
            let queries: Set<UInt8> = [0, 8, 13, 14, 15, 16, 17, 18]
            return queries.contains(packet[typeOffset])
        }
        return true
    }

    /// An ICMP error about `packet` to its sender, when allowed and within the rate
    /// limit. When this node sent `packet` itself, the error is delivered to its own
    /// upper layers instead, as a real stack reports a failed send to the app.
    mutating func icmpError(_ message: ICMPMessage, about packet: [UInt8], arrivedOn inbound: Int?, linkBroadcast: Bool,
                            now: Instant) -> [NodeOutput] {
        guard let original = try? IPv4Header(parsing: packet, verifyChecksum: false, requireFullPacket: false),
              icmpErrorAllowed(about: original, packet: packet, linkBroadcast: linkBroadcast) else { return [] }
        if isOwnAddress(original.source) {
            var header = IPv4Header(identification: takeIdentification(), timeToLive: configuration.defaultTimeToLive,
                                    protocolNumber: .icmp, source: original.source, destination: original.source)
            let bytes = Packet.ipv4(ip: header, .icmp(message))
            header.totalLength = UInt16(bytes.count)
            return [.deliver(DeliveredPacket(header: header, transport: .icmp(message), packet: bytes, interface: nil))]
        }
        guard takeICMPErrorToken(to: original.source, now: now) else {
            return [.event(.icmpErrorRateLimited(type: message.type, code: message.code, destination: original.source))]
        }
        // Reply from the address the packet came in on, so traceroute names that interface.
        let source = inbound.flatMap { interfaces.indices.contains($0) ? interfaces[$0].address.address : nil }
        var outputs: [NodeOutput] = [.event(.icmpErrorSent(type: message.type, code: message.code,
                                                           destination: original.source))]
        outputs += send(.icmp(message), to: original.source, from: source, now: now)
        return outputs
    }
}
