import Testing
@testable import RawNetWire

/// Golden bytes for DNS messages (RFC 1035 section 4), compression on output and
/// safe decompression on input.
@Suite struct DNSMessageTests {
    static let bobLab = try! DNSName("bob.lab")
    static let lab = try! DNSName("lab.")

    // ID 0x1234, RD, one question: bob.lab. A IN (what `dig bob.lab +noedns` sends).
    static let queryBytes = bytes("1234 0100 0001 0000 0000 0000 03626f62 036c6162 00 0001 0001")
    // The authoritative answer: QR AA RD, the owner a pointer to the question (c00c), TTL 300, 10.0.2.20.
    static let answerBytes = bytes("""
        1234 8500 0001 0001 0000 0000 03626f62 036c6162 00 0001 0001
        c00c 0001 0001 0000012c 0004 0a000214
        """)
    // NXDOMAIN for nobody.lab. with the zone's SOA in authority: lab. is c013 (offset 19),
    // the SOA's names point into it.
    static let nameErrorBytes = bytes("""
        beef 8503 0001 0000 0001 0000 066e6f626f6479 036c6162 00 0001 0001
        c013 0006 0001 0000012c 0027
        03626e73 c013  0a686f73746d6173746572 c013
        00000001 00000e10 00000384 00093a80 0000012c
        """)

    @Test func query_parsesEveryField_andSerializesToTheSameBytes() throws {
        let message = try DNSMessage(parsing: Self.queryBytes)
        #expect(message.header.id == 0x1234)
        #expect(!message.header.isResponse && message.header.recursionDesired && message.header.opcode == 0)
        #expect(message.questions == [DNSQuestion(name: Self.bobLab, type: .a)])
        #expect(message.answers.isEmpty && message.authority.isEmpty && message.additional.isEmpty)
        #expect(DNSMessage.query(id: 0x1234, name: Self.bobLab, type: .a).serialize() == Self.queryBytes)
    }

    @Test func answer_isCompressedAgainstTheQuestion() throws {
        var header = DNSHeader(id: 0x1234)
        header.isResponse = true
        header.isAuthoritative = true
        header.recursionDesired = true
        let message = DNSMessage(header: header, questions: [DNSQuestion(name: Self.bobLab, type: .a)],
                                 answers: [DNSRecord(name: Self.bobLab, ttl: 300, data: .a(IPv4Address(10, 0, 2, 20)))])
        #expect(hexString(message.serialize()) == hexString(Self.answerBytes))
        let parsed = try DNSMessage(parsing: Self.answerBytes)
        #expect(parsed == message)
        #expect(parsed.header.flagNames == ["qr", "aa", "rd"])
        #expect(parsed.answers[0].description == "bob.lab.\t300\tIN\tA\t10.0.2.20")
    }

    @Test func nameError_withSOA_compressesNamesInsideRDATA() throws {
        var header = DNSHeader(id: 0xBEEF)
        header.isResponse = true
        header.isAuthoritative = true
        header.recursionDesired = true
        header.responseCode = .nameError
        let soa = DNSSOA(primary: try DNSName("bns.lab"), mailbox: try DNSName("hostmaster.lab"), serial: 1,
                         refresh: 3600, retry: 900, expire: 604_800, minimum: 300)
        let message = DNSMessage(header: header, questions: [DNSQuestion(name: try DNSName("nobody.lab"), type: .a)],
                                 authority: [DNSRecord(name: Self.lab, ttl: 300, data: .soa(soa))])
        #expect(hexString(message.serialize()) == hexString(Self.nameErrorBytes))
        let parsed = try DNSMessage(parsing: Self.nameErrorBytes)
        #expect(parsed == message)
        #expect(parsed.header.responseCode.description == "NXDOMAIN")
    }

    @Test func everyType_roundTrips() throws {
        var header = DNSHeader(id: 7)
        header.isResponse = true
        let name = try DNSName("www.example.lab")
        let records: [DNSRecord] = [
            DNSRecord(name: name, ttl: 60, data: .cname(Self.bobLab)),
            DNSRecord(name: Self.bobLab, ttl: 60, data: .a(IPv4Address(10, 0, 2, 20))),
            DNSRecord(name: Self.lab, ttl: 60, data: .ns(try DNSName("ns.lab"))),
            DNSRecord(name: DNSName(reverseOf: IPv4Address(10, 0, 2, 20)), ttl: 60, data: .ptr(Self.bobLab)),
            DNSRecord(name: Self.lab, ttl: 60, data: .mx(preference: 10, exchange: Self.bobLab)),
            DNSRecord(name: Self.lab, ttl: 60, data: .txt([Array("hello world".utf8), [0x22, 0x01]])),
            DNSRecord(name: Self.lab, ttl: 60, data: .other(.aaaa, Array(repeating: 0, count: 15) + [1])),
        ]
        let message = DNSMessage(header: header, questions: [DNSQuestion(name: name, type: .any)],
                                 answers: Array(records[0...1]), authority: [records[2]],
                                 additional: Array(records[3...]))
        let parsed = try DNSMessage(parsing: message.serialize())
        #expect(parsed == message)
        #expect(records[5].data.presentation == "\"hello world\" \"\\\"\\001\"")
        #expect(records[3].name.description == "20.2.0.10.in-addr.arpa.")
        #expect(records[3].name.reverseAddress == IPv4Address(10, 0, 2, 20))
    }

    @Test func names_compareWithoutCase_andCheckLengths() throws {
        #expect(try DNSName("BOB.Lab.") == Self.bobLab)
        #expect(try DNSName("BOB.Lab.").hashValue == Self.bobLab.hashValue)
        #expect(try DNSName("BOB.Lab").description == "BOB.Lab.")
        #expect(Self.bobLab.isSubdomain(of: Self.lab) && Self.bobLab.isSubdomain(of: .root))
        #expect(!Self.lab.isSubdomain(of: Self.bobLab))
        #expect(try DNSName(".") == .root)
        #expect(throws: WireError.self) { try DNSName(String(repeating: "a", count: 64) + ".lab") }
        #expect(throws: WireError.self) { try DNSName("a..lab") }
        let long = Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: ".")
        #expect(throws: WireError.self) { try DNSName(long) }  // 4 * 64 + 1 = 257 bytes
        #expect(try DNSName("a\\.b.lab").labels.count == 2)
        #expect(try DNSName("a\\.b.lab").description == "a\\.b.lab.")
    }

    @Test func truncation_dropsWholeRecords_andSetsTC() throws {
        var header = DNSHeader(id: 9)
        header.isResponse = true
        let strings = [Array(repeating: UInt8(0x78), count: 200)]
        let answers = (0..<5).map { _ in DNSRecord(name: Self.lab, ttl: 1, data: .txt(strings)) }
        let message = DNSMessage(header: header, questions: [DNSQuestion(name: Self.lab, type: .txt)], answers: answers)
        let bytes = message.serialize(limit: DNSMessage.udpLimit)
        #expect(bytes.count <= 512)
        let parsed = try DNSMessage(parsing: bytes)
        #expect(parsed.header.isTruncated)
        #expect(parsed.answers.count == 2)
        #expect(try DNSMessage(parsing: message.serialize()).answers.count == 5)
        #expect(try !DNSMessage(parsing: message.serialize()).header.isTruncated)
    }

    // MARK: Hostile input: errors, never traps.

    @Test func pointerToItself_isAnError() {
        let loop = bytes("0001 0000 0001 0000 0000 0000 c00c 0001 0001")
        #expect(throws: WireError.self) { try DNSMessage(parsing: loop) }
    }

    @Test func pointerForward_isAnError() {
        let forward = bytes("0001 0000 0001 0000 0000 0000 c012 0001 0001 03616263 00")
        #expect(throws: WireError.self) { try DNSMessage(parsing: forward) }
    }

    @Test func twoPointersInALoop_isAnError() {
        // The answer's name points at the question, whose name points at the answer.
        let message = bytes("0001 8000 0001 0001 0000 0000 c011 0001 0001 03616263 c00c 0001 0001 00000000 0000")
        #expect(throws: WireError.self) { try DNSMessage(parsing: message) }
    }

    @Test func countsBeyondTheMessage_areErrors() {
        #expect(throws: WireError.self) { try DNSMessage(parsing: bytes("0001 0000 ffff ffff ffff ffff")) }
        var answer = Self.answerBytes
        answer[7] = 2  // ANCOUNT 2, one present
        #expect(throws: WireError.self) { try DNSMessage(parsing: answer) }
        #expect(throws: WireError.self) { try DNSMessage(parsing: Array(Self.answerBytes.dropLast())) }
        #expect(throws: WireError.self) { try DNSMessage(parsing: Array(Self.queryBytes.prefix(11))) }
    }

    @Test func rdataShorterOrLongerThanItsType_isAnError() {
        var answer = Self.answerBytes
        answer[answer.count - 5] = 5  // RDLENGTH 5 for an A record, 4 bytes present
        #expect(throws: WireError.self) { try DNSMessage(parsing: answer) }
        var short = Array(Self.answerBytes.dropLast())
        short[short.count - 4] = 3  // RDLENGTH 3 for an A record
        #expect(throws: WireError.self) { try DNSMessage(parsing: short) }
    }

    @Test func reservedLabelTypes_andOverlongNames_areErrors() throws {
        #expect(throws: WireError.self) { try DNSMessage(parsing: bytes("0001 0000 0001 0000 0000 0000 41 00 0001 0001")) }
        #expect(throws: WireError.self) { try DNSMessage(parsing: bytes("0001 0000 0001 0000 0000 0000 81 00 0001 0001")) }
        // Question 1 is 193 bytes of name; question 2 is one more label and a pointer to it: 257 bytes.
        let label = [UInt8(63)] + Array(repeating: UInt8(0x61), count: 63)
        var message = bytes("0001 0000 0002 0000 0000 0000")
        message += label + label + label + [0, 0, 1, 0, 1]
        message += label + [0xC0, 12, 0, 1, 0, 1]
        #expect(throws: WireError.self) { try DNSMessage(parsing: message) }
        message[message.count - 6 - 64] = 61  // the extra label two bytes shorter: 255 bytes, allowed
        message.removeSubrange((message.count - 8)..<(message.count - 6))
        #expect(try DNSMessage(parsing: message).questions[1].name.wireLength == 255)
    }

    @Test func randomBytes_neverTrap() {
        var random = TestRandom(seed: 17)
        for _ in 0..<20_000 {
            var message = Self.nameErrorBytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                message[Int.random(in: 0..<message.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            let cut = Int.random(in: 0...message.count, using: &random)
            if let parsed = try? DNSMessage(parsing: Array(message.prefix(cut))) {
                _ = parsed.serialize()
            }
        }
    }
}
