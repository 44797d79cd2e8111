/// A 48-bit Ethernet MAC address, stored in the low 48 bits.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public var value: UInt64

    public init(_ value: UInt64) { self.value = value & 0xFFFF_FFFF_FFFF }

    public init(_ bytes: [UInt8]) {
        precondition(bytes.count == 6)
        var v: UInt64 = 0
        for b in bytes { v = v << 8 | UInt64(b) }
        value = v
    }

    /// Parses `aa:bb:cc:dd:ee:ff` (also accepts `-` as separator).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "-" })
        guard parts.count == 6 else { return nil }
        var v: UInt64 = 0
        for part in parts {
            guard part.count == 2, let byte = UInt8(part, radix: 16) else { return nil }
            v = v << 8 | UInt64(byte)
        }
        value = v
    }

    public static let broadcast = MACAddress(0xFFFF_FFFF_FFFF)
    public static let zero = MACAddress(0)

    public var bytes: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: value >> UInt64(40 - 8 * $0)) } }

    public var isBroadcast: Bool { value == 0xFFFF_FFFF_FFFF }
    /// Group bit: least significant bit of the first octet.
    public var isMulticast: Bool { (value >> 40) & 1 == 1 }

    /// A locally administered unicast address derived stably from a name
    /// (FNV-1a over the UTF-8 bytes), so a node's interface keeps its MAC across restarts.
    public static func derived(from name: String) -> MACAddress {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        // 02:xx:xx:xx:xx:xx — locally administered, unicast.
        return MACAddress(0x02_00_0000_0000 | (hash & 0x00FF_FFFF_FFFF))
    }

    public var description: String {
        bytes.map { b in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined(separator: ":")
    }
}
