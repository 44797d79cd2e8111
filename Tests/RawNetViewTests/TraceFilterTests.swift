import Testing
import RawNetCore
import RawNetWire
@testable import RawNetView
@testable import RawNetCore

@Suite struct TraceFilterTests {
    func parse(_ text: String) throws -> TraceFilter { try TraceFilter(parsing: text) }

    @Test func primitives_parse() throws {
        #expect(try parse("") == .everything)
        #expect(try parse("  tcp ") == .tcp)
        #expect(try parse("UDP") == .udp)
        #expect(try parse("port 7000") == .port(7000))
        #expect(try parse("host 10.0.1.10") == .host(IPv4Address(10, 0, 1, 10)))
        #expect(try parse("node alice") == .node("alice"))
        #expect(try parse("on r1:eth1") == .interface(node: "r1", interface: "eth1"))
        #expect(try parse("dropped") == .dropped)
    }

    @Test func combinations_bindAndTighterThanOr() throws {
        #expect(try parse("tcp port 7000") == .and(.tcp, .port(7000)))
        #expect(try parse("tcp and port 7000 or arp") == .or(.and(.tcp, .port(7000)), .arp))
        #expect(try parse("tcp and (port 7000 or arp)") == .and(.tcp, .or(.port(7000), .arp)))
        #expect(try parse("not icmp && !arp") == .and(.not(.icmp), .not(.arp)))
        #expect(try parse("(udp)||(icmp)") == .or(.udp, .icmp))
    }

    @Test func description_parsesBackToTheSameFilter() throws {
        for text in ["tcp and (port 7000 or arp)", "not (udp or icmp) and node bob", "on r1:eth0 or host 10.0.2.20 and dropped"] {
            let filter = try parse(text)
            #expect(try parse(filter.description) == filter, "\(text) → \(filter)")
        }
    }

    @Test(arguments: [
        ("port", "bad filter: port needs a number from 0 to 65535"),
        ("port http", "bad filter (word 2): port needs a number from 0 to 65535, got 'http'"),
        ("port 70000", "bad filter (word 2): port needs a number from 0 to 65535, got '70000'"),
        ("host 10.0.1", "bad filter (word 2): host needs an IPv4 address such as 10.0.1.10, got '10.0.1'"),
        ("tpc", "bad filter (word 1): unknown word 'tpc'; expected one of tcp, udp, icmp, arp, dropped, port N, host A.B.C.D, node NAME, on NODE:IF, not, ("),
        ("tcp and", "bad filter: the filter ends where a condition was expected (tcp, udp, icmp, arp, dropped, port N, host A.B.C.D, node NAME, on NODE:IF, not, ()"),
        ("or udp", "bad filter (word 1): 'or' needs a condition before it"),
        ("(tcp", "bad filter (word 1): '(' is never closed"),
        ("tcp)", "bad filter (word 2): ')' without a matching '('"),
        ("on r1", "bad filter (word 2): on needs NODE:INTERFACE such as r1:eth0, got 'r1'"),
        ("node", "bad filter: node needs a node name"),
    ])
    func badText_givesAClearError(text: String, message: String) {
        #expect(throws: TraceFilterError.self) { try TraceFilter(parsing: text) }
        do {
            _ = try TraceFilter(parsing: text)
        } catch {
            #expect(error.description == message)
        }
    }

    func count(_ text: String, in events: [TraceEvent] = Fixture.exchange) throws -> Int {
        let filter = try parse(text)
        return events.filter(filter.matches).count
    }

    @Test func matching_onTheScriptedExchange() throws {
        let all = Fixture.exchange
        let frames = all.filter { $0.frame != nil }.count
        let transports = all.filter { $0.kind == .transport }.count
        #expect(frames == 26 && transports == 6)
        #expect(try count("") == all.count)
        #expect(try count("tcp") == all.count)                      // transport events are TCP's too
        #expect(try count("port 7000") == all.count)                // frames by port, transport events by conn=
        #expect(try count("port 7001") == 0)
        #expect(try count("udp or icmp or arp") == 0)
        #expect(try count("dropped") == 1)
        #expect(try count("on r1:eth1") == 1)
        #expect(try count("node bob") == 12)
        #expect(try count("node alice and not tcp") == 0)
        #expect(try count("node alice and host 10.0.2.20") == 13 + transports)
        #expect(try count("host 10.9.9.9") == 0)
    }

    @Test func matching_otherProtocols() throws {
        let events = GoldenInputs.otherFrames
        #expect(try count("arp", in: events) == 2)
        #expect(try count("udp", in: events) == 2)
        #expect(try count("icmp", in: events) == 3)
        #expect(try count("port 7001", in: events) == 2)       // the ICMP error quotes port 7001 but is not UDP
        #expect(try count("host 10.0.1.1", in: events) == 3)   // ARP request, ARP reply, time exceeded
        #expect(try count("tcp", in: events) == 3)             // the intact and the corrupted segments; the truncated ones do not decode
    }
}

@Suite struct TransportDetailTests {
    @Test func parsesFieldsAndFreeText() {
        let d = TransportDetail(parsing: "event=retransmit conn=10.0.1.10:40000>10.0.2.20:7000 seq=1007 len=6 reason=dupack after 3 dup acks")
        #expect(d.event == "retransmit")
        #expect(d.sequenceNumber == 1007 && d.length == 6)
        #expect(d.isRetransmission && d.retransmissionReason == "duplicate ACKs")
        #expect(d.connection?.local == TCPEndpoint(address: IPv4Address(10, 0, 1, 10), port: 40000))
        #expect(d.connection?.remote == TCPEndpoint("10.0.2.20:7000"))
        #expect(d.freeText == "after 3 dup acks")
    }

    @Test func buildsText_thatParsesBack() {
        let d = TransportDetail(fields: ["event": "cwnd", "cwnd": "14600", "ssthresh": "65535", "note": "slow start"])
        #expect(d.text == "event=cwnd cwnd=14600 ssthresh=65535 note=slow_start")
        let back = TransportDetail(parsing: d.text)
        #expect(back == d && back.congestionWindow == 14600 && back.slowStartThreshold == 65535)
    }

    @Test func freeFormText_isStillUnderstoodWhereItCanBe() {
        #expect(TransportDetail(parsing: "retransmission timeout fired").retransmissionReason == "timeout")
        #expect(TransportDetail(parsing: "retransmit: SACK hole").retransmissionReason == "SACK")
        #expect(!TransportDetail(parsing: "state ESTABLISHED").isRetransmission)
        #expect(TransportDetail(parsing: "=x a=b").fields.count == 1)
        #expect(TransportDetail(parsing: "conn=nonsense").connection == nil)
    }
}

@Suite struct TransportDetailFromTCPTests {
    static let id = TCPConnectionID(localAddress: IPv4Address(10, 0, 1, 10), localPort: 40000,
                                    remoteAddress: IPv4Address(10, 0, 2, 20), remotePort: 7000)

    func text(_ kind: TCPEvent.Kind) -> String {
        TransportDetail(TCPEvent(time: .zero, kind: kind), connection: Self.id).text
    }

    @Test func everyKind_followsTheConvention() {
        let conn = "conn=10.0.1.10:40000>10.0.2.20:7000"
        #expect(text(.stateChanged(from: .finWait2, to: .timeWait)) == "event=state \(conn) from=FIN-WAIT-2 to=TIME-WAIT")
        #expect(text(.retransmitted(sequence: 1007, length: 6, reason: .timeout)) == "event=retransmit \(conn) seq=1007 len=6 reason=timeout")
        #expect(text(.retransmitted(sequence: 1, length: 2, reason: .fastRetransmit)).hasSuffix("reason=dupack"))
        #expect(text(.retransmissionTimeout(rto: .milliseconds(200), backoff: 1)) == "event=rto \(conn) rto=200000 backoff=1")
        #expect(text(.enteredRecovery(sack: true, cwnd: 4380, ssthresh: 4380)) == "event=recovery \(conn) sack=yes cwnd=4380 ssthresh=4380")
        #expect(text(.failed(.connectionReset)) == "event=failed \(conn) connection reset by peer")
        #expect(TransportDetail.congestion(window: 14600, threshold: 65535, connection: Self.id).text
                == "event=cwnd \(conn) cwnd=14600 ssthresh=65535")
        let reasons: [TCPRetransmitReason] = [.timeout, .fastRetransmit, .partialAck, .sackLoss]
        #expect(reasons.map { TransportDetail(parsing: text(.retransmitted(sequence: 1, length: 1, reason: $0))).retransmissionReason }
                == ["timeout", "duplicate ACKs", "partial ACK", "SACK"])
    }

    /// The exchange with its transport events written by the converter instead of by hand.
    @Test func ladder_readsConvertedEvents() {
        var events = Fixture.exchange.filter { $0.kind != .transport }
        func add(_ ms: Double, _ kind: TCPEvent.Kind) {
            events.append(TraceEvent(time: Fixture.at(ms), node: "alice", kind: .transport,
                                     detail: TransportDetail(TCPEvent(time: .zero, kind: kind), connection: Self.id).text))
        }
        add(219, .retransmissionTimeout(rto: .milliseconds(200), backoff: 1))
        add(220, .retransmitted(sequence: 1007, length: 6, reason: .timeout))
        add(304, .stateChanged(from: .finWait2, to: .timeWait))
        let text = Ladder(events: events.sorted { $0.time < $1.time }).renderText()
        #expect(text.contains("│  ↻ retransmission (timeout)\n"))
        #expect(text.contains("│ alice enters TIME_WAIT "))
    }
}
