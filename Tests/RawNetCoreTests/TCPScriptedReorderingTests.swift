import Testing
@testable import RawNetCore
import RawNetWire
import RawNetSim

/// Reordering that is not loss: RACK's RTT taken from every ACK (RFC 8985
/// §6.2 step 2), the reordering degree in segments that raises the
/// duplicate-ACK threshold, SACK duplicate ACKs that count only with news
/// (RFC 6675 §2), reordered ACKs read despite PAWS (Linux's disordered ACK),
/// and the windowed minimum RTT. The handshake takes 10 ms, so SRTT is 10 ms.
@Suite struct TCPScriptedReorderingTests {
    let bytes = (0..<40_000).map { UInt8(truncatingIfNeeded: $0) }

    /// SACK and D-SACK, with RACK unless `rack` is false (as in TCPScriptedDSACKTests).
    static func established(rack: Bool = true, timestamps: Bool = false) throws -> TCPScript {
        try TCPScriptedDSACKTests.established(timestamps: timestamps, rack: rack)
    }

    // MARK: RACK.rtt from every ACK

    /// Sends segments at 10 (two), 13.5, 14 and 15 ms (two) on a 10 ms path.
    static func reorderedFlight() throws -> TCPScript {
        var s = try established()
        try s.send((0..<2000).map { UInt8(truncatingIfNeeded: $0) })
        for (time, range) in [(13.5, 2000..<3000), (14, 3000..<4000), (15, 4000..<6000)] {
            s.advance(to: .at(ms: time))
            try s.send(range.map { UInt8(truncatingIfNeeded: $0) })
        }
        #expect(s.unread.count == 6)
        s.discardUnread()
        s.deliver(s.peer([], seq: 1, ack: 2001), at: .at(ms: 20))
        return s
    }

    /// The last segment (sent at 15 ms) overtakes and is SACKed after 7 ms,
    /// at 22 ms: RACK.rtt is 7 ms and the reordering window min RTT / 4 =
    /// 2.5 ms (the SACKed segment's 7 ms is no RFC 6298 measurement), so the
    /// segments of 13.5 and 14 ms look late from 23 and 23.5 ms. The ACK at
    /// 23.5 ms of the one sent at 13.5 ms brings RACK.rtt back to 10 ms, and
    /// the rest are not resent: their ACKs come at 24 and 25 ms. (With
    /// RACK.rtt kept from the most recently *sent* delivered segment, the
    /// segment of 13.5 ms went out again at 23 ms.)
    @Test func overtakingSegment_theACKsOfEarlierOnesRestoreRACKRTT_noSpuriousRetransmission() throws {
        var s = try Self.reorderedFlight()
        s.deliver(s.peer([], seq: 1, ack: 2001, options: [s.sack([5001..<6001])]), at: .at(ms: 22))
        try s.expectNothing(until: .at(ms: 23.5))
        s.deliver(s.peer([], seq: 1, ack: 3001, options: [s.sack([5001..<6001])]), at: .at(ms: 23.5))
        s.deliver(s.peer([], seq: 1, ack: 4001, options: [s.sack([5001..<6001])]), at: .at(ms: 24))
        s.deliver(s.peer([], seq: 1, ack: 6001), at: .at(ms: 25))
        try s.expectNothing(until: .at(ms: 30))
        let stats = s.connection.stats
        #expect(stats.retransmissions == 0 && stats.segmentsMarkedLost == 0)
        #expect(!stats.isInRecovery && stats.congestionWindow > 10_000)
        // The segment of 13.5 ms arrived 4 segments below the highest SACKed.
        #expect(stats.reordering == 4)
        #expect(stats.rackMinRTT == .milliseconds(10))
    }

    /// The same flight, but the segment of 14 ms is lost: RACK resends it
    /// once RACK.rtt plus the reordering window (10 + 2.5 ms) has passed
    /// since it left.
    @Test func overtakingSegment_aRealLossIsStillFoundByTime() throws {
        var s = try Self.reorderedFlight()
        s.deliver(s.peer([], seq: 1, ack: 2001, options: [s.sack([5001..<6001])]), at: .at(ms: 22))
        s.deliver(s.peer([], seq: 1, ack: 3001, options: [s.sack([5001..<6001])]), at: .at(ms: 23.5))
        s.deliver(s.peer([], seq: 1, ack: 3001, options: [s.sack([4001..<6001])]), at: .at(ms: 25))
        try s.expectSegment(at: .at(ms: 26.5), seq: 3001, payloadCount: 1000)
        #expect(s.connection.stats.isInRecovery)
        #expect(s.connection.stats.retransmissions == 1)
    }

    // MARK: Reordering degree and the duplicate-ACK threshold (SACK without RACK)

    /// A 3-segment reordering makes a fast retransmit; the D-SACK shows it
    /// needless, and the degree the path reorders by (5 segments up to SND.UNA
    /// then) becomes the threshold: 4 duplicate ACKs no longer resend, the 5th does.
    @Test func dsackOfAFastRetransmit_raisesTheDuplicateACKThreshold() throws {
        var s = try Self.established(rack: false)
        try s.send(Array(bytes[0..<5000]))
        s.discardUnread()
        for upper in [2001, 3001, 4001] {
            s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([1001..<upper])]), at: .at(ms: 20))
        }
        try s.expectSegment(at: .at(ms: 20), seq: 1, payloadCount: 1000)
        #expect(s.connection.stats.reordering == 3)
        s.deliver(s.peer([], seq: 1, ack: 5001), at: .at(ms: 21))
        s.deliver(s.peer([], seq: 1, ack: 5001, options: [s.sack([1..<1001])]), at: .at(ms: 30))
        #expect(s.connection.stats.spuriousRetransmissions == 1 && s.connection.stats.undos == 1)
        #expect(s.connection.stats.reordering == 5)

        s.discardUnread()
        try s.send(Array(bytes[5000..<11_000]))
        #expect(s.unread.count == 6)
        s.discardUnread()
        for upper in [7001, 8001, 9001, 10_001] {
            s.deliver(s.peer([], seq: 1, ack: 5001, options: [s.sack([6001..<upper])]), at: .at(ms: 40))
        }
        try s.expectNothing(until: .at(ms: 40))
        s.deliver(s.peer([], seq: 1, ack: 5001, options: [s.sack([6001..<11_001])]), at: .at(ms: 41))
        try s.expectSegment(at: .at(ms: 41), seq: 5001, payloadCount: 1000)
    }

    /// RFC 6675 §2: with SACK, a duplicate ACK that SACKs nothing new (here
    /// the same block three times, as ACKs the path reordered or repeated would
    /// carry) is not counted, so it makes no fast retransmit.
    @Test func sackDuplicateACKsWithoutNews_areNotCounted() throws {
        var s = try Self.established(rack: false)
        try s.send(Array(bytes[0..<5000]))
        s.discardUnread()
        for _ in 0..<3 {
            s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([1001..<2001])]), at: .at(ms: 20))
        }
        try s.expectNothing(until: .at(ms: 21))
        #expect(s.connection.stats.totalDuplicateAcks == 1)
        #expect(s.connection.stats.retransmissions == 0 && !s.connection.stats.isInRecovery)
    }

    // MARK: Reordered ACKs and PAWS

    /// Segment 2 of 5 is SACKed at 20 ms and RACK resends segment 1 at
    /// 22.5 ms; the original then arrives (ACK of everything at 25 ms, TSval
    /// 610, echoing the retransmission's time so timestamps prove nothing).
    static func spuriousRetransmissionWithTimestamps() throws -> TCPScript {
        var s = try established(timestamps: true)
        try s.send(Array((0..<5000).map { UInt8(truncatingIfNeeded: $0) }))
        s.discardUnread()
        s.deliver(s.peer([], seq: 1, ack: 1, options: [.timestamps(value: 600, echoReply: s.iss.rawValue &+ 10),
                                                       s.sack([1001..<2001])]),
                  at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 22.5), seq: 1, payloadCount: 1000)
        s.deliver(s.peer([], seq: 1, ack: 5001, options: [.timestamps(value: 610, echoReply: s.iss.rawValue &+ 22)]),
                  at: .at(ms: 25))
        #expect(!s.connection.stats.isInRecovery && s.connection.stats.undos == 0)
        s.discardUnread()
        return s
    }

    /// The D-SACK for the needless copy comes in an ACK the path held back
    /// behind the one of 25 ms: its TSval (605) is older than TS.Recent (610),
    /// but it is a pure duplicate ACK within one RTO, so it is read — the
    /// retransmission is proven spurious and the window cut undone — and not
    /// answered.
    @Test func reorderedPureACKFailingPAWS_isRead_itsDSACKUndoes() throws {
        var s = try Self.spuriousRetransmissionWithTimestamps()
        s.deliver(s.peer([], seq: 1, ack: 5001, options: [.timestamps(value: 605, echoReply: s.iss.rawValue &+ 22),
                                                          s.sack([1..<1001])]),
                  at: .at(ms: 33))
        let stats = s.connection.stats
        #expect(stats.dsacksReceived == 1 && stats.spuriousRetransmissions == 1 && stats.undos == 1)
        #expect(stats.congestionWindow == 10_000)
        try s.expectNothing(until: .at(ms: 33))
        // TS.Recent stayed: a later ACK with TSval 611 is taken as usual.
        s.deliver(s.peer([], seq: 1, ack: 5001, options: [.timestamps(value: 611, echoReply: s.iss.rawValue &+ 22)]),
                  at: .at(ms: 34))
        try s.expectNothing(until: .at(ms: 34))
    }

    /// An ACK whose timestamp is older than TS.Recent by more than the RTO
    /// (200 ms) is an old duplicate: PAWS drops it, unread, and answers with an ACK.
    @Test func pureACKOlderThanOneRTO_isStillDroppedByPAWS() throws {
        var s = try Self.spuriousRetransmissionWithTimestamps()
        s.deliver(s.peer([], seq: 1, ack: 5001, options: [.timestamps(value: 300, echoReply: s.iss.rawValue &+ 22),
                                                          s.sack([1..<1001])]),
                  at: .at(ms: 33))
        #expect(s.connection.stats.dsacksReceived == 0 && s.connection.stats.undos == 0)
        try s.expectSegment(at: .at(ms: 33), flags: [.ack], ack: 1)
    }

    /// A reordered old segment that carries data is not a pure ACK: PAWS
    /// drops it (and its D-SACK) as before.
    @Test func oldSegmentWithData_isStillDroppedByPAWS() throws {
        var s = try Self.spuriousRetransmissionWithTimestamps()
        s.deliver(s.peer([], seq: 1, ack: 5001, payload: [1, 2, 3],
                         options: [.timestamps(value: 605, echoReply: s.iss.rawValue &+ 22), s.sack([1..<1001])]),
                  at: .at(ms: 33))
        #expect(s.connection.stats.dsacksReceived == 0 && s.connection.stats.undos == 0)
        #expect(s.read().isEmpty)
    }

    // MARK: How long a widened reordering window lasts

    /// RACK resends segment 1 at 22.5 ms; at 30 ms an ACK of segments 1–2
    /// reports the copy as a duplicate while recovery still runs. The D-SACK
    /// widens the window (multiplier 2, kept for 16 recoveries) and undoes the
    /// recovery, which so ends: a recovery shown needless does not count
    /// toward the 16 (it used to, leaving 15).
    @Test func recoveryEndedByItsUndo_doesNotShortenTheWidenedWindow() throws {
        var s = try TCPScriptedDSACKTests.spuriousRetransmission()
        s.deliver(s.peer([], seq: 1, ack: 3001, options: [s.sack([1..<1001])]), at: .at(ms: 30))
        let stats = s.connection.stats
        #expect(stats.undos == 1 && !stats.isInRecovery)
        #expect(s.connection.rack.reorderingMultiplier == 2)
        #expect(s.connection.rack.reorderingPersist == TCPRACKState.reorderingPersistence)
        #expect(stats.reorderingWindow == .milliseconds(5))
    }

    // MARK: Windowed minimum RTT

    @Test func windowedMinimum_forgetsAMinimumOlderThanTheWindow() {
        var filter = TCPWindowedMinimum(window: .seconds(10))
        filter.add(.milliseconds(10), at: .at(ms: 0))
        filter.add(.microseconds(300), at: .at(ms: 1000))  // both directions skipped the delay once
        filter.add(.milliseconds(12), at: .at(ms: 2000))
        filter.add(.milliseconds(11), at: .at(ms: 5000))
        #expect(filter.value == .microseconds(300))
        filter.add(.milliseconds(10.5), at: .at(ms: 9000))
        #expect(filter.value == .microseconds(300))
        // 10 s after the 0.3 ms sample it is gone; the best later sample stands.
        filter.add(.milliseconds(12), at: .at(ms: 11_500))
        #expect(filter.value != nil && filter.value! > .microseconds(300))
        #expect(filter.value! <= .milliseconds(12))
        // A new minimum always takes over at once.
        filter.add(.milliseconds(9), at: .at(ms: 11_600))
        #expect(filter.value == .milliseconds(9))
    }

    @Test func windowedMinimum_whenEverySampleAgedOut_startsOverFromTheNewest() {
        var filter = TCPWindowedMinimum(window: .seconds(10))
        filter.add(.milliseconds(5), at: .at(ms: 0))
        filter.add(.milliseconds(20), at: .at(ms: 30_000))
        #expect(filter.value == .milliseconds(20))
    }

    /// The reordering window follows the windowed minimum: 10 s after the only
    /// short sample, a quarter of the path's RTT again.
    @Test func reorderingWindow_growsBackWhenTheShortRTTSampleAgesOut() throws {
        var s = try Self.established()
        // One segment acknowledged after 0.4 ms (it and its ACK both skipped the delay).
        try s.send(Array(bytes[0..<1000]))
        s.discardUnread()
        s.deliver(s.peer([], seq: 1, ack: 1001), at: .at(ms: 10.4))
        #expect(s.connection.stats.rackMinRTT == .microseconds(400))
        // Ten seconds later, segments take the path's 10 ms again.
        var position = 1000
        for second in 1...11 {
            let sent = Double(second) * 1000 + 10
            s.advance(to: .at(ms: sent))
            try s.send(Array(bytes[position..<position + 1000]))
            s.deliver(s.peer([], seq: 1, ack: position + 1001), at: .at(ms: sent + 10))
            position += 1000
        }
        #expect(s.connection.stats.rackMinRTT == .milliseconds(10))
        #expect(s.connection.stats.reorderingWindow == .milliseconds(2.5))
    }
}
