import Foundation
import Testing
@testable import RawNetWire

/// DNS messages RawNet builds, in UDP and TCP frames to and from port 53, dissected
/// by tshark with checksum validation on: no malformed packet, no expert error,
/// and the fields tshark reads are the ones written.
@Suite struct DNSTsharkTests {
    static let fields = [
        "_ws.malformed", "_ws.expert.severity", "udp.checksum.status", "tcp.checksum.status",
        "dns.flags.response", "dns.flags.authoritative", "dns.flags.truncated", "dns.flags.rcode",
        "dns.qry.name", "dns.qry.type", "dns.count.answers", "dns.a", "dns.cname", "dns.ns", "dns.ptr.domain_name",
        "dns.txt", "dns.soa.mname", "dns.soa.rname", "dns.soa.minimum_ttl", "dns.mx.mail_exchange",
        "dns.rr.udp_payload_size", "dns.resp.edns0_version", "dns.resp.ext_rcode", "dns.count.add_rr",
    ]

    static func messages() throws -> [(String, DNSMessage)] {
        let bob = try DNSName("bob.lab"), lab = try DNSName("lab")
        var answer = DNSHeader(id: 0x4242)
        answer.isResponse = true
        answer.isAuthoritative = true
        var nameError = answer
        nameError.responseCode = .nameError
        let soa = DNSSOA(primary: try DNSName("ns.lab"), mailbox: try DNSName("hostmaster.lab"), serial: 1,
                         refresh: 3600, retry: 900, expire: 604_800, minimum: 300)
        let reverse = DNSName(reverseOf: IPv4Address(10, 0, 2, 20))
        return [
            ("query", .query(id: 0x4242, name: bob, type: .a)),
            ("answer", DNSMessage(header: answer, questions: [DNSQuestion(name: bob, type: .a)],
                                  answers: [DNSRecord(name: bob, ttl: 300, data: .a(IPv4Address(10, 0, 2, 20)))],
                                  authority: [DNSRecord(name: lab, ttl: 300, data: .ns(try DNSName("ns.lab")))],
                                  additional: [DNSRecord(name: try DNSName("ns.lab"), ttl: 300, data: .a(IPv4Address(10, 0, 2, 53)))])),
            ("nxdomain", DNSMessage(header: nameError, questions: [DNSQuestion(name: try DNSName("nobody.lab"), type: .a)],
                                    authority: [DNSRecord(name: lab, ttl: 300, data: .soa(soa))])),
            ("ptr", DNSMessage(header: answer, questions: [DNSQuestion(name: reverse, type: .ptr)],
                               answers: [DNSRecord(name: reverse, ttl: 300, data: .ptr(bob))])),
            ("cname+txt+mx", DNSMessage(header: answer, questions: [DNSQuestion(name: try DNSName("www.lab"), type: .any)],
                                        answers: [DNSRecord(name: try DNSName("www.lab"), ttl: 60, data: .cname(bob)),
                                                  DNSRecord(name: bob, ttl: 60, data: .txt([Array("hello".utf8)])),
                                                  DNSRecord(name: bob, ttl: 60, data: .mx(preference: 10, exchange: bob))])),
            ("edns query", .query(id: 0x4343, name: bob, type: .a, edns: DNSEDNS())),
            ("edns answer", { () -> DNSMessage in
                var message = DNSMessage(header: answer, questions: [DNSQuestion(name: bob, type: .a)],
                                         answers: [DNSRecord(name: bob, ttl: 300, data: .a(IPv4Address(10, 0, 2, 20)))])
                message.edns = DNSEDNS()
                return message
            }()),
            ("badvers", { () -> DNSMessage in
                var message = DNSMessage(header: answer, questions: [DNSQuestion(name: bob, type: .a)])
                var opt = DNSEDNS()
                opt.extendedRCode = 1
                message.edns = opt
                return message
            }()),
        ]
    }

    @Test func dnsOverUDPAndTCP_dissectsCleanly() throws {
        guard FileManager.default.isExecutableFile(atPath: TsharkTests.tshark) else {
            Issue.record("tshark is required for this test but \(TsharkTests.tshark) is missing: install the tshark package")
            return
        }
        let messages = try Self.messages()
        var writer = PcapngWriter()
        let interface = writer.addInterface(name: "alice:eth0")
        var frames: [[UInt8]] = []
        // One TCP stream: each direction's sequence numbers continue from its last segment.
        var clientSequence: UInt32 = 1, serverSequence: UInt32 = 1
        for (index, (_, message)) in messages.enumerated() {
            let isQuery = !message.header.isResponse
            let (source, destination) = isQuery ? (Lab.alice, Lab.bob) : (Lab.bob, Lab.alice)
            let (sourcePort, destinationPort): (UInt16, UInt16) = isQuery ? (40_000, 53) : (53, 40_000)
            let ip = IPv4Header(identification: UInt16(index), timeToLive: 64, protocolNumber: .udp,
                                source: source, destination: destination)
            frames.append(Frame.ipv4(ethernet: Captures.aliceEth, ip: ip,
                                     udp: UDPHeader(sourcePort: sourcePort, destinationPort: destinationPort),
                                     payload: message.serialize()))
            // The same message over TCP: a two-byte length, then the message (RFC 1035 section 4.2.2).
            var tcpIP = ip
            tcpIP.protocolNumber = .tcp
            let body = message.serialize()
            let segment = [UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
            let tcp = TCPHeader(sourcePort: sourcePort, destinationPort: destinationPort,
                                sequenceNumber: isQuery ? clientSequence : serverSequence,
                                acknowledgmentNumber: isQuery ? serverSequence : clientSequence,
                                flags: [.ack, .psh], window: 1000)
            if isQuery { clientSequence += UInt32(segment.count) } else { serverSequence += UInt32(segment.count) }
            frames.append(Frame.ipv4(ethernet: Captures.aliceEth, ip: tcpIP, tcp: tcp, payload: segment))
        }
        for (index, frame) in frames.enumerated() {
            writer.addPacket(interface: interface, timestampNanoseconds: 1_700_000_000_000_000_000 + UInt64(index) * 1_000_000,
                             bytes: frame)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rawnet-dns-\(UInt64.random(in: 0...UInt64.max)).pcapng")
        try Data(writer.takeBytes()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let rows = try TsharkTests().dissect(file, fields: Self.fields)
        try #require(rows.count == frames.count, "tshark saw \(rows.count) frames")
        for (index, row) in rows.enumerated() {
            let name = messages[index / 2].0 + (index % 2 == 0 ? " (UDP)" : " (TCP)")
            #expect(row["_ws.malformed"] == nil, "\(name): malformed")
            let severities = (row["_ws.expert.severity"] ?? []).compactMap { Int($0) }
            #expect(severities.allSatisfy { $0 < 0x0080_0000 }, "\(name): expert error \(severities)")
            for field in ["udp.checksum.status", "tcp.checksum.status"] {
                #expect((row[field] ?? []).allSatisfy { $0 == "1" }, "\(name): \(field) = \(row[field] ?? [])")
            }
            #expect(row["dns.qry.name"] != nil, "\(name): tshark found no DNS question")
        }
        for transport in 0..<2 {
            func row(_ index: Int) -> [String: [String]] { rows[index * 2 + transport] }
            #expect(row(0)["dns.qry.name"] == ["bob.lab"] && row(0)["dns.flags.response"] == ["0"])
            #expect(row(1)["dns.a"] == ["10.0.2.20", "10.0.2.53"])
            #expect(row(1)["dns.ns"] == ["ns.lab"])
            #expect(row(1)["dns.flags.authoritative"] == ["1"])
            #expect(row(2)["dns.flags.rcode"] == ["3"])
            #expect(row(2)["dns.soa.mname"] == ["ns.lab"] && row(2)["dns.soa.rname"] == ["hostmaster.lab"])
            #expect(row(2)["dns.soa.minimum_ttl"] == ["300"])
            #expect(row(3)["dns.qry.name"] == ["20.2.0.10.in-addr.arpa"] && row(3)["dns.ptr.domain_name"] == ["bob.lab"])
            #expect(row(4)["dns.cname"] == ["bob.lab"] && row(4)["dns.txt"] == ["hello"])
            #expect(row(4)["dns.mx.mail_exchange"] == ["bob.lab"])
            // EDNS: the OPT's payload size and version, in a query, an answer and a BADVERS.
            for index in 5...7 {
                #expect(row(index)["dns.rr.udp_payload_size"] == ["1232"], "\(row(index))")
                #expect(row(index)["dns.resp.edns0_version"] == ["0"] && row(index)["dns.count.add_rr"] == ["1"])
            }
            #expect(row(5)["dns.flags.response"] == ["0"] && row(6)["dns.a"] == ["10.0.2.20"])
            #expect(row(7)["dns.resp.ext_rcode"] == ["0x01"] || row(7)["dns.resp.ext_rcode"] == ["1"], "\(row(7))")
        }
    }
}
