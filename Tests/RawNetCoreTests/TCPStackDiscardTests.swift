import Testing
import RawNetCore
import RawNetWire

/// Every segment a listener leaves unanswered names why (`TCPStack.lastDiscard`),
/// so the host counts and traces it; every other SYN gets an answer.
@Suite struct TCPStackDiscardTests {
    let local = IPv4Address(10, 0, 0, 1)
    let remote = IPv4Address(10, 0, 0, 2)

    func segment(_ flags: TCPFlags, from port: UInt16 = 5555, to localPort: UInt16 = 80, seq: UInt32 = 700,
                 ack: UInt32 = 0) -> TCPSegment {
        TCPSegment(source: remote, destination: local,
                   header: TCPHeader(sourcePort: port, destinationPort: localPort, sequenceNumber: seq,
                                     acknowledgmentNumber: ack, flags: flags, window: 65535,
                                     options: [.maximumSegmentSize(1460)]))
    }

    func listening(backlog: Int = 4, cookies: Bool = true) throws -> TCPStack {
        var s = TCPStack(address: local, initialSequenceNumbers: .seeded(7))
        s.configuration.isSYNCookiesEnabled = cookies
        try s.listen(port: 80, backlog: backlog)
        return s
    }

    @Test func listener_unansweredSegments_nameTheirReason() throws {
        let cases: [(TCPFlags, String)] = [
            ([.syn, .rst], "SYN with RST for a listener"),
            ([.rst], "RST for a listener"),
            ([.fin], "neither SYN nor ACK for a listener"),
            ([], "neither SYN nor ACK for a listener"),
        ]
        for (flags, detail) in cases {
            var s = try listening()
            s.handle(segment(flags), now: .zero)
            #expect(s.poll(now: .zero).isEmpty, "flags \(flags) got an answer")
            #expect(s.lastDiscard == TCPDiscard(reason: .badTCPFlags, detail: detail), "flags \(flags)")
            #expect(s.connectionCount == 0)
        }
    }

    @Test func listener_fullBacklogWithoutCookies_namesListenQueueFull() throws {
        var s = try listening(backlog: 1, cookies: false)
        s.handle(segment([.syn], from: 5001), now: .zero)
        #expect(s.lastDiscard == nil)
        s.handle(segment([.syn], from: 5002), now: .zero)
        #expect(s.lastDiscard == TCPDiscard(reason: .listenQueueFull, detail: "1 handshaking + 0 ready, backlog 1"))
        #expect(s.poll(now: .zero).count == 1)  // only the first SYN is answered
    }

    @Test func synOnAnOpenConnection_beyondTheChallengeACKLimit_namesItsReason() throws {
        var s = try listening()
        s.handle(segment([.syn], from: 5001), now: .zero)
        let synAck = try #require(s.poll(now: .zero).first)
        s.handle(segment([.ack], from: 5001, seq: 701, ack: synAck.header.sequenceNumber &+ 1), now: .zero)
        // RFC 5961 §4.2: each SYN in the window gets a challenge ACK, at most 10 a second.
        for index in 1...11 {
            s.handle(segment([.syn], from: 5001, seq: 701), now: .at(Int64(index)))
            if index <= 10 {
                #expect(s.lastDiscard == nil, "SYN \(index)")
                #expect(s.poll(now: .at(Int64(index))).map(\.flags) == [[.ack]], "SYN \(index)")
            }
        }
        #expect(s.poll(now: .at(11)).isEmpty)
        #expect(s.lastDiscard == TCPDiscard(reason: .challengeACKLimit,
                                            detail: "SYN in ESTABLISHED: at most 10 challenge ACKs a second"))
    }

    @Test func everyOtherSYN_isAnswered_andNamesNoDiscard() throws {
        // A SYN to a listener with room, beyond the backlog with cookies, to no listener,
        // and a repeated SYN of a connection in the handshake: each gets a segment back.
        var s = try listening(backlog: 1)
        s.handle(segment([.syn], from: 5001), now: .zero)
        #expect(s.lastDiscard == nil && s.poll(now: .zero).map(\.flags) == [[.syn, .ack]])
        s.handle(segment([.syn], from: 5002), now: .zero)
        #expect(s.lastDiscard == nil && s.poll(now: .zero).map(\.flags) == [[.syn, .ack]])
        s.handle(segment([.syn], from: 5003, to: 81), now: .zero)
        #expect(s.lastDiscard == nil && s.poll(now: .zero).map(\.flags) == [[.rst, .ack]])
        s.handle(segment([.syn], from: 5001), now: .at(1))
        #expect(s.lastDiscard == nil)
        #expect(!s.poll(now: .at(1)).isEmpty)
        // A discard is forgotten once the next segment is taken.
        s.handle(segment([.rst]), now: .at(2))
        #expect(s.lastDiscard?.reason == .badTCPFlags)
        s.handle(segment([.syn], from: 5004, to: 81), now: .at(2))
        #expect(s.lastDiscard == nil)
    }
}
