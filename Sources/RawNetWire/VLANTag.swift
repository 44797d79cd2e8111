/// The IEEE 802.1Q tag: four bytes between an Ethernet header's source address
/// and its EtherType — the TPID 0x8100, then priority (3 bits), drop eligible
/// (1 bit) and the VLAN id (12 bits). The EtherType of the payload follows it.
///
///     let tagged = VLANTag(vlan: 10).inserted(into: frame)   // 18-byte header
///     let (tag, plain) = try VLANTag.removed(from: tagged)!   // back to 14 bytes
public struct VLANTag: Hashable, Sendable, CustomStringConvertible {
    /// VLAN ids a tag may carry: 0 means "priority only" and 4095 is reserved.
    public static let usableIDs: ClosedRange<UInt16> = 1...4094
    /// The tag's length on the wire.
    public static let length = 4

    public var vlan: UInt16
    public var priority: UInt8
    public var dropEligible: Bool

    public init(vlan: UInt16, priority: UInt8 = 0, dropEligible: Bool = false) {
        self.vlan = vlan & 0x0FFF
        self.priority = priority & 0x07
        self.dropEligible = dropEligible
    }

    /// The tag control information field (the two bytes after the TPID).
    public var controlField: UInt16 {
        UInt16(priority) << 13 | (dropEligible ? 0x1000 : 0) | vlan
    }

    public init(controlField: UInt16) {
        self.init(vlan: controlField & 0x0FFF, priority: UInt8(controlField >> 13), dropEligible: controlField & 0x1000 != 0)
    }

    /// The tag of an Ethernet frame, nil when its EtherType is not 802.1Q;
    /// throws when the frame is too short to hold the tag and an EtherType.
    public static func of(_ frame: [UInt8]) throws(WireError) -> VLANTag? {
        guard frame.count >= EthernetView.headerLength else {
            throw WireError.truncated(layer: "Ethernet", field: "header", needed: EthernetView.headerLength, available: frame.count)
        }
        guard UInt16(frame[12]) << 8 | UInt16(frame[13]) == EtherType.vlan.rawValue else { return nil }
        let needed = EthernetView.headerLength + length
        guard frame.count >= needed else {
            throw WireError.truncated(layer: "802.1Q", field: "tag", needed: needed, available: frame.count)
        }
        return VLANTag(controlField: UInt16(frame[14]) << 8 | UInt16(frame[15]))
    }

    /// The frame with this tag put after its source address (the frame must hold an Ethernet header).
    public func inserted(into frame: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(frame.count + Self.length)
        out.append(contentsOf: frame[..<12])
        let field = controlField
        out.append(contentsOf: [0x81, 0x00, UInt8(field >> 8), UInt8(field & 0xFF)])
        out.append(contentsOf: frame[12...])
        return out
    }

    /// The tag and the frame without it, padded back to the Ethernet minimum;
    /// nil when the frame carries no tag.
    public static func removed(from frame: [UInt8]) throws(WireError) -> (tag: VLANTag, frame: [UInt8])? {
        guard let tag = try of(frame) else { return nil }
        var out = Array(frame[..<12])
        out.append(contentsOf: frame[(12 + length)...])
        if out.count < EthernetView.minimumFrameLength {
            out.append(contentsOf: repeatElement(0, count: EthernetView.minimumFrameLength - out.count))
        }
        return (tag, out)
    }

    public var description: String { "802.1Q vlan \(vlan)" + (priority == 0 ? "" : " pcp \(priority)") }
}
