import Testing
import RawNetCore
import RawNetWire

@Suite struct TCPStackTests {
    let local = IPv4Address(10, 0, 0, 1)
    let remote = IPv4Address(10, 0, 0, 2)

    func segment(_ flags: TCPFlags, from port: UInt16 = 5555, to localPort: UInt16 = 80,
                 seq: UInt32 = 700, ack: UInt32 = 0, payload: [UInt8] = []) -> TCPSegment {
        TCPSegment(source: remote, destination: local,
                   header: TCPHeader(sourcePort: port, destinationPort: localPort, sequenceNumber: seq,
                                     acknowledgmentNumber: ack, flags: flags, window: 65535,
                                     options: [.maximumSegmentSize(1460)]),
                   payload: payload)
    }

    func stack() -> TCPStack { TCPStack(address: local, initialSequenceNumbers: .seeded(7)) }

    @Test func noSocket_syn_isRefusedWithRstAck_acknowledgingTheSyn() {
        var s = stack()
        s.handle(segment([.syn], seq: 700, payload: [1, 2]), now: .zero)
        let out = s.poll(now: .zero)
        #expect(out.count == 1)
        #expect(out[0].flags == [.rst, .ack])
        #expect(out[0].header.sequenceNumber == 0)
        #expect(out[0].header.acknowledgmentNumber == 703)
        #expect(out[0].destination == remote && out[0].header.destinationPort == 5555)
        #expect(s.resetsSent == 1)
    }

    @Test func noSocket_ack_isAnsweredWithRstCarryingItsAckAsSequence() {
        var s = stack()
        s.handle(segment([.ack], seq: 700, ack: 123_456), now: .zero)
        let out = s.poll(now: .zero)
        #expect(out.map(\.flags) == [[.rst]])
        #expect(out.first?.header.sequenceNumber == 123_456)
    }

    @Test func noSocket_rst_isNeverAnswered() {
        var s = stack()
        s.handle(segment([.rst]), now: .zero)
        s.handle(segment([.rst, .ack], ack: 5), now: .zero)
        #expect(s.poll(now: .zero).isEmpty)
    }

    @Test func listener_syn_handshake_thenAccept() throws {
        var s = stack()
        try s.listen(port: 80, backlog: 2)
        s.handle(segment([.syn], seq: 700), now: .zero)
        let synAck = s.poll(now: .zero)
        #expect(synAck.map(\.flags) == [[.syn, .ack]])
        #expect(s.accept(port: 80) == nil)
        s.handle(segment([.ack], seq: 701, ack: synAck[0].header.sequenceNumber &+ 1), now: .at(1))
        let accepted = s.accept(port: 80)
        let id = try #require(accepted)
        #expect(s.connection(id)?.state == .established)
        #expect(id.remotePort == 5555)
    }

    @Test func listener_fullBacklog_withoutCookies_dropsFurtherSyns() throws {
        var s = stack()
        s.configuration.isSYNCookiesEnabled = false
        try s.listen(port: 80, backlog: 2)
        for port in [5001, 5002, 5003] as [UInt16] { s.handle(segment([.syn], from: port), now: .zero) }
        #expect(s.poll(now: .zero).count == 2)
        #expect(s.listeners[80]?.droppedSYNs == 1)
        #expect(s.listeners[80]?.handshaking.count == 2)
    }

    @Test func listener_fullBacklog_answersWithSYNCookies_andTheReturnedCookieMakesTheConnection() throws {
        var s = stack()
        try s.listen(port: 80, backlog: 1)
        s.handle(segment([.syn], from: 5001), now: .zero)  // fills the queue (SYN-RECEIVED)
        s.handle(segment([.syn], from: 5002, seq: 9000), now: .zero)
        let out = s.poll(now: .zero)
        #expect(out.map(\.flags) == [[.syn, .ack], [.syn, .ack]])
        let cookieSynAck = try #require(out.first { $0.header.destinationPort == 5002 })
        #expect(cookieSynAck.header.acknowledgmentNumber == 9001)
        #expect(Array(cookieSynAck.header.options) == [.maximumSegmentSize(1460)])  // no state, no other option
        #expect(s.connectionCount == 1)
        #expect(s.listeners[80]?.synCookiesSent == 1 && s.listeners[80]?.droppedSYNs == 0)
        // A forged ACK (wrong cookie) gets a RST and makes nothing.
        s.handle(segment([.ack], from: 5002, seq: 9001, ack: cookieSynAck.header.sequenceNumber &+ 2), now: .at(1))
        #expect(s.poll(now: .at(1)).map(\.flags) == [[.rst]])
        #expect(s.connectionCount == 1)
        // The real one, with data: an ESTABLISHED connection to accept, the data in it.
        s.handle(segment([.ack, .psh], from: 5002, seq: 9001, ack: cookieSynAck.header.sequenceNumber &+ 1,
                         payload: [1, 2, 3]), now: .at(2))
        let accepted = s.accept(port: 80)
        let id = try #require(accepted)
        #expect(id.remotePort == 5002)
        #expect(s.connection(id)?.state == .established)
        #expect(s.connection(id)?.availableByteCount == 3)
        #expect(s.listeners[80]?.synCookiesAccepted == 1)
        // A cookie is good for two 64-second periods, not longer.
        s.handle(segment([.syn], from: 5003, seq: 100), now: .at(3))
        let late = try #require(s.poll(now: .at(3)).first { $0.header.destinationPort == 5003 })
        s.handle(segment([.ack], from: 5003, seq: 101, ack: late.header.sequenceNumber &+ 1), now: .at(200_000))
        #expect(s.poll(now: .at(200_000)).filter { $0.header.destinationPort == 5003 }.map(\.flags) == [[.rst]])
    }

    @Test func listener_strayAck_getsRst_strayRstIgnored() throws {
        var s = stack()
        try s.listen(port: 80)
        s.handle(segment([.ack], ack: 999), now: .zero)
        s.handle(segment([.rst], ack: 999), now: .zero)
        let out = s.poll(now: .zero)
        #expect(out.map(\.flags) == [[.rst]])
        #expect(out.first?.header.sequenceNumber == 999)
    }

    @Test func listener_handshakeResetByPeer_isForgotten() throws {
        var s = stack()
        try s.listen(port: 80)
        s.handle(segment([.syn], seq: 700), now: .zero)
        _ = s.poll(now: .zero)
        s.handle(segment([.rst], seq: 701), now: .at(1))
        _ = s.poll(now: .at(1))
        #expect(s.connections.isEmpty)
        #expect(s.listeners[80]?.handshaking.isEmpty == true)
    }

    @Test func listen_twiceOnOnePort_throws() throws {
        var s = stack()
        try s.listen(port: 80)
        #expect(throws: TCPUsageError.portInUse) { try s.listen(port: 80) }
    }

    @Test func connect_allocatesDistinctEphemeralPorts_andSendsSyn() throws {
        var s = stack()
        let a = try s.connect(to: remote, port: 80, now: .zero)
        let b = try s.connect(to: remote, port: 80, now: .zero)
        #expect(a.localPort != b.localPort)
        #expect(a.localPort >= 49152)
        #expect(s.poll(now: .zero).map(\.flags) == [[.syn], [.syn]])
    }

    @Test func releasedConnection_isRemovedOnceClosed() throws {
        var s = stack()
        let id = try s.connect(to: remote, port: 80, now: .zero)
        _ = s.poll(now: .zero)
        s.handle(TCPSegment(source: remote, destination: local,
                            header: TCPHeader(sourcePort: 80, destinationPort: id.localPort, sequenceNumber: 0,
                                              acknowledgmentNumber: s.connection(id)!.stats.sndNxt,
                                              flags: [.rst, .ack], window: 0)), now: .at(1))
        #expect(s.connection(id)?.error == .connectionRefused)
        s.release(id, now: .at(1))
        _ = s.poll(now: .at(2))
        #expect(s.connection(id) == nil)
    }
}

extension Instant {
    static func at(_ ms: Int64) -> Instant { Instant(nanoseconds: ms * 1_000_000) }
}

extension TCPStackTests {
    @Test func closedButUnreleasedConnection_answersLikeNoSocket() throws {
        var s = stack()
        let id = try s.connect(to: remote, port: 80, now: .zero)
        _ = s.poll(now: .zero)
        s.abort(id, now: .zero)
        _ = s.poll(now: .zero)
        s.handle(TCPSegment(source: remote, destination: local,
                            header: TCPHeader(sourcePort: 80, destinationPort: id.localPort, sequenceNumber: 9,
                                              acknowledgmentNumber: 77, flags: [.ack], window: 0)), now: .at(1))
        let out = s.poll(now: .at(1))
        #expect(out.map(\.flags) == [[.rst]])
        #expect(out.first?.header.sequenceNumber == 77)
    }
}
