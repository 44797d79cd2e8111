/// EDNS(0) (RFC 6891): what the OPT pseudo-record of a message's additional
/// section says. Its owner is the root, its CLASS the largest UDP payload the
/// sender takes, its TTL the upper eight bits of a 12-bit RCODE, the version
/// and the DO flag, and its RDATA a list of options (code, length, data).
public struct DNSEDNS: Sendable, Equatable {
    /// The largest DNS message over UDP the sender can take.
    public var udpPayloadSize: UInt16
    /// The upper eight bits of the 12-bit RCODE (the header holds the lower four).
    public var extendedRCode: UInt8 = 0
    public var version: UInt8 = 0
    /// DO: the sender wants DNSSEC records (RFC 3225); kept, never acted on.
    public var dnssecOK = false
    /// The 15 flag bits after DO, zero when sent; kept so a message reads back as it came.
    public var reservedFlags: UInt16 = 0
    public var options: [DNSEDNSOption] = []

    /// What RawNet's servers and resolvers advertise: 1232 bytes, which fits any
    /// path with a 1280-byte MTU (the DNS flag day 2020 figure).
    public static let advertisedPayloadSize: UInt16 = 1232
    /// The only version there is.
    public static let supportedVersion: UInt8 = 0
    /// BADVERS (RFC 6891 section 9): the 12-bit RCODE 16.
    public static let badVersionCode: UInt16 = 16

    public init(udpPayloadSize: UInt16 = DNSEDNS.advertisedPayloadSize) {
        self.udpPayloadSize = udpPayloadSize
    }

    /// Reads an OPT record; a malformed option list is an error.
    public init(record: DNSRecord) throws(WireError) {
        guard record.type == .opt else {
            throw WireError.badValue(layer: "DNS", field: "OPT.type", value: UInt64(record.type.rawValue), expected: "41 (OPT)")
        }
        guard record.name.isRoot else {
            throw WireError.badValue(layer: "DNS", field: "OPT.name", value: UInt64(record.name.labels.count),
                                     expected: "the root (0 labels)")
        }
        udpPayloadSize = record.recordClass
        extendedRCode = UInt8(record.ttl >> 24)
        version = UInt8((record.ttl >> 16) & 0xFF)
        dnssecOK = record.ttl & 0x8000 != 0
        reservedFlags = UInt16(record.ttl & 0x7FFF)
        guard case .other(_, let data) = record.data else { return }
        var offset = 0
        while offset < data.count {
            guard offset + 4 <= data.count else {
                throw WireError.truncated(layer: "DNS", field: "OPT.option", needed: offset + 4, available: data.count)
            }
            let code = UInt16(data[offset]) << 8 | UInt16(data[offset + 1])
            let length = Int(data[offset + 2]) << 8 | Int(data[offset + 3])
            guard offset + 4 + length <= data.count else {
                throw WireError.truncated(layer: "DNS", field: "OPT.option[\(code)]", needed: offset + 4 + length,
                                          available: data.count)
            }
            options.append(DNSEDNSOption(code: code, data: Array(data[(offset + 4)..<(offset + 4 + length)])))
            offset += 4 + length
        }
    }

    /// The OPT record that says this.
    public var record: DNSRecord {
        var data: [UInt8] = []
        for option in options {
            data.appendUInt16(option.code)
            data.appendUInt16(UInt16(clamping: option.data.count))
            data.append(contentsOf: option.data.prefix(65_535))
        }
        let ttl = UInt32(extendedRCode) << 24 | UInt32(version) << 16 | (dnssecOK ? 0x8000 : 0) | UInt32(reservedFlags & 0x7FFF)
        return DNSRecord(name: .root, ttl: ttl, data: .other(.opt, data), recordClass: udpPayloadSize)
    }

    /// The line dig prints: `; EDNS: version: 0, flags: do; udp: 1232`.
    public var summary: String {
        "; EDNS: version: \(version), flags:\(dnssecOK ? " do" : ""); udp: \(udpPayloadSize)"
            + options.map { "\n; OPTION \($0.code): \($0.data.count) bytes" }.joined()
    }
}

/// One EDNS option (RFC 6891 section 6.1.2), kept as code and bytes.
public struct DNSEDNSOption: Sendable, Equatable {
    public var code: UInt16
    public var data: [UInt8]

    public init(code: UInt16, data: [UInt8]) {
        self.code = code
        self.data = data
    }
}

extension DNSMessage {
    /// The message's EDNS, from the first OPT record of the additional section;
    /// nil without one (or with one that does not read: see `ednsProblem`).
    /// Setting it replaces every OPT record (nil removes them).
    public var edns: DNSEDNS? {
        get { additional.first { $0.type == .opt }.flatMap { try? DNSEDNS(record: $0) } }
        set {
            additional.removeAll { $0.type == .opt }
            if let newValue { additional.append(newValue.record) }
        }
    }

    /// Why a server must answer FORMERR to this message's OPT (RFC 6891 section 6.1.1),
    /// or nil: more than one OPT, one outside the additional section, one not owned
    /// by the root, or options that overrun its RDATA.
    public var ednsProblem: String? {
        if (answers + authority).contains(where: { $0.type == .opt }) { return "an OPT record outside the additional section" }
        let options = additional.filter { $0.type == .opt }
        if options.count > 1 { return "\(options.count) OPT records" }
        guard let record = options.first else { return nil }
        do { _ = try DNSEDNS(record: record) } catch { return "\(error)" }
        return nil
    }

    /// The 12-bit RCODE: the OPT's upper eight bits above the header's four.
    public var extendedResponseCode: UInt16 {
        UInt16(edns?.extendedRCode ?? 0) << 4 | UInt16(header.responseCode.rawValue & 0x0F)
    }

    /// The most bytes a response to this query may take over UDP: the size the
    /// query's OPT advertises, at least 512 and at most what this side advertises
    /// itself (RFC 6891 section 6.2.5); 512 without EDNS (RFC 1035).
    public var udpResponseLimit: Int {
        guard let edns else { return Self.udpLimit }
        return min(max(Int(edns.udpPayloadSize), Self.udpLimit), Int(DNSEDNS.advertisedPayloadSize))
    }
}
