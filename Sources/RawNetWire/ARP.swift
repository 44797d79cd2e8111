/// ARP for IPv4 over Ethernet (RFC 826): `ARPView` and `ARPPacket`.
///
///     let arp = try ARPPacket(parsing: ethernetPayload)  // 28 bytes; htype 1, ptype 0x0800 checked
///     ARPPacket.request(senderMAC: m, senderIP: a, targetIP: b).serialize(into: &out)

/// The ARP operation code.
public struct ARPOperation: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let request = ARPOperation(rawValue: 1)
    public static let reply = ARPOperation(rawValue: 2)

    public var description: String {
        switch self {
        case .request: return "request"
        case .reply: return "reply"
        default: return "op \(rawValue)"
        }
    }
}

/// A checked view over an Ethernet/IPv4 ARP packet. After `init`, accessors cannot trap.
public struct ARPView {
    public static let length = 28
    public let bytes: UnsafeRawBufferPointer

    /// Checks the length and that hardware/protocol types and sizes are Ethernet/IPv4.
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try bytes.require(ARPView.length, layer: "ARP", field: "packet")
        let htype = bytes.loadUInt16(at: 0), ptype = bytes.loadUInt16(at: 2)
        let hlen = bytes.loadUInt8(at: 4), plen = bytes.loadUInt8(at: 5)
        guard htype == 1 else {
            throw WireError.badValue(layer: "ARP", field: "hardwareType", value: UInt64(htype), expected: "1 (Ethernet)")
        }
        guard ptype == EtherType.ipv4.rawValue else {
            throw WireError.badValue(layer: "ARP", field: "protocolType", value: UInt64(ptype), expected: "0x0800 (IPv4)")
        }
        guard hlen == 6 else {
            throw WireError.badValue(layer: "ARP", field: "hardwareLength", value: UInt64(hlen), expected: "6")
        }
        guard plen == 4 else {
            throw WireError.badValue(layer: "ARP", field: "protocolLength", value: UInt64(plen), expected: "4")
        }
        self.bytes = bytes
    }

    public var operation: ARPOperation { ARPOperation(rawValue: bytes.loadUInt16(at: 6)) }
    public var senderMAC: MACAddress { bytes.loadMAC(at: 8) }
    public var senderIP: IPv4Address { bytes.loadIPv4(at: 14) }
    public var targetMAC: MACAddress { bytes.loadMAC(at: 18) }
    public var targetIP: IPv4Address { bytes.loadIPv4(at: 24) }
}

/// An ARP packet (Ethernet hardware, IPv4 protocol) as a value.
public struct ARPPacket: Hashable, Sendable, CustomStringConvertible {
    public var operation: ARPOperation
    public var senderMAC: MACAddress
    public var senderIP: IPv4Address
    public var targetMAC: MACAddress
    public var targetIP: IPv4Address

    public init(operation: ARPOperation, senderMAC: MACAddress, senderIP: IPv4Address,
                targetMAC: MACAddress, targetIP: IPv4Address) {
        self.operation = operation
        self.senderMAC = senderMAC
        self.senderIP = senderIP
        self.targetMAC = targetMAC
        self.targetIP = targetIP
    }

    /// A request "who has `targetIP`? tell `senderIP`" (target MAC zero).
    public static func request(senderMAC: MACAddress, senderIP: IPv4Address, targetIP: IPv4Address) -> ARPPacket {
        ARPPacket(operation: .request, senderMAC: senderMAC, senderIP: senderIP, targetMAC: .zero, targetIP: targetIP)
    }

    /// The reply to `request` from the owner of `mac`.
    public static func reply(to request: ARPPacket, mac: MACAddress) -> ARPPacket {
        ARPPacket(operation: .reply, senderMAC: mac, senderIP: request.targetIP,
                  targetMAC: request.senderMAC, targetIP: request.senderIP)
    }

    public init(_ view: ARPView) {
        operation = view.operation
        senderMAC = view.senderMAC
        senderIP = view.senderIP
        targetMAC = view.targetMAC
        targetIP = view.targetIP
    }

    /// Parses the 28 ARP bytes; trailing bytes (Ethernet padding) are ignored.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(WireError) {
        self.init(try ARPView(bytes))
    }

    public init(parsing bytes: [UInt8]) throws(WireError) {
        self = try bytes.withWireBytes { raw throws(WireError) in try ARPPacket(parsing: raw) }
    }

    /// Appends the 28 ARP bytes.
    public func serialize(into out: inout [UInt8]) {
        out.appendUInt16(1)
        out.appendUInt16(EtherType.ipv4.rawValue)
        out.append(6)
        out.append(4)
        out.appendUInt16(operation.rawValue)
        out.appendMAC(senderMAC)
        out.appendIPv4(senderIP)
        out.appendMAC(targetMAC)
        out.appendIPv4(targetIP)
    }

    public var description: String {
        switch operation {
        case .request: return "ARP who-has \(targetIP) tell \(senderIP)"
        case .reply: return "ARP \(senderIP) is-at \(senderMAC)"
        default: return "ARP \(operation) \(senderIP)/\(senderMAC) -> \(targetIP)/\(targetMAC)"
        }
    }
}
