/// A bridge identifier (IEEE 802.1D §9.2.5): a 16-bit priority, then the
/// bridge's MAC address. Lower is better; the priority decides first, the
/// address breaks ties.
public struct BridgeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var priority: UInt16
    public var address: MACAddress

    public init(priority: UInt16, address: MACAddress) {
        self.priority = priority
        self.address = address
    }

    /// The eight bytes as one number: comparing these compares the identifiers.
    public var value: UInt64 { UInt64(priority) << 48 | address.value }

    public init(value: UInt64) {
        self.init(priority: UInt16(value >> 48), address: MACAddress(value & 0xFFFF_FFFF_FFFF))
    }

    public static func < (a: BridgeID, b: BridgeID) -> Bool { a.value < b.value }

    /// `32768.02:5e:00:00:00:01`, as the standard and `brctl` write it.
    public var description: String { "\(priority).\(address)" }
}

/// A bridge protocol data unit of the Spanning Tree Protocol (IEEE 802.1D-2004
/// §9.3): a configuration BPDU (35 bytes) or a topology change notification (4).
/// It travels in an 802.3 frame, not Ethernet II — the type field holds the
/// length — behind an LLC header (DSAP 0x42, SSAP 0x42, control 0x03), to the
/// group address 01:80:C2:00:00:00, which bridges never forward.
///
///     let frame = BPDU.configuration(config).frame(from: portMAC)   // 60 bytes
///     let bpdu = try BPDU(frame: frame)
///
/// Times are carried in units of 1/256 s.
public enum BPDU: Hashable, Sendable, CustomStringConvertible {
    case configuration(Configuration)
    case topologyChangeNotification

    /// The fields of a configuration BPDU.
    public struct Configuration: Hashable, Sendable {
        /// Flag bit 0: the root says the topology is changing (bridges age their tables fast).
        public var topologyChange: Bool
        /// Flag bit 7: acknowledges a topology change notification received on this segment.
        public var topologyChangeAcknowledgment: Bool
        public var rootID: BridgeID
        public var rootPathCost: UInt32
        public var bridgeID: BridgeID
        /// Port priority (upper 4 bits) and port number (lower 12 bits) of the sending port.
        public var portID: UInt16
        /// Times in 1/256 s.
        public var messageAge: UInt16
        public var maxAge: UInt16
        public var helloTime: UInt16
        public var forwardDelay: UInt16

        public init(topologyChange: Bool = false, topologyChangeAcknowledgment: Bool = false, rootID: BridgeID,
                    rootPathCost: UInt32, bridgeID: BridgeID, portID: UInt16, messageAge: UInt16, maxAge: UInt16,
                    helloTime: UInt16, forwardDelay: UInt16) {
            self.topologyChange = topologyChange
            self.topologyChangeAcknowledgment = topologyChangeAcknowledgment
            self.rootID = rootID
            self.rootPathCost = rootPathCost
            self.bridgeID = bridgeID
            self.portID = portID
            self.messageAge = messageAge
            self.maxAge = maxAge
            self.helloTime = helloTime
            self.forwardDelay = forwardDelay
        }
    }

    /// The group address every spanning tree frame is sent to.
    public static let groupAddress = MACAddress(0x0180_C200_0000)
    /// The LLC header before every BPDU: DSAP, SSAP (0x42: the spanning tree) and control (UI).
    public static let llcHeader: [UInt8] = [0x42, 0x42, 0x03]
    /// Lengths of the BPDU itself, after the LLC header.
    public static let configurationLength = 35
    public static let notificationLength = 4
    /// BPDU type octets.
    static let configurationType: UInt8 = 0x00
    static let notificationType: UInt8 = 0x80

    /// Whether an Ethernet frame is addressed to the spanning tree group (a BPDU or
    /// something claiming to be one); false for frames shorter than a header.
    public static func isAddressedToBridges(_ frame: [UInt8]) -> Bool {
        frame.count >= EthernetView.headerLength && frame.withUnsafeBytes { $0.loadMAC(at: 0) } == groupAddress
    }

    /// Parses an Ethernet frame carrying a BPDU (destination, 802.3 length, LLC, BPDU).
    public init(frame: [UInt8]) throws(WireError) {
        try self = frame.withWireBytes { raw throws(WireError) in try BPDU(frame: raw) }
    }

    public init(frame: UnsafeRawBufferPointer) throws(WireError) {
        try frame.require(EthernetView.headerLength + Self.llcHeader.count, layer: "802.3", field: "header")
        let length = Int(frame.loadUInt16(at: 12))
        guard length <= 1500, length >= Self.llcHeader.count else {
            throw .badValue(layer: "802.3", field: "length", value: UInt64(length),
                            expected: "a length of 3 to 1500 (LLC header and BPDU), not an EtherType")
        }
        guard frame.count >= EthernetView.headerLength + length else {
            throw .truncated(layer: "802.3", field: "payload", needed: EthernetView.headerLength + length,
                             available: frame.count)
        }
        for (offset, expected) in Self.llcHeader.enumerated() {
            let byte = frame.loadUInt8(at: EthernetView.headerLength + offset)
            guard byte == expected else {
                throw .badValue(layer: "LLC", field: ["dsap", "ssap", "control"][offset], value: UInt64(byte),
                                expected: "0x\(String(expected, radix: 16))")
            }
        }
        let start = EthernetView.headerLength + Self.llcHeader.count
        let body = UnsafeRawBufferPointer(rebasing: frame[start..<(EthernetView.headerLength + length)])
        try self.init(parsing: body)
    }

    /// Parses the BPDU alone (after the LLC header). Protocol versions above 0
    /// (RSTP, MSTP) are read as configuration BPDUs, as 802.1D bridges do (§9.3.4).
    public init(parsing body: UnsafeRawBufferPointer) throws(WireError) {
        try body.require(Self.notificationLength, layer: "STP", field: "header")
        let protocolID = body.loadUInt16(at: 0)
        guard protocolID == 0 else {
            throw .badValue(layer: "STP", field: "protocolIdentifier", value: UInt64(protocolID), expected: "0")
        }
        let type = body.loadUInt8(at: 3)
        switch type {
        case Self.notificationType:
            self = .topologyChangeNotification
        case Self.configurationType, 0x02:
            try body.require(Self.configurationLength, layer: "STP", field: "configuration")
            let flags = body.loadUInt8(at: 4)
            self = .configuration(Configuration(
                topologyChange: flags & 0x01 != 0, topologyChangeAcknowledgment: flags & 0x80 != 0,
                rootID: BridgeID(value: UInt64(body.loadUInt32(at: 5)) << 32 | UInt64(body.loadUInt32(at: 9))),
                rootPathCost: body.loadUInt32(at: 13),
                bridgeID: BridgeID(value: UInt64(body.loadUInt32(at: 17)) << 32 | UInt64(body.loadUInt32(at: 21))),
                portID: body.loadUInt16(at: 25), messageAge: body.loadUInt16(at: 27), maxAge: body.loadUInt16(at: 29),
                helloTime: body.loadUInt16(at: 31), forwardDelay: body.loadUInt16(at: 33)))
        default:
            throw .badValue(layer: "STP", field: "type", value: UInt64(type),
                            expected: "0x00 (configuration) or 0x80 (topology change notification)")
        }
    }

    /// The BPDU in an 802.3 payload (LLC header first), nil when it holds none.
    public static func inPayload(_ payload: [UInt8]) -> BPDU? {
        guard payload.count > llcHeader.count, Array(payload.prefix(llcHeader.count)) == llcHeader else { return nil }
        return payload.withUnsafeBytes { raw in
            try? BPDU(parsing: UnsafeRawBufferPointer(rebasing: raw[llcHeader.count...]))
        }
    }

    /// The BPDU's own bytes (protocol id, version 0, type, and for a configuration its fields).
    public var bytes: [UInt8] {
        var out: [UInt8] = [0, 0, 0]
        switch self {
        case .topologyChangeNotification:
            out.append(Self.notificationType)
        case .configuration(let c):
            out.append(Self.configurationType)
            out.append((c.topologyChangeAcknowledgment ? 0x80 : 0) | (c.topologyChange ? 0x01 : 0))
            out.appendUInt32(UInt32(c.rootID.value >> 32))
            out.appendUInt32(UInt32(c.rootID.value & 0xFFFF_FFFF))
            out.appendUInt32(c.rootPathCost)
            out.appendUInt32(UInt32(c.bridgeID.value >> 32))
            out.appendUInt32(UInt32(c.bridgeID.value & 0xFFFF_FFFF))
            for field in [c.portID, c.messageAge, c.maxAge, c.helloTime, c.forwardDelay] { out.appendUInt16(field) }
        }
        return out
    }

    /// The whole frame from a port whose address is `source`: 802.3 header with the
    /// length of LLC and BPDU, both, and zero padding to the 60-byte minimum.
    public func frame(from source: MACAddress) -> [UInt8] {
        let payload = Self.llcHeader + bytes
        var out: [UInt8] = []
        out.reserveCapacity(EthernetView.minimumFrameLength)
        out.appendMAC(Self.groupAddress)
        out.appendMAC(source)
        out.appendUInt16(UInt16(payload.count))
        out.append(contentsOf: payload)
        if out.count < EthernetView.minimumFrameLength {
            out.append(contentsOf: repeatElement(0, count: EthernetView.minimumFrameLength - out.count))
        }
        return out
    }

    public var description: String {
        switch self {
        case .topologyChangeNotification:
            return "STP topology change notification"
        case .configuration(let c):
            var flags: [String] = []
            if c.topologyChange { flags.append("TC") }
            if c.topologyChangeAcknowledgment { flags.append("TCA") }
            let port = String(c.portID, radix: 16)
            return "STP config root \(c.rootID) cost \(c.rootPathCost) bridge \(c.bridgeID) port 0x\(String(repeating: "0", count: 4 - port.count))\(port)"
                + " age \(Self.seconds(c.messageAge))" + (flags.isEmpty ? "" : " [\(flags.joined(separator: ","))]")
        }
    }

    /// A time field as seconds, e.g. `1.5s`.
    public static func seconds(_ units: UInt16) -> String {
        let milliseconds = Int(units) * 1000 / 256
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }
}
