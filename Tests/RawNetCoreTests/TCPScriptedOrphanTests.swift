import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// Connections whose application is gone (orphans), and half-open ones: bounded, and reset rather than hung.
@Suite struct TCPScriptedOrphanTests {
    @Test func orphanInFinWait2_resetsNewData_atItsAcknowledgmentNumber() throws {
        var s = try TCPScript.established()
        s.close()
        try s.expectSegment(flags: [.fin, .ack], seq: 1, ack: 1)
        s.connection.orphan(now: s.now)
        s.deliver(s.peer([], seq: 1, ack: 2), at: .at(ms: 10))
        #expect(s.connection.state == .finWait2)
        s.deliver(s.peer([], seq: 1, ack: 2, payload: [1, 2, 3]), at: .at(ms: 20))
        let reset = try s.expectSegment(flags: [.rst], seq: 2)
        #expect(reset.payload.isEmpty)
        #expect(s.connection.state == .closed)
    }

    @Test func orphan_stillAcknowledgesAnOldDuplicate() throws {
        var s = try TCPScript.established()
        s.deliver(s.peer([], seq: 1, ack: 1, payload: [9, 9]), at: .at(ms: 1))
        _ = s.connection.receive()
        s.close()
        s.connection.orphan(now: s.now)
        s.deliver(s.peer([], seq: 1, ack: 1, payload: [9, 9]), at: .at(ms: 50))  // nothing new in it
        #expect(s.connection.state == .finWait1)
    }

    @Test func notOrphaned_finWait2_keepsReceiving() throws {
        var s = try TCPScript.established()
        s.close()
        try s.expectSegment(flags: [.fin, .ack])
        s.deliver(s.peer([], seq: 1, ack: 2), at: .at(ms: 10))
        s.deliver(s.peer([], seq: 1, ack: 2, payload: [1, 2, 3]), at: .at(ms: 20))
        #expect(s.connection.state == .finWait2)
        #expect(s.connection.receive() == [1, 2, 3])
    }

    @Test func orphanInFinWait2_endsAfterFinTimeout() throws {
        var s = try TCPScript.established()
        s.close()
        try s.expectSegment(flags: [.fin, .ack])
        s.deliver(s.peer([], seq: 1, ack: 2), at: .at(ms: 10))
        s.connection.orphan(now: .at(ms: 10))
        s.advance(to: .at(ms: 60_009))
        #expect(s.connection.state == .finWait2)
        s.advance(to: .at(ms: 60_010))
        #expect(s.connection.state == .closed)
    }

    @Test func orphan_givesUpAfterOrphanRetries() throws {
        var s = try TCPScript.established()
        s.close()
        s.connection.orphan(now: s.now)
        try s.expectSegment(flags: [.fin, .ack])
        s.advance(to: .at(ms: 3_600_000))
        #expect(s.connection.state == .closed)
        #expect(s.connection.error == .timedOut(retransmissions: 8))
    }

    @Test func halfOpen_givesUpAfterFiveSYNACKRetries() throws {
        var s = TCPScript.passiveOpen()
        try s.expectSegment(at: .zero, flags: [.syn, .ack])
        s.advance(to: .at(ms: 600_000))
        // SYN-ACK again at 1, 3, 7, 15 and 31 s; given up (with a RST) at 63 s (Linux: tcp_synack_retries 5).
        #expect(s.unread.map(\.segment.flags) == Array(repeating: [.syn, .ack], count: 5) + [[.rst]])
        #expect(s.unread.map(\.time) == [1.0, 3, 7, 15, 31, 63].map { Instant.at(ms: $0 * 1000) })
        #expect(s.connection.state == .closed)
        #expect(s.connection.error == .timedOut(retransmissions: 5))
    }
}
