import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// RST generation and acceptance (RFC 9293 §3.10.7, RFC 5961 §3–§5).
@Suite struct TCPScriptedResetTests {
    @Test func established_rstAtExactSequence_resetsConnection_silently() throws {
        var s = try TCPScript.established()
        s.deliver(s.peer([.rst], seq: 1), at: .at(ms: 5))
        #expect(s.connection.state == .closed)
        #expect(s.connection.error == .connectionReset)
        try s.expectNothing(until: .at(ms: 5000))
    }

    @Test func established_rstInWindowNotExact_sendsChallengeAck_staysEstablished() throws {
        var s = try TCPScript.established()
        s.deliver(s.peer([.rst], seq: 100), at: .at(ms: 5))
        try s.expectSegment(at: .at(ms: 5), flags: [.ack], seq: 1, ack: 1)
        #expect(s.connection.state == .established)
        #expect(s.connection.drainEvents().contains { $0.kind == .challengeACK })
    }

    @Test func established_rstOutsideWindow_isDropped_neverAnswered() throws {
        var s = try TCPScript.established()
        s.deliver(s.peer([.rst], seq: 200_000), at: .at(ms: 5))
        s.deliver(s.peer([.rst, .ack], seq: -10, ack: 1), at: .at(ms: 6))
        try s.expectNothing(until: .at(ms: 5000))
        #expect(s.connection.state == .established)
    }

    @Test func established_synInWindow_sendsChallengeAck_staysEstablished() throws {
        var s = try TCPScript.established()
        s.deliver(s.peer([.syn], seq: 10), at: .at(ms: 5))
        try s.expectSegment(at: .at(ms: 5), flags: [.ack], seq: 1, ack: 1)
        #expect(s.connection.state == .established)
    }

    @Test func established_challengeAcks_areLimitedToTenPerSecond() throws {
        var s = try TCPScript.established()
        for i in 0..<15 { s.deliver(s.peer([.rst], seq: 100 + i), at: .at(ms: 5 + Double(i))) }
        #expect(s.unread.count == 10)
        s.discardUnread()
        s.deliver(s.peer([.rst], seq: 100), at: .at(ms: 1100))
        try s.expectSegment(at: .at(ms: 1100), flags: [.ack])
    }

    @Test func established_ackOfUnsentData_isAnsweredWithAck_andIgnored() throws {
        var s = try TCPScript.established()
        s.deliver(s.peer([], seq: 1, ack: 500, payload: [1, 2, 3]), at: .at(ms: 5))
        try s.expectSegment(at: .at(ms: 5), flags: [.ack], seq: 1, ack: 1)
        #expect(s.read().isEmpty)
        #expect(s.connection.state == .established)
    }

    @Test func established_oldDuplicateData_isAnsweredWithAck() throws {
        var s = try TCPScript.established()
        s.deliver(s.peer([], seq: 1, ack: 1, payload: [1, 2, 3]), at: .at(ms: 5))
        try s.expectSegment(flags: [.ack], ack: 4)
        s.deliver(s.peer([], seq: 1, ack: 1, payload: [1, 2, 3]), at: .at(ms: 6))
        try s.expectSegment(at: .at(ms: 6), flags: [.ack], ack: 4)
        #expect(s.read() == [1, 2, 3])
    }

    @Test func established_abort_sendsRst_andCloses() throws {
        var s = try TCPScript.established()
        s.abort()
        try s.expectSegment(at: .zero, flags: [.rst], seq: 1)
        #expect(s.connection.state == .closed)
        #expect(s.connection.error == .aborted)
    }

    @Test func timeWait_rst_closes() throws {
        var s = try TCPScript.established()
        s.close()
        s.deliver(s.peer([.fin], seq: 1, ack: 2), at: .at(ms: 5))
        #expect(s.connection.state == .timeWait)
        s.deliver(s.peer([.rst], seq: 2), at: .at(ms: 6))
        #expect(s.connection.state == .closed)
    }

    @Test func closedConnection_ignoresEverything() throws {
        var s = try TCPScript.established()
        s.deliver(s.peer([.rst], seq: 1), at: .at(ms: 5))
        s.deliver(s.peer([], seq: 1, ack: 1, payload: [1]), at: .at(ms: 6))
        try s.expectNothing(until: .at(ms: 1000))
    }
}
