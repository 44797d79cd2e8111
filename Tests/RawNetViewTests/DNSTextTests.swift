import Testing
import RawNetWire
@testable import RawNetView

/// DNS in the trace: one line per message, and the application box of `--layers`.
@Suite struct DNSTextTests {
    static let bob = try! DNSName("bob.lab")

    static func response(_ code: DNSResponseCode = .noError, answers: [DNSRecord] = [], authority: [DNSRecord] = [],
                         authoritative: Bool = true) -> DNSMessage {
        var header = DNSHeader(id: 1)
        header.isResponse = true
        header.isAuthoritative = authoritative
        header.responseCode = code
        return DNSMessage(header: header, questions: [DNSQuestion(name: bob, type: .a)], answers: answers, authority: authority)
    }

    @Test func eachKindOfMessage_hasItsLine() throws {
        #expect(DNSText.line(.query(id: 1, name: Self.bob, type: .a)) == "DNS query A bob.lab")
        let a = DNSRecord(name: Self.bob, ttl: 300, data: .a(IPv4Address(10, 0, 2, 20)))
        #expect(DNSText.line(Self.response(answers: [a])) == "DNS answer A bob.lab 10.0.2.20")
        #expect(DNSText.line(Self.response(.nameError)) == "DNS answer A bob.lab NXDOMAIN")
        let cname = DNSRecord(name: Self.bob, ttl: 300, data: .cname(try DNSName("web.lab")))
        #expect(DNSText.line(Self.response(answers: [cname, a])) == "DNS answer A bob.lab CNAME web.lab., 10.0.2.20")
        let ns = DNSRecord(name: try DNSName("lab"), ttl: 300, data: .ns(try DNSName("ns.lab")))
        #expect(DNSText.line(Self.response(authority: [ns], authoritative: false)) == "DNS referral A bob.lab to ns.lab")
        var cut = Self.response()
        cut.header.isTruncated = true
        #expect(DNSText.line(cut) == "DNS answer A bob.lab (no records) (truncated)")
    }

    /// In Korean the kind of message is said in the glossary's words (질의, 응답, 위임); names,
    /// types, addresses and codes stay as on the wire.
    @Test func eachKindOfMessage_inKorean() throws {
        let ko = { (text: String) in KoreanViews.translate(text).replacing("\u{A0}", with: " ") }
        #expect(ko("DNS query A bob.lab") == "DNS 질의 A bob.lab")
        #expect(ko("DNS answer A bob.lab 10.0.2.20") == "DNS 응답 A bob.lab 10.0.2.20")
        #expect(ko("DNS answer A bob.lab NXDOMAIN") == "DNS 응답 A bob.lab NXDOMAIN")
        #expect(ko("DNS referral A www.example.lab to tld.lab") == "DNS 위임 A www.example.lab → tld.lab")
        #expect(ko("DNS answer A bob.lab (no records) (truncated)") == "DNS 응답 A bob.lab (레코드 없음) (잘림)")
    }

    @Test func onlyPort53_andWholeMessages_areRead() {
        let query = DNSMessage.query(id: 1, name: Self.bob, type: .a).serialize()
        #expect(DNSText.message(sourcePort: 40000, destinationPort: 53, data: query, isTCP: false) != nil)
        #expect(DNSText.message(sourcePort: 40000, destinationPort: 5353, data: query, isTCP: false) == nil)
        let framed = [0, UInt8(query.count)] + query
        #expect(DNSText.message(sourcePort: 53, destinationPort: 40000, data: framed, isTCP: true) != nil)
        #expect(DNSText.message(sourcePort: 53, destinationPort: 40000, data: Array(framed.dropLast()), isTCP: true) == nil)
        #expect(DNSText.message(sourcePort: 53, destinationPort: 40000, data: [1, 2, 3], isTCP: false) == nil)
    }

    @Test func layersBox_showsHeaderAndSections() {
        let a = DNSRecord(name: Self.bob, ttl: 300, data: .a(IPv4Address(10, 0, 2, 20)))
        let box = DNSText.box(Self.response(answers: [a]), size: 41)
        #expect(box.title == "DNS")
        let text = box.lines.joined(separator: "\n")
        #expect(text.contains("qr aa") && text.contains("bob.lab A") && text.contains("bob.lab 300 A 10.0.2.20"), "\(text)")
    }
}
