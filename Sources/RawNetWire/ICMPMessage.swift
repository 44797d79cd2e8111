/// ICMP for IPv4 (RFC 792, RFC 1191): the checked `ICMPView` and the `ICMPMessage` value.
///
///     let icmp = try ICMPMessage(parsing: ipPayload)    // verifies ICMP.checksum
///     let err = ICMPMessage.timeExceeded(.timeToLive, quoted: ICMPMessage.quote(packet))
///     err.serialize(into: &out)                          // computes the checksum
///
/// Error messages carry the quoted original IPv4 header and the first 8 bytes of its
/// payload; `quotedIPv4Header` parses them back.

/// Codes of Destination Unreachable (type 3).
public enum ICMPUnreachableCode: Hashable, Sendable {
    case network                                  // 0
    case host                                     // 1
    case `protocol`                               // 2
    case port                                     // 3
    case fragmentationNeeded(nextHopMTU: UInt16)  // 4 (RFC 1191 next-hop MTU)
    case sourceRouteFailed                        // 5
    case networkUnknown                           // 6
    case hostUnknown                              // 7
    case sourceHostIsolated                       // 8
    case networkProhibited                        // 9
    case hostProhibited                           // 10
    case networkForTypeOfService                  // 11
    case hostForTypeOfService                     // 12
    case administrativelyProhibited               // 13
    case hostPrecedenceViolation                  // 14
    case precedenceCutoff                         // 15
    case other(UInt8)

    private static let simple: [ICMPUnreachableCode] = [
        .network, .host, .protocol, .port, .fragmentationNeeded(nextHopMTU: 0), .sourceRouteFailed,
        .networkUnknown, .hostUnknown, .sourceHostIsolated, .networkProhibited, .hostProhibited,
        .networkForTypeOfService, .hostForTypeOfService, .administrativelyProhibited,
        .hostPrecedenceViolation, .precedenceCutoff,
    ]

    public init(code: UInt8, nextHopMTU: UInt16 = 0) {
        if code == 4 { self = .fragmentationNeeded(nextHopMTU: nextHopMTU) }
        else if Int(code) < ICMPUnreachableCode.simple.count { self = ICMPUnreachableCode.simple[Int(code)] }
        else { self = .other(code) }
    }

    public var code: UInt8 {
        switch self {
        case .network: return 0
        case .host: return 1
        case .protocol: return 2
        case .port: return 3
        case .fragmentationNeeded: return 4
        case .sourceRouteFailed: return 5
        case .networkUnknown: return 6
        case .hostUnknown: return 7
        case .sourceHostIsolated: return 8
        case .networkProhibited: return 9
        case .hostProhibited: return 10
        case .networkForTypeOfService: return 11
        case .hostForTypeOfService: return 12
        case .administrativelyProhibited: return 13
        case .hostPrecedenceViolation: return 14
        case .precedenceCutoff: return 15
        case .other(let code): return code
        }
    }
}

/// Codes of Time Exceeded (type 11).
public enum ICMPTimeExceededCode: Hashable, Sendable {
    case timeToLive            // 0: TTL exceeded in transit
    case fragmentReassembly    // 1
    case other(UInt8)

    public init(code: UInt8) {
        switch code {
        case 0: self = .timeToLive
        case 1: self = .fragmentReassembly
        default: self = .other(code)
        }
    }

    public var code: UInt8 {
        switch self {
        case .timeToLive: return 0
        case .fragmentReassembly: return 1
        case .other(let code): return code
        }
    }
}

/// A checked view over an ICMP message (the whole IPv4 payload). After `init`, accessors cannot trap.
public struct ICMPView {
    public static let headerLength = 8
    public let bytes: UnsafeRawBufferPointer

    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try bytes.require(ICMPView.headerLength, layer: "ICMP", field: "header")
        self.bytes = bytes
    }

    public var type: UInt8 { bytes.loadUInt8(at: 0) }
    public var code: UInt8 { bytes.loadUInt8(at: 1) }
    public var checksum: UInt16 { bytes.loadUInt16(at: 2) }
    /// Bytes 4..<8: identifier and sequence for echo, next-hop MTU or unused for errors.
    public var restOfHeader: UInt32 { bytes.loadUInt32(at: 4) }
    public var body: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[8...]) }

    public var isChecksumValid: Bool { InternetChecksum.sum(bytes) == 0xFFFF }
    public var computedChecksum: UInt16 {
        ~InternetChecksum.fold(UInt64(InternetChecksum.sum(bytes)) + UInt64(~checksum))
    }
}

/// An ICMP message as a value, including its data. Echo and error messages with
/// codes or unused bits outside their definitions become `.other`, so every message
/// serializes back to the same bytes.
public enum ICMPMessage: Hashable, Sendable, CustomStringConvertible {
    case echoRequest(identifier: UInt16, sequence: UInt16, payload: [UInt8])      // type 8
    case echoReply(identifier: UInt16, sequence: UInt16, payload: [UInt8])        // type 0
    case destinationUnreachable(ICMPUnreachableCode, quoted: [UInt8])             // type 3
    case timeExceeded(ICMPTimeExceededCode, quoted: [UInt8])                      // type 11
    case other(type: UInt8, code: UInt8, restOfHeader: UInt32, body: [UInt8])

    public init(_ view: ICMPView) {
        let rest = view.restOfHeader
        let id = UInt16(truncatingIfNeeded: rest >> 16), seq = UInt16(truncatingIfNeeded: rest)
        switch (view.type, view.code) {
        case (8, 0): self = .echoRequest(identifier: id, sequence: seq, payload: Array(view.body))
        case (0, 0): self = .echoReply(identifier: id, sequence: seq, payload: Array(view.body))
        case (3, 4) where rest >> 16 == 0:
            self = .destinationUnreachable(.fragmentationNeeded(nextHopMTU: seq), quoted: Array(view.body))
        case (3, let code) where rest == 0 && code != 4:
            self = .destinationUnreachable(ICMPUnreachableCode(code: code), quoted: Array(view.body))
        case (11, let code) where rest == 0:
            self = .timeExceeded(ICMPTimeExceededCode(code: code), quoted: Array(view.body))
        default:
            self = .other(type: view.type, code: view.code, restOfHeader: rest, body: Array(view.body))
        }
    }

    /// Parses an ICMP message (all of `bytes`). With `verifyChecksum`, a wrong
    /// checksum throws `badChecksum` naming `ICMP.checksum`.
    public init(parsing bytes: UnsafeRawBufferPointer, verifyChecksum: Bool = true) throws(WireError) {
        let view = try ICMPView(bytes)
        if verifyChecksum && !view.isChecksumValid {
            throw WireError.badChecksum(layer: "ICMP", field: "checksum", stored: view.checksum,
                                        computed: view.computedChecksum)
        }
        self.init(view)
    }

    public init(parsing bytes: [UInt8], verifyChecksum: Bool = true) throws(WireError) {
        self = try bytes.withWireBytes { raw throws(WireError) in try ICMPMessage(parsing: raw, verifyChecksum: verifyChecksum) }
    }

    /// The quote an error message carries for `packet`: its IPv4 header and the
    /// first 8 bytes of its payload (RFC 792). Malformed input is quoted up to 28 bytes.
    public static func quote(_ packet: [UInt8]) -> [UInt8] {
        var length = min(packet.count, 28)
        if let first = packet.first, first >> 4 == 4 {
            length = min(packet.count, Int(first & 0x0F) * 4 + 8)
        }
        return Array(packet[0..<length])
    }

    /// The most an ICMP error datagram may be, IP header included (RFC 1812 §4.3.2.3; Linux's limit).
    public static let maximumErrorDatagramLength = 576

    /// The quote an error message this node originates carries for `packet`:
    /// as much of it as fits in a `maximumErrorDatagramLength`-byte error
    /// datagram with a 20-byte IP header and the 8-byte ICMP header (548
    /// bytes), as RFC 1812 §4.3.2.3 asks and Linux does; the whole packet when
    /// it is smaller. Always at least what `quote(_:)` takes.
    public static func errorQuote(_ packet: [UInt8]) -> [UInt8] {
        let room = maximumErrorDatagramLength - 20 - 8
        return packet.count <= room ? packet : Array(packet[0..<room])
    }

    public var type: UInt8 {
        switch self {
        case .echoRequest: return 8
        case .echoReply: return 0
        case .destinationUnreachable: return 3
        case .timeExceeded: return 11
        case .other(let type, _, _, _): return type
        }
    }

    public var code: UInt8 {
        switch self {
        case .echoRequest, .echoReply: return 0
        case .destinationUnreachable(let code, _): return code.code
        case .timeExceeded(let code, _): return code.code
        case .other(_, let code, _, _): return code
        }
    }

    /// True for error messages (unreachable, time exceeded, and other error types).
    public var isError: Bool { [3, 4, 5, 11, 12].contains(type) }

    /// The quoted bytes of an error message (empty for others).
    public var quoted: [UInt8] {
        switch self {
        case .destinationUnreachable(_, let quoted), .timeExceeded(_, let quoted): return quoted
        case .other(_, _, _, let body) where isError: return body
        default: return []
        }
    }

    /// The original IPv4 header quoted by an error message, parsed without checksum
    /// check and without requiring its full payload; nil if absent or malformed.
    public var quotedIPv4Header: IPv4Header? {
        let q = quoted
        guard !q.isEmpty else { return nil }
        return try? IPv4Header(parsing: q, verifyChecksum: false, requireFullPacket: false)
    }

    private var restOfHeader: UInt32 {
        switch self {
        case .echoRequest(let id, let seq, _), .echoReply(let id, let seq, _): return UInt32(id) << 16 | UInt32(seq)
        case .destinationUnreachable(.fragmentationNeeded(let mtu), _): return UInt32(mtu)
        case .destinationUnreachable, .timeExceeded: return 0
        case .other(_, _, let rest, _): return rest
        }
    }

    private var body: [UInt8] {
        switch self {
        case .echoRequest(_, _, let payload), .echoReply(_, _, let payload): return payload
        case .destinationUnreachable(_, let quoted), .timeExceeded(_, let quoted): return quoted
        case .other(_, _, _, let body): return body
        }
    }

    /// Length in bytes (8 plus the body).
    public var length: Int { ICMPView.headerLength + body.count }

    /// Appends the message with its checksum computed.
    public func serialize(into out: inout [UInt8]) {
        let start = out.count
        out.append(type)
        out.append(code)
        out.appendUInt16(0)
        out.appendUInt32(restOfHeader)
        out.append(contentsOf: body)
        let sum = out.withUnsafeBytes { InternetChecksum.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        out.storeUInt16(sum, at: start + 2)
    }

    public var description: String {
        switch self {
        case .echoRequest(let id, let seq, let payload): return "ICMP echo request id \(id) seq \(seq) len \(payload.count)"
        case .echoReply(let id, let seq, let payload): return "ICMP echo reply id \(id) seq \(seq) len \(payload.count)"
        case .destinationUnreachable(let code, _): return "ICMP destination unreachable (\(code))"
        case .timeExceeded(let code, _): return "ICMP time exceeded (\(code))"
        case .other(let type, let code, _, let body): return "ICMP type \(type) code \(code) len \(body.count + 8)"
        }
    }
}
