/// A resource record (RFC 1035 section 3.2): owner name, class, TTL and data.
public struct DNSRecord: Sendable, Hashable {
    public var name: DNSName
    public var recordClass: UInt16
    /// Seconds the record may be cached.
    public var ttl: UInt32
    public var data: DNSRecordData

    public static let internetClass: UInt16 = 1

    public init(name: DNSName, ttl: UInt32, data: DNSRecordData, recordClass: UInt16 = DNSRecord.internetClass) {
        self.name = name
        self.recordClass = recordClass
        self.ttl = ttl
        self.data = data
    }

    public var type: DNSRecordType { data.type }

    /// Reads one record at `offset`; returns it and the offset after it.
    static func read(in raw: UnsafeRawBufferPointer, at offset: Int,
                     field: String) throws(WireError) -> (DNSRecord, Int) {
        let (name, next) = try readDNSName(in: raw, at: offset, field: field + ".name")
        guard next + 10 <= raw.count else {
            throw WireError.truncated(layer: "DNS", field: field, needed: next + 10, available: raw.count)
        }
        let type = DNSRecordType(raw.loadUInt16(at: next))
        let recordClass = raw.loadUInt16(at: next + 2)
        let ttl = raw.loadUInt32(at: next + 4)
        let length = Int(raw.loadUInt16(at: next + 8))
        let start = next + 10
        let end = start + length
        guard end <= raw.count else {
            throw WireError.truncated(layer: "DNS", field: field + ".rdata", needed: end, available: raw.count)
        }
        let data = try DNSRecordData.read(type: type, in: raw, range: start..<end, field: field + ".rdata")
        return (DNSRecord(name: name, ttl: ttl, data: data, recordClass: recordClass), end)
    }

    func write(into bytes: inout [UInt8], compressor: inout DNSNameCompressor) {
        compressor.write(name, into: &bytes)
        bytes.appendUInt16(type.rawValue)
        bytes.appendUInt16(recordClass)
        bytes.appendUInt32(ttl)
        let lengthAt = bytes.count
        bytes.appendUInt16(0)
        data.write(into: &bytes, compressor: &compressor)
        bytes.storeUInt16(UInt16(clamping: bytes.count - lengthAt - 2), at: lengthAt)
    }
}

/// The RDATA of the types RawNet understands; any other type keeps its bytes.
public enum DNSRecordData: Sendable, Hashable {
    case a(IPv4Address)
    case ns(DNSName)
    case cname(DNSName)
    case ptr(DNSName)
    case mx(preference: UInt16, exchange: DNSName)
    /// One or more character-strings of at most 255 bytes each.
    case txt([[UInt8]])
    case soa(DNSSOA)
    case other(DNSRecordType, [UInt8])

    public var type: DNSRecordType {
        switch self {
        case .a: .a
        case .ns: .ns
        case .cname: .cname
        case .ptr: .ptr
        case .mx: .mx
        case .txt: .txt
        case .soa: .soa
        case .other(let type, _): type
        }
    }

    /// The name this data points at (NS, CNAME, PTR, MX), if any.
    public var targetName: DNSName? {
        switch self {
        case .ns(let name), .cname(let name), .ptr(let name), .mx(_, let name): name
        default: nil
        }
    }

    static func read(type: DNSRecordType, in raw: UnsafeRawBufferPointer, range: Range<Int>,
                     field: String) throws(WireError) -> DNSRecordData {
        /// A name in RDATA must end exactly where RDATA does (or, for MX/SOA, within it).
        func name(at offset: Int) throws(WireError) -> (DNSName, Int) {
            let (name, next) = try readDNSName(in: raw, at: offset, field: field)
            guard next <= range.upperBound else {
                throw WireError.badValue(layer: "DNS", field: field, value: UInt64(next - range.lowerBound),
                                         expected: "a name inside RDLENGTH \(range.count)")
            }
            return (name, next)
        }
        func exact(_ end: Int) throws(WireError) {
            guard end == range.upperBound else {
                throw WireError.badValue(layer: "DNS", field: field + ".length", value: UInt64(range.count),
                                         expected: "\(end - range.lowerBound) bytes for \(type)")
            }
        }
        func short(_ expected: String) -> WireError {
            WireError.badValue(layer: "DNS", field: field + ".length", value: UInt64(range.count), expected: expected)
        }
        switch type {
        case .a:
            try exact(range.lowerBound + 4)
            return .a(raw.loadIPv4(at: range.lowerBound))
        case .ns, .cname, .ptr:
            let (target, end) = try name(at: range.lowerBound)
            try exact(end)
            return type == .ns ? .ns(target) : type == .cname ? .cname(target) : .ptr(target)
        case .mx:
            guard range.count >= 3 else { throw short("at least 3 bytes for MX") }
            let (exchange, end) = try name(at: range.lowerBound + 2)
            try exact(end)
            return .mx(preference: raw.loadUInt16(at: range.lowerBound), exchange: exchange)
        case .txt:
            var strings: [[UInt8]] = []
            var offset = range.lowerBound
            while offset < range.upperBound {
                let length = Int(raw.loadUInt8(at: offset))
                guard offset + 1 + length <= range.upperBound else {
                    throw WireError.truncated(layer: "DNS", field: field + ".txt", needed: offset + 1 + length - range.lowerBound,
                                              available: range.count)
                }
                strings.append(raw.copyBytes((offset + 1)..<(offset + 1 + length)))
                offset += 1 + length
            }
            guard !strings.isEmpty else { throw short("at least 1 byte for TXT") }
            return .txt(strings)
        case .soa:
            let (primary, afterPrimary) = try name(at: range.lowerBound)
            let (mailbox, afterMailbox) = try name(at: afterPrimary)
            try exact(afterMailbox + 20)
            let numbers = (0..<5).map { raw.loadUInt32(at: afterMailbox + 4 * $0) }
            return .soa(DNSSOA(primary: primary, mailbox: mailbox, serial: numbers[0], refresh: numbers[1],
                               retry: numbers[2], expire: numbers[3], minimum: numbers[4]))
        default:
            return .other(type, raw.copyBytes(range))
        }
    }

    func write(into bytes: inout [UInt8], compressor: inout DNSNameCompressor) {
        switch self {
        case .a(let address): bytes.appendIPv4(address)
        case .ns(let name), .cname(let name), .ptr(let name): compressor.write(name, into: &bytes)
        case .mx(let preference, let exchange):
            bytes.appendUInt16(preference)
            compressor.write(exchange, into: &bytes)
        case .txt(let strings):
            for string in strings {
                let piece = string.prefix(255)
                bytes.append(UInt8(piece.count))
                bytes.append(contentsOf: piece)
            }
        case .soa(let soa):
            compressor.write(soa.primary, into: &bytes)
            compressor.write(soa.mailbox, into: &bytes)
            for number in [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum] {
                bytes.appendUInt32(number)
            }
        case .other(_, let data): bytes.append(contentsOf: data)
        }
    }

    /// The data as dig prints it: `10.0.2.20`, `ns.lab.`, `"hello world"`, SOA fields in order.
    public var presentation: String {
        switch self {
        case .a(let address): address.description
        case .ns(let name), .cname(let name), .ptr(let name): name.description
        case .mx(let preference, let exchange): "\(preference) \(exchange)"
        case .txt(let strings): strings.map(Self.quoted).joined(separator: " ")
        case .soa(let s): "\(s.primary) \(s.mailbox) \(s.serial) \(s.refresh) \(s.retry) \(s.expire) \(s.minimum)"
        case .other(_, let data):
            "\\# \(data.count)" + (data.isEmpty ? "" : " " + data.map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }.joined())
        }
    }

    static func quoted(_ string: [UInt8]) -> String {
        "\"" + string.map { presentationByte($0, escaping: [0x22, 0x5C], printable: 0x20...0x7E) }.joined() + "\""
    }
}

/// The start of a zone of authority (RFC 1035 section 3.3.13).
public struct DNSSOA: Sendable, Hashable {
    public var primary: DNSName
    public var mailbox: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    /// Since RFC 2308, the TTL of negative answers.
    public var minimum: UInt32

    public init(primary: DNSName, mailbox: DNSName, serial: UInt32, refresh: UInt32, retry: UInt32,
                expire: UInt32, minimum: UInt32) {
        self.primary = primary
        self.mailbox = mailbox
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}

extension DNSRecord: CustomStringConvertible {
    /// One line as in a master file and dig's sections: `bob.lab. 300 IN A 10.0.2.20`.
    public var description: String {
        let classText = recordClass == DNSRecord.internetClass ? "IN" : "CLASS\(recordClass)"
        return "\(name)\t\(ttl)\t\(classText)\t\(type)\t\(data.presentation)"
    }
}
