import RawNetWire

extension IPNode {
    /// Handles one Ethernet frame that arrived on `interface`. A frame the
    /// caller gives up (`consume`) is forwarded in place, without a copy.
    public mutating func receive(frame: consuming [UInt8], on interface: Int, now: Instant) -> [NodeOutput] {
        // `frame` is consumed where it moves on (no shadowing `let`: its copy would keep this
        // parameter alive, and the frame forwarded would be written into a copy).
        guard interfaces.indices.contains(interface) else {
            return [drop(.malformed, interface: nil, bytes: frame, detail: "no interface number \(interface)")]
        }
        guard interfaces[interface].isUp else {
            return [drop(.linkDown, interface: interface, bytes: frame)]
        }
        interfaces[interface].counters.countReceived(bytes: frame.count)
        let ethernet: EthernetHeader
        do {
            ethernet = try EthernetHeader(parsing: copy frame)
        } catch {
            return [drop(.malformed, interface: interface, bytes: frame, detail: error.description)]
        }
        let isLinkBroadcast = ethernet.destination.isBroadcast || isJoinedMulticast(ethernet.destination)
        guard isLinkBroadcast || ethernet.destination == interfaces[interface].macAddress else {
            return [drop(.notForUs, interface: interface, bytes: frame, detail: "frame for \(ethernet.destination)")]
        }
        switch ethernet.etherType {
        case .arp:
            return receiveARP(frame: frame, on: interface, now: now)
        case .ipv4:
            return receiveIPv4(frame: consume frame, on: interface, isLinkBroadcast: isLinkBroadcast, now: now)
        default:
            return [drop(.unsupportedProtocol, interface: interface, bytes: frame,
                         detail: "EtherType \(ethernet.etherType)")]
        }
    }

    // MARK: ARP

    private mutating func receiveARP(frame: [UInt8], on interface: Int, now: Instant) -> [NodeOutput] {
        let arp: ARPPacket
        do {
            arp = try frame.withUnsafeBytes { raw in
                try ARPPacket(parsing: UnsafeRawBufferPointer(rebasing: raw[EthernetView.headerLength...]))
            }
        } catch {
            return [drop(.malformed, interface: interface, bytes: frame, detail: "\(error)")]
        }
        let own = interfaces[interface]
        if arp.senderIP == own.address.address {
            return [drop(.badSourceAddress, interface: interface, bytes: frame,
                         detail: "\(arp.senderMAC) claims this interface's address \(arp.senderIP)")]
        }
        var outputs: [NodeOutput] = []
        let isTargetedAtUs = arp.targetIP == own.address.address
        let knewBefore = arpCache.lookup(arp.senderIP, interface: interface, now: now)
        let released = arpCache.learn(arp.senderIP, macAddress: arp.senderMAC, interface: interface,
                                      isTargetedAtUs: isTargetedAtUs, now: now)
        let knowsNow = arpCache.lookup(arp.senderIP, interface: interface, now: now)
        if let knowsNow, knowsNow != knewBefore {
            outputs.append(.event(.arpResolved(interface: interface, address: arp.senderIP, macAddress: knowsNow)))
        }
        for pending in released {
            outputs.append(transmit(Self.addressed(pending.frame, to: arp.senderMAC, from: own.macAddress),
                                    interface: interface))
        }
        if arp.operation == .request && isTargetedAtUs {
            let reply = Frame.arp(ethernet: EthernetHeader(destination: arp.senderMAC, source: own.macAddress, etherType: .arp),
                                  arp: .reply(to: arp, mac: own.macAddress))
            outputs.append(transmit(reply, interface: interface))
        }
        return outputs
    }

    // MARK: IPv4

    private mutating func receiveIPv4(frame: consuming [UInt8], on interface: Int, isLinkBroadcast: Bool,
                                      now: Instant) -> [NodeOutput] {
        let header: IPv4Header
        do {
            header = try frame.withUnsafeBytes { raw in
                try IPv4Header(parsing: UnsafeRawBufferPointer(rebasing: raw[EthernetView.headerLength...]))
            }
        } catch let error as WireError {
            if case .badChecksum = error {
                return [drop(.badChecksum, interface: interface, bytes: frame, detail: error.description)]
            }
            return [drop(.malformed, interface: interface, bytes: frame, detail: error.description)]
        } catch {
            return [drop(.malformed, interface: interface, bytes: frame, detail: "\(error)")]
        }
        if Self.isBroadcastOrMulticast(header.source) || isOwnAddress(header.source) {
            return [drop(.badSourceAddress, interface: interface, bytes: frame, detail: "source \(header.source)")]
        }
        if let problem = reversePathProblem(source: header.source, arrivedOn: interface) {
            return [drop(.reversePath, interface: interface, bytes: frame, detail: problem)]
        }
        let destination = header.destination
        // Directed broadcasts of any attached subnet end here (RFC 1812 5.3.5.2: not forwarded by default),
        // as do packets to a joined link-local group.
        if multicastGroups.contains(destination) {
            return receiveLocal(frame: frame, on: interface, isBroadcast: true, now: now)
        }
        if isOwnAddress(destination) || interfaces.indices.contains(where: { isBroadcast(destination, on: $0) }) {
            return receiveLocal(frame: frame, on: interface, isBroadcast: isLinkBroadcast || !isOwnAddress(destination),
                                now: now)
        }
        guard configuration.isForwarding, !Self.isBroadcastOrMulticast(destination) else {
            return [drop(.notForUs, interface: interface, bytes: frame, detail: "packet for \(destination)")]
        }
        return forward(frame: consume frame, header: header, from: interface, isLinkBroadcast: isLinkBroadcast, now: now)
    }

    /// Why the reverse-path filter refuses a packet from `source` that arrived on
    /// `interface`, or nil when it passes (always with the filter off). As in
    /// Linux, the check covers packets for this node as well as forwarded ones,
    /// and 0.0.0.0 (a host that has no address yet) is not checked.
    func reversePathProblem(source: IPv4Address, arrivedOn interface: Int) -> String? {
        let mode = configuration.reversePathFilter
        guard mode != .off, source != .any else { return nil }
        guard let route = routingTable.lookup(source) else {
            return "\(mode) rp_filter: no route back to \(source)"
        }
        if mode == .strict && route.interface != interface {
            let back = interfaces.indices.contains(route.interface) ? interfaces[route.interface].name : "?"
            return "strict rp_filter: the route back to \(source) leaves by \(back), not \(interfaces[interface].name)"
        }
        return nil
    }

    /// Delivers a packet for this node: answers pings, hands the rest to the upper layers.
    /// `interface` is nil for packets this node sent to itself.
    mutating func receiveLocal(frame: [UInt8], on interface: Int?, isBroadcast: Bool, now: Instant) -> [NodeOutput] {
        let decoded = DecodedFrame(parsing: frame)
        if let error = decoded.error {
            let reason: DropReason
            if case .badChecksum = error { reason = .badChecksum } else { reason = .malformed }
            return [drop(reason, interface: interface, bytes: frame, detail: error.description)]
        }
        guard case .ipv4(let header, let transport) = decoded.payload else {
            return [drop(.malformed, interface: interface, bytes: frame)]
        }
        let end = min(frame.count, EthernetView.headerLength + Int(header.totalLength))
        let packetRange = EthernetView.headerLength..<end
        var packet: [UInt8] { Array(frame[packetRange]) }
        switch transport {
        case .fragment:
            return reassemble(frame: frame, packetRange: packetRange, on: interface, isBroadcast: isBroadcast, now: now)
        case .undecoded:
            return [drop(.malformed, interface: interface, bytes: frame)]
        case .other(let protocolNumber, _):
            var outputs = [drop(.unsupportedProtocol, interface: interface, bytes: frame,
                                detail: "IP protocol \(protocolNumber.rawValue)")]
            if !isBroadcast {
                outputs += icmpError(.destinationUnreachable(.protocol, quoted: ICMPMessage.errorQuote(packet)),
                                     about: packet, arrivedOn: interface, linkBroadcast: false, now: now)
            }
            return outputs
        case .icmp(.echoRequest(let identifier, let sequence, let data)):
            guard !isBroadcast else {
                return [drop(.notForUs, interface: interface, bytes: frame, detail: "broadcast ping is not answered")]
            }
            var outputs: [NodeOutput] = [.event(.echoAnswered(to: header.source, identifier: identifier, sequence: sequence))]
            outputs += send(.icmp(.echoReply(identifier: identifier, sequence: sequence, payload: data)),
                            to: header.source, from: header.destination, now: now)
            return outputs
        case .icmp(.destinationUnreachable(.fragmentationNeeded(let mtu), let quoted)):
            learnPathMTU(Int(mtu), quoted: quoted, now: now)
            return [.deliver(DeliveredPacket(header: header, transport: transport, packetIn: frame, at: packetRange,
                                             interface: interface))]
        case .icmp, .udp, .tcp:
            return [.deliver(DeliveredPacket(header: header, transport: transport, packetIn: frame, at: packetRange,
                                             interface: interface))]
        }
    }

    /// True when `address` is the Ethernet address of a group this node joined.
    func isJoinedMulticast(_ address: MACAddress) -> Bool {
        !multicastGroups.isEmpty && multicastGroups.contains { MACAddress.multicast($0) == address }
    }

    /// True for 255.255.255.255 and the directed broadcast of the subnet of `interface`.
    func isBroadcast(_ address: IPv4Address, on interface: Int) -> Bool {
        if address == .broadcast { return true }
        let prefix = interfaces[interface].address.prefix
        return prefix.length <= 30 && address == prefix.broadcast
    }

    static func isBroadcastOrMulticast(_ address: IPv4Address) -> Bool {
        address == .broadcast || address.value >> 28 == 0xE
    }

    /// `frame` with its Ethernet addresses set and the IPv4 EtherType, padded to the minimum.
    static func addressed(_ frame: consuming [UInt8], to destination: MACAddress, from source: MACAddress) -> [UInt8] {
        frame.withUnsafeMutableBytes { raw in
            guard raw.count >= EthernetView.headerLength else { return }
            for i in 0..<6 {
                let shift = UInt64(40 - 8 * i)
                raw[i] = UInt8(truncatingIfNeeded: destination.value >> shift)
                raw[6 + i] = UInt8(truncatingIfNeeded: source.value >> shift)
            }
            raw[12] = 0x08
            raw[13] = 0x00
        }
        Frame.pad(&frame)
        return frame
    }
}
