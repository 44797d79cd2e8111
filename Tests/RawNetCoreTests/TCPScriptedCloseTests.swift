import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// The four-way close, simultaneous close and TIME-WAIT (RFC 9293 §3.6).
@Suite struct TCPScriptedCloseTests {
    var msl: TCPConfiguration {
        var c = TCPScript.plainConfiguration
        c.maximumSegmentLifetime = .seconds(2)
        return c
    }

    @Test func established_close_sendsFin_finWait1_ack_finWait2_fin_timeWait_closedAfter2MSL() throws {
        var s = try TCPScript.established(msl)
        s.close()
        try s.expectSegment(at: .zero, flags: [.fin, .ack], seq: 1, ack: 1)
        #expect(s.connection.state == .finWait1)
        s.deliver(s.peer([], seq: 1, ack: 2), at: .at(ms: 10))
        #expect(s.connection.state == .finWait2)
        s.deliver(s.peer([.fin], seq: 1, ack: 2), at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 20), flags: [.ack], seq: 2, ack: 2)
        #expect(s.connection.state == .timeWait)
        try s.expectNothing(until: .at(ms: 4019))
        #expect(s.connection.state == .timeWait)
        s.advance(to: .at(ms: 4020))
        #expect(s.connection.state == .closed)
        #expect(s.connection.error == nil)
    }

    @Test func finWait1_finAndAckTogether_goesToTimeWait() throws {
        var s = try TCPScript.established(msl)
        s.close()
        try s.expectSegment(flags: [.fin, .ack])
        s.deliver(s.peer([.fin], seq: 1, ack: 2), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 10), flags: [.ack], seq: 2, ack: 2)
        #expect(s.connection.state == .timeWait)
    }

    @Test func finWait1_finWithoutAckOfOurs_simultaneousClose_closing_thenTimeWait() throws {
        var s = try TCPScript.established(msl)
        s.close()
        try s.expectSegment(flags: [.fin, .ack], seq: 1)
        s.deliver(s.peer([.fin], seq: 1, ack: 1), at: .at(ms: 5))
        #expect(s.connection.state == .closing)
        try s.expectSegment(at: .at(ms: 5), flags: [.ack], seq: 2, ack: 2)
        s.deliver(s.peer([], seq: 2, ack: 2), at: .at(ms: 6))
        #expect(s.connection.state == .timeWait)
    }

    @Test func finWait1_finUnacked_retransmitsFinAfterRTO() throws {
        var s = try TCPScript.established(msl)
        s.close()
        try s.expectSegment(at: .zero, flags: [.fin, .ack], seq: 1)
        try s.expectSegment(at: .at(ms: 200), flags: [.fin, .ack], seq: 1)
        try s.expectSegment(at: .at(ms: 600), flags: [.fin, .ack], seq: 1)
    }

    @Test func established_peerFin_closeWait_acks_thenClose_lastAck_ack_closed() throws {
        var s = try TCPScript.established(msl)
        s.deliver(s.peer([.fin], seq: 1, ack: 1), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 10), flags: [.ack], seq: 1, ack: 2)
        #expect(s.connection.state == .closeWait)
        #expect(s.connection.isEndOfStream)
        s.close()
        try s.expectSegment(at: .at(ms: 10), flags: [.fin, .ack], seq: 1, ack: 2)
        #expect(s.connection.state == .lastAck)
        s.deliver(s.peer([], seq: 2, ack: 2), at: .at(ms: 20))
        #expect(s.connection.state == .closed)
        #expect(s.connection.error == nil)
        try s.expectNothing(until: .at(ms: 10000))
    }

    @Test func closeWait_stillSendsData_thenFin() throws {
        var s = try TCPScript.established(msl)
        s.deliver(s.peer([.fin], seq: 1, ack: 1), at: .at(ms: 10))
        try s.expectSegment(flags: [.ack], ack: 2)
        try s.send([1, 2, 3])
        try s.expectSegment(at: .at(ms: 10), flags: [.ack, .psh], seq: 1, payloadCount: 3)
        s.close()
        try s.expectSegment(flags: [.fin, .ack], seq: 4)
    }

    @Test func timeWait_retransmittedFin_isAckedAgain_andTimerRestarts() throws {
        var s = try TCPScript.established(msl)
        s.close()
        try s.expectSegment(flags: [.fin, .ack])
        s.deliver(s.peer([.fin], seq: 1, ack: 2), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 10), flags: [.ack], ack: 2)
        s.deliver(s.peer([.fin], seq: 1, ack: 2), at: .at(ms: 3000))
        try s.expectSegment(at: .at(ms: 3000), flags: [.ack], seq: 2, ack: 2)
        s.advance(to: .at(ms: 6999))
        #expect(s.connection.state == .timeWait)
        s.advance(to: .at(ms: 7000))
        #expect(s.connection.state == .closed)
    }

    @Test func finWait2_dataStillArrives_andIsAcked() throws {
        var s = try TCPScript.established(msl)
        s.close()
        try s.expectSegment(flags: [.fin, .ack])
        s.deliver(s.peer([], seq: 1, ack: 2), at: .at(ms: 10))
        s.deliver(s.peer([.psh], seq: 1, ack: 2, payload: [9, 9]), at: .at(ms: 11))
        try s.expectSegment(at: .at(ms: 11), flags: [.ack], ack: 3)
        #expect(s.read() == [9, 9])
    }

    @Test func sendAfterClose_throws() throws {
        var s = try TCPScript.established(msl)
        s.close()
        #expect(throws: TCPUsageError.connectionClosing) { try s.connection.send([1]) }
    }

    @Test func stateChanges_areRecordedAsEvents() throws {
        var s = try TCPScript.established(msl)
        s.close()
        s.deliver(s.peer([.fin], seq: 1, ack: 2), at: .at(ms: 10))
        let changes = s.connection.drainEvents().compactMap { event -> TCPState? in
            if case .stateChanged(_, let to) = event.kind { return to }
            return nil
        }
        #expect(changes == [.synSent, .established, .finWait1, .finWait2, .timeWait])
    }
}
