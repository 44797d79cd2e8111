import RawNetWire

/// One-line text of each layer of a decoded frame, in the spirit of tcpdump.
enum FrameText {
    /// The layers of `frame` joined by ` | `, then a checksum or structure warning.
    /// With `sequenceBases`, a TCP segment's numbers count from each side's SYN where it was
    /// seen, and are marked `(abs)` where it was not.
    static func summary(_ decoded: DecodedFrame, painter: TextPainter, sequenceBases: TCPSequenceBases? = nil) -> String {
        var parts: [String] = []
        if let eth = decoded.ethernet {
            // A node traces events above the link layer (a packet with no socket
            // to take it) with a blank Ethernet header: say so instead of 00:00:00.
            let isBlank = eth.source.bytes.allSatisfy { $0 == 0 } && eth.destination.bytes.allSatisfy { $0 == 0 }
            parts.append(isBlank ? "(seen in the IP layer: no Ethernet header)" : "\(Text.shortMAC(eth.source))>\(Text.shortMAC(eth.destination))")
        }
        if let tag = decoded.vlan { parts.append("vlan \(tag.vlan)") }
        switch decoded.payload {
        case .arp(let arp): parts.append(self.arp(arp))
        case .ipv4(let ip, let transport):
            parts.append(ipv4(ip))
            if let text = self.transport(transport, bases: sequenceBases?.bases(of: decoded) ?? (nil, nil),
                                         marksAbsolute: sequenceBases != nil) { parts.append(text) }
            if case .tcp(_, let data) = transport, let http = HTTPStartLine.summary(data) { parts.append("HTTP " + http) }
        case .other(let type, let bytes):
            // An 802.3 frame (a length, not an EtherType) to the bridges: a BPDU.
            if type.rawValue <= 1500, let bpdu = BPDU.inPayload(bytes) {
                parts.append(bpdu.description)
            } else {
                parts.append("EtherType \(Text.hex(UInt64(type.rawValue), digits: 4)) \(bytes.count) bytes")
            }
        case .undecoded(let bytes): parts.append("undecoded \(bytes.count) bytes")
        }
        var line = parts.joined(separator: " | ")
        if let error = decoded.error {
            switch error {
            case .badChecksum(let layer, _, _, _):
                line += " " + painter.paint("⚠ bad checksum (\(layer))", .warning)
            default:
                line += " " + painter.paint("⚠ malformed: \(error)", .warning)
            }
        }
        return line
    }

    static func arp(_ arp: ARPPacket) -> String {
        switch arp.operation {
        case .request: return "ARP who-has \(arp.targetIP) tell \(arp.senderIP)"
        case .reply: return "ARP \(arp.senderIP) is-at \(arp.senderMAC)"
        default: return "ARP op \(arp.operation.rawValue) \(arp.senderIP) > \(arp.targetIP)"
        }
    }

    static func ipv4(_ ip: IPv4Header) -> String {
        var text = "IPv4 \(ip.source) > \(ip.destination) ttl \(ip.timeToLive) id \(ip.identification)"
        if ip.isFragment {
            text += " frag off \(Int(ip.fragmentOffset) * 8)" + (ip.flags.contains(.moreFragments) ? " MF" : "")
        }
        return text
    }

    static func transport(_ transport: DecodedFrame.Transport, bases: (sender: UInt32?, receiver: UInt32?) = (nil, nil),
                          marksAbsolute: Bool = false) -> String? {
        switch transport {
        case .tcp(let tcp, let data):
            let dns = DNSText.message(sourcePort: tcp.sourcePort, destinationPort: tcp.destinationPort, data: data, isTCP: true)
            return self.tcp(tcp, dataLength: data.count, bases: bases, marksAbsolute: marksAbsolute)
                + (dns.map { " | " + DNSText.line($0) } ?? "")
        case .udp(let udp, let data):
            let line = "UDP \(udp.sourcePort) > \(udp.destinationPort) len \(data.count)"
            if let dns = DNSText.message(sourcePort: udp.sourcePort, destinationPort: udp.destinationPort, data: data, isTCP: false) {
                return line + " | " + DNSText.line(dns)
            }
            guard udp.destinationPort == RIPMessage.port || udp.sourcePort == RIPMessage.port,
                  let message = try? RIPMessage(parsing: data) else { return line }
            return line + " " + rip(message)
        case .icmp(let icmp): return self.icmp(icmp)
        case .fragment(let bytes): return "fragment \(bytes.count) bytes"
        case .other(let proto, let bytes): return "protocol \(proto.rawValue) \(bytes.count) bytes"
        case .undecoded(let bytes): return "undecoded \(bytes.count) bytes"
        }
    }

    /// `RIPv2 response 10.0.2.0/24 metric 2, 10.0.23.0/24 metric 16` (the first
    /// four routes, then how many more), or `RIPv2 request whole table`.
    static func rip(_ message: RIPMessage) -> String {
        if message.isWholeTableRequest { return "RIPv2 request whole table" }
        let command = message.command == .request ? "request" : "response"
        let routes = message.entries.prefix(4).map { entry in
            (entry.prefix?.description ?? "\(entry.address)/\(entry.mask)") + " metric \(entry.metric)"
        }
        let more = message.entries.count > 4 ? ", +\(message.entries.count - 4) more" : ""
        return "RIPv2 \(command) " + routes.joined(separator: ", ") + more
    }

    /// tcpdump's flag letters: F S R P, `.` for ACK, then U E W; `none` when empty.
    static func flags(_ flags: TCPFlags) -> String {
        let order: [(TCPFlags, String)] = [(.fin, "F"), (.syn, "S"), (.rst, "R"), (.psh, "P"), (.ack, "."),
                                           (.urg, "U"), (.ece, "E"), (.cwr, "W")]
        let text = order.filter { flags.contains($0.0) }.map(\.1).joined()
        return text.isEmpty ? "none" : text
    }

    /// `bases`: the initial sequence numbers of the segment's sender and receiver, when known.
    /// As tcpdump, a SYN or SYN-ACK shows the numbers on the wire (its seq is the base);
    /// other segments count `seq` from the sender's and `ack` and SACK blocks from the
    /// receiver's, each only when that base is known; with `marksAbsolute` (numbers are
    /// counted), one whose base is not known is the wire's and says so: `seq 3557448206(abs)`.
    static func tcp(_ tcp: TCPHeader, dataLength: Int, bases: (sender: UInt32?, receiver: UInt32?) = (nil, nil),
                    marksAbsolute: Bool = false) -> String {
        let isSYN = tcp.flags.contains(.syn)
        let sender = isSYN ? 0 : bases.sender ?? 0, receiver = isSYN ? 0 : bases.receiver ?? 0
        let seqMark = marksAbsolute && !isSYN && bases.sender == nil ? absoluteMark : ""
        let ackMark = marksAbsolute && !isSYN && bases.receiver == nil ? absoluteMark : ""
        let seq = tcp.sequenceNumber &- sender
        var text = "TCP \(tcp.sourcePort) > \(tcp.destinationPort) [\(flags(tcp.flags))] seq \(seq)"
        if dataLength > 0 { text += ":\(seq &+ UInt32(truncatingIfNeeded: dataLength))" }
        text += seqMark
        if tcp.flags.contains(.ack) { text += " ack \(tcp.acknowledgmentNumber &- receiver)" + ackMark }
        text += " win \(tcp.window)"
        if tcp.flags.contains(.urg) { text += " urg \(tcp.urgentPointer)" }
        text += " len \(dataLength)"
        if !tcp.options.isEmpty {
            text += " [\(tcp.options.map { option($0, sackBase: receiver, mark: ackMark) }.joined(separator: ","))]"
        }
        return text
    }

    /// After a TCP number shown as on the wire where the others count from the SYNs.
    static let absoluteMark = "(abs)"

    /// `mark` follows SACK blocks (`absoluteMark` when they are the wire's numbers).
    static func option(_ option: TCPOption, sackBase: UInt32 = 0, mark: String = "") -> String {
        switch option {
        case .endOfList: return "eol"
        case .noOperation: return "nop"
        case .maximumSegmentSize(let mss): return "mss \(mss)"
        case .windowScale(let shift): return "wscale \(shift)"
        case .sackPermitted: return "sackOK"
        case .sack(let blocks):
            return "sack \(blocks.count) " + blocks.map { "{\($0.left &- sackBase):\($0.right &- sackBase)}" }.joined() + mark
        case .timestamps(let value, let echo): return "TS val \(value) ecr \(echo)"
        case .unknown(let kind, let data): return "opt-\(kind) len \(data.count + 2)"
        }
    }

    static func icmp(_ icmp: ICMPMessage) -> String {
        switch icmp {
        case .echoRequest(let id, let seq, let payload):
            return "ICMP echo request id \(id) seq \(seq) len \(payload.count)"
        case .echoReply(let id, let seq, let payload):
            return "ICMP echo reply id \(id) seq \(seq) len \(payload.count)"
        case .destinationUnreachable(_, let quoted), .timeExceeded(_, let quoted):
            return "ICMP \(icmpName(icmp))" + quote(quoted)
        case .other(_, _, _, let body):
            return "ICMP \(icmpName(icmp)) len \(body.count + 8)"
        }
    }

    /// What the message means, without its details: `echo request`, `port unreachable`, …
    static func icmpName(_ icmp: ICMPMessage) -> String {
        switch icmp {
        case .echoRequest: return "echo request"
        case .echoReply: return "echo reply"
        case .destinationUnreachable(let code, _): return unreachableName(code)
        case .timeExceeded(let code, _):
            return code == .timeToLive ? "time exceeded in transit (TTL 0)"
                : code == .fragmentReassembly ? "time exceeded (fragment reassembly)" : "time exceeded code \(code.code)"
        case .other(let type, let code, _, _): return "type \(type) code \(code)"
        }
    }

    static func unreachableName(_ code: ICMPUnreachableCode) -> String {
        switch code {
        case .network: return "network unreachable"
        case .host: return "host unreachable"
        case .protocol: return "protocol unreachable"
        case .port: return "port unreachable"
        case .fragmentationNeeded(let mtu): return "fragmentation needed (mtu \(mtu))"
        case .administrativelyProhibited: return "administratively prohibited"
        default: return "destination unreachable code \(code.code)"
        }
    }

    /// ` (for A > B UDP port 7000)` from the quoted header and first payload bytes of an ICMP error.
    static func quote(_ quoted: [UInt8]) -> String {
        let text = quotedPacket(quoted)
        return text.isEmpty ? "" : " (for " + text + ")"
    }

    /// `A > B UDP port 7000` (the quoted destination port), or empty when the quote is unreadable.
    static func quotedPacket(_ quoted: [UInt8]) -> String {
        guard let ip = try? IPv4Header(parsing: quoted, verifyChecksum: false, requireFullPacket: false) else {
            return ""
        }
        var text = "\(ip.source) > \(ip.destination) \(ip.protocolNumber)"
        let start = ip.headerLength
        if (ip.protocolNumber == .udp || ip.protocolNumber == .tcp), quoted.count >= start + 4 {
            let port = UInt16(quoted[start + 2]) << 8 | UInt16(quoted[start + 3])
            text += " port \(port)"
        }
        return text
    }
}
