import RawNetWire

/// The MTU of every link: datagrams larger than the egress interface's MTU are
/// fragmented (RFC 791) or, with Don't Fragment set, dropped and answered with
/// ICMP "fragmentation needed" carrying the next-hop MTU (RFC 1191); fragments
/// for this node are put back together (`IPv4Reassembly`).
extension IPNode {
    /// The IPv4 total length of the packet in `frame`, from its header.
    static func ipTotalLength(of frame: borrowing [UInt8]) -> Int {
        guard frame.count >= EthernetView.headerLength + 4 else { return 0 }
        return Int(frame[EthernetView.headerLength + 2]) << 8 | Int(frame[EthernetView.headerLength + 3])
    }

    /// Sends a frame whose packet is larger than `interface`'s MTU: fragments it
    /// when DF is clear, else drops it ("fragmentation needed") and tells the
    /// sender (for a packet of this node, its own upper layers).
    mutating func sendOversized(_ frame: [UInt8], toward neighbour: IPv4Address, interface: Int, inbound: Int?,
                                now: Instant, into outputs: inout [NodeOutput]) {
        let mtu = interfaces[interface].mtu
        let end = min(frame.count, EthernetView.headerLength + Self.ipTotalLength(of: frame))
        let packet = Array(frame[EthernetView.headerLength..<max(EthernetView.headerLength, end)])
        guard packet.count >= IPv4View.minimumHeaderLength else {
            outputs.append(drop(.malformed, interface: interface, bytes: frame, detail: "packet shorter than its header"))
            return
        }
        let dontFragment = packet[6] & 0x40 != 0
        if dontFragment {
            outputs.append(drop(.fragmentationNeeded, interface: interface, bytes: frame,
                                detail: "\(packet.count) bytes with DF, \(interfaces[interface].name) mtu \(mtu)"))
            // The quote is the header and 8 bytes (RFC 792): the packet is too big to quote whole,
            // and a transport segment cut short reads as a bad checksum to anyone who checks it.
            let quoted = Array(packet.prefix(Int(packet[0] & 0x0F) * 4 + 8))
            let message = ICMPMessage.destinationUnreachable(.fragmentationNeeded(nextHopMTU: UInt16(clamping: mtu)),
                                                             quoted: quoted)
            outputs += icmpError(message, about: packet, arrivedOn: inbound, linkBroadcast: false, now: now)
            return
        }
        let pieces: [[UInt8]]
        do {
            pieces = try IPv4Fragmentation.fragments(of: packet, mtu: mtu)
        } catch {
            outputs.append(drop(.malformed, interface: interface, bytes: frame, detail: error.description))
            return
        }
        let identification = UInt16(packet[4]) << 8 | UInt16(packet[5])
        outputs.append(.event(.fragmented(interface: interface, identification: identification, count: pieces.count,
                                          mtu: mtu)))
        for piece in pieces {
            var pieceFrame = Array(frame[0..<EthernetView.headerLength])
            pieceFrame.append(contentsOf: piece)
            sendFrame(pieceFrame, toward: neighbour, interface: interface, inbound: inbound, now: now, into: &outputs)
        }
    }

    /// How long a learned path MTU holds, and how many destinations are remembered.
    static let pathMTUTimeout: Duration = .seconds(600)
    static let maximumPathMTUs = 256

    /// A router reported `mtu` for a packet of ours (quoted): smaller datagrams
    /// to its destination from now on. Reports not below the link's MTU, or below 68, are ignored.
    mutating func learnPathMTU(_ mtu: Int, quoted: [UInt8], now: Instant) {
        guard mtu >= IPv4Fragmentation.minimumMTU,
              let original = try? IPv4Header(parsing: quoted, verifyChecksum: false, requireFullPacket: false),
              isOwnAddress(original.source), let route = routingTable.lookup(original.destination),
              mtu < interfaces[route.interface].mtu else { return }
        if pathMTUs[original.destination] == nil, pathMTUs.count >= Self.maximumPathMTUs {
            pathMTUs = pathMTUs.filter { $0.value.until > now }
            if pathMTUs.count >= Self.maximumPathMTUs, let oldest = pathMTUs.min(by: { $0.value.until < $1.value.until }) {
                pathMTUs[oldest.key] = nil
            }
        }
        pathMTUs[original.destination] = (mtu, now + Self.pathMTUTimeout)
    }

    /// The path MTU known for `destination`, if one was learned and still holds.
    public func pathMTU(to destination: IPv4Address, now: Instant) -> Int? {
        guard let known = pathMTUs[destination], known.until > now else { return nil }
        return known.mtu
    }

    /// A fragment for this node: held until its datagram is whole, then delivered as one packet.
    mutating func reassemble(frame: [UInt8], packetRange: Range<Int>, on interface: Int?, isBroadcast: Bool,
                             now: Instant) -> [NodeOutput] {
        switch reassembly.add(Array(frame[packetRange]), interface: interface, now: now) {
        case .held:
            return []
        case .dropped(let reason, let detail), .discarded(let reason, let detail):
            return [drop(reason, interface: interface, bytes: frame, detail: detail)]
        case .complete(let packet, let count):
            let header = try? IPv4Header(parsing: packet, verifyChecksum: false)
            var whole = Array(frame[0..<EthernetView.headerLength])
            whole.append(contentsOf: packet)
            var outputs: [NodeOutput] = [.event(.reassembled(source: header?.source ?? .any,
                                                             identification: header?.identification ?? 0,
                                                             count: count, length: packet.count))]
            outputs += receiveLocal(frame: whole, on: interface, isBroadcast: isBroadcast, now: now)
            return outputs
        }
    }

    /// Gives up datagrams whose fragments did not all come in time: a counted
    /// "reassembly timeout" drop each, and ICMP time exceeded (code 1) to the
    /// sender when the first fragment came (RFC 792, RFC 1122 3.3.2).
    mutating func expireReassembly(now: Instant) -> [NodeOutput] {
        guard let deadline = reassembly.nextDeadline(), deadline <= now else { return [] }
        var outputs: [NodeOutput] = []
        for expired in reassembly.expire(now: now) {
            let quoted = expired.firstFragment ?? []
            var frame = [UInt8](repeating: 0, count: EthernetView.headerLength)
            frame.append(contentsOf: quoted)
            outputs.append(drop(.reassemblyTimeout, interface: expired.interface, bytes: frame,
                                detail: "id \(expired.key.identification) from \(expired.key.source)"
                                    + (expired.firstFragment == nil ? ", first fragment never came" : "")))
            guard let first = expired.firstFragment else { continue }
            outputs += icmpError(.timeExceeded(.fragmentReassembly, quoted: ICMPMessage.errorQuote(first)),
                                 about: first, arrivedOn: expired.interface, linkBroadcast: false, now: now)
        }
        return outputs
    }
}
