/// Parsing and serialization of TCP headers and their options: `TCPView` and the
/// `TCPHeader` extensions `init(parsing:pseudoHeader:)` and `serialize(into:…)`.

/// A checked view over a TCP segment (an IPv4 payload): the data offset is at least 5
/// and the header fits in the bytes. After `init`, accessors cannot trap.
public struct TCPView {
    public static let minimumHeaderLength = 20
    public let bytes: UnsafeRawBufferPointer

    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try bytes.require(TCPView.minimumHeaderLength, layer: "TCP", field: "header")
        let offset = bytes.loadUInt8(at: 12) >> 4
        guard offset >= 5 else {
            throw WireError.badValue(layer: "TCP", field: "dataOffset", value: UInt64(offset), expected: "5...15 (words)")
        }
        try bytes.require(Int(offset) * 4, layer: "TCP", field: "options")
        self.bytes = bytes
    }

    public var sourcePort: UInt16 { bytes.loadUInt16(at: 0) }
    public var destinationPort: UInt16 { bytes.loadUInt16(at: 2) }
    public var sequenceNumber: UInt32 { bytes.loadUInt32(at: 4) }
    public var acknowledgmentNumber: UInt32 { bytes.loadUInt32(at: 8) }
    /// Header length in bytes (data offset × 4).
    public var headerLength: Int { Int(bytes.loadUInt8(at: 12) >> 4) * 4 }
    public var flags: TCPFlags { TCPFlags(rawValue: bytes.loadUInt8(at: 13)) }
    public var window: UInt16 { bytes.loadUInt16(at: 14) }
    public var checksum: UInt16 { bytes.loadUInt16(at: 16) }
    public var urgentPointer: UInt16 { bytes.loadUInt16(at: 18) }
    public var optionBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[20..<headerLength]) }
    public var payload: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[headerLength...]) }

    public func isChecksumValid(_ pseudoHeader: IPv4PseudoHeader) -> Bool {
        pseudoHeader.isValid(bytes, protocol: .tcp)
    }

    public func computedChecksum(_ pseudoHeader: IPv4PseudoHeader) -> UInt16 {
        pseudoHeader.checksum(bytes, protocol: .tcp, excluding: checksum)
    }

    /// Parses the options. End-of-list ends them: it and the padding after it are not
    /// returned (serialization pads with zeros again), so parse∘serialize is the identity
    /// on option lists without `.endOfList`. Throws `badValue`/`truncated` naming `TCP.optionLength` or the option.
    public func options() throws(WireError) -> TCPOptionList {
        let raw = optionBytes
        var result = TCPOptionList()
        if raw.isEmpty { return result }
        var i = 0
        let end = raw.count
        while i < end {
            let kind = raw.loadUInt8(at: i)
            if kind == 0 { break }
            if kind == 1 { result.noteParsedOption(at: i, isUnknown: false); i += 1; continue }
            guard i + 1 < end else {
                throw WireError.truncated(layer: "TCP", field: "optionLength", needed: i + 2, available: end)
            }
            let length = Int(raw.loadUInt8(at: i + 1))
            guard length >= 2 else {
                throw WireError.badValue(layer: "TCP", field: "optionLength", value: UInt64(length), expected: "at least 2")
            }
            guard i + length <= end else {
                throw WireError.truncated(layer: "TCP", field: "optionLength", needed: i + length, available: end)
            }
            switch kind {
            case 2: try Self.expect(length, 4, "maximumSegmentSize")
            case 3: try Self.expect(length, 3, "windowScale")
            case 4: try Self.expect(length, 2, "sackPermitted")
            case 5:
                // At most 4 blocks: the option lies within 40 bytes.
                guard (length - 2) % 8 == 0, length > 2 else {
                    throw WireError.badValue(layer: "TCP", field: "sack", value: UInt64(length), expected: "length 2+8n, n ≥ 1")
                }
            case 8: try Self.expect(length, 10, "timestamps")
            default: break
            }
            result.noteParsedOption(at: i, isUnknown: !(2...5).contains(kind) && kind != 8)
            i += length
        }
        // The list holds the checked options as they are on the wire; reading one decodes it.
        result.finishParsing(UnsafeRawBufferPointer(rebasing: raw[0..<i]))
        return result
    }

    @inline(__always)
    private static func expect(_ length: Int, _ wanted: Int, _ field: String) throws(WireError) {
        if length != wanted {
            throw WireError.badValue(layer: "TCP", field: field, value: UInt64(length), expected: "option length \(wanted)")
        }
    }
}

extension TCPOption {
    /// Bytes on the wire, including kind and length.
    public var encodedLength: Int {
        switch self {
        case .endOfList, .noOperation: return 1
        case .maximumSegmentSize: return 4
        case .windowScale: return 3
        case .sackPermitted: return 2
        case .sack(let blocks): return 2 + 8 * blocks.count
        case .timestamps: return 10
        case .unknown(_, let data): return 2 + data.count
        }
    }

    @inline(__always)
    func write(to w: inout WireWriter) {
        switch self {
        case .endOfList: w.put(UInt8(0))
        case .noOperation: w.put(UInt8(1))
        case .maximumSegmentSize(let mss): w.put(UInt16(0x0204)); w.put(mss)
        case .windowScale(let shift): w.put(UInt16(0x0303)); w.put(shift)
        case .sackPermitted: w.put(UInt16(0x0402))
        case .sack(let blocks):
            w.put(UInt8(5)); w.put(UInt8(truncatingIfNeeded: 2 + 8 * blocks.count))
            for block in blocks { w.put(block.left); w.put(block.right) }
        case .timestamps(let value, let echo):
            w.put(UInt16(0x080A)); w.put(value); w.put(echo)
        case .unknown(let kind, let data):
            w.put(kind); w.put(UInt8(truncatingIfNeeded: 2 + data.count)); w.put(data)
        }
    }

    func serialize(into out: inout [UInt8]) {
        switch self {
        case .endOfList: out.append(0)
        case .noOperation: out.append(1)
        case .maximumSegmentSize(let mss): out.append(2); out.append(4); out.appendUInt16(mss)
        case .windowScale(let shift): out.append(3); out.append(3); out.append(shift)
        case .sackPermitted: out.append(4); out.append(2)
        case .sack(let blocks):
            out.append(5); out.append(UInt8(truncatingIfNeeded: 2 + 8 * blocks.count))
            for block in blocks { out.appendUInt32(block.left); out.appendUInt32(block.right) }
        case .timestamps(let value, let echo):
            out.append(8); out.append(10); out.appendUInt32(value); out.appendUInt32(echo)
        case .unknown(let kind, let data):
            out.append(kind); out.append(UInt8(truncatingIfNeeded: 2 + data.count)); out.append(contentsOf: data)
        }
    }
}

extension TCPHeader {
    /// The timestamps option (RFC 7323), if present.
    public var timestamps: (value: UInt32, echoReply: UInt32)? {
        for option in options {
            if case .timestamps(let value, let echo) = option { return (value, echo) }
        }
        return nil
    }
}

extension TCPHeader: CustomStringConvertible {
    public init(_ view: TCPView) throws(WireError) {
        self.init(sourcePort: view.sourcePort, destinationPort: view.destinationPort,
                  sequenceNumber: view.sequenceNumber, acknowledgmentNumber: view.acknowledgmentNumber,
                  flags: view.flags, window: view.window, checksum: view.checksum,
                  urgentPointer: view.urgentPointer, options: try view.options())
    }

    /// Parses the header of `segment` (the whole IPv4 payload: the checksum covers it
    /// all). With a pseudo-header, a wrong checksum throws `badChecksum` naming `TCP.checksum`.
    public init(parsing segment: UnsafeRawBufferPointer, pseudoHeader: IPv4PseudoHeader? = nil) throws(WireError) {
        let view = try TCPView(segment)
        if let pseudoHeader, !view.isChecksumValid(pseudoHeader) {
            throw WireError.badChecksum(layer: "TCP", field: "checksum", stored: view.checksum,
                                        computed: view.computedChecksum(pseudoHeader))
        }
        try self.init(view)
    }

    public init(parsing segment: [UInt8], pseudoHeader: IPv4PseudoHeader? = nil) throws(WireError) {
        self = try segment.withWireBytes { raw throws(WireError) in try TCPHeader(parsing: raw, pseudoHeader: pseudoHeader) }
    }

    /// Bytes of options as serialized, before padding.
    public var optionsLength: Int { options.encodedLength }

    /// Data offset in 32-bit words: 5 plus the options padded to a multiple of 4.
    public var dataOffset: Int { 5 + (optionsLength + 3) / 4 }

    /// Header length in bytes (`dataOffset` × 4).
    public var headerLength: Int { dataOffset * 4 }

    /// Appends the header exactly as stored (the checksum as held in `checksum`),
    /// options padded with zeros. Precondition: options fit in 40 bytes.
    public func serialize(into out: inout [UInt8]) {
        let length = checkedHeaderLength()
        out.appendWriting(length) { write(to: &$0, headerLength: length, checksum: checksum) }
    }

    /// Appends header and `payload` with the checksum computed over the pseudo-header.
    public func serialize(into out: inout [UInt8], payload: UnsafeRawBufferPointer, pseudoHeader: IPv4PseudoHeader) {
        let length = checkedHeaderLength()
        out.appendWriting(length + payload.count) { w in
            writeSegment(to: &w, headerLength: length, payload: payload, pseudoHeader: pseudoHeader)
        }
    }

    /// Appends header and `payload` with the checksum computed over the pseudo-header.
    public func serialize(into out: inout [UInt8], payload: [UInt8], pseudoHeader: IPv4PseudoHeader) {
        payload.withUnsafeBytes { serialize(into: &out, payload: $0, pseudoHeader: pseudoHeader) }
    }

    /// `headerLength`, trapping if the options exceed 40 bytes.
    @inline(__always)
    func checkedHeaderLength() -> Int {
        let optionBytes = optionsLength
        precondition(optionBytes <= 40, "TCP options exceed 40 bytes")
        return 20 + (optionBytes + 3) / 4 * 4
    }

    /// Writes the header into zeroed space (padding stays zero).
    @inline(__always)
    func write(to w: inout WireWriter, headerLength: Int, checksum: UInt16) {
        let start = w.offset
        w.put(sourcePort)
        w.put(destinationPort)
        w.put(sequenceNumber)
        w.put(acknowledgmentNumber)
        w.put(UInt8(headerLength / 4) << 4)
        w.put(flags.rawValue)
        w.put(window)
        w.put(checksum)
        w.put(urgentPointer)
        options.withEncodedBytes { w.put($0) }
        w.offset = start + headerLength
    }

    /// Writes header and payload into zeroed space and fills in the checksum.
    @inline(__always)
    func writeSegment(to w: inout WireWriter, headerLength: Int, payload: UnsafeRawBufferPointer,
                      pseudoHeader: IPv4PseudoHeader) {
        let start = w.offset
        write(to: &w, headerLength: headerLength, checksum: 0)
        w.put(payload)
        let end = w.offset
        let sum = InternetChecksum.checksum(w.bytes(start..<end), initial: pseudoHeader.sum(protocol: .tcp, length: end - start))
        w.store(sum, at: start + 16)
    }

    public var description: String {
        var names: [String] = []
        let all: [(TCPFlags, String)] = [(.syn, "S"), (.fin, "F"), (.rst, "R"), (.psh, "P"), (.ack, "."),
                                         (.urg, "U"), (.ece, "E"), (.cwr, "W")]
        for (flag, name) in all where flags.contains(flag) { names.append(name) }
        var text = "TCP \(sourcePort) > \(destinationPort) [\(names.joined())] seq \(sequenceNumber)"
        if flags.contains(.ack) { text += " ack \(acknowledgmentNumber)" }
        text += " win \(window)"
        return text
    }
}
