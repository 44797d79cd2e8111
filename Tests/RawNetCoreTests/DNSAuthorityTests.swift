import Testing
import RawNetWire
@testable import RawNetCore

/// The authoritative server's answers, message in and message out (RFC 1034 section 4.3.2).
@Suite struct DNSAuthorityTests {
    static let zoneText = """
        $ORIGIN lab.
        $TTL 300
        @       IN SOA ns hostmaster ( 7 3600 900 604800 60 )
                IN NS  ns
        ns         A   10.0.2.53
        bob     600 A  10.0.2.20
        www        CNAME bob
        far        CNAME www.example.
        text       TXT "hello world" "second"
        mail       MX  10 bob
        ; a child zone, delegated, with glue
        sub        NS  ns.sub
        ns.sub     A   10.0.3.53
        """

    static func authority() throws -> DNSAuthority {
        DNSAuthority(zones: try DNSMasterFile.zones(from: zoneText))
    }

    static func ask(_ name: String, _ type: DNSRecordType, id: UInt16 = 1) throws -> DNSMessage {
        try authority().answer(.query(id: id, name: try DNSName(name), type: type))
    }

    @Test func masterFile_readsEveryRecord() throws {
        let zones = try DNSMasterFile.zones(from: Self.zoneText)
        #expect(zones.count == 1)
        let zone = zones[0]
        #expect(zone.origin == (try DNSName("lab")))
        #expect(zone.records.count == 10)
        guard case .soa(let soa)? = zone.soa?.data else { Issue.record("no SOA"); return }
        #expect(soa.primary == (try DNSName("ns.lab")) && soa.serial == 7 && soa.minimum == 60)
        #expect(zone.records(named: try DNSName("bob.lab")).first?.ttl == 600)
        #expect(zone.records(named: try DNSName("text.lab")).first?.data == .txt([Array("hello world".utf8), Array("second".utf8)]))
        #expect(zone.records(named: try DNSName("far.lab")).first?.data == .cname(try DNSName("www.example")))
    }

    @Test func masterFile_errorsNameTheLine() {
        #expect(throws: DNSZoneError(line: 2, message: "bad address '10.0.2'")) {
            try DNSMasterFile.zones(from: "lab. SOA ns.lab. h.lab. 1 2 3 4 5\nbob.lab. A 10.0.2")
        }
        #expect(throws: DNSZoneError.self) { try DNSMasterFile.zones(from: "bob.lab. A 10.0.2.20") }  // no SOA: no zone
        #expect(throws: DNSZoneError.self) { try DNSMasterFile.zones(from: "lab. SOA ns.lab. h.lab. ( 1 2 3 4 5") }
        #expect(throws: DNSZoneError.self) { try DNSMasterFile.zones(from: "lab. SOA ns.lab. h.lab. 1 2 3 4 5\nx.lab. WKS 1") }
    }

    @Test func aRecord_isAnsweredWithAA() throws {
        let response = try Self.ask("bob.lab", .a, id: 0x4242)
        #expect(response.header.id == 0x4242 && response.header.isResponse && response.header.isAuthoritative)
        #expect(response.header.recursionDesired && !response.header.recursionAvailable)
        #expect(response.header.responseCode == .noError)
        #expect(response.answers == [DNSRecord(name: try DNSName("bob.lab"), ttl: 600, data: .a(IPv4Address(10, 0, 2, 20)))])
    }

    @Test func unknownName_isNXDOMAIN_withTheSOAForNegativeCaching() throws {
        let response = try Self.ask("nobody.lab", .a)
        #expect(response.header.responseCode == .nameError && response.header.isAuthoritative)
        #expect(response.answers.isEmpty)
        #expect(response.authority.count == 1 && response.authority[0].type == .soa)
        #expect(response.authority[0].ttl == 60, "min(SOA TTL, minimum), RFC 2308")
    }

    @Test func knownNameOtherType_isNODATA() throws {
        let response = try Self.ask("bob.lab", .txt)
        #expect(response.header.responseCode == .noError && response.answers.isEmpty)
        #expect(response.authority.first?.type == .soa)
    }

    @Test func cname_isFollowedInsideTheZone_andNotOutside() throws {
        let response = try Self.ask("www.lab", .a)
        #expect(response.answers.map(\.type) == [.cname, .a])
        #expect(response.answers.last?.data == .a(IPv4Address(10, 0, 2, 20)))
        let outside = try Self.ask("far.lab", .a)
        #expect(outside.answers.map(\.type) == [.cname] && outside.header.responseCode == .noError)
        #expect(try Self.ask("www.lab", .cname).answers.map(\.type) == [.cname])
    }

    @Test func belowAZoneCut_isAReferral_withGlue() throws {
        let response = try Self.ask("host.sub.lab", .a)
        #expect(!response.header.isAuthoritative && response.header.responseCode == .noError)
        #expect(response.answers.isEmpty)
        #expect(response.authority.map(\.data) == [.ns(try DNSName("ns.sub.lab"))])
        #expect(response.additional.map(\.data) == [.a(IPv4Address(10, 0, 3, 53))])
    }

    @Test func nsAndMX_bringAddressesInAdditional() throws {
        let ns = try Self.ask("lab", .ns)
        #expect(ns.answers.map(\.data) == [.ns(try DNSName("ns.lab"))])
        #expect(ns.additional.map(\.data) == [.a(IPv4Address(10, 0, 2, 53))])
        let mx = try Self.ask("mail.lab", .mx)
        #expect(mx.additional.map(\.data) == [.a(IPv4Address(10, 0, 2, 20))])
    }

    @Test func nameOutsideEveryZone_isRefused() throws {
        #expect(try Self.ask("example.com", .a).header.responseCode == .refused)
    }

    @Test func badQueries_getFORMERR_orNOTIMP_andResponsesAreIgnored() throws {
        let authority = try Self.authority()
        var twoQuestions = DNSMessage.query(id: 5, name: try DNSName("bob.lab"), type: .a)
        twoQuestions.questions.append(twoQuestions.questions[0])
        #expect(authority.answer(twoQuestions).header.responseCode == .formatError)
        var notify = DNSMessage.query(id: 6, name: try DNSName("bob.lab"), type: .a)
        notify.header.opcode = 4
        #expect(authority.answer(notify).header.responseCode == .notImplemented)
        // Undecodable bytes with a header: FORMERR with the same ID; a response or a scrap: no answer.
        // Each is a problem the server counts.
        let garbage: [UInt8] = [0xAB, 0xCD, 0x01, 0x00, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 0xC0]
        guard case .reply(let formatError, let limit, .malformed?) = authority.respond(to: garbage) else {
            Issue.record("garbage is answered FORMERR and counted malformed")
            return
        }
        #expect(formatError.header.responseCode == .formatError && formatError.header.id == 0xABCD && limit == 512)
        #expect(Self.problem(authority.respond(to: [1, 2, 3])) == .tooShort)
        let response = authority.answer(.query(id: 7, name: try DNSName("bob.lab"), type: .a)).serialize()
        #expect(Self.problem(authority.respond(to: response)) == .response)
        #expect(Self.problem(authority.respond(to: notify.serialize())) == .opcode)
        #expect(Self.problem(authority.respond(to: twoQuestions.serialize())) == .malformed)
        // Over-long: a datagram past the size the server advertises is not read; over TCP it is.
        var long = DNSMessage.query(id: 8, name: try DNSName("bob.lab"), type: .a)
        long.additional = (0..<120).map { _ in DNSRecord(name: try! DNSName("bob.lab"), ttl: 1, data: .a(IPv4Address(1, 2, 3, 4))) }
        #expect(long.serialize().count > DNSAuthority.largestUDPQuery)
        #expect(Self.problem(authority.respond(to: long.serialize())) == .overlong)
        #expect(Self.problem(authority.respond(to: long.serialize(), overTCP: true)) == nil)
    }

    /// The problem an outcome counts, nil for a plain answer.
    static func problem(_ outcome: DNSQueryOutcome) -> DNSQueryProblem? {
        switch outcome {
        case .drop(let problem): problem
        case .reply(_, _, let problem): problem
        }
    }

    static func reply(_ outcome: DNSQueryOutcome) -> (DNSMessage, Int)? {
        if case .reply(let message, let limit, nil) = outcome { return (message, limit) }
        return nil
    }

    /// RFC 6891: an answer to a query with EDNS carries an OPT of 1232 bytes and may
    /// take the size the query advertised (512 to 1232); a bad OPT is FORMERR, a
    /// version above 0 BADVERS with an OPT of version 0.
    @Test func edns_answeredWithOPT_sizeHonoured_FORMERRAndBADVERS() throws {
        let authority = try Self.authority()
        let bob = try DNSName("bob.lab")
        let plain = try #require(Self.reply(authority.respond(to: DNSMessage.query(id: 1, name: bob, type: .a).serialize())))
        #expect(plain.0.edns == nil && plain.1 == 512)
        for (size, limit) in [(4096, 1232), (800, 800), (100, 512)] {
            let query = DNSMessage.query(id: 2, name: bob, type: .a, edns: DNSEDNS(udpPayloadSize: UInt16(size)))
            let answer = try #require(Self.reply(authority.respond(to: query.serialize())))
            #expect(answer.0.edns == DNSEDNS(udpPayloadSize: 1232) && answer.1 == limit, "\(size)")
            #expect(answer.0.answers.count == 1)
        }
        var two = DNSMessage.query(id: 3, name: bob, type: .a, edns: DNSEDNS())
        two.additional.append(DNSEDNS().record)
        guard case .reply(let formatError, _, .badOPT?) = authority.respond(to: two.serialize()) else {
            Issue.record("two OPTs: FORMERR")
            return
        }
        #expect(formatError.header.responseCode == .formatError && formatError.edns == nil)
        var future = DNSEDNS()
        future.version = 1
        let versioned = DNSMessage.query(id: 4, name: bob, type: .a, edns: future)
        guard case .reply(let badVersion, _, .badVersion?) = authority.respond(to: versioned.serialize()) else {
            Issue.record("version 1: BADVERS")
            return
        }
        #expect(badVersion.extendedResponseCode == 16 && badVersion.edns?.version == 0 && badVersion.answers.isEmpty)
        let parsed = try DNSMessage(parsing: badVersion.serialize())
        #expect(parsed.extendedResponseCode == 16 && parsed.header.id == 4)
    }

    @Test func rootAndTLDServers_referDownTheTree() throws {
        let root = DNSAuthority(zones: try DNSMasterFile.zones(from: """
            . SOA a.root. h.root. 1 2 3 4 60
            . NS a.root.
            a.root. A 10.0.0.1
            lab. NS ns.lab.
            ns.lab. A 10.0.2.53
            """))
        let response = root.answer(.query(id: 1, name: try DNSName("bob.lab"), type: .a))
        #expect(!response.header.isAuthoritative)
        #expect(response.authority.map(\.data) == [.ns(try DNSName("ns.lab"))])
        #expect(response.additional.map(\.data) == [.a(IPv4Address(10, 0, 2, 53))])
    }
}
