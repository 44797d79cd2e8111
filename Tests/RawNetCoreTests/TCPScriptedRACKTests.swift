import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// RACK-TLP (RFC 8985): loss judged by send time, lost retransmissions, the
/// tail loss probe, and the 200 ms minimum RTO still behind them. The
/// handshake takes 10 ms, so SRTT is 10 ms and data leaves at t = 10 ms.
@Suite struct TCPScriptedRACKTests {
    let bytes = (0..<20_000).map { UInt8(truncatingIfNeeded: $0) }

    /// SACK with RACK-TLP (the default), NewReno.
    static var rackConfiguration: TCPConfiguration {
        var c = TCPScript.plainConfiguration
        c.isSACKEnabled = true
        return c
    }

    static func established(peerWindow: UInt16 = 65535) throws -> TCPScript {
        var s = TCPScript.activeOpen(rackConfiguration)
        try s.expectSegment(flags: [.syn])
        s.deliver(s.peer([.syn], seq: 0, ack: 1, window: peerWindow,
                         options: [.maximumSegmentSize(1000), .sackPermitted]),
                  at: .at(ms: 10))
        try s.expectSegment(flags: [.ack])
        return s
    }

    static func reasons(_ s: inout TCPScript) -> [TCPRetransmitReason] {
        s.connection.drainEvents().compactMap { event in
            if case .retransmitted(_, _, let reason) = event.kind { return reason }
            return nil
        }
    }

    @Test func oneSegmentSACKedAbove_holeIsLostAfterRTTPlusQuarterMinRTT() throws {
        var s = try Self.established()
        try s.send(Array(bytes[0..<5000]))
        for i in 0..<5 { try s.expectSegment(at: .at(ms: 10), seq: 1 + 1000 * i, payloadCount: 1000) }
        // Segment 2 arrives first: RACK.rtt = 10 ms, reordering window = min RTT / 4 = 2.5 ms.
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([1001..<2001])]), at: .at(ms: 20))
        try s.expectNothing(until: .at(ms: 22.4))
        try s.expectSegment(at: .at(ms: 22.5), seq: 1, payloadCount: 1000)
        #expect(s.connection.stats.isInRecovery)
        #expect(Self.reasons(&s) == [.rackLoss])
        #expect(s.connection.stats.segmentsMarkedLost == 1)
    }

    @Test func threeSegmentsSACKedAbove_holeIsLostAtOnce() throws {
        var s = try Self.established()
        try s.send(Array(bytes[0..<5000]))
        s.discardUnread()
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([1001..<4001])]), at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 20), seq: 1, payloadCount: 1000)
        // NewReno halves the window: ssthresh = 5000 / 2.
        #expect(s.connection.stats.slowStartThreshold == 2500)
        try s.expectNothing(until: .at(ms: 29))
    }

    @Test func lostRetransmission_isFoundBySACKOfLaterData_withoutTimeout() throws {
        var s = try Self.established()
        try s.send(Array(bytes[0..<5000]))
        s.discardUnread()
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([1001..<4001])]), at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 20), seq: 1)
        try s.send(Array(bytes[5000..<6000]))
        try s.expectNothing(until: .at(ms: 20))  // window 2500, 2000 in flight
        // Segment 5 arrives: only the retransmission is in flight, so new data goes.
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([1001..<5001])]), at: .at(ms: 30))
        try s.expectSegment(at: .at(ms: 30), seq: 5001, payloadCount: 1000)
        // That new segment is SACKed while the retransmission (sent before it) is not: lost again.
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([1001..<6001])]), at: .at(ms: 40))
        try s.expectSegment(at: .at(ms: 40), seq: 1, payloadCount: 1000)
        #expect(s.connection.stats.timeouts == 0)
        #expect(s.connection.stats.segmentsMarkedLost == 2)
        #expect(Self.reasons(&s) == [.rackLoss, .rackLoss])
        s.deliver(s.peer([], seq: 1, ack: 6001), at: .at(ms: 50))
        #expect(!s.connection.stats.isInRecovery)
    }

    @Test func tailLoss_probeResendsLastSegment_afterTwoSRTTPlus2ms_thenRACKRepairs() throws {
        var s = try Self.established()
        try s.send(Array(bytes[0..<3000]))
        s.discardUnread()
        try s.expectNothing(until: .at(ms: 31.9))
        try s.expectSegment(at: .at(ms: 32), seq: 2001, payloadCount: 1000)
        #expect(s.connection.stats.lossProbes == 1)
        // The probe is SACKed: segments 1 and 2, sent long before it, are lost.
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([2001..<3001])]), at: .at(ms: 42))
        try s.expectSegment(at: .at(ms: 42), seq: 1, payloadCount: 1000)
        try s.expectSegment(at: .at(ms: 42), seq: 1001, payloadCount: 1000)
        #expect(Self.reasons(&s) == [.lossProbe, .rackLoss, .rackLoss])
        s.deliver(s.peer([], seq: 1, ack: 3001), at: .at(ms: 52))
        #expect(s.connection.stats.timeouts == 0)
        #expect(!s.connection.stats.isInRecovery)
    }

    @Test func tailLoss_probeSendsNewData_whenTheWindowHoldsSome() throws {
        var s = try Self.established()
        try s.send(Array(bytes[0..<12_000]))
        for i in 0..<10 { try s.expectSegment(at: .at(ms: 10), seq: 1 + 1000 * i) }  // IW10 of 1000 bytes
        try s.expectSegment(at: .at(ms: 32), seq: 10_001, payloadCount: 1000)
        #expect(Self.reasons(&s).isEmpty)
        #expect(s.connection.stats.lossProbes == 1)
    }

    @Test func unansweredProbe_leavesTheRTOAt200msAfterIt() throws {
        var s = try Self.established()
        try s.send(Array(bytes[0..<3000]))
        s.discardUnread()
        try s.expectSegment(at: .at(ms: 32), seq: 2001)
        try s.expectNothing(until: .at(ms: 231.9))
        // The timeout marks everything lost; one segment of window sends the first.
        try s.expectSegment(at: .at(ms: 232), seq: 1, payloadCount: 1000)
        try s.expectNothing(until: .at(ms: 240))
        #expect(s.connection.stats.timeouts == 1)
        #expect(s.connection.stats.lossProbes == 1)
        // Acknowledgments regrow the window by slow start and resend the rest.
        s.deliver(s.peer([], seq: 1, ack: 1001), at: .at(ms: 242))
        try s.expectSegment(at: .at(ms: 242), seq: 1001)
        try s.expectSegment(at: .at(ms: 242), seq: 2001)
    }

    @Test func rackOff_noProbe_tailWaitsForTheRTO() throws {
        var c = Self.rackConfiguration
        c.isRACKEnabled = false
        var s = TCPScript.activeOpen(c)
        try s.expectSegment(flags: [.syn])
        s.deliver(s.peer([.syn], seq: 0, ack: 1, options: [.maximumSegmentSize(1000), .sackPermitted]), at: .at(ms: 10))
        try s.expectSegment(flags: [.ack])
        try s.send(Array(bytes[0..<3000]))
        s.discardUnread()
        try s.expectNothing(until: .at(ms: 209))
        try s.expectSegment(at: .at(ms: 210), seq: 1)
    }

    @Test func bbr_keepsItsWindowThroughRecovery() throws {
        var c = Self.rackConfiguration
        c.congestionControl = .bbr
        var s = TCPScript.activeOpen(c)
        try s.expectSegment(flags: [.syn])
        s.deliver(s.peer([.syn], seq: 0, ack: 1, options: [.maximumSegmentSize(1000), .sackPermitted]), at: .at(ms: 10))
        try s.expectSegment(flags: [.ack])
        try s.send(Array(bytes[0..<5000]))
        s.discardUnread()
        let before = s.connection.stats.congestionWindow
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([1001..<4001])]), at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 20), seq: 1)
        #expect(s.connection.stats.isInRecovery)
        #expect(s.connection.stats.congestionWindow >= before)
        #expect(s.connection.stats.bbr != nil)
    }
}

extension TCPScriptedRACKTests {
    @Test func smallFlight_probeWaitsTwiceTheDelayedAckTime() throws {
        var s = try Self.established()
        try s.send(Array(bytes[0..<1500]))  // one full segment and a small one: the peer may delay its ACK
        s.discardUnread()
        // 2·SRTT (20 ms) + 2 × 40 ms.
        try s.expectNothing(until: .at(ms: 109.9))
        try s.expectSegment(at: .at(ms: 110), seq: 1001, payloadCount: 500)
        #expect(Self.reasons(&s) == [.lossProbe])
    }

    @Test func lostRetransmission_withThePeersWindowFull_isProbedInsteadOfTimingOut() throws {
        var s = try Self.established(peerWindow: 5000)
        try s.send(Array(bytes[0..<8000]))
        for i in 0..<5 { try s.expectSegment(at: .at(ms: 10), seq: 1 + 1000 * i) }  // the window's 5000 bytes
        s.deliver(s.peer([], seq: 1, ack: 1, window: 5000, options: [s.sack([1001..<4001])]), at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 20), seq: 1)
        // Segment 5 arrives, the retransmission does not; the window holds nothing
        // new, so nothing sent after the retransmission can reveal its loss.
        s.deliver(s.peer([], seq: 1, ack: 1, window: 5000, options: [s.sack([1001..<5001])]), at: .at(ms: 30))
        try s.expectNothing(until: .at(ms: 51.9))
        try s.expectSegment(at: .at(ms: 52), seq: 1, payloadCount: 1000)  // 2·SRTT + 2 ms after that ACK
        #expect(Self.reasons(&s) == [.rackLoss, .lossProbe])
        s.deliver(s.peer([], seq: 1, ack: 5001, window: 5000), at: .at(ms: 62))
        #expect(!s.connection.stats.isInRecovery)
        try s.expectSegment(at: .at(ms: 62), seq: 5001)
        #expect(s.connection.stats.timeouts == 0)
    }

    @Test func stalledRecoveryProbes_backOff_thenTheRTOTakesOver() throws {
        var s = try Self.established(peerWindow: 5000)
        try s.send(Array(bytes[0..<8000]))
        s.discardUnread()
        s.deliver(s.peer([], seq: 1, ack: 1, window: 5000, options: [s.sack([1001..<4001])]), at: .at(ms: 20))
        s.deliver(s.peer([], seq: 1, ack: 1, window: 5000, options: [s.sack([1001..<5001])]), at: .at(ms: 30))
        s.discardUnread()
        try s.expectSegment(at: .at(ms: 52), seq: 1)   // 22 ms after the last ACK
        try s.expectSegment(at: .at(ms: 96), seq: 1)   // then 44 ms
        try s.expectSegment(at: .at(ms: 184), seq: 1)  // then 88 ms; that was the third
        try s.expectNothing(until: .at(ms: 383.9))
        try s.expectSegment(at: .at(ms: 384), seq: 1)  // the RTO, 200 ms after the last probe
        #expect(s.connection.stats.lossProbes == 3)
        #expect(s.connection.stats.timeouts == 1)
    }

    /// After a timeout the backed-off RTO alone paces the resends (RFC 6298
    /// §5.5): the recovery it began is stalled too (its one lost segment was
    /// resent), but no probe goes out at 2·SRTT, as none does from Linux.
    @Test func afterATimeout_onlyTheBackedOffRTOResends_noProbe() throws {
        var s = try Self.established()
        try s.send(Array(bytes[0..<1000]))
        s.discardUnread()
        try s.expectSegment(at: .at(ms: 110), seq: 1)  // the tail loss probe: 2·SRTT + 2 × 40 ms
        try s.expectSegment(at: .at(ms: 310), seq: 1)  // the RTO, 200 ms after it
        try s.expectNothing(until: .at(ms: 709.9))
        try s.expectSegment(at: .at(ms: 710), seq: 1)  // the RTO again, backed off to 400 ms
        #expect(Self.reasons(&s) == [.lossProbe, .timeout, .timeout])
        #expect(s.connection.stats.lossProbes == 1)
        #expect(s.connection.stats.timeouts == 2)
    }

    @Test func recoveryStalledByARACKTimerRetransmission_isProbedInsteadOfTimingOut() throws {
        var s = try Self.established(peerWindow: 3000)
        try s.send(Array(bytes[0..<6000]))
        for i in 0..<3 { try s.expectSegment(at: .at(ms: 10), seq: 1 + 1000 * i) }  // the window's 3000 bytes
        // Two segments SACKed: the hole waits for the RACK timer (10 ms + 2.5 ms).
        s.deliver(s.peer([], seq: 1, ack: 1, window: 3000, options: [s.sack([1001..<3001])]), at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 22.5), seq: 1, payloadCount: 1000)
        // That retransmission left on a timer, not on an ACK, with the peer's
        // window full: it is lost, and only a probe can reveal it before the RTO.
        try s.expectNothing(until: .at(ms: 44.4))
        try s.expectSegment(at: .at(ms: 44.5), seq: 1, payloadCount: 1000)  // 2·SRTT + 2 ms after it
        #expect(Self.reasons(&s) == [.rackLoss, .lossProbe])
        s.deliver(s.peer([], seq: 1, ack: 3001, window: 3000), at: .at(ms: 54.5))
        try s.expectSegment(at: .at(ms: 54.5), seq: 3001)
        #expect(s.connection.stats.timeouts == 0)
    }

    /// Two ACKs handled before the next output pass (a daemon whose egress
    /// queue is full polls later): the first marks new data sent during
    /// recovery lost, the second ends recovery. The lost segment must still go.
    @Test func segmentStillLostWhenRecoveryEnds_startsTheNextRecovery_insteadOfTheRTO() throws {
        var s = try Self.established()
        try s.send(Array(bytes[0..<10_000]))
        s.discardUnread()
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([1001..<10_001])]), at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 20), seq: 1)  // recovery up to 10001, cwnd 5000
        s.advance(to: .at(ms: 25))
        try s.send(Array(bytes[10_000..<14_000]))
        for i in 0..<4 { try s.expectSegment(at: .at(ms: 25), seq: 10_001 + 1000 * i) }
        s.advance(to: .at(ms: 30))
        s.connection.handle(s.peer([], seq: 1, ack: 1, options: [s.sack([1001..<10_001, 11_001..<14_001])]),
                            now: .at(ms: 30))
        s.connection.handle(s.peer([], seq: 1, ack: 10_001, options: [s.sack([11_001..<14_001])]), now: .at(ms: 30))
        try s.expectSegment(at: .at(ms: 30), seq: 10_001, payloadCount: 1000)
        #expect(s.connection.stats.timeouts == 0)
    }
}
