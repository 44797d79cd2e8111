/// Ethernet II: `EtherType`, the checked `EthernetView` and the `EthernetHeader` value.
///
///     let eth = try EthernetHeader(parsing: frame)       // 14 bytes: dst, src, type
///     var out: [UInt8] = []; eth.serialize(into: &out)
///
/// The frame check sequence is not carried (as on Linux packet sockets and in pcapng).

/// The EtherType field. Unknown values are kept as they are.
public struct EtherType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let ipv4 = EtherType(0x0800)
    public static let arp = EtherType(0x0806)
    public static let ipv6 = EtherType(0x86DD)
    /// An IEEE 802.1Q VLAN tag follows (`VLANTag`).
    public static let vlan = EtherType(0x8100)

    public var description: String {
        switch self {
        case .ipv4: return "IPv4"
        case .arp: return "ARP"
        case .ipv6: return "IPv6"
        case .vlan: return "802.1Q"
        default: return hex16(rawValue)
        }
    }
}

/// A checked view over an Ethernet II frame. After `init`, accessors cannot trap.
/// The view borrows the bytes: use it inside `withUnsafeBytes`.
public struct EthernetView {
    public static let headerLength = 14
    /// Frames shorter than this (without FCS) are padded by senders.
    public static let minimumFrameLength = 60

    public let bytes: UnsafeRawBufferPointer

    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try bytes.require(EthernetView.headerLength, layer: "Ethernet", field: "header")
        self.bytes = bytes
    }

    public var destination: MACAddress { bytes.loadMAC(at: 0) }
    public var source: MACAddress { bytes.loadMAC(at: 6) }
    public var etherType: EtherType { EtherType(bytes.loadUInt16(at: 12)) }
    /// Everything after the 14-byte header (may include padding).
    public var payload: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[EthernetView.headerLength...])
    }
}

/// The Ethernet II header as a value.
public struct EthernetHeader: Hashable, Sendable, CustomStringConvertible {
    public var destination: MACAddress
    public var source: MACAddress
    public var etherType: EtherType

    public init(destination: MACAddress, source: MACAddress, etherType: EtherType) {
        self.destination = destination
        self.source = source
        self.etherType = etherType
    }

    public init(_ view: EthernetView) {
        destination = view.destination
        source = view.source
        etherType = view.etherType
    }

    public init(parsing bytes: UnsafeRawBufferPointer) throws(WireError) {
        self.init(try EthernetView(bytes))
    }

    public init(parsing bytes: [UInt8]) throws(WireError) {
        self = try bytes.withWireBytes { raw throws(WireError) in try EthernetHeader(parsing: raw) }
    }

    /// Appends the 14 header bytes.
    public func serialize(into out: inout [UInt8]) {
        out.appendWriting(EthernetView.headerLength) { write(to: &$0) }
    }

    @inline(__always)
    func write(to writer: inout WireWriter) {
        writer.put(destination)
        writer.put(source)
        writer.put(etherType.rawValue)
    }

    public var description: String { "\(source) > \(destination) \(etherType)" }
}
