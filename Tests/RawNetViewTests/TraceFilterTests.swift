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
        #expect(try parse("event cwnd") == .event("cwnd"))
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
        ("host bob", "bad filter (word 2): host needs an IPv4 address such as 10.0.1.10, got 'bob'; a node's events: 'node bob'"),
        ("tpc", "bad filter (word 1): unknown word 'tpc'; did you mean 'tcp'? expected one of tcp, udp, icmp, arp, dropped, port N, seq N, host A.B.C.D, node NAME, on NODE:IF, event NAME, not, ("),
        ("tcp and prot 7000", "bad filter (word 3): unknown word 'prot'; did you mean 'port'? expected one of tcp, udp, icmp, arp, dropped, port N, seq N, host A.B.C.D, node NAME, on NODE:IF, event NAME, not, ("),
        ("xyzzy", "bad filter (word 1): unknown word 'xyzzy'; expected one of tcp, udp, icmp, arp, dropped, port N, seq N, host A.B.C.D, node NAME, on NODE:IF, event NAME, not, ("),
        ("tcp and", "bad filter: the filter ends where a condition was expected (tcp, udp, icmp, arp, dropped, port N, seq N, host A.B.C.D, node NAME, on NODE:IF, event NAME, not, ()"),
        ("or udp", "bad filter (word 1): 'or' needs a condition before it"),
        ("(tcp", "bad filter (word 1): '(' is never closed"),
        ("tcp)", "bad filter (word 2): ')' without a matching '('"),
        ("on r1", "bad filter (word 2): on needs NODE:INTERFACE such as r1:eth0, got 'r1'"),
        ("node", "bad filter: node needs a node name"),
        ("event", "bad filter: event needs a TCP event word such as cwnd"),
        ("event window", "bad filter (word 2): event needs one of state, retransmit, rto, recovery, recovery_end, cwnd, send_window, receive_window, zero_window_probe, challenge_ack, keepalive, failed, dsack_sent, dsack_received, undo, got 'window'"),
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
        // TCP events by their event= word: the four cwnd lines, and everything else without them.
        #expect(try count("event cwnd") == 4)
        #expect(try count("event retransmit or event state") == 2)
        #expect(try count("tcp and port 7000 and not event cwnd") == all.count - 4)
        #expect(try count("event cwnd and not node alice") == 0)
        #expect(try parse("not event cwnd and port 7000").description == "not event cwnd and port 7000")
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

@Suite struct TransportEventViewTests {
    static let id = TCPConnectionID(localAddress: IPv4Address(10, 0, 1, 10), localPort: 40000,
                                    remoteAddress: IPv4Address(10, 0, 2, 20), remotePort: 7000)

    /// The exchange with its transport events written by the core's encoder instead of by hand.
    @Test func ladder_readsEncodedEvents() {
        var events = Fixture.exchange.filter { $0.kind != .transport }
        func add(_ ms: Double, _ kind: TCPEvent.Kind) {
            events.append(TraceEvent(time: Fixture.at(ms), node: "alice", kind: .transport,
                                     detail: TCPTraceEvent(TCPEvent(time: .zero, kind: kind), connection: Self.id).detail))
        }
        add(219, .retransmissionTimeout(rto: .milliseconds(200), backoff: 1))
        add(220, .retransmitted(sequence: 1007, length: 6, reason: .timeout))
        add(304, .stateChanged(from: .finWait2, to: .timeWait))
        let text = Ladder(events: events.sorted { $0.time < $1.time }).renderText()
        #expect(text.contains("│  ↻ retransmission (timeout)\n"))
        #expect(text.contains("│ alice enters TIME-WAIT "))
    }

    @Test func filter_findsTheConnectionOfATransportEvent() throws {
        let detail = TCPTraceEvent(connection: Self.id, kind: .congestionChanged,
                                   congestion: .init(window: 14600, threshold: 65535)).detail
        let event = TraceEvent(time: 0, node: "alice", kind: .transport, detail: detail)
        #expect(try TraceFilter(parsing: "host 10.0.2.20").matches(event))
        #expect(try !TraceFilter(parsing: "host 10.0.9.9").matches(event))
    }
}
