/// A RIP version 2 message (RFC 2453 §4), the payload of a UDP datagram on port 520:
///
///     command(1) version(1) must-be-zero(2)
///     then 1…25 entries of 20 bytes:
///     address family(2) route tag(2) IP address(4) subnet mask(4) next hop(4) metric(4)
///
/// Parsing checks only the layout (lengths, command, version); whether an entry
/// is a usable route (family, mask, metric) is the receiver's judgement, so
/// entries keep their raw fields.
public struct RIPMessage: Hashable, Sendable {
    public enum Command: UInt8, Sendable {
        case request = 1
        case response = 2
    }

    /// One route entry as carried on the wire.
    public struct Entry: Hashable, Sendable {
        /// 2 for IPv4; 0 in a request for the whole table; 0xFFFF marks authentication.
        public var addressFamily: UInt16
        public var routeTag: UInt16
        public var address: IPv4Address
        public var mask: IPv4Address
        /// 0.0.0.0: "send to the router this message came from".
        public var nextHop: IPv4Address
        /// 1…15, or 16 for unreachable.
        public var metric: UInt32

        public init(addressFamily: UInt16 = RIPMessage.familyIPv4, routeTag: UInt16 = 0, address: IPv4Address,
                    mask: IPv4Address, nextHop: IPv4Address = .any, metric: UInt32) {
            self.addressFamily = addressFamily
            self.routeTag = routeTag
            self.address = address
            self.mask = mask
            self.nextHop = nextHop
            self.metric = metric
        }

        /// An IPv4 route entry for `prefix`.
        public init(prefix: IPv4Prefix, nextHop: IPv4Address = .any, metric: Int, routeTag: UInt16 = 0) {
            self.init(routeTag: routeTag, address: prefix.network, mask: prefix.mask, nextHop: nextHop,
                      metric: UInt32(clamping: metric))
        }

        /// The prefix, when the mask is contiguous and the address has no host bits set.
        public var prefix: IPv4Prefix? {
            let length = mask.value.nonzeroBitCount
            guard IPv4Prefix.mask(length) == mask.value else { return nil }
            let prefix = IPv4Prefix(network: address, length: length)
            return prefix.network == address ? prefix : nil
        }
    }

    public var command: Command
    public var version: UInt8
    public var entries: [Entry]

    /// UDP port of RIP, source and destination (RFC 2453 §3.6).
    public static let port: UInt16 = 520
    /// The group RIPv2 routers send updates to (RFC 2453 §4.5), link-local: TTL 1.
    public static let multicastGroup = IPv4Address(0xE000_0009)
    /// The metric that means unreachable.
    public static let infinity = 16
    /// Most entries one message may carry (RFC 2453 §3.6: 512-byte datagrams).
    public static let maximumEntries = 25
    public static let familyIPv4: UInt16 = 2
    public static let familyAuthentication: UInt16 = 0xFFFF
    static let headerLength = 4
    static let entryLength = 20

    public init(command: Command, version: UInt8 = 2, entries: [Entry]) {
        self.command = command
        self.version = version
        self.entries = entries
    }

    /// The request a router sends when it starts or an interface comes up: "send me
    /// your whole table" (one entry, family 0, metric 16; RFC 2453 §3.9.1).
    public static let wholeTableRequest = RIPMessage(
        command: .request,
        entries: [Entry(addressFamily: 0, address: .any, mask: .any, metric: UInt32(infinity))])

    /// True for a request of the whole table.
    public var isWholeTableRequest: Bool {
        command == .request && entries.count == 1 && entries[0].addressFamily == 0
            && entries[0].metric == UInt32(Self.infinity)
    }

    /// Parses a UDP payload. Versions other than 2 are refused (RIPv1 has no masks).
    public init(parsing bytes: [UInt8]) throws(WireError) {
        try self = bytes.withWireBytes { raw throws(WireError) in try RIPMessage(parsing: raw) }
    }

    public init(parsing bytes: UnsafeRawBufferPointer) throws(WireError) {
        try bytes.require(Self.headerLength, layer: "RIP", field: "header")
        let commandByte = bytes.loadUInt8(at: 0)
        guard let command = Command(rawValue: commandByte) else {
            throw .badValue(layer: "RIP", field: "command", value: UInt64(commandByte), expected: "1 (request) or 2 (response)")
        }
        let version = bytes.loadUInt8(at: 1)
        guard version == 2 else {
            throw .badValue(layer: "RIP", field: "version", value: UInt64(version), expected: "2")
        }
        let body = bytes.count - Self.headerLength
        guard body > 0, body % Self.entryLength == 0, body / Self.entryLength <= Self.maximumEntries else {
            throw .badValue(layer: "RIP", field: "length", value: UInt64(bytes.count),
                            expected: "4 + 20 × (1…25) bytes")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(body / Self.entryLength)
        var at = Self.headerLength
        while at < bytes.count {
            entries.append(Entry(addressFamily: bytes.loadUInt16(at: at), routeTag: bytes.loadUInt16(at: at + 2),
                                 address: bytes.loadIPv4(at: at + 4), mask: bytes.loadIPv4(at: at + 8),
                                 nextHop: bytes.loadIPv4(at: at + 12), metric: bytes.loadUInt32(at: at + 16)))
            at += Self.entryLength
        }
        self.init(command: command, version: version, entries: entries)
    }

    /// The message's bytes (the UDP payload).
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.headerLength + entries.count * Self.entryLength)
        out.append(command.rawValue)
        out.append(version)
        out.appendUInt16(0)
        for entry in entries {
            out.appendUInt16(entry.addressFamily)
            out.appendUInt16(entry.routeTag)
            out.appendIPv4(entry.address)
            out.appendIPv4(entry.mask)
            out.appendIPv4(entry.nextHop)
            out.appendUInt32(entry.metric)
        }
        return out
    }

    /// `entries` cut into messages of at most 25 entries each.
    public static func responses(_ entries: [Entry]) -> [RIPMessage] {
        stride(from: 0, to: entries.count, by: maximumEntries).map {
            RIPMessage(command: .response, entries: Array(entries[$0..<min($0 + maximumEntries, entries.count)]))
        }
    }
}

extension MACAddress {
    /// The Ethernet address of an IPv4 multicast group (RFC 1112 §6.4):
    /// 01:00:5e and the group's low 23 bits.
    public static func multicast(_ group: IPv4Address) -> MACAddress {
        MACAddress(0x0100_5E00_0000 | UInt64(group.value & 0x7F_FFFF))
    }
}
