/// pcapng capture files (IETF draft-ietf-opsawg-pcapng): `PcapngWriter` produces the
/// bytes of a file, `PcapngReader` parses them back. No I/O: the caller writes the bytes.
///
///     var writer = PcapngWriter()                       // section header block
///     let eth0 = writer.addInterface(name: "r1:eth0")   // interface description, if_tsresol = 9 (ns)
///     writer.addPacket(interface: eth0, timestampNanoseconds: t, bytes: frame)
///     writer.addStatistics(interface: eth0, timestampNanoseconds: t, dropped: 12)  // frames the capture lost
///     file.write(writer.takeBytes())                     // drain as often as wanted
///
/// Blocks are written little-endian. The reader accepts either byte order.

/// A pcapng/pcap link type.
public struct PcapngLinkType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let ethernet = PcapngLinkType(rawValue: 1)
}

/// Builds a pcapng section: one section header, interface descriptions, enhanced packet blocks.
public struct PcapngWriter: Sendable {
    static let sectionHeaderType: UInt32 = 0x0A0D_0D0A
    static let interfaceType: UInt32 = 1
    static let enhancedPacketType: UInt32 = 6
    static let interfaceStatisticsType: UInt32 = 5
    /// `epb_dropcount`: packets lost on this interface between the previous packet and this one.
    static let dropCountOption: UInt16 = 4
    /// `isb_ifdrop`: packets lost by the capture since it started on this interface.
    static let interfaceDropOption: UInt16 = 5
    static let byteOrderMagic: UInt32 = 0x1A2B_3C4D

    /// Bytes produced and not yet taken.
    public private(set) var pendingBytes: [UInt8] = []
    /// Number of interfaces described so far.
    public private(set) var interfaceCount = 0

    /// Starts a section; `application` goes into the `shb_userappl` option.
    public init(application: String = "RawNet") {
        var body: [UInt8] = []
        body.appendLE32(PcapngWriter.byteOrderMagic)
        body.appendLE16(1)                      // major version
        body.appendLE16(0)                      // minor version
        body.appendLE32(0xFFFF_FFFF)            // section length: unknown
        body.appendLE32(0xFFFF_FFFF)
        body.appendOption(code: 4, value: Array(application.utf8))
        body.appendEndOfOptions()
        appendBlock(type: PcapngWriter.sectionHeaderType, body: body)
    }

    /// Describes an interface (`if_name`, `if_tsresol` = nanoseconds) and returns its index
    /// for `addPacket`. `snapLength` 0 means no limit.
    public mutating func addInterface(name: String, linkType: PcapngLinkType = .ethernet, snapLength: UInt32 = 0) -> Int {
        var body: [UInt8] = []
        body.appendLE16(linkType.rawValue)
        body.appendLE16(0)
        body.appendLE32(snapLength)
        body.appendOption(code: 2, value: Array(name.utf8))
        body.appendOption(code: 9, value: [9])  // timestamps in units of 10^-9 s
        body.appendEndOfOptions()
        appendBlock(type: PcapngWriter.interfaceType, body: body)
        interfaceCount += 1
        return interfaceCount - 1
    }

    /// Adds an enhanced packet block. `originalLength` defaults to the captured length;
    /// a `dropCount` (`epb_dropcount`) says how many packets of this interface the capture
    /// lost just before this one. Precondition: `interface` was returned by `addInterface`.
    public mutating func addPacket(interface: Int, timestampNanoseconds: UInt64, bytes: [UInt8], originalLength: Int? = nil,
                                   dropCount: UInt64? = nil) {
        precondition(interface >= 0 && interface < interfaceCount, "unknown pcapng interface")
        // Written in place (a capture adds one per frame): header, data padded to 4, options, trailer.
        let padded = (bytes.count + 3) & ~3
        let options = dropCount == nil ? 0 : 4 + 8 + 4
        let total = UInt32(12 + 20 + padded + options)
        pendingBytes.appendLE32(PcapngWriter.enhancedPacketType)
        pendingBytes.appendLE32(total)
        pendingBytes.appendLE32(UInt32(interface))
        pendingBytes.appendLE32(UInt32(truncatingIfNeeded: timestampNanoseconds >> 32))
        pendingBytes.appendLE32(UInt32(truncatingIfNeeded: timestampNanoseconds))
        pendingBytes.appendLE32(UInt32(truncatingIfNeeded: bytes.count))
        pendingBytes.appendLE32(UInt32(truncatingIfNeeded: originalLength ?? bytes.count))
        pendingBytes.append(contentsOf: bytes)
        pendingBytes.append(contentsOf: repeatElement(0, count: padded - bytes.count))
        if let dropCount {
            pendingBytes.appendOption(code: PcapngWriter.dropCountOption, value: Self.le64(dropCount))
            pendingBytes.appendEndOfOptions()
        }
        pendingBytes.appendLE32(total)
    }

    /// Adds an interface statistics block: `dropped` (`isb_ifdrop`) is every packet of
    /// `interface` the capture lost up to `timestampNanoseconds`, as dumpcap records the
    /// packets the kernel's buffer dropped. A later block for the interface supersedes it.
    public mutating func addStatistics(interface: Int, timestampNanoseconds: UInt64, dropped: UInt64) {
        precondition(interface >= 0 && interface < interfaceCount, "unknown pcapng interface")
        var body: [UInt8] = []
        body.appendLE32(UInt32(interface))
        body.appendLE32(UInt32(truncatingIfNeeded: timestampNanoseconds >> 32))
        body.appendLE32(UInt32(truncatingIfNeeded: timestampNanoseconds))
        body.appendOption(code: PcapngWriter.interfaceDropOption, value: Self.le64(dropped))
        body.appendEndOfOptions()
        appendBlock(type: PcapngWriter.interfaceStatisticsType, body: body)
    }

    private static func le64(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// Hands the bytes produced since the last call to `write` and forgets them, keeping
    /// their memory for the next ones (a writer that is drained often allocates once).
    public mutating func drain(_ write: ([UInt8]) throws -> Void) rethrows {
        guard !pendingBytes.isEmpty else { return }
        try write(pendingBytes)
        pendingBytes.removeAll(keepingCapacity: true)
    }

    /// Returns the bytes produced since the last call and forgets them.
    public mutating func takeBytes() -> [UInt8] {
        defer { pendingBytes = [] }
        return pendingBytes
    }

    private mutating func appendBlock(type: UInt32, body: [UInt8]) {
        let total = UInt32(12 + body.count)
        pendingBytes.appendLE32(type)
        pendingBytes.appendLE32(total)
        pendingBytes.append(contentsOf: body)
        pendingBytes.appendLE32(total)
    }
}

/// Parses a pcapng file: interfaces (with names) and packets (with interface index and time).
/// Unknown block types are skipped. Errors name the block field at fault.
public struct PcapngReader: Sendable {
    public struct Interface: Hashable, Sendable {
        public var name: String?
        public var linkType: PcapngLinkType
        public var snapLength: UInt32
        /// Raw `if_tsresol` (6, microseconds, when absent).
        public var timestampResolution: UInt8
    }

    public struct Packet: Hashable, Sendable {
        public var interface: Int
        /// Timestamp converted to nanoseconds using the interface's resolution.
        public var timestampNanoseconds: UInt64
        public var bytes: [UInt8]
        public var originalLength: Int
        /// `epb_dropcount`, when the block has one.
        public var dropCount: UInt64?
    }

    /// An interface statistics block (only what RawNet writes).
    public struct Statistics: Hashable, Sendable {
        public var interface: Int
        public var timestampNanoseconds: UInt64
        /// `isb_ifdrop`, when present.
        public var interfaceDrops: UInt64?
    }

    public private(set) var interfaces: [Interface] = []
    public private(set) var packets: [Packet] = []
    public private(set) var statistics: [Statistics] = []
    public private(set) var application: String?

    public init(parsing data: [UInt8]) throws(WireError) {
        var offset = 0
        var littleEndian = true
        while offset < data.count {
            guard data.count - offset >= 12 else {
                throw WireError.truncated(layer: "pcapng", field: "blockHeader", needed: 12, available: data.count - offset)
            }
            var type = data.le32(at: offset)
            if type == PcapngWriter.sectionHeaderType {
                guard data.count - offset >= 28 else {
                    throw WireError.truncated(layer: "pcapng", field: "sectionHeader", needed: 28, available: data.count - offset)
                }
                let magic = data.le32(at: offset + 8)
                if magic == PcapngWriter.byteOrderMagic { littleEndian = true }
                else if magic.byteSwapped == PcapngWriter.byteOrderMagic { littleEndian = false }
                else {
                    throw WireError.badValue(layer: "pcapng", field: "byteOrderMagic", value: UInt64(magic), expected: "0x1a2b3c4d")
                }
                interfaces = []
            }
            func word(_ at: Int) -> UInt32 { littleEndian ? data.le32(at: at) : data.le32(at: at).byteSwapped }
            func half(_ at: Int) -> UInt16 { littleEndian ? data.le16(at: at) : data.le16(at: at).byteSwapped }
            type = word(offset)
            let total = Int(word(offset + 4))
            guard total >= 12, total % 4 == 0 else {
                throw WireError.badValue(layer: "pcapng", field: "blockTotalLength", value: UInt64(total), expected: "a multiple of 4, at least 12")
            }
            guard total <= data.count - offset else {
                throw WireError.truncated(layer: "pcapng", field: "blockTotalLength", needed: total, available: data.count - offset)
            }
            guard Int(word(offset + total - 4)) == total else {
                throw WireError.badValue(layer: "pcapng", field: "trailingTotalLength", value: UInt64(word(offset + total - 4)),
                                         expected: "\(total)")
            }
            let bodyStart = offset + 8, bodyEnd = offset + total - 4
            /// The interface and time that open packet and statistics blocks, checked.
            func interfaceAndTime(opening block: String, minimum: Int) throws(WireError) -> (Int, UInt64) {
                guard bodyEnd - bodyStart >= minimum else {
                    throw WireError.truncated(layer: "pcapng", field: block, needed: minimum, available: bodyEnd - bodyStart)
                }
                let interface = Int(word(bodyStart))
                guard interface < interfaces.count else {
                    throw WireError.badValue(layer: "pcapng", field: "interfaceID", value: UInt64(interface),
                                             expected: "below \(interfaces.count)")
                }
                let raw = UInt64(word(bodyStart + 4)) << 32 | UInt64(word(bodyStart + 8))
                return (interface, Self.nanoseconds(raw, resolution: interfaces[interface].timestampResolution))
            }
            switch type {
            case PcapngWriter.sectionHeaderType:
                let options = try Self.options(data, from: bodyStart + 16, to: bodyEnd, half: half)
                application = options[4].map { String(decoding: $0, as: UTF8.self) }
            case PcapngWriter.interfaceType:
                guard bodyEnd - bodyStart >= 8 else {
                    throw WireError.truncated(layer: "pcapng", field: "interfaceDescription", needed: 8, available: bodyEnd - bodyStart)
                }
                let options = try Self.options(data, from: bodyStart + 8, to: bodyEnd, half: half)
                interfaces.append(Interface(name: options[2].map { String(decoding: $0, as: UTF8.self) },
                                            linkType: PcapngLinkType(rawValue: half(bodyStart)),
                                            snapLength: word(bodyStart + 4),
                                            timestampResolution: options[9]?.first ?? 6))
            case PcapngWriter.enhancedPacketType:
                let (interface, time) = try interfaceAndTime(opening: "enhancedPacket", minimum: 20)
                let captured = Int(word(bodyStart + 12))
                guard captured <= bodyEnd - bodyStart - 20 else {
                    throw WireError.truncated(layer: "pcapng", field: "capturedLength", needed: captured,
                                              available: bodyEnd - bodyStart - 20)
                }
                let options = try Self.options(data, from: bodyStart + 20 + (captured + 3) / 4 * 4, to: bodyEnd, half: half)
                packets.append(Packet(interface: interface, timestampNanoseconds: time,
                                      bytes: Array(data[bodyStart + 20..<bodyStart + 20 + captured]),
                                      originalLength: Int(word(bodyStart + 16)),
                                      dropCount: options[PcapngWriter.dropCountOption].flatMap { Self.unsigned64($0, littleEndian: littleEndian) }))
            case PcapngWriter.interfaceStatisticsType:
                let (interface, time) = try interfaceAndTime(opening: "interfaceStatistics", minimum: 12)
                let options = try Self.options(data, from: bodyStart + 12, to: bodyEnd, half: half)
                statistics.append(Statistics(
                    interface: interface, timestampNanoseconds: time,
                    interfaceDrops: options[PcapngWriter.interfaceDropOption].flatMap { Self.unsigned64($0, littleEndian: littleEndian) }))
            default:
                break
            }
            offset += total
        }
    }

    /// Options in `data[from..<to]` keyed by code (the last occurrence wins).
    private static func options(_ data: [UInt8], from: Int, to: Int, half: (Int) -> UInt16) throws(WireError) -> [UInt16: [UInt8]] {
        var result: [UInt16: [UInt8]] = [:]
        var i = from
        while i + 4 <= to {
            let code = half(i), length = Int(half(i + 2))
            if code == 0 { break }
            guard i + 4 + length <= to else {
                throw WireError.truncated(layer: "pcapng", field: "optionLength", needed: length, available: to - i - 4)
            }
            result[code] = Array(data[i + 4..<i + 4 + length])
            i += 4 + (length + 3) / 4 * 4
        }
        return result
    }

    /// An 8-byte option value, nil when it is not 8 bytes.
    private static func unsigned64(_ bytes: [UInt8], littleEndian: Bool) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        let value = bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return littleEndian ? value : value.byteSwapped
    }

    private static func nanoseconds(_ raw: UInt64, resolution: UInt8) -> UInt64 {
        if resolution & 0x80 != 0 { return raw }   // power-of-two units: not used by RawNet
        let exponent = Int(resolution)
        if exponent == 9 { return raw }
        if exponent < 9 {
            var factor: UInt64 = 1
            for _ in exponent..<9 { factor *= 10 }
            return raw &* factor
        }
        var divisor: UInt64 = 1
        for _ in 9..<min(exponent, 27) { divisor = divisor &* 10 }
        return divisor == 0 ? 0 : raw / divisor
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func appendLE32(_ value: UInt32) {
        appendLE16(UInt16(truncatingIfNeeded: value))
        appendLE16(UInt16(truncatingIfNeeded: value >> 16))
    }

    mutating func padTo4() {
        while count % 4 != 0 { append(0) }
    }

    mutating func appendOption(code: UInt16, value: [UInt8]) {
        appendLE16(code)
        appendLE16(UInt16(truncatingIfNeeded: value.count))
        append(contentsOf: value)
        padTo4()
    }

    mutating func appendEndOfOptions() {
        appendLE32(0)
    }

    func le16(at offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    func le32(at offset: Int) -> UInt32 { UInt32(le16(at: offset)) | UInt32(le16(at: offset + 2)) << 16 }
}
