/// Full-stack decoding of an Ethernet frame: `DecodedFrame`.
///
///     let frame = DecodedFrame(parsing: bytes)   // never traps, never throws
///     if let error = frame.error { count drop: error.fieldPath }
///     if case .ipv4(let ip, .tcp(let tcp, let data)) = frame.payload { … }
///
/// Decoding goes as deep as the bytes allow. A checksum mismatch is reported in
/// `error` but the fields are still decoded (corrupted frames can be traced); a
/// structural error stops decoding at that layer, leaving `.undecoded(bytes)`.

public struct DecodedFrame: Hashable, Sendable, CustomStringConvertible {
    /// What an Ethernet frame carries.
    public enum Payload: Hashable, Sendable {
        case arp(ARPPacket)
        case ipv4(IPv4Header, transport: Transport)
        /// Another EtherType, kept as bytes.
        case other(EtherType, [UInt8])
        /// Bytes that could not be decoded (see `error`).
        case undecoded([UInt8])
    }

    /// What an IPv4 packet carries.
    public enum Transport: Hashable, Sendable {
        case icmp(ICMPMessage)
        case udp(UDPHeader, payload: [UInt8])
        case tcp(TCPHeader, payload: [UInt8])
        /// A fragment (MF set or non-zero offset): the payload is not decoded.
        case fragment([UInt8])
        /// Another protocol number, kept as bytes.
        case other(IPProtocol, [UInt8])
        /// Bytes that could not be decoded (see `error`).
        case undecoded([UInt8])
    }

    /// Nil only when the frame is shorter than an Ethernet header. On a tagged
    /// frame its EtherType is the one after the 802.1Q tag (the payload's).
    public var ethernet: EthernetHeader?
    /// The frame's 802.1Q tag, when it carries one.
    public var vlan: VLANTag?
    public var payload: Payload
    /// The first problem found, if any (structural, or a checksum mismatch).
    public var error: WireError?

    /// Decodes `frame`. With `verifyChecksums`, IPv4, ICMP, UDP and TCP checksums are checked
    /// and the first mismatch is reported in `error` (fields are decoded anyway).
    public init(parsing frame: UnsafeRawBufferPointer, verifyChecksums: Bool = true) {
        error = nil
        ethernet = nil
        payload = .undecoded([])
        let eth: EthernetView
        do { eth = try EthernetView(frame) } catch {
            self.ethernet = nil
            self.payload = .undecoded(Array(frame))
            self.error = error
            return
        }
        ethernet = EthernetHeader(eth)
        var body = eth.payload
        var type = eth.etherType
        if type == .vlan {
            guard body.count >= 4 else {
                payload = .undecoded(Array(body))
                error = .truncated(layer: "802.1Q", field: "tag", needed: 4, available: body.count)
                return
            }
            vlan = VLANTag(controlField: UInt16(body[0]) << 8 | UInt16(body[1]))
            type = EtherType(UInt16(body[2]) << 8 | UInt16(body[3]))
            ethernet?.etherType = type
            body = UnsafeRawBufferPointer(rebasing: body[4...])
        }
        switch type {
        case .arp:
            do { payload = .arp(try ARPPacket(parsing: body)) } catch {
                payload = .undecoded(Array(body))
                self.error = error
            }
        case .ipv4:
            payload = decodeIPv4(body, verifyChecksums: verifyChecksums)
        default:
            payload = .other(type, Array(body))
        }
    }

    public init(parsing frame: [UInt8], verifyChecksums: Bool = true) {
        self = frame.withUnsafeBytes { DecodedFrame(parsing: $0, verifyChecksums: verifyChecksums) }
    }

    private mutating func note(_ problem: WireError) {
        if error == nil { error = problem }
    }

    private mutating func decodeIPv4(_ bytes: UnsafeRawBufferPointer, verifyChecksums: Bool) -> Payload {
        let view: IPv4View
        do { view = try IPv4View(bytes) } catch {
            note(error)
            return .undecoded(Array(bytes))
        }
        if verifyChecksums && !view.isChecksumValid {
            note(.badChecksum(layer: "IPv4", field: "headerChecksum", stored: view.checksum,
                              computed: view.computedChecksum))
        }
        let header = IPv4Header(view)
        let body = view.payload
        if view.isFragment { return .ipv4(header, transport: .fragment(Array(body))) }
        let pseudo = IPv4PseudoHeader(source: view.source, destination: view.destination)
        let transport: Transport
        do {
            switch view.protocolNumber {
            case .icmp:
                let icmp = try ICMPView(body)
                if verifyChecksums && !icmp.isChecksumValid {
                    note(.badChecksum(layer: "ICMP", field: "checksum", stored: icmp.checksum, computed: icmp.computedChecksum))
                }
                transport = .icmp(ICMPMessage(icmp))
            case .udp:
                let udp = try UDPView(body)
                if verifyChecksums && !udp.isChecksumValid(pseudo) {
                    note(.badChecksum(layer: "UDP", field: "checksum", stored: udp.checksum,
                                      computed: udp.computedChecksum(pseudo)))
                }
                transport = .udp(UDPHeader(udp), payload: Array(udp.payload))
            case .tcp:
                let tcp = try TCPView(body)
                if verifyChecksums && !tcp.isChecksumValid(pseudo) {
                    note(.badChecksum(layer: "TCP", field: "checksum", stored: tcp.checksum,
                                      computed: tcp.computedChecksum(pseudo)))
                }
                transport = .tcp(try TCPHeader(tcp), payload: Array(tcp.payload))
            default:
                transport = .other(view.protocolNumber, Array(body))
            }
        } catch {
            note(error)
            transport = .undecoded(Array(body))
        }
        return .ipv4(header, transport: transport)
    }

    public var arp: ARPPacket? {
        if case .arp(let arp) = payload { return arp }
        return nil
    }

    public var ipv4: IPv4Header? {
        if case .ipv4(let header, _) = payload { return header }
        return nil
    }

    public var transport: Transport? {
        if case .ipv4(_, let transport) = payload { return transport }
        return nil
    }

    public var icmp: ICMPMessage? {
        if case .icmp(let message) = transport { return message }
        return nil
    }

    public var udp: UDPHeader? {
        if case .udp(let header, _) = transport { return header }
        return nil
    }

    public var tcp: TCPHeader? {
        if case .tcp(let header, _) = transport { return header }
        return nil
    }

    /// The UDP or TCP data, if any.
    public var applicationData: [UInt8]? {
        switch transport {
        case .udp(_, let data), .tcp(_, let data): return data
        default: return nil
        }
    }

    /// One line per layer, outermost first, e.g. for a trace.
    public var layers: [String] {
        var lines: [String] = []
        if let ethernet { lines.append("Ethernet \(ethernet)") }
        if let vlan { lines.append(vlan.description) }
        switch payload {
        case .arp(let arp): lines.append(arp.description)
        case .ipv4(let ip, let transport):
            lines.append(ip.description)
            switch transport {
            case .icmp(let icmp): lines.append(icmp.description)
            case .udp(let udp, let data): lines.append("\(udp) data \(data.count)")
            case .tcp(let tcp, let data): lines.append("\(tcp) data \(data.count)")
            case .fragment(let bytes): lines.append("fragment \(bytes.count) bytes")
            case .other(let proto, let bytes): lines.append("\(proto) \(bytes.count) bytes")
            case .undecoded(let bytes): lines.append("undecoded \(bytes.count) bytes")
            }
        case .other(let type, let bytes): lines.append("EtherType \(type) \(bytes.count) bytes")
        case .undecoded(let bytes): lines.append("undecoded \(bytes.count) bytes")
        }
        if let error { lines.append("error: \(error)") }
        return lines
    }

    public var description: String { layers.joined(separator: " | ") }
}
