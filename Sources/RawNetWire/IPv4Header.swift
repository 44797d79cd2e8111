/// IPv4 (RFC 791): `IPProtocol`, `IPv4Flags`, the checked `IPv4View` and the `IPv4Header` value,
/// plus `IPv4Header.decrementTTL(inPacket:)` for routers (RFC 1624 incremental checksum).
///
///     let ip = try IPv4Header(parsing: packet)            // verifies IPv4.headerChecksum
///     let ip = try IPv4Header(parsing: packet, verifyChecksum: false)
///     ip.serialize(into: &out)                             // computes IHL and header checksum
///
/// Options are carried as raw bytes (padded to a multiple of 4); fragmentation
/// fields are kept as they are (no reassembly here).

/// The IPv4 protocol number. Unknown values are kept.
public struct IPProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    public static let icmp = IPProtocol(1)
    public static let tcp = IPProtocol(6)
    public static let udp = IPProtocol(17)

    public var description: String {
        switch self {
        case .icmp: return "ICMP"
        case .tcp: return "TCP"
        case .udp: return "UDP"
        default: return "proto \(rawValue)"
        }
    }
}

/// The three IPv4 flag bits (the top of the flags/fragment-offset word).
public struct IPv4Flags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x7 }

    /// Bit 0 of the flags; must be zero (RFC 791), kept if set.
    public static let reserved = IPv4Flags(rawValue: 0x4)
    public static let dontFragment = IPv4Flags(rawValue: 0x2)
    public static let moreFragments = IPv4Flags(rawValue: 0x1)
}

/// A checked view over an IPv4 packet (or, with `requireFullPacket: false`, over a
/// header whose payload is cut short, as quoted in ICMP errors). After `init`,
/// accessors cannot trap. Checksums are not checked by the view; see `isChecksumValid`.
public struct IPv4View {
    public static let minimumHeaderLength = 20
    public static let maximumHeaderLength = 60
    public let bytes: UnsafeRawBufferPointer

    public init(_ bytes: UnsafeRawBufferPointer, requireFullPacket: Bool = true) throws(WireError) {
        try bytes.require(IPv4View.minimumHeaderLength, layer: "IPv4", field: "header")
        let first = bytes.loadUInt8(at: 0)
        guard first >> 4 == 4 else {
            throw WireError.badValue(layer: "IPv4", field: "version", value: UInt64(first >> 4), expected: "4")
        }
        let headerLength = Int(first & 0x0F) * 4
        guard headerLength >= IPv4View.minimumHeaderLength else {
            throw WireError.badValue(layer: "IPv4", field: "headerLength", value: UInt64(first & 0x0F),
                                     expected: "5...15 (words)")
        }
        try bytes.require(headerLength, layer: "IPv4", field: "options")
        let total = Int(bytes.loadUInt16(at: 2))
        guard total >= headerLength else {
            throw WireError.badValue(layer: "IPv4", field: "totalLength", value: UInt64(total),
                                     expected: "at least the header length \(headerLength)")
        }
        if requireFullPacket {
            try bytes.require(total, layer: "IPv4", field: "totalLength")
        }
        self.bytes = bytes
    }

    public var version: UInt8 { bytes.loadUInt8(at: 0) >> 4 }
    /// Header length in bytes (IHL × 4).
    public var headerLength: Int { Int(bytes.loadUInt8(at: 0) & 0x0F) * 4 }
    public var dscp: UInt8 { bytes.loadUInt8(at: 1) >> 2 }
    public var ecn: UInt8 { bytes.loadUInt8(at: 1) & 0x3 }
    public var totalLength: Int { Int(bytes.loadUInt16(at: 2)) }
    public var identification: UInt16 { bytes.loadUInt16(at: 4) }
    public var flags: IPv4Flags { IPv4Flags(rawValue: UInt8(bytes.loadUInt16(at: 6) >> 13)) }
    /// Fragment offset in units of 8 bytes.
    public var fragmentOffset: UInt16 { bytes.loadUInt16(at: 6) & 0x1FFF }
    public var timeToLive: UInt8 { bytes.loadUInt8(at: 8) }
    public var protocolNumber: IPProtocol { IPProtocol(bytes.loadUInt8(at: 9)) }
    public var checksum: UInt16 { bytes.loadUInt16(at: 10) }
    public var source: IPv4Address { bytes.loadIPv4(at: 12) }
    public var destination: IPv4Address { bytes.loadIPv4(at: 16) }
    public var options: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[IPv4View.minimumHeaderLength..<headerLength])
    }
    /// The payload, up to `totalLength` (or to the end of the bytes, if cut short).
    public var payload: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[headerLength..<min(totalLength, bytes.count)])
    }
    /// True for any fragment but a whole datagram (MF set or a non-zero offset).
    public var isFragment: Bool { flags.contains(.moreFragments) || fragmentOffset != 0 }

    public var isChecksumValid: Bool {
        InternetChecksum.sum(UnsafeRawBufferPointer(rebasing: bytes[0..<headerLength])) == 0xFFFF
    }

    /// The checksum the header should carry.
    public var computedChecksum: UInt16 {
        let header = UnsafeRawBufferPointer(rebasing: bytes[0..<headerLength])
        // Sum with the stored checksum removed (ones'-complement subtraction).
        let withStored = InternetChecksum.sum(header)
        return ~InternetChecksum.fold(UInt64(withStored) + UInt64(~checksum))
    }
}

/// The IPv4 header as a value. `version` and the header length are derived; the
/// header checksum is computed by `serialize`. `checksum` holds the parsed value.
public struct IPv4Header: Hashable, Sendable, CustomStringConvertible {
    public var dscp: UInt8
    public var ecn: UInt8
    /// Header plus payload, in bytes. `Frame`/`Packet` builders fill it in.
    public var totalLength: UInt16
    public var identification: UInt16
    public var flags: IPv4Flags
    /// Fragment offset in units of 8 bytes (13 bits).
    public var fragmentOffset: UInt16
    public var timeToLive: UInt8
    public var protocolNumber: IPProtocol
    /// As parsed; ignored by `serialize`, which computes it.
    public var checksum: UInt16
    public var source: IPv4Address
    public var destination: IPv4Address
    /// Raw option bytes (at most 40); serialized padded with zeros (EOL) to a multiple of 4.
    public var options: [UInt8]

    public init(dscp: UInt8 = 0, ecn: UInt8 = 0, totalLength: UInt16 = 20, identification: UInt16 = 0,
                flags: IPv4Flags = .dontFragment, fragmentOffset: UInt16 = 0, timeToLive: UInt8 = 64,
                protocolNumber: IPProtocol, checksum: UInt16 = 0,
                source: IPv4Address, destination: IPv4Address, options: [UInt8] = []) {
        self.dscp = dscp
        self.ecn = ecn
        self.totalLength = totalLength
        self.identification = identification
        self.flags = flags
        self.fragmentOffset = fragmentOffset
        self.timeToLive = timeToLive
        self.protocolNumber = protocolNumber
        self.checksum = checksum
        self.source = source
        self.destination = destination
        self.options = options
    }

    public init(_ view: IPv4View) {
        dscp = view.dscp
        ecn = view.ecn
        totalLength = UInt16(truncatingIfNeeded: view.totalLength)
        identification = view.identification
        flags = view.flags
        fragmentOffset = view.fragmentOffset
        timeToLive = view.timeToLive
        protocolNumber = view.protocolNumber
        checksum = view.checksum
        source = view.source
        destination = view.destination
        options = view.headerLength > IPv4View.minimumHeaderLength ? Array(view.options) : []
    }

    /// Parses the header of `bytes`. With `verifyChecksum`, a wrong header checksum
    /// throws `badChecksum` naming `IPv4.headerChecksum`. With `requireFullPacket`
    /// (the default), `totalLength` must fit in `bytes`.
    public init(parsing bytes: UnsafeRawBufferPointer, verifyChecksum: Bool = true,
                requireFullPacket: Bool = true) throws(WireError) {
        let view = try IPv4View(bytes, requireFullPacket: requireFullPacket)
        if verifyChecksum && !view.isChecksumValid {
            throw WireError.badChecksum(layer: "IPv4", field: "headerChecksum",
                                        stored: view.checksum, computed: view.computedChecksum)
        }
        self.init(view)
    }

    public init(parsing bytes: [UInt8], verifyChecksum: Bool = true, requireFullPacket: Bool = true) throws(WireError) {
        self = try bytes.withWireBytes { raw throws(WireError) in
            try IPv4Header(parsing: raw, verifyChecksum: verifyChecksum, requireFullPacket: requireFullPacket)
        }
    }

    public var version: UInt8 { 4 }
    /// Header length in bytes: 20 plus the options padded to a multiple of 4.
    public var headerLength: Int { IPv4View.minimumHeaderLength + (options.count + 3) / 4 * 4 }
    public var isFragment: Bool { flags.contains(.moreFragments) || fragmentOffset != 0 }

    /// Appends the header with IHL and a freshly computed checksum.
    /// Precondition: at most 40 option bytes.
    public func serialize(into out: inout [UInt8]) {
        precondition(options.count <= 40, "IPv4 options exceed 40 bytes")
        out.appendWriting(headerLength) { write(to: &$0, totalLength: totalLength, protocolNumber: protocolNumber) }
    }

    /// Writes the header into zeroed space, with the given total length and protocol,
    /// and its checksum.
    @inline(__always)
    func write(to writer: inout WireWriter, totalLength: UInt16, protocolNumber: IPProtocol) {
        let start = writer.offset
        let length = headerLength
        writer.put(0x40 | UInt8(length / 4))
        writer.put(dscp << 2 | ecn & 0x3)
        writer.put(totalLength)
        writer.put(identification)
        writer.put(UInt16(flags.rawValue) << 13 | fragmentOffset & 0x1FFF)
        writer.put(timeToLive)
        writer.put(protocolNumber.rawValue)
        writer.skip(2)
        writer.put(source.value)
        writer.put(destination.value)
        if !options.isEmpty { writer.put(options) }
        writer.offset = start + length
        writer.store(InternetChecksum.checksum(writer.bytes(start..<start + length)), at: start + 10)
    }

    /// Decrements the TTL of the IPv4 header at `offset` in `packet` and updates the
    /// header checksum incrementally (RFC 1624), as a router does. Returns the new TTL.
    /// Throws if the header is malformed or the TTL is already 0; the bytes are then unchanged.
    @discardableResult
    public static func decrementTTL(inPacket packet: inout [UInt8], at offset: Int = 0) throws(WireError) -> UInt8 {
        guard offset >= 0, offset <= packet.count else {
            throw WireError.truncated(layer: "IPv4", field: "header", needed: offset + 20, available: packet.count)
        }
        try packet[offset...].withWireBytes { raw throws(WireError) in _ = try IPv4View(raw, requireFullPacket: false) }
        let ttl = packet[offset + 8]
        guard ttl > 0 else {
            throw WireError.badValue(layer: "IPv4", field: "timeToLive", value: 0, expected: "at least 1")
        }
        // TTL shares a 16-bit word with the protocol number.
        let oldWord = UInt16(ttl) << 8 | UInt16(packet[offset + 9])
        let newWord = oldWord &- 0x100
        packet[offset + 8] = ttl - 1
        let checksum = packet.loadUInt16(at: offset + 10)
        packet.storeUInt16(InternetChecksum.update(checksum, old: oldWord, new: newWord), at: offset + 10)
        return ttl - 1
    }

    public var description: String {
        var text = "IPv4 \(source) > \(destination) \(protocolNumber) ttl \(timeToLive) id \(identification) len \(totalLength)"
        if flags.contains(.dontFragment) { text += " DF" }
        if flags.contains(.moreFragments) { text += " MF" }
        if fragmentOffset != 0 { text += " off \(Int(fragmentOffset) * 8)" }
        return text
    }
}
