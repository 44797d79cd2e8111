import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// Retransmission timer (RFC 6298), fast retransmit and NewReno (RFC 5681,
/// RFC 6582), SACK (RFC 2018, RFC 6675) and the retransmission limit.
@Suite struct TCPScriptedReliabilityTests {
    let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0) }

    /// SACK with RFC 6675 duplicate-ACK counting alone (RACK-TLP off); RACK has
    /// its own tests in TCPScriptedRACKTests.
    var sackConfiguration: TCPConfiguration {
        var c = TCPScript.plainConfiguration
        c.isSACKEnabled = true
        c.isRACKEnabled = false
        return c
    }

    @Test func unackedData_retransmitsAtRTO_thenBacksOffExponentially() throws {
        var s = try TCPScript.established()
        try s.send(Array(bytes[0..<100]))
        try s.expectSegment(at: .zero, seq: 1, payloadCount: 100)
        try s.expectNothing(until: .at(ms: 199))
        try s.expectSegment(at: .at(ms: 200), seq: 1, payloadCount: 100)
        try s.expectSegment(at: .at(ms: 600), seq: 1, payloadCount: 100)
        try s.expectSegment(at: .at(ms: 1400), seq: 1, payloadCount: 100)
        let reasons = s.connection.drainEvents().compactMap { e -> TCPRetransmitReason? in
            if case .retransmitted(_, _, let reason) = e.kind { return reason }
            return nil
        }
        #expect(reasons == [.timeout, .timeout, .timeout])
    }

    @Test func rto_afterFirstSample_isSRTTPlusFourRTTVAR() throws {
        var s = TCPScript.activeOpen()
        try s.expectSegment(flags: [.syn])
        s.deliver(s.peer([.syn], seq: 0, ack: 1, options: [.maximumSegmentSize(1000)]), at: .at(ms: 100))
        try s.expectSegment(flags: [.ack])
        // R = 100 ms: SRTT = 100, RTTVAR = 50, RTO = 100 + 4·50 = 300 ms.
        #expect(s.connection.stats.rto == .milliseconds(300))
        try s.send([1, 2, 3])
        try s.expectSegment(at: .at(ms: 100), seq: 1)
        try s.expectNothing(until: .at(ms: 399))
        try s.expectSegment(at: .at(ms: 400), seq: 1)
    }

    @Test func rto_smallSample_isRaisedToConfiguredMinimum() throws {
        var s = try TCPScript.established()
        #expect(s.connection.stats.smoothedRTT == .zero)
        #expect(s.connection.stats.rto == .milliseconds(200))
        var c = TCPScript.plainConfiguration
        c.minimumRTO = .milliseconds(20)
        s = try TCPScript.established(c)
        #expect(s.connection.stats.rto == .milliseconds(20))
    }

    @Test func karn_ackOfRetransmittedSegment_takesNoRTTSample() throws {
        var s = TCPScript.activeOpen()
        try s.expectSegment(flags: [.syn])
        s.deliver(s.peer([.syn], seq: 0, ack: 1, options: [.maximumSegmentSize(1000)]), at: .at(ms: 100))
        try s.expectSegment(flags: [.ack])
        try s.send([1, 2, 3])
        try s.expectSegment(at: .at(ms: 100), seq: 1)
        try s.expectSegment(at: .at(ms: 400), seq: 1)
        s.deliver(s.peer([], seq: 1, ack: 4), at: .at(ms: 450))
        #expect(s.connection.stats.smoothedRTT == .milliseconds(100))
        // The backoff is dropped once new data is acknowledged.
        #expect(s.connection.stats.rto == .milliseconds(300))
    }

    @Test func newAck_restartsRetransmitTimer() throws {
        var s = try TCPScript.established()
        try s.send(Array(bytes[0..<2000]))
        try s.expectSegment(at: .zero, seq: 1, payloadCount: 1000)
        try s.expectSegment(at: .zero, seq: 1001, payloadCount: 1000)
        s.deliver(s.peer([], seq: 1, ack: 1001), at: .at(ms: 150))
        try s.expectNothing(until: .at(ms: 349))
        try s.expectSegment(at: .at(ms: 350), seq: 1001, payloadCount: 1000)
    }

    @Test func threeDuplicateAcks_retransmitOnlyTheFirstMissingSegment() throws {
        var s = try TCPScript.established()
        try s.send(Array(bytes[0..<5000]))
        for i in 0..<5 { try s.expectSegment(at: .zero, seq: 1 + 1000 * i, payloadCount: 1000) }
        s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 10))
        s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 10))
        try s.expectNothing(until: .at(ms: 10))
        s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 10), seq: 1, payloadCount: 1000)
        s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 11))
        try s.expectNothing(until: .at(ms: 150))
        #expect(s.connection.stats.fastRetransmits == 1)
        #expect(s.connection.stats.isInRecovery)
        #expect(s.connection.stats.slowStartThreshold == 2500)
    }

    @Test func newReno_partialAck_retransmitsNextMissingSegment_fullAckEndsRecovery() throws {
        var s = try TCPScript.established()
        try s.send(Array(bytes[0..<5000]))
        s.discardUnread()
        for _ in 0..<3 { s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 10)) }
        try s.expectSegment(at: .at(ms: 10), seq: 1)
        s.deliver(s.peer([], seq: 1, ack: 2001), at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 20), seq: 2001, payloadCount: 1000)
        #expect(s.connection.stats.isInRecovery)
        s.deliver(s.peer([], seq: 1, ack: 5001), at: .at(ms: 30))
        #expect(!s.connection.stats.isInRecovery)
        try s.expectNothing(until: .at(ms: 1000))
    }

    @Test func sack_dupAcksWithBlocks_retransmitOnlyHoles() throws {
        var s = try TCPScript.established(sackConfiguration, peerOptions: [.maximumSegmentSize(1000), .sackPermitted])
        try s.send(Array(bytes[0..<6000]))
        s.discardUnread()
        // Segments 1 and 3 lost; 2, 4, 5, 6 arrive.
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([1001..<2001])]), at: .at(ms: 10))
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([3001..<4001, 1001..<2001])]), at: .at(ms: 10))
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([3001..<5001, 1001..<2001])]), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 10), seq: 1, payloadCount: 1000)
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([3001..<6001, 1001..<2001])]), at: .at(ms: 11))
        try s.expectSegment(at: .at(ms: 11), seq: 2001, payloadCount: 1000)
        try s.expectNothing(until: .at(ms: 12))
        #expect(s.connection.stats.sackScoreboard.count == 2)
        s.deliver(s.peer([], seq: 1, ack: 6001), at: .at(ms: 20))
        #expect(!s.connection.stats.isInRecovery)
        #expect(s.connection.stats.retransmissions == 2)
    }

    @Test func sack_afterTimeout_goBackSkipsSACKedData() throws {
        var s = try TCPScript.established(sackConfiguration, peerOptions: [.maximumSegmentSize(1000), .sackPermitted])
        try s.send(Array(bytes[0..<3000]))
        s.discardUnread()
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([1001..<2001])]), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 200), seq: 1, payloadCount: 1000)
        s.deliver(s.peer([], seq: 1, ack: 1001, options: [s.sack([1001..<2001])]), at: .at(ms: 210))
        // cwnd is 1 MSS after the timeout, grown to 2 by this ACK; 1001–2001 is skipped.
        try s.expectSegment(at: .at(ms: 210), seq: 2001, payloadCount: 1000)
        try s.expectNothing(until: .at(ms: 300))
    }

    @Test func sackReceiver_outOfOrderData_isAckedAtOnceWithSACKBlock_thenHoleFilled() throws {
        var s = try TCPScript.established(sackConfiguration, peerOptions: [.maximumSegmentSize(1000), .sackPermitted])
        s.deliver(s.peer([], seq: 1001, ack: 1, payload: Array(bytes[1000..<2000])), at: .at(ms: 5))
        let ack = try s.expectSegment(at: .at(ms: 5), flags: [.ack], ack: 1)
        #expect(ack.sackBlocks == [SACKBlock(left: (s.peerISS + 1001).rawValue, right: (s.peerISS + 2001).rawValue)])
        #expect(s.connection.stats.reassemblyHoles.count == 1)
        s.deliver(s.peer([], seq: 1, ack: 1, payload: Array(bytes[0..<1000])), at: .at(ms: 6))
        let full = try s.expectSegment(at: .at(ms: 6), flags: [.ack], ack: 2001)
        #expect(full.sackBlocks.isEmpty)
        #expect(s.read() == Array(bytes[0..<2000]))
    }

    @Test func retransmissionLimit_abortsWithTimedOut_andSendsRst() throws {
        var c = TCPScript.plainConfiguration
        c.maximumRetransmissions = 3
        var s = try TCPScript.established(c)
        try s.send([1, 2, 3])
        try s.expectSegment(at: .zero, seq: 1)
        try s.expectSegment(at: .at(ms: 200), seq: 1)
        try s.expectSegment(at: .at(ms: 600), seq: 1)
        try s.expectSegment(at: .at(ms: 1400), seq: 1)
        try s.expectSegment(at: .at(ms: 3000), flags: [.rst], seq: 4)
        #expect(s.connection.state == .closed)
        #expect(s.connection.error == .timedOut(retransmissions: 3))
        #expect(throws: TCPConnectionError.timedOut(retransmissions: 3)) { try s.connection.send([1]) }
    }

    @Test func slowStart_eachAckGrowsCongestionWindow() throws {
        var s = try TCPScript.established()
        #expect(s.connection.stats.congestionWindow == 10_000)
        try s.send(Array(bytes[0..<4000]))
        s.discardUnread()
        s.deliver(s.peer([], seq: 1, ack: 2001), at: .at(ms: 10))
        #expect(s.connection.stats.congestionWindow == 12_000)
        s.deliver(s.peer([], seq: 1, ack: 4001), at: .at(ms: 10))
        #expect(s.connection.stats.congestionWindow == 14_000)
    }
}

extension TCPScriptedReliabilityTests {
    @Test func cubic_threeDuplicateAcks_reduceWindowByBetaPointSeven() throws {
        var c = TCPScript.plainConfiguration
        c.congestionControl = .cubic
        var s = try TCPScript.established(c)
        try s.send(Array(bytes[0..<5000]))
        s.discardUnread()
        for _ in 0..<3 { s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 10)) }
        try s.expectSegment(at: .at(ms: 10), seq: 1, payloadCount: 1000)
        #expect(s.connection.stats.slowStartThreshold == 7000)
    }

    @Test func afterTimeout_duplicateAcksBelowRecoveryPoint_doNotFastRetransmit() throws {
        var s = try TCPScript.established()
        try s.send(Array(bytes[0..<5000]))
        s.discardUnread()
        try s.expectSegment(at: .at(ms: 200), seq: 1, payloadCount: 1000)
        // Old duplicates of ACK 1 arrive after the timeout (RFC 6582 §3.2 step 1).
        for _ in 0..<3 { s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 205)) }
        try s.expectNothing(until: .at(ms: 205))
        #expect(s.connection.stats.fastRetransmits == 0)
    }

    @Test func receiver_outOfOrderOverlappingDuplicateSegments_areReassembledExactly() throws {
        var s = try TCPScript.established()
        let data = Array(bytes[0..<3000])
        s.deliver(s.peer([], seq: 2001, ack: 1, payload: Array(data[2000..<3000])), at: .at(ms: 1))
        s.deliver(s.peer([], seq: 1501, ack: 1, payload: Array(data[1500..<2500])), at: .at(ms: 2))
        s.deliver(s.peer([], seq: 1501, ack: 1, payload: Array(data[1500..<2500])), at: .at(ms: 3))
        #expect(s.connection.stats.reassemblyHoles.count == 1)
        s.deliver(s.peer([], seq: 1, ack: 1, payload: Array(data[0..<1600])), at: .at(ms: 4))
        #expect(s.read() == data)
        #expect(s.connection.stats.reassemblyHoles.isEmpty)
        let acks = s.unread.map { s.relativeAck($0.segment) }
        #expect(acks == [1, 1, 1, 3001])
    }
}

extension TCPScriptedReliabilityTests {
    @Test func timeout_withSendWindowShutByReorderedOldAck_stillRetransmitsHead() throws {
        var s = try TCPScript.established()
        try s.send(Array(bytes[0..<2000]))
        s.discardUnread()
        // The window update overtook the older zero-window ACK; the same seq/ack
        // numbers let the stale zero window win (RFC 9293 §3.10.7.4).
        s.deliver(s.peer([], seq: 1, ack: 1, window: 0), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 200), seq: 1, payloadCount: 1000)
        try s.expectSegment(at: .at(ms: 600), seq: 1, payloadCount: 1000)
        s.deliver(s.peer([], seq: 1, ack: 1001, window: 8000), at: .at(ms: 610))
        try s.expectSegment(at: .at(ms: 610), seq: 1001, payloadCount: 1000)
    }
}

extension TCPScriptedReliabilityTests {
    @Test func timeout_peerKeepsAnsweringWithZeroWindow_isNotAborted() throws {
        var c = TCPScript.plainConfiguration
        c.maximumRetransmissions = 3
        c.maximumRTO = .seconds(1)
        var s = try TCPScript.established(c)
        try s.send(Array(bytes[0..<1000]))
        s.discardUnread()
        s.deliver(s.peer([], seq: 1, ack: 1, window: 0), at: .at(ms: 10))
        for step in 1...12 {
            s.advance(to: .at(ms: Double(step) * 1000))
            for sent in s.unread { s.deliver(s.peer([], seq: 1, ack: 1, window: 0), at: sent.time) }
            s.discardUnread()
        }
        #expect(s.connection.state == .established)
        #expect(s.connection.error == nil)
    }
}

extension TCPScriptedReliabilityTests {
    @Test func limitedTransmit_firstTwoDuplicateAcks_eachReleaseOneNewSegment() throws {
        var s = try TCPScript.established()
        try s.send(Array(bytes[0..<10_000]) + Array(bytes[0..<3000]))
        for i in 0..<10 { try s.expectSegment(at: .zero, seq: 1 + 1000 * i, payloadCount: 1000) }
        try s.expectNothing(until: .at(ms: 5))
        s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 10), seq: 10_001, payloadCount: 1000)
        s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 10), seq: 11_001, payloadCount: 1000)
        s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 10), seq: 1, payloadCount: 1000)
        #expect(s.connection.stats.isInRecovery)
    }
}
