/// TCP (RFC 9293; options from RFC 7323 and RFC 2018): `TCPFlags`, `SACKBlock`, `TCPOption`,
/// the checked `TCPView` and the `TCPHeader` value.
///
///     let tcp = try TCPHeader(parsing: ipPayload, pseudoHeader: .init(source: s, destination: d)) // verifies
///     let tcp = try TCPHeader(parsing: ipPayload)                                                  // structure only
///     tcp.serialize(into: &out, payload: data, pseudoHeader: ph)  // data offset, padding, checksum
///
/// Options are parsed into `TCPOption`s held in a `TCPOptionList` (inline storage, see
/// TCPOptionList.swift); unknown kinds are kept byte for byte, so a segment with unknown
/// options serializes back unchanged.

/// TCP control flags (RFC 9293 §3.1, plus ECE/CWR from RFC 3168).
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x01)
    public static let syn = TCPFlags(rawValue: 0x02)
    public static let rst = TCPFlags(rawValue: 0x04)
    public static let psh = TCPFlags(rawValue: 0x08)
    public static let ack = TCPFlags(rawValue: 0x10)
    public static let urg = TCPFlags(rawValue: 0x20)
    public static let ece = TCPFlags(rawValue: 0x40)
    public static let cwr = TCPFlags(rawValue: 0x80)
}

/// A SACK block: the left edge and the right edge (one past the last byte), RFC 2018.
public struct SACKBlock: Hashable, Sendable {
    public var left: UInt32
    public var right: UInt32
    public init(left: UInt32, right: UInt32) { self.left = left; self.right = right }
}

/// One TCP option. Unknown options are kept byte for byte.
public enum TCPOption: Hashable, Sendable {
    case endOfList                                  // kind 0
    case noOperation                                // kind 1
    case maximumSegmentSize(UInt16)                 // kind 2, len 4
    case windowScale(UInt8)                         // kind 3, len 3
    case sackPermitted                              // kind 4, len 2
    case sack(SACKBlockList)                        // kind 5, len 2+8n, n ≤ 4
    case timestamps(value: UInt32, echoReply: UInt32) // kind 8, len 10
    case unknown(kind: UInt8, data: [UInt8])        // any other kind, data excludes kind/len
}

/// The TCP header as a value (RFC 9293 §3.1). `dataOffset` and the checksum are
/// computed on serialization; `checksum` holds the parsed value.
public struct TCPHeader: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequenceNumber: UInt32
    public var acknowledgmentNumber: UInt32
    public var flags: TCPFlags
    public var window: UInt16
    public var checksum: UInt16
    public var urgentPointer: UInt16
    public var options: TCPOptionList

    public init(sourcePort: UInt16, destinationPort: UInt16, sequenceNumber: UInt32,
                acknowledgmentNumber: UInt32, flags: TCPFlags, window: UInt16,
                checksum: UInt16 = 0, urgentPointer: UInt16 = 0, options: TCPOptionList = []) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequenceNumber = sequenceNumber
        self.acknowledgmentNumber = acknowledgmentNumber
        self.flags = flags
        self.window = window
        self.checksum = checksum
        self.urgentPointer = urgentPointer
        self.options = options
    }
}
