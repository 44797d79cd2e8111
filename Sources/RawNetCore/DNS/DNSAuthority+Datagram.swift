import RawNetWire

/// Why a name server could not answer a message as asked: it sent nothing
/// (`DNSQueryOutcome.drop`) or only an error (`.reply` with a problem). Each is a
/// counted drop of the server, shown by `rawnet status` under the service.
public enum DNSQueryProblem: String, Sendable, CaseIterable, Comparable {
    case tooShort = "shorter than a DNS header"
    case response = "a response, not a query"
    case overlong = "longer than the server takes"
    case malformed = "malformed (FORMERR sent)"
    case badOPT = "bad OPT record (FORMERR sent)"
    case badVersion = "EDNS version not served (BADVERS sent)"
    case opcode = "opcode not served (NOTIMP sent)"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// What a name server does with one message's bytes.
public enum DNSQueryOutcome: Sendable {
    /// Send `response`, over UDP in at most `udpLimit` bytes; `problem` when it is
    /// only an error answer (FORMERR, BADVERS, NOTIMP).
    case reply(DNSMessage, udpLimit: Int, problem: DNSQueryProblem?)
    /// Send nothing.
    case drop(DNSQueryProblem)
}

extension DNSAuthority {
    /// The largest query taken over UDP: what the server advertises (a question
    /// with an OPT is some 300 bytes at most).
    public static let largestUDPQuery = Int(DNSEDNS.advertisedPayloadSize)

    /// The outcome for a query's bytes as they came (over TCP with `overTCP`):
    /// scraps and responses are dropped, a datagram over `largestUDPQuery` too;
    /// an undecodable query is FORMERR, a bad OPT FORMERR, an EDNS version above 0
    /// BADVERS (RFC 6891 sections 6.1.1 and 6.1.3), another opcode NOTIMP. A query
    /// with EDNS gets an OPT advertising 1232 bytes and an answer cut to the size
    /// it advertised; without, to 512.
    public func respond(to bytes: [UInt8], overTCP: Bool = false) -> DNSQueryOutcome {
        guard bytes.count >= DNSMessage.headerLength else { return .drop(.tooShort) }
        let header = DNSHeader(id: UInt16(bytes[0]) << 8 | UInt16(bytes[1]), flags: UInt16(bytes[2]) << 8 | UInt16(bytes[3]))
        guard !header.isResponse else { return .drop(.response) }
        guard overTCP || bytes.count <= Self.largestUDPQuery else { return .drop(.overlong) }
        guard let query = try? DNSMessage(parsing: bytes) else {
            return .reply(Self.reply(to: DNSMessage(header: header), code: .formatError), udpLimit: DNSMessage.udpLimit,
                          problem: .malformed)
        }
        return respond(to: query)
    }

    /// The outcome for a decoded query (see `respond(to:overTCP:)`).
    public func respond(to query: DNSMessage) -> DNSQueryOutcome {
        if let problem = Self.ednsOutcome(of: query) { return problem }
        var response = answer(query)
        let problem: DNSQueryProblem? = switch response.header.responseCode {
        case .notImplemented where query.header.opcode != 0: .opcode
        case .formatError: .malformed
        default: nil
        }
        if query.edns != nil { response.edns = DNSEDNS() }
        return .reply(response, udpLimit: query.udpResponseLimit, problem: problem)
    }

    /// FORMERR for a bad OPT, BADVERS (with an OPT of version 0) for a version above
    /// 0, nil for a query whose EDNS is fine or absent. Shared with the recursive server.
    public static func ednsOutcome(of query: DNSMessage) -> DNSQueryOutcome? {
        if query.ednsProblem != nil {
            return .reply(reply(to: query, code: .formatError), udpLimit: DNSMessage.udpLimit, problem: .badOPT)
        }
        guard let edns = query.edns, edns.version > DNSEDNS.supportedVersion else { return nil }
        var response = reply(to: query, code: DNSResponseCode(rawValue: UInt8(DNSEDNS.badVersionCode & 0x0F)))
        var opt = DNSEDNS()
        opt.extendedRCode = UInt8(DNSEDNS.badVersionCode >> 4)
        response.edns = opt
        return .reply(response, udpLimit: DNSMessage.udpLimit, problem: .badVersion)
    }
}
