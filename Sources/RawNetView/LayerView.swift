import RawNetCore
import RawNetWire

/// Every header of a frame, layer by layer, outermost first — one box per layer,
/// like a PDU view (`rawnet trace --layers`): Ethernet II, then ARP or IPv4, then
/// TCP, UDP or ICMP, then the application data as text and hex. Checksums are
/// shown with whether they verify; a corrupted or truncated frame still renders
/// as far as its bytes allow.
public enum LayerView {
    /// The boxes for `frame` (an Ethernet frame without FCS). A TCP window is shown
    /// scaled when `windowScales` saw the connection's handshake (scale unknown otherwise).
    /// `language` picks the boxes' own words (titles, field names); values stay notation.
    /// `width`: the terminal's columns; boxes are 78 wide unless that is narrower
    /// (down to 44), where long values wrap and hex dumps show 8 bytes a line.
    public static func render(frame: [UInt8], usesColour: Bool = false,
                              windowScales: TCPWindowScales = TCPWindowScales(), language: ViewLanguage = .en,
                              width: Int = 78) -> String {
        let painter = TextPainter(usesColour: usesColour)
        let decoded = DecodedFrame(parsing: frame, verifyChecksums: false)
        let sums = ChecksumCheck(frame: frame)
        var boxes: [Box] = []
        guard let eth = decoded.ethernet else {
            var box = Box(title: "Undecodable frame", size: "\(frame.count) bytes")
            box.lines.append("shorter than an Ethernet header (14 bytes)")
            box.hex = frame
            return box.render(painter, language: language, width: width)
        }
        var ethernet = Box(title: "Ethernet II", size: "14 bytes")
        ethernet.field("Destination", "\(eth.destination)" + (eth.destination.isBroadcast ? " (broadcast)" : ""))
        ethernet.field("Source", "\(eth.source)")
        ethernet.field("Type", "\(Text.hex(UInt64(eth.etherType.rawValue), digits: 4)) (\(eth.etherType))")
        boxes.append(ethernet)
        var consumed = EthernetView.headerLength
        switch decoded.payload {
        case .arp(let arp):
            boxes.append(arpBox(arp))
            consumed += ARPView.length
        case .ipv4(let ip, let transport):
            boxes.append(ipv4Box(ip, sums: sums))
            consumed += Int(ip.totalLength)
            boxes += transportBoxes(transport, sums: sums) { tcp in
                TCPWindowScales.text(window: tcp.window,
                                     reading: windowScales.reading(tcp, source: ip.source, destination: ip.destination))
            }
        case .other(_, let bytes):
            var box = Box(title: "Payload", size: "\(bytes.count) bytes")
            box.hex = bytes
            boxes.append(box)
            consumed = frame.count
        case .undecoded(let bytes):
            var box = Box(title: "Undecoded", size: "\(bytes.count) bytes")
            box.hex = bytes
            boxes.append(box)
            consumed = frame.count
        }
        var out = boxes.map { $0.render(painter, language: language, width: width) }.joined()
        if frame.count > consumed {
            out += language == .ko
                ? "  + 이더넷 패딩 \(frame.count - consumed)바이트 (프레임은 최소 60바이트)\n"
                : "  + \(frame.count - consumed) bytes of Ethernet padding (frames are at least 60 bytes)\n"
        }
        if let error = DecodedFrame(parsing: frame).error {
            out += painter.paint("  ⚠ \(error)", .warning) + "\n"
        }
        return out
    }

    static func arpBox(_ arp: ARPPacket) -> Box {
        var box = Box(title: "ARP", size: "28 bytes")
        box.field("Hardware type", "1 (Ethernet), 6-byte addresses")
        box.field("Protocol type", "0x0800 (IPv4), 4-byte addresses")
        box.field("Operation", "\(arp.operation.rawValue) (\(arp.operation))")
        box.field("Sender MAC", "\(arp.senderMAC)")
        box.field("Sender IP", "\(arp.senderIP)")
        box.field("Target MAC", "\(arp.targetMAC)")
        box.field("Target IP", "\(arp.targetIP)")
        box.lines.append(FrameText.arp(arp))
        return box
    }

    static func ipv4Box(_ ip: IPv4Header, sums: ChecksumCheck) -> Box {
        var box = Box(title: "IPv4", size: "\(ip.headerLength) bytes header")
        box.field("Version", "4")
        box.field("Header length", "\(ip.headerLength) bytes (IHL \(ip.headerLength / 4))")
        box.field("DSCP / ECN", "\(ip.dscp) / \(ip.ecn)")
        box.field("Total length", "\(ip.totalLength) bytes")
        box.field("Identification", "\(ip.identification) (\(Text.hex(UInt64(ip.identification), digits: 4)))")
        var flags: [String] = []
        if ip.flags.contains(.reserved) { flags.append("reserved") }
        if ip.flags.contains(.dontFragment) { flags.append("DF don't fragment") }
        if ip.flags.contains(.moreFragments) { flags.append("MF more fragments") }
        box.field("Flags", flags.isEmpty ? "none" : flags.joined(separator: ", "))
        box.field("Fragment offset", "\(Int(ip.fragmentOffset) * 8) bytes")
        box.field("Time to live", "\(ip.timeToLive) hops")
        box.field("Protocol", "\(ip.protocolNumber.rawValue) (\(ip.protocolNumber))")
        box.field("Header checksum", status(ip.checksum, sums.ipv4))
        box.field("Source", "\(ip.source)")
        box.field("Destination", "\(ip.destination)")
        if !ip.options.isEmpty { box.field("Options", ip.options.map(Text.hexByte).joined(separator: " ")) }
        return box
    }

    static func transportBoxes(_ transport: DecodedFrame.Transport, sums: ChecksumCheck,
                               window: (TCPHeader) -> String = { "\($0.window) bytes" }) -> [Box] {
        switch transport {
        case .tcp(let tcp, let data):
            var box = Box(title: "TCP", size: "\(tcp.headerLength) bytes header")
            box.field("Source port", "\(tcp.sourcePort)")
            box.field("Destination port", "\(tcp.destinationPort)")
            box.field("Sequence number", "\(tcp.sequenceNumber)")
            box.field("Acknowledgment", "\(tcp.acknowledgmentNumber)" + (tcp.flags.contains(.ack) ? "" : " (not used: no ACK flag)"))
            box.field("Header length", "\(tcp.headerLength) bytes (data offset \(tcp.dataOffset))")
            box.field("Flags", flagNames(tcp.flags) + " [\(FrameText.flags(tcp.flags))]")
            box.field("Window", window(tcp))
            box.field("Checksum", status(tcp.checksum, sums.transport))
            box.field("Urgent pointer", "\(tcp.urgentPointer)")
            if tcp.options.isEmpty { box.field("Options", "none") }
            for (i, option) in tcp.options.enumerated() {
                box.field(i == 0 ? "Options" : "", FrameText.option(option))
            }
            if let dns = DNSText.message(sourcePort: tcp.sourcePort, destinationPort: tcp.destinationPort, data: data, isTCP: true) {
                return [box, DNSText.box(dns, size: data.count - 2)]
            }
            return [box] + (httpBox(data).map { [$0] } ?? dataBoxes(data))
        case .udp(let udp, let data):
            var box = Box(title: "UDP", size: "8 bytes header")
            box.field("Source port", "\(udp.sourcePort)")
            box.field("Destination port", "\(udp.destinationPort)")
            box.field("Length", "\(udp.length) bytes (8 header + \(data.count) data)")
            box.field("Checksum", udp.checksum == 0 ? "0x0000 (none sent)" : status(udp.checksum, sums.transport))
            if let dns = DNSText.message(sourcePort: udp.sourcePort, destinationPort: udp.destinationPort, data: data, isTCP: false) {
                return [box, DNSText.box(dns, size: data.count)]
            }
            return [box] + dataBoxes(data)
        case .icmp(let icmp):
            var box = Box(title: "ICMP", size: "\(icmp.length) bytes")
            box.field("Type", "\(icmp.type)")
            box.field("Code", "\(icmp.code)")
            box.field("Meaning", FrameText.icmpName(icmp))
            box.field("Checksum", status(sums.storedTransport ?? 0, sums.transport))
            switch icmp {
            case .echoRequest(let id, let seq, let payload), .echoReply(let id, let seq, let payload):
                box.field("Identifier", "\(id)")
                box.field("Sequence", "\(seq)")
                return [box] + dataBoxes(payload)
            default:
                if let quoted = icmp.quotedIPv4Header {
                    box.field("Quoted packet", FrameText.quotedPacket(icmp.quoted) + ", ttl \(quoted.timeToLive) id \(quoted.identification)")
                }
                box.hex = icmp.quoted
                return [box]
            }
        case .fragment(let bytes):
            var box = Box(title: "Fragment", size: "\(bytes.count) bytes")
            box.lines.append("not reassembled")
            box.hex = bytes
            return [box]
        case .other(let proto, let bytes):
            var box = Box(title: "Protocol \(proto.rawValue)", size: "\(bytes.count) bytes")
            box.hex = bytes
            return [box]
        case .undecoded(let bytes):
            var box = Box(title: "Undecoded transport", size: "\(bytes.count) bytes")
            box.hex = bytes
            return [box]
        }
    }

    static func dataBoxes(_ data: [UInt8]) -> [Box] {
        guard !data.isEmpty else { return [] }
        var box = Box(title: "Application data", size: "\(data.count) bytes")
        box.lines.append("Text: \"" + Text.readable(data.prefix(60)) + (data.count > 60 ? "…" : "") + "\"")
        box.hex = data
        return [box]
    }

    /// The application layer of a TCP payload that starts an HTTP message: its
    /// start line, the head's lines this segment holds, and how much body follows.
    static func httpBox(_ data: [UInt8]) -> Box? {
        guard let summary = HTTPStartLine.summary(data) else { return nil }
        var box = Box(title: "HTTP", size: "\(data.count) bytes")
        box.field("Message", summary)
        var lineStart = 0
        var headEnd: Int?
        var lines: [String] = []
        var crlfEnds = 0, lfOnlyEnds = 0
        for index in data.indices where data[index] == 0x0A {
            var line = data[lineStart..<index]
            if line.last == 0x0D { line = line.dropLast(); crlfEnds += 1 } else { lfOnlyEnds += 1 }
            lineStart = index + 1
            if line.isEmpty { headEnd = lineStart; break }
            lines.append(Text.readable(line.prefix(72)) + (line.count > 72 ? "…" : ""))
        }
        if !lines.isEmpty { box.field("Line ends", lineEnds(crlf: crlfEnds, lfOnly: lfOnlyEnds)) }
        for line in lines.prefix(24) { box.lines.append(line) }
        if lines.count > 24 { box.lines.append("… \(lines.count - 24) more lines") }
        if let headEnd {
            box.field("Body", "\(data.count - headEnd) bytes in this segment")
        } else {
            box.field("Head", "continues in the next segment")
        }
        return box
    }

    /// How the lines of an HTTP head end: HTTP asks for CR LF; a bare LF is shown as such.
    static func lineEnds(crlf: Int, lfOnly: Int) -> String {
        if lfOnly == 0 { return "CR LF (0d 0a)" }
        if crlf == 0 { return "LF only (0a)" }
        return "\(crlf) CR LF (0d 0a), \(lfOnly) LF only (0a)"
    }

    static func flagNames(_ flags: TCPFlags) -> String {
        let all: [(TCPFlags, String)] = [(.cwr, "CWR"), (.ece, "ECE"), (.urg, "URG"), (.ack, "ACK"), (.psh, "PSH"),
                                         (.rst, "RST"), (.syn, "SYN"), (.fin, "FIN")]
        let names = all.filter { flags.contains($0.0) }.map(\.1)
        return names.isEmpty ? "none" : names.joined(separator: " ")
    }

    static func status(_ stored: UInt16, _ computed: UInt16?) -> String {
        let text = Text.hex(UInt64(stored), digits: 4)
        guard let computed else { return text + " (not checked)" }
        return computed == stored ? text + " ✓ verifies"
            : text + " ✗ BAD (should be \(Text.hex(UInt64(computed), digits: 4)))"
    }

    /// Hex dump lines: offset, `perLine` bytes, printable text. At most `maximumBytes`
    /// bytes, then a count of the rest.
    static func hexLines(_ bytes: [UInt8], perLine: Int = 16, maximumBytes: Int = 256) -> [String] {
        var lines: [String] = []
        var offset = 0
        while offset < bytes.count && offset < maximumBytes {
            let chunk = bytes[offset..<min(offset + perLine, bytes.count)]
            let hex = chunk.map(Text.hexByte).joined(separator: " ")
            let off = String(offset, radix: 16)
            lines.append(String(repeating: "0", count: max(0, 4 - off.count)) + off + "  " + Text.rightPad(hex, perLine * 3)
                         + " " + Text.printable(chunk).replacing("⏎", with: ".").replacing("␍", with: "."))
            offset += perLine
        }
        if offset < bytes.count { lines.append("… \(bytes.count - offset) more bytes") }
        return lines
    }
}

/// The checksums a frame should carry, computed from its bytes (nil where they cannot be).
struct ChecksumCheck {
    /// What the IPv4 header checksum should be.
    var ipv4: UInt16?
    /// What the TCP/UDP/ICMP checksum should be.
    var transport: UInt16?
    /// The transport checksum as stored.
    var storedTransport: UInt16?

    init(frame: [UInt8]) {
        var ipv4: UInt16?, transport: UInt16?, stored: UInt16?
        frame.withUnsafeBytes { raw in
            guard let eth = try? EthernetView(raw), eth.etherType == .ipv4,
                  let ip = try? IPv4View(eth.payload) else { return }
            ipv4 = ip.computedChecksum
            guard !ip.isFragment else { return }
            let pseudo = IPv4PseudoHeader(source: ip.source, destination: ip.destination)
            switch ip.protocolNumber {
            case .tcp:
                if let tcp = try? TCPView(ip.payload) { transport = tcp.computedChecksum(pseudo); stored = tcp.checksum }
            case .udp:
                if let udp = try? UDPView(ip.payload) { transport = udp.computedChecksum(pseudo); stored = udp.checksum }
            case .icmp:
                if let icmp = try? ICMPView(ip.payload) { transport = icmp.computedChecksum; stored = icmp.checksum }
            default: break
            }
        }
        self.ipv4 = ipv4
        self.transport = transport
        self.storedTransport = stored
    }
}
