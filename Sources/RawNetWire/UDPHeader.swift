/// UDP (RFC 768): `IPv4PseudoHeader`, the checked `UDPView` and the `UDPHeader` value.
///
///     let udp = try UDPHeader(parsing: ipPayload, pseudoHeader: .init(source: s, destination: d)) // verifies
///     let udp = try UDPHeader(parsing: ipPayload)                                                  // structure only
///     udp.serialize(into: &out, payload: data, pseudoHeader: ph)  // fills length and checksum
///
/// A stored checksum of 0 means "no checksum" and is accepted; a computed 0 is sent as 0xFFFF.

/// The addresses of the IPv4 pseudo-header that UDP and TCP checksums cover
/// (the protocol and length are added by the transport).
public struct IPv4PseudoHeader: Hashable, Sendable {
    public var source: IPv4Address
    public var destination: IPv4Address
    public init(source: IPv4Address, destination: IPv4Address) {
        self.source = source
        self.destination = destination
    }

    /// The pseudo-header of the packet `header` describes.
    public init(_ header: IPv4Header) {
        self.init(source: header.source, destination: header.destination)
    }

    /// Partial checksum sum for a transport segment of `length` bytes.
    public func sum(protocol proto: IPProtocol, length: Int) -> UInt32 {
        InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: proto, length: length)
    }

    /// The checksum for `segment` (its checksum field zero or not: pass `excluding`, the stored value).
    func checksum(_ segment: UnsafeRawBufferPointer, protocol proto: IPProtocol, excluding stored: UInt16) -> UInt16 {
        let total = InternetChecksum.sum(segment, initial: sum(protocol: proto, length: segment.count))
        return ~InternetChecksum.fold(UInt64(total) + UInt64(~stored))
    }

    func isValid(_ segment: UnsafeRawBufferPointer, protocol proto: IPProtocol) -> Bool {
        InternetChecksum.sum(segment, initial: sum(protocol: proto, length: segment.count)) == 0xFFFF
    }
}

/// A checked view over a UDP datagram: the length field is at least 8 and fits in
/// the bytes. After `init`, accessors cannot trap.
public struct UDPView {
    public static let headerLength = 8
    public let bytes: UnsafeRawBufferPointer

    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try bytes.require(UDPView.headerLength, layer: "UDP", field: "header")
        let length = Int(bytes.loadUInt16(at: 4))
        guard length >= UDPView.headerLength else {
            throw WireError.badValue(layer: "UDP", field: "length", value: UInt64(length), expected: "at least 8")
        }
        try bytes.require(length, layer: "UDP", field: "length")
        self.bytes = bytes
    }

    public var sourcePort: UInt16 { bytes.loadUInt16(at: 0) }
    public var destinationPort: UInt16 { bytes.loadUInt16(at: 2) }
    public var length: Int { Int(bytes.loadUInt16(at: 4)) }
    public var checksum: UInt16 { bytes.loadUInt16(at: 6) }
    /// The datagram (header and data) up to `length`.
    public var datagram: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[0..<length]) }
    public var payload: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[8..<length]) }

    /// True when the checksum is absent (0) or matches.
    public func isChecksumValid(_ pseudoHeader: IPv4PseudoHeader) -> Bool {
        checksum == 0 || pseudoHeader.isValid(datagram, protocol: .udp)
    }

    /// The checksum the datagram should carry (never 0).
    public func computedChecksum(_ pseudoHeader: IPv4PseudoHeader) -> UInt16 {
        let c = pseudoHeader.checksum(datagram, protocol: .udp, excluding: checksum)
        return c == 0 ? 0xFFFF : c
    }
}

/// The UDP header as a value.
public struct UDPHeader: Hashable, Sendable, CustomStringConvertible {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// Header plus data, in bytes; filled in by `serialize(into:payload:pseudoHeader:)`.
    public var length: UInt16
    /// As parsed; 0 means none.
    public var checksum: UInt16

    public init(sourcePort: UInt16, destinationPort: UInt16, length: UInt16 = 8, checksum: UInt16 = 0) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.length = length
        self.checksum = checksum
    }

    public init(_ view: UDPView) {
        sourcePort = view.sourcePort
        destinationPort = view.destinationPort
        length = UInt16(truncatingIfNeeded: view.length)
        checksum = view.checksum
    }

    /// Parses the header of `bytes` (an IPv4 payload). With a pseudo-header, a wrong
    /// non-zero checksum throws `badChecksum` naming `UDP.checksum`.
    public init(parsing bytes: UnsafeRawBufferPointer, pseudoHeader: IPv4PseudoHeader? = nil) throws(WireError) {
        let view = try UDPView(bytes)
        if let pseudoHeader, !view.isChecksumValid(pseudoHeader) {
            throw WireError.badChecksum(layer: "UDP", field: "checksum", stored: view.checksum,
                                        computed: view.computedChecksum(pseudoHeader))
        }
        self.init(view)
    }

    public init(parsing bytes: [UInt8], pseudoHeader: IPv4PseudoHeader? = nil) throws(WireError) {
        self = try bytes.withWireBytes { raw throws(WireError) in try UDPHeader(parsing: raw, pseudoHeader: pseudoHeader) }
    }

    /// Appends the 8 header bytes exactly as stored.
    public func serialize(into out: inout [UInt8]) {
        out.appendUInt16(sourcePort)
        out.appendUInt16(destinationPort)
        out.appendUInt16(length)
        out.appendUInt16(checksum)
    }

    /// Appends header and `payload` with the length and checksum computed.
    /// Precondition: the datagram fits in 65535 bytes.
    public func serialize(into out: inout [UInt8], payload: UnsafeRawBufferPointer, pseudoHeader: IPv4PseudoHeader) {
        let total = UDPView.headerLength + payload.count
        precondition(total <= 0xFFFF, "UDP datagram too long")
        let start = out.count
        var header = self
        header.length = UInt16(total)
        header.checksum = 0
        header.serialize(into: &out)
        out.append(contentsOf: payload)
        var sum = out.withUnsafeBytes {
            InternetChecksum.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<start + total]),
                                      initial: pseudoHeader.sum(protocol: .udp, length: total))
        }
        if sum == 0 { sum = 0xFFFF }
        out.storeUInt16(sum, at: start + 6)
    }

    /// Appends header and `payload` with the length and checksum computed.
    public func serialize(into out: inout [UInt8], payload: [UInt8], pseudoHeader: IPv4PseudoHeader) {
        payload.withUnsafeBytes { serialize(into: &out, payload: $0, pseudoHeader: pseudoHeader) }
    }

    public var description: String { "UDP \(sourcePort) > \(destinationPort) len \(length)" }
}
