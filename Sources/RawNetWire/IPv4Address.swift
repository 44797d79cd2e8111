/// An IPv4 address, stored as a 32-bit value in host order.
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses dotted-quad text such as `10.0.1.10`. Returns nil for anything else.
    public init?(_ text: some StringProtocol) {
        var octets: [UInt32] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let octet = UInt32(part), octet <= 255 else { return nil }
            octets.append(octet)
        }
        guard octets.count == 4 else { return nil }
        value = octets[0] << 24 | octets[1] << 16 | octets[2] << 8 | octets[3]
    }

    public static let any = IPv4Address(0)
    public static let broadcast = IPv4Address(0xFFFF_FFFF)

    /// The four octets in network order.
    public var octets: (UInt8, UInt8, UInt8, UInt8) {
        (UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16),
         UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value))
    }

    public var description: String {
        let o = octets
        return "\(o.0).\(o.1).\(o.2).\(o.3)"
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }
}

/// An IPv4 prefix in CIDR form, e.g. `10.0.1.0/24`.
public struct IPv4Prefix: Hashable, Sendable, CustomStringConvertible {
    /// The network address (host bits cleared).
    public let network: IPv4Address
    /// Prefix length, 0...32.
    public let length: Int

    public init(network: IPv4Address, length: Int) {
        precondition((0...32).contains(length), "prefix length out of range")
        self.length = length
        self.network = IPv4Address(network.value & IPv4Prefix.mask(length))
    }

    /// Parses `A.B.C.D/N`. Host bits are cleared.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]),
              parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let length = Int(parts[1]), (0...32).contains(length) else { return nil }
        self.init(network: address, length: length)
    }

    public static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    public var mask: IPv4Address { IPv4Address(IPv4Prefix.mask(length)) }

    public func contains(_ address: IPv4Address) -> Bool {
        address.value & IPv4Prefix.mask(length) == network.value
    }

    /// The directed broadcast address of this subnet.
    public var broadcast: IPv4Address { IPv4Address(network.value | ~IPv4Prefix.mask(length)) }

    public var description: String { "\(network)/\(length)" }
}

/// An interface address: an address together with the prefix of its subnet, e.g. `10.0.1.10/24`.
public struct IPv4InterfaceAddress: Hashable, Sendable, CustomStringConvertible {
    public let address: IPv4Address
    public let prefix: IPv4Prefix

    public init(address: IPv4Address, length: Int) {
        self.address = address
        self.prefix = IPv4Prefix(network: address, length: length)
    }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]),
              parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let length = Int(parts[1]), (0...32).contains(length) else { return nil }
        self.init(address: address, length: length)
    }

    public var description: String { "\(address)/\(prefix.length)" }
}
