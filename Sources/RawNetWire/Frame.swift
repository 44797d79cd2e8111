/// Builders of complete frames and packets with every length and checksum right.
///
///     let bytes = Frame.ipv4(ethernet: eth, ip: ip, tcp: tcp, payload: data)
///     let packet = Packet.ipv4(ip: ip, .udp(udp, payload: data))   // without Ethernet (routers, tests)
///
/// The builders set the EtherType, the IPv4 protocol number and total length, the
/// UDP length, and all checksums; frames are padded to the Ethernet minimum of 60 bytes.

/// What an IPv4 packet built by `Packet`/`Frame` carries.
public enum IPv4Payload: Hashable, Sendable {
    case icmp(ICMPMessage)
    case udp(UDPHeader, payload: [UInt8])
    case tcp(TCPHeader, payload: [UInt8])
    /// Raw bytes with the protocol number of the given header.
    case raw([UInt8])
}

/// Builders of IPv4 packets (no link header).
public enum Packet {
    /// Appends an IPv4 packet: header (protocol, total length, checksum set) then the payload.
    /// Precondition: the packet fits in 65535 bytes.
    public static func serializeIPv4(ip: IPv4Header, _ payload: IPv4Payload, into out: inout [UInt8]) {
        if case .tcp(let tcp, let data) = payload {
            // Hot path: size everything first, grow once, write in place.
            let ipLength = ip.headerLength, tcpLength = tcp.checkedHeaderLength()
            let total = ipLength + tcpLength + data.count
            precondition(ip.options.count <= 40 && total <= 0xFFFF, "IPv4 packet too long")
            out.appendWriting(total) { w in
                ip.write(to: &w, totalLength: UInt16(total), protocolNumber: .tcp)
                data.withUnsafeBytes { raw in
                    tcp.writeSegment(to: &w, headerLength: tcpLength, payload: raw,
                                     pseudoHeader: IPv4PseudoHeader(source: ip.source, destination: ip.destination))
                }
            }
            return
        }
        var header = ip
        let start = out.count
        switch payload {
        case .icmp: header.protocolNumber = .icmp
        case .udp: header.protocolNumber = .udp
        case .tcp: header.protocolNumber = .tcp
        case .raw: break
        }
        header.totalLength = 0
        header.serialize(into: &out)
        let pseudo = IPv4PseudoHeader(source: ip.source, destination: ip.destination)
        switch payload {
        case .icmp(let message): message.serialize(into: &out)
        case .udp(let udp, let data): udp.serialize(into: &out, payload: data, pseudoHeader: pseudo)
        case .tcp(let tcp, let data): tcp.serialize(into: &out, payload: data, pseudoHeader: pseudo)
        case .raw(let bytes): out.append(contentsOf: bytes)
        }
        let total = out.count - start
        precondition(total <= 0xFFFF, "IPv4 packet too long")
        // Fill in the total length and fix the header checksum incrementally.
        out.storeUInt16(UInt16(total), at: start + 2)
        let checksum = out.loadUInt16(at: start + 10)
        out.storeUInt16(InternetChecksum.update(checksum, old: 0, new: UInt16(total)), at: start + 10)
    }

    /// An IPv4 packet with all lengths and checksums computed.
    public static func ipv4(ip: IPv4Header, _ payload: IPv4Payload) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ip.headerLength + 64)
        serializeIPv4(ip: ip, payload, into: &out)
        return out
    }
}

/// Builders of Ethernet frames.
public enum Frame {
    /// Pads `frame` with zeros to the Ethernet minimum (60 bytes without FCS).
    public static func pad(_ frame: inout [UInt8]) {
        if frame.count < EthernetView.minimumFrameLength {
            frame.append(contentsOf: repeatElement(0, count: EthernetView.minimumFrameLength - frame.count))
        }
    }

    /// An ARP frame (EtherType set to ARP), padded.
    public static func arp(ethernet: EthernetHeader, arp: ARPPacket) -> [UInt8] {
        var header = ethernet
        header.etherType = .arp
        var out: [UInt8] = []
        out.reserveCapacity(EthernetView.minimumFrameLength)
        header.serialize(into: &out)
        arp.serialize(into: &out)
        pad(&out)
        return out
    }

    /// An IPv4 frame (EtherType set to IPv4) with all lengths and checksums computed, padded.
    public static func ipv4(ethernet: EthernetHeader, ip: IPv4Header, _ payload: IPv4Payload) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(EthernetView.headerLength + ip.headerLength + 64)
        serializeIPv4(ethernet: ethernet, ip: ip, payload, into: &out)
        return out
    }

    /// Appends an IPv4 frame to `out` (reuse a buffer with `removeAll(keepingCapacity: true)`
    /// on hot paths). The frame is padded to 60 bytes counted from where it starts.
    public static func serializeIPv4(ethernet: EthernetHeader, ip: IPv4Header, _ payload: IPv4Payload, into out: inout [UInt8]) {
        let start = out.count
        var header = ethernet
        header.etherType = .ipv4
        header.serialize(into: &out)
        Packet.serializeIPv4(ip: ip, payload, into: &out)
        let length = out.count - start
        if length < EthernetView.minimumFrameLength {
            out.append(contentsOf: repeatElement(0, count: EthernetView.minimumFrameLength - length))
        }
    }

    /// An Ethernet/IPv4/ICMP frame.
    public static func ipv4(ethernet: EthernetHeader, ip: IPv4Header, icmp: ICMPMessage) -> [UInt8] {
        ipv4(ethernet: ethernet, ip: ip, .icmp(icmp))
    }

    /// An Ethernet/IPv4/UDP frame.
    public static func ipv4(ethernet: EthernetHeader, ip: IPv4Header, udp: UDPHeader, payload: [UInt8]) -> [UInt8] {
        ipv4(ethernet: ethernet, ip: ip, .udp(udp, payload: payload))
    }

    /// An Ethernet/IPv4/TCP frame.
    public static func ipv4(ethernet: EthernetHeader, ip: IPv4Header, tcp: TCPHeader, payload: [UInt8]) -> [UInt8] {
        ipv4(ethernet: ethernet, ip: ip, .tcp(tcp, payload: payload))
    }

    /// A frame carrying an already serialized IPv4 packet (a router forwarding it), padded.
    public static func ipv4(ethernet: EthernetHeader, packet: [UInt8]) -> [UInt8] {
        var header = ethernet
        header.etherType = .ipv4
        var out: [UInt8] = []
        out.reserveCapacity(EthernetView.headerLength + packet.count)
        header.serialize(into: &out)
        out.append(contentsOf: packet)
        pad(&out)
        return out
    }
}
