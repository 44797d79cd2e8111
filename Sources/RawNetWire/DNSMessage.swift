/// A DNS message (RFC 1035 section 4): header, questions and three sections of
/// resource records. `init(parsing:)` reads untrusted bytes without trapping
/// (counts beyond the message, pointer loops and overlong names are errors);
/// `serialize(limit:)` writes it with name compression, dropping records that
/// do not fit and setting TC when an answer or authority record was dropped.
public struct DNSMessage: Sendable, Equatable {
    public var header: DNSHeader
    public var questions: [DNSQuestion]
    public var answers: [DNSRecord]
    public var authority: [DNSRecord]
    public var additional: [DNSRecord]

    /// The largest message over UDP without EDNS (RFC 1035 section 4.2.1).
    public static let udpLimit = 512
    public static let headerLength = 12

    public init(header: DNSHeader, questions: [DNSQuestion] = [], answers: [DNSRecord] = [],
                authority: [DNSRecord] = [], additional: [DNSRecord] = []) {
        self.header = header
        self.questions = questions
        self.answers = answers
        self.authority = authority
        self.additional = additional
    }

    /// A standard query for one name and type, with an OPT record when `edns` is given.
    public static func query(id: UInt16, name: DNSName, type: DNSRecordType, recursionDesired: Bool = true,
                             edns: DNSEDNS? = nil) -> DNSMessage {
        var header = DNSHeader(id: id)
        header.recursionDesired = recursionDesired
        var message = DNSMessage(header: header, questions: [DNSQuestion(name: name, type: type)])
        message.edns = edns
        return message
    }

    public init(parsing bytes: [UInt8]) throws(WireError) {
        self = try bytes.withWireBytes { (raw) throws(WireError) -> DNSMessage in try DNSMessage(raw) }
    }

    public init(_ raw: UnsafeRawBufferPointer) throws(WireError) {
        try raw.require(Self.headerLength, layer: "DNS", field: "header")
        header = DNSHeader(id: raw.loadUInt16(at: 0), flags: raw.loadUInt16(at: 2))
        let counts = [4, 6, 8, 10].map { Int(raw.loadUInt16(at: $0)) }
        var offset = Self.headerLength
        questions = []
        for index in 0..<counts[0] {
            let (name, next) = try readDNSName(in: raw, at: offset, field: "question[\(index)].name")
            guard next + 4 <= raw.count else {
                throw WireError.truncated(layer: "DNS", field: "question[\(index)]", needed: next + 4, available: raw.count)
            }
            questions.append(DNSQuestion(name: name, type: DNSRecordType(raw.loadUInt16(at: next)),
                                         recordClass: raw.loadUInt16(at: next + 2)))
            offset = next + 4
        }
        func section(_ label: String, _ count: Int) throws(WireError) -> [DNSRecord] {
            var records: [DNSRecord] = []
            for index in 0..<count {
                let record: DNSRecord
                (record, offset) = try DNSRecord.read(in: raw, at: offset, field: "\(label)[\(index)]")
                records.append(record)
            }
            return records
        }
        answers = try section("answer", counts[1])
        authority = try section("authority", counts[2])
        additional = try section("additional", counts[3])
    }

    /// The message's bytes, at most `limit` of them: records that do not fit are
    /// left out (whole), and TC is set when an answer or authority record was.
    /// An OPT record is kept, ahead of the others' room.
    public func serialize(limit: Int = 65_535) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(limit, 512))
        var compressor = DNSNameCompressor()
        var out = header
        bytes.appendUInt16(out.id)
        bytes.appendUInt16(0)  // flags, written last (TC may change)
        for count in [questions.count, answers.count, authority.count, additional.count] {
            bytes.appendUInt16(UInt16(clamping: count))
        }
        for question in questions.prefix(65_535) {
            compressor.write(question.name, into: &bytes)
            bytes.appendUInt16(question.type.rawValue)
            bytes.appendUInt16(question.recordClass)
        }
        var written = [0, 0, 0]
        var full = false
        // An OPT record is never the one left out (RFC 6891 section 7): it keeps its place,
        // and the records before it leave room for it.
        var optionBytesLeft = additional.reduce(0) { total, record in
            guard record.type == .opt else { return total }
            var scratch: [UInt8] = []
            var unused = DNSNameCompressor()
            record.write(into: &scratch, compressor: &unused)
            return total + scratch.count
        }
        for (position, records) in [answers, authority, additional].enumerated() {
            for record in records.prefix(65_535) {
                let isOption = position == 2 && record.type == .opt
                if full && !isOption { continue }
                let mark = bytes.count
                let saved = compressor
                record.write(into: &bytes, compressor: &compressor)
                if isOption {
                    optionBytesLeft -= bytes.count - mark
                } else if bytes.count + optionBytesLeft > limit {
                    bytes.removeSubrange(mark...)
                    compressor = saved
                    full = true
                    if position < 2 { out.isTruncated = true }
                    continue
                }
                written[position] += 1
            }
        }
        bytes.storeUInt16(out.flags, at: 2)
        for (position, count) in written.enumerated() {
            bytes.storeUInt16(UInt16(count), at: 6 + 2 * position)
        }
        return bytes
    }
}

/// The fixed 12-byte header's ID and flags (the counts follow from the sections).
public struct DNSHeader: Sendable, Equatable {
    public var id: UInt16
    public var isResponse = false
    public var opcode: UInt8 = 0
    public var isAuthoritative = false
    public var isTruncated = false
    public var recursionDesired = false
    public var recursionAvailable = false
    /// The Z bit, which must be zero; kept so a message reads back as it came.
    public var reservedBit = false
    public var authenticData = false
    public var checkingDisabled = false
    public var responseCode = DNSResponseCode.noError

    public init(id: UInt16) { self.id = id }

    public init(id: UInt16, flags: UInt16) {
        self.id = id
        isResponse = flags & 0x8000 != 0
        opcode = UInt8((flags >> 11) & 0x0F)
        isAuthoritative = flags & 0x0400 != 0
        isTruncated = flags & 0x0200 != 0
        recursionDesired = flags & 0x0100 != 0
        recursionAvailable = flags & 0x0080 != 0
        reservedBit = flags & 0x0040 != 0
        authenticData = flags & 0x0020 != 0
        checkingDisabled = flags & 0x0010 != 0
        responseCode = DNSResponseCode(rawValue: UInt8(flags & 0x000F))
    }

    public var flags: UInt16 {
        var value = UInt16(opcode & 0x0F) << 11 | UInt16(responseCode.rawValue & 0x0F)
        if isResponse { value |= 0x8000 }
        if isAuthoritative { value |= 0x0400 }
        if isTruncated { value |= 0x0200 }
        if recursionDesired { value |= 0x0100 }
        if recursionAvailable { value |= 0x0080 }
        if reservedBit { value |= 0x0040 }
        if authenticData { value |= 0x0020 }
        if checkingDisabled { value |= 0x0010 }
        return value
    }

    /// Flag names as dig prints them: `qr aa rd ra`.
    public var flagNames: [String] {
        var names: [String] = []
        if isResponse { names.append("qr") }
        if isAuthoritative { names.append("aa") }
        if isTruncated { names.append("tc") }
        if recursionDesired { names.append("rd") }
        if recursionAvailable { names.append("ra") }
        if authenticData { names.append("ad") }
        if checkingDisabled { names.append("cd") }
        return names
    }
}

/// RCODE (RFC 1035 section 4.1.1).
public struct DNSResponseCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let noError = Self(rawValue: 0)
    public static let formatError = Self(rawValue: 1)
    public static let serverFailure = Self(rawValue: 2)
    public static let nameError = Self(rawValue: 3)
    public static let notImplemented = Self(rawValue: 4)
    public static let refused = Self(rawValue: 5)

    /// The name dig prints: NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED.
    public var description: String {
        switch rawValue {
        case 0: "NOERROR"
        case 1: "FORMERR"
        case 2: "SERVFAIL"
        case 3: "NXDOMAIN"
        case 4: "NOTIMP"
        case 5: "REFUSED"
        default: "RCODE\(rawValue)"
        }
    }
}

/// A record TYPE (or QTYPE).
public struct DNSRecordType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    init(_ value: UInt16) { rawValue = value }

    public static let a = Self(rawValue: 1)
    public static let ns = Self(rawValue: 2)
    public static let cname = Self(rawValue: 5)
    public static let soa = Self(rawValue: 6)
    public static let ptr = Self(rawValue: 12)
    public static let mx = Self(rawValue: 15)
    public static let txt = Self(rawValue: 16)
    public static let aaaa = Self(rawValue: 28)
    public static let opt = Self(rawValue: 41)
    public static let any = Self(rawValue: 255)

    static let names: [(String, UInt16)] = [
        ("A", 1), ("NS", 2), ("CNAME", 5), ("SOA", 6), ("PTR", 12), ("MX", 15), ("TXT", 16),
        ("AAAA", 28), ("OPT", 41), ("ANY", 255),
    ]

    /// Reads `A`, `ptr`, `TYPE99` (RFC 3597).
    public init?(_ text: String) {
        let upper = text.uppercased()
        if let match = Self.names.first(where: { $0.0 == upper }) {
            rawValue = match.1
        } else if upper.hasPrefix("TYPE"), let value = UInt16(upper.dropFirst(4)) {
            rawValue = value
        } else {
            return nil
        }
    }

    public var description: String {
        Self.names.first { $0.1 == rawValue }?.0 ?? "TYPE\(rawValue)"
    }
}

public struct DNSQuestion: Sendable, Equatable {
    public var name: DNSName
    public var type: DNSRecordType
    /// QCLASS; 1 is IN.
    public var recordClass: UInt16

    public init(name: DNSName, type: DNSRecordType, recordClass: UInt16 = DNSRecord.internetClass) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
    }
}
