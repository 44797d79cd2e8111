import Testing
@testable import RawNetWire

/// EDNS(0) (RFC 6891): the OPT pseudo-record's golden bytes, its fields, its
/// place under truncation, and the problems a server answers FORMERR.
@Suite struct DNSEDNSTests {
    static let bobLab = try! DNSName("bob.lab")

    // ID 0x1234, RD, bob.lab. A IN, and in additional the OPT: owner the root (00),
    // TYPE 41 (0029), CLASS = UDP payload 1232 (04d0), TTL 0 (extended RCODE 0,
    // version 0, DO clear), RDLENGTH 0. What `dig +nocookie` sends, with RawNet's size.
    static let queryBytes = bytes("""
        1234 0100 0001 0000 0000 0001 03626f62 036c6162 00 0001 0001
        00 0029 04d0 00000000 0000
        """)

    @Test func queryWithOPT_goldenBytes_bothWays() throws {
        let query = DNSMessage.query(id: 0x1234, name: Self.bobLab, type: .a, edns: DNSEDNS())
        #expect(query.serialize() == Self.queryBytes)
        let parsed = try DNSMessage(parsing: Self.queryBytes)
        #expect(parsed.edns == DNSEDNS(udpPayloadSize: 1232))
        #expect(parsed.ednsProblem == nil && parsed.udpResponseLimit == 1232)
        #expect(parsed == query)
    }

    @Test func optFields_flagsAndOptions_readBackAsWritten() throws {
        // DO set, extended RCODE 1 (with header RCODE 0: BADVERS, 16), a cookie option (10) of 8 bytes.
        let wire = bytes("""
            0001 8000 0000 0000 0000 0001
            00 0029 1000 01008000 000c 000a 0008 0102030405060708
            """)
        let message = try DNSMessage(parsing: wire)
        let edns = try #require(message.edns)
        #expect(edns.udpPayloadSize == 4096 && edns.extendedRCode == 1 && edns.version == 0 && edns.dnssecOK)
        #expect(edns.options == [DNSEDNSOption(code: 10, data: [1, 2, 3, 4, 5, 6, 7, 8])])
        #expect(message.extendedResponseCode == DNSEDNS.badVersionCode)
        #expect(message.serialize() == wire)
        #expect(edns.summary == "; EDNS: version: 0, flags: do; udp: 4096\n; OPTION 10: 8 bytes")
    }

    @Test func badOPTs_areProblems_notCrashes() throws {
        var two = DNSMessage.query(id: 1, name: Self.bobLab, type: .a, edns: DNSEDNS())
        two.additional.append(DNSEDNS().record)
        #expect(two.ednsProblem == "2 OPT records")
        var misplaced = DNSMessage.query(id: 1, name: Self.bobLab, type: .a)
        misplaced.answers.append(DNSEDNS().record)
        #expect(misplaced.ednsProblem == "an OPT record outside the additional section")
        var owned = DNSMessage.query(id: 1, name: Self.bobLab, type: .a)
        owned.additional.append(DNSRecord(name: Self.bobLab, ttl: 0, data: .other(.opt, []), recordClass: 1232))
        #expect(owned.ednsProblem != nil && owned.edns == nil)
        // An option whose length runs past RDATA.
        var overrun = DNSMessage.query(id: 1, name: Self.bobLab, type: .a)
        overrun.additional.append(DNSRecord(name: .root, ttl: 0, data: .other(.opt, [0, 10, 0, 9, 1, 2]), recordClass: 1232))
        #expect(overrun.ednsProblem != nil)
        #expect(try DNSMessage(parsing: overrun.serialize()).ednsProblem != nil, "the bytes parse; the OPT is the problem")
    }

    @Test func udpResponseLimit_followsTheAdvertisedSize_within512And1232() {
        func limit(_ size: UInt16?) -> Int {
            DNSMessage.query(id: 1, name: Self.bobLab, type: .a, edns: size.map { DNSEDNS(udpPayloadSize: $0) }).udpResponseLimit
        }
        #expect(limit(nil) == 512)
        #expect(limit(100) == 512)
        #expect(limit(800) == 800)
        #expect(limit(4096) == 1232)
    }

    @Test func truncation_keepsTheOPT_andLeavesRoomForIt() throws {
        var header = DNSHeader(id: 7)
        header.isResponse = true
        let answers = (0..<40).map { DNSRecord(name: Self.bobLab, ttl: 60, data: .a(IPv4Address(10, 0, 2, UInt8($0)))) }
        var response = DNSMessage(header: header, questions: [DNSQuestion(name: Self.bobLab, type: .a)], answers: answers)
        response.edns = DNSEDNS()
        let cut = response.serialize(limit: 512)
        #expect(cut.count <= 512)
        let parsed = try DNSMessage(parsing: cut)
        #expect(parsed.header.isTruncated && parsed.answers.count < 40)
        #expect(parsed.edns == DNSEDNS(), "the OPT survives the cut")
        #expect(parsed.additional.count == 1)
        let whole = try DNSMessage(parsing: response.serialize(limit: 1232))
        #expect(!whole.header.isTruncated && whole.answers.count == 40 && whole.edns != nil)
        // An OPT keeps its place among the additional records: a message reads back as it was.
        var glued = DNSMessage(header: header, questions: [DNSQuestion(name: Self.bobLab, type: .ns)])
        glued.additional = [DNSEDNS().record, DNSRecord(name: Self.bobLab, ttl: 60, data: .a(IPv4Address(10, 0, 2, 20)))]
        #expect(try DNSMessage(parsing: glued.serialize()) == glued)
        #expect(try DNSMessage(parsing: glued.serialize(limit: 40)).additional.map(\.type) == [.opt])
    }
}
