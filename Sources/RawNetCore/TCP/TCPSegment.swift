import RawNetWire

/// One TCP segment as the core exchanges it: the header, the payload and the IPv4
/// addresses it travels between. The core never needs the bytes on the wire.
public struct TCPSegment: Hashable, Sendable, CustomStringConvertible {
    public var source: IPv4Address
    public var destination: IPv4Address
    public var header: TCPHeader
    public var payload: [UInt8]

    public init(source: IPv4Address, destination: IPv4Address, header: TCPHeader, payload: [UInt8] = []) {
        self.source = source
        self.destination = destination
        self.header = header
        self.payload = payload
    }

    /// Sequence space the segment occupies: payload plus one each for SYN and FIN.
    public var sequenceLength: Int {
        payload.count + (header.flags.contains(.syn) ? 1 : 0) + (header.flags.contains(.fin) ? 1 : 0)
    }

    public var flags: TCPFlags { header.flags }
    public var sequenceNumber: SequenceNumber { SequenceNumber(header.sequenceNumber) }
    public var acknowledgmentNumber: SequenceNumber { SequenceNumber(header.acknowledgmentNumber) }

    /// The SACK blocks carried in the options, if any.
    public var sackBlocks: SACKBlockList {
        for option in header.options { if case .sack(let blocks) = option { return blocks } }
        return []
    }

    /// The timestamps option, if present.
    public var timestamps: (value: UInt32, echoReply: UInt32)? { header.timestamps }

    public var description: String {
        var names: [String] = []
        let f = header.flags
        if f.contains(.syn) { names.append("SYN") }
        if f.contains(.fin) { names.append("FIN") }
        if f.contains(.rst) { names.append("RST") }
        if f.contains(.psh) { names.append("PSH") }
        if f.contains(.ack) { names.append("ACK") }
        var text = "\(source):\(header.sourcePort) > \(destination):\(header.destinationPort) "
        text += "[\(names.joined(separator: ","))] seq=\(header.sequenceNumber)"
        if f.contains(.ack) { text += " ack=\(header.acknowledgmentNumber)" }
        text += " win=\(header.window) len=\(payload.count)"
        let sacks = sackBlocks
        if !sacks.isEmpty { text += " sack=" + sacks.map { "\($0.left)-\($0.right)" }.joined(separator: ",") }
        return text
    }
}

/// The four numbers that name a connection, seen from the local side.
public struct TCPConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var localAddress: IPv4Address
    public var localPort: UInt16
    public var remoteAddress: IPv4Address
    public var remotePort: UInt16

    public init(localAddress: IPv4Address, localPort: UInt16, remoteAddress: IPv4Address, remotePort: UInt16) {
        self.localAddress = localAddress
        self.localPort = localPort
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
    }

    /// The connection an arriving segment belongs to (its destination is local).
    public init(arriving segment: TCPSegment) {
        self.init(localAddress: segment.destination, localPort: segment.header.destinationPort,
                  remoteAddress: segment.source, remotePort: segment.header.sourcePort)
    }

    public static func < (lhs: TCPConnectionID, rhs: TCPConnectionID) -> Bool {
        (lhs.localAddress.value, lhs.localPort, lhs.remoteAddress.value, lhs.remotePort)
            < (rhs.localAddress.value, rhs.localPort, rhs.remoteAddress.value, rhs.remotePort)
    }

    public var description: String { "\(localAddress):\(localPort)<->\(remoteAddress):\(remotePort)" }
}
