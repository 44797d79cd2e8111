/// VXLAN (RFC 7348, section 5): the 8-byte header in front of an inner
/// Ethernet frame inside a UDP datagram (destination port 4789 by IANA).
///
///     byte 0     flags: 0x08, the I flag (the VNI is valid); the other bits are reserved (0)
///     bytes 1-3  reserved (0)
///     bytes 4-6  VXLAN Network Identifier (24 bits)
///     byte 7     reserved (0)
///
/// A receiver takes a header only with the I flag set (RFC 7348: other flag
/// bits are ignored on receipt, reserved fields too); the sender writes
/// every reserved bit as 0.
public struct VXLANHeader: Hashable, Sendable, CustomStringConvertible {
    public static let length = 8
    /// The I flag: the VNI field is valid.
    public static let validVNIFlag: UInt8 = 0x08
    /// The UDP destination port IANA assigned to VXLAN.
    public static let defaultPort: UInt16 = 4789
    /// The largest VNI: 24 bits.
    public static let maximumVNI: UInt32 = 0xFF_FFFF
    /// Bytes one frame grows by on an IPv4 underlay: outer Ethernet 14, IPv4 20,
    /// UDP 8 and VXLAN 8. An inner IPv4 MTU of 1450 fills a 1500-byte underlay MTU.
    public static let overhead = 50

    /// The VXLAN Network Identifier, 0 to 2^24 - 1.
    public var vni: UInt32

    public init(vni: UInt32) {
        precondition(vni <= Self.maximumVNI, "a VNI has 24 bits")
        self.vni = vni
    }

    /// Reads the header at the start of `bytes` (a UDP payload): at least 8
    /// bytes with the I flag set.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(WireError) {
        try bytes.require(Self.length, layer: "VXLAN", field: "header")
        let flags = bytes[0]
        guard flags & Self.validVNIFlag != 0 else {
            throw WireError.badValue(layer: "VXLAN", field: "flags", value: UInt64(flags), expected: "the I flag (0x08) set")
        }
        vni = UInt32(bytes[4]) << 16 | UInt32(bytes[5]) << 8 | UInt32(bytes[6])
    }

    public init(parsing bytes: [UInt8]) throws(WireError) {
        self = try bytes.withWireBytes { raw throws(WireError) in try VXLANHeader(parsing: raw) }
    }

    /// Appends the 8 header bytes.
    public func serialize(into out: inout [UInt8]) {
        out.append(contentsOf: [Self.validVNIFlag, 0, 0, 0,
                                UInt8(truncatingIfNeeded: vni >> 16), UInt8(truncatingIfNeeded: vni >> 8),
                                UInt8(truncatingIfNeeded: vni), 0])
    }

    /// The header followed by `frame`: one UDP payload.
    public func encapsulate(_ frame: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.length + frame.count)
        serialize(into: &out)
        out.append(contentsOf: frame)
        return out
    }

    public var description: String { "VXLAN vni \(vni)" }
}
