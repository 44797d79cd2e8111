import Testing
@testable import RawNetCore
import RawNetWire
import RawNetSim

/// D-SACK (RFC 2883): the receiver reports duplicates in the first SACK
/// block; the sender reads them, counts spurious retransmissions, widens
/// RACK's reordering window (RFC 8985 §6.2) and undoes a congestion response
/// that proved needless. The handshake takes 10 ms, so SRTT is 10 ms.
@Suite struct TCPScriptedDSACKTests {
    let bytes = (0..<20_000).map { UInt8(truncatingIfNeeded: $0) }

    static func configuration(dsack: Bool = true, timestamps: Bool = false, rack: Bool = true) -> TCPConfiguration {
        var c = TCPScript.plainConfiguration
        c.isSACKEnabled = true
        c.isDSACKEnabled = dsack
        c.isTimestampsEnabled = timestamps
        c.isRACKEnabled = rack
        return c
    }

    /// An established connection that sent its data at t = 10 ms.
    static func established(dsack: Bool = true, timestamps: Bool = false, rack: Bool = true) throws -> TCPScript {
        var s = TCPScript.activeOpen(configuration(dsack: dsack, timestamps: timestamps, rack: rack))
        try s.expectSegment(flags: [.syn])
        var options: TCPOptionList = [.maximumSegmentSize(1000), .sackPermitted]
        if timestamps { options.append(.timestamps(value: 500, echoReply: 1000)) }
        s.deliver(s.peer([.syn], seq: 0, ack: 1, options: options), at: .at(ms: 10))
        try s.expectSegment(flags: [.ack])
        return s
    }

    /// The SACK blocks of one of our segments, relative to the peer's ISN.
    static func blocks(_ segment: TCPSegment, _ s: TCPScript) -> [Range<Int>] {
        segment.sackBlocks.map { (SequenceNumber($0.left) - s.peerISS)..<(SequenceNumber($0.right) - s.peerISS) }
    }

    static func events(_ s: inout TCPScript) -> [TCPEvent.Kind] {
        s.connection.drainEvents().map(\.kind).filter {
            switch $0 {
            case .dsackSent, .dsackReceived, .undo, .retransmitted: true
            default: false
            }
        }
    }

    // MARK: Receiver

    @Test func duplicateBelowRcvNxt_nextACKReportsItInTheFirstBlock_once() throws {
        var s = try Self.established()
        let data = Array(bytes[0..<1000])
        s.deliver(s.peer([], seq: 1, ack: 1, payload: data), at: .at(ms: 20))
        let first = try s.expectSegment(at: .at(ms: 20), ack: 1001)
        #expect(first.sackBlocks.isEmpty)
        s.deliver(s.peer([], seq: 1, ack: 1, payload: data), at: .at(ms: 30))
        let dup = try s.expectSegment(at: .at(ms: 30), ack: 1001)
        #expect(Self.blocks(dup, s) == [1..<1001])
        // Reported once: the next ACK carries no D-SACK.
        s.deliver(s.peer([], seq: 1001, ack: 1, payload: Array(bytes[1000..<1500])), at: .at(ms: 40))
        let next = try s.expectSegment(at: .at(ms: 40), ack: 1501)
        #expect(next.sackBlocks.isEmpty)
        let stats = s.connection.stats
        #expect(stats.dsacksSent == 1 && stats.duplicateSegmentsReceived == 1)
        #expect(Self.events(&s) == [.dsackSent(sequence: (s.peerISS + 1).rawValue, length: 1000)])
        #expect(s.read() == Array(bytes[0..<1500]))
    }

    @Test func partlyDuplicateSegment_reportsOnlyTheOldPart() throws {
        var s = try Self.established()
        s.deliver(s.peer([], seq: 1, ack: 1, payload: Array(bytes[0..<1000])), at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 20), ack: 1001)
        s.deliver(s.peer([], seq: 501, ack: 1, payload: Array(bytes[500..<1500])), at: .at(ms: 30))
        let ack = try s.expectSegment(at: .at(ms: 30), ack: 1501)
        #expect(Self.blocks(ack, s) == [501..<1001])
        #expect(s.read() == Array(bytes[0..<1500]))
    }

    @Test func duplicateOfDataHeldOutOfOrder_isFirst_thenTheBlockHoldingIt() throws {
        var s = try Self.established()
        s.deliver(s.peer([], seq: 1001, ack: 1, payload: Array(bytes[1000..<2000])), at: .at(ms: 20))
        s.deliver(s.peer([], seq: 2001, ack: 1, payload: Array(bytes[2000..<3000])), at: .at(ms: 20))
        s.deliver(s.peer([], seq: 5001, ack: 1, payload: Array(bytes[5000..<6000])), at: .at(ms: 20))
        s.discardUnread()
        s.deliver(s.peer([], seq: 1001, ack: 1, payload: Array(bytes[1000..<2000])), at: .at(ms: 30))
        let ack = try s.expectSegment(at: .at(ms: 30), ack: 1)
        #expect(Self.blocks(ack, s) == [1001..<2001, 1001..<3001, 5001..<6001])
    }

    @Test func twoSeparateDuplicatesAtOnce_eachGetsItsOwnACK() throws {
        var s = try Self.established()
        s.deliver(s.peer([], seq: 1, ack: 1, payload: Array(bytes[0..<3000])), at: .at(ms: 20))
        s.discardUnread()
        s.advance(to: .at(ms: 30))
        s.connection.handle(s.peer([], seq: 1, ack: 1, payload: Array(bytes[0..<500])), now: s.now)
        s.deliver(s.peer([], seq: 2001, ack: 1, payload: Array(bytes[2000..<2500])))
        let first = try s.expectSegment(at: .at(ms: 30), ack: 3001)
        let second = try s.expectSegment(at: .at(ms: 30), ack: 3001)
        #expect(Self.blocks(first, s) == [1..<501])
        #expect(Self.blocks(second, s) == [2001..<2501])
        #expect(s.connection.stats.dsacksSent == 2)
    }

    @Test func dsackOff_duplicateIsCountedButNotReported() throws {
        var s = try Self.established(dsack: false)
        let data = Array(bytes[0..<1000])
        s.deliver(s.peer([], seq: 1, ack: 1, payload: data), at: .at(ms: 20))
        s.deliver(s.peer([], seq: 1, ack: 1, payload: data), at: .at(ms: 30))
        s.discardUnread()
        #expect(s.sent.allSatisfy { $0.segment.sackBlocks.isEmpty })
        #expect(s.connection.stats.duplicateSegmentsReceived == 1 && s.connection.stats.dsacksSent == 0)
    }

    // MARK: Receiver: quick ACKs (Linux's quick-ACK mode)

    static func establishedWithDelayedACKs() throws -> TCPScript {
        var c = configuration()
        c.isDelayedAckEnabled = true
        var s = TCPScript.activeOpen(c)
        try s.expectSegment(flags: [.syn])
        s.deliver(s.peer([.syn], seq: 0, ack: 1, options: [.maximumSegmentSize(1000), .sackPermitted]),
                  at: .at(ms: 10))
        try s.expectSegment(flags: [.ack])
        return s
    }

    func segment(_ index: Int, _ s: TCPScript) -> TCPSegment {
        s.peer([], seq: 1 + 1000 * index, ack: 1, payload: Array(bytes[(1000 * index)..<(1000 * index + 1000)]))
    }

    /// A duplicate says the sender resent for want of an ACK, so its window
    /// may be one segment: the next in-order segments (16 at most) are
    /// acknowledged at once instead of 40 ms later.
    @Test func afterADuplicate_theNextInOrderSegmentsAreAcknowledgedAtOnce_sixteenAtMost() throws {
        var s = try Self.establishedWithDelayedACKs()
        // One in-order segment alone: its ACK waits for the delayed-ACK time.
        s.deliver(segment(0, s), at: .at(ms: 20))
        try s.expectNothing(until: .at(ms: 59))
        try s.expectSegment(at: .at(ms: 60), ack: 1001)
        // That ACK was lost: the copy comes, and is reported at once as ever.
        s.deliver(segment(0, s), at: .at(ms: 70))
        try s.expectSegment(at: .at(ms: 70), ack: 1001)
        for index in 1...16 {
            s.deliver(segment(index, s), at: .at(ms: 70 + Double(index)))
            try s.expectSegment(at: .at(ms: 70 + Double(index)), ack: 1001 + 1000 * index)
        }
        // Quick-ACK mode is over: the seventeenth waits again.
        s.deliver(segment(17, s), at: .at(ms: 100))
        try s.expectNothing(until: .at(ms: 139))
        try s.expectSegment(at: .at(ms: 140), ack: 18_001)
    }

    @Test func dataAfterASilenceLongerThanTheRTO_isAcknowledgedAtOnce() throws {
        var s = try Self.establishedWithDelayedACKs()
        s.deliver(segment(0, s), at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 60), ack: 1001)
        // 100 ms later (less than the RTO of 200 ms): delayed as usual.
        s.deliver(segment(1, s), at: .at(ms: 120))
        try s.expectNothing(until: .at(ms: 159))
        try s.expectSegment(at: .at(ms: 160), ack: 2001)
        // After a second of silence the sender's timer has likely fired.
        s.deliver(segment(2, s), at: .at(ms: 1160))
        try s.expectSegment(at: .at(ms: 1160), ack: 3001)
    }

    // MARK: Sender

    /// Five segments at 10 ms; segment 2 is SACKed at 20 ms, so RACK resends
    /// segment 1 at 22.5 ms (window halved); the original then arrives.
    static func spuriousRetransmission(dsack: Bool = true, timestamps: Bool = false) throws -> TCPScript {
        var s = try established(dsack: dsack, timestamps: timestamps)
        _ = try s.send((0..<5000).map { UInt8(truncatingIfNeeded: $0) })
        s.discardUnread()
        var options: TCPOptionList = [s.sack([1001..<2001])]
        if timestamps { options.insert(.timestamps(value: 600, echoReply: 1010), at: 0) }
        s.deliver(s.peer([], seq: 1, ack: 1, options: options), at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 22.5), seq: 1, payloadCount: 1000)
        #expect(s.connection.stats.isInRecovery)
        #expect(s.connection.stats.slowStartThreshold == 2500)
        return s
    }

    @Test func dsackBelowTheACK_provesTheRetransmissionSpurious_undoesAndWidensRACK() throws {
        var s = try Self.spuriousRetransmission()
        // The late original fills the hole: recovery ends with the window reduced.
        s.deliver(s.peer([], seq: 1, ack: 5001), at: .at(ms: 25))
        #expect(!s.connection.stats.isInRecovery)
        #expect(s.connection.stats.congestionWindow < 10_000)
        // Then the retransmission arrives and is reported as a duplicate.
        s.deliver(s.peer([], seq: 1, ack: 5001, options: [s.sack([1..<1001])]), at: .at(ms: 33))
        let stats = s.connection.stats
        #expect(stats.dsacksReceived == 1 && stats.spuriousRetransmissions == 1 && stats.undos == 1)
        // The recovery began in the first slow start (no threshold yet): the
        // window comes back, and slow start ends there.
        #expect(stats.congestionWindow == 10_000 && stats.slowStartThreshold == 10_000)
        // reo_wnd_mult is 2: two quarters of min RTT (10 ms).
        #expect(stats.reorderingWindow == .milliseconds(5))
        let kinds = Self.events(&s)
        #expect(kinds.contains(.dsackReceived(sequence: (s.iss + 1).rawValue, length: 1000)))
        #expect(kinds.last == .undo(cwnd: 10_000, ssthresh: stats.slowStartThreshold))
    }

    @Test func widenedReorderingWindow_holdsTheNextRetransmissionBackLonger() throws {
        var s = try Self.spuriousRetransmission()
        s.deliver(s.peer([], seq: 1, ack: 5001), at: .at(ms: 25))
        s.deliver(s.peer([], seq: 1, ack: 5001, options: [s.sack([1..<1001])]), at: .at(ms: 33))
        _ = try s.send(Array(bytes[5000..<10_000]))
        for i in 0..<5 { try s.expectSegment(at: .at(ms: 33), seq: 5001 + 1000 * i) }
        s.deliver(s.peer([], seq: 1, ack: 5001, options: [s.sack([6001..<7001])]), at: .at(ms: 43))
        // RACK.rtt 10 ms plus a window of 5 ms, not 2.5 ms.
        try s.expectNothing(until: .at(ms: 47.9))
        try s.expectSegment(at: .at(ms: 48), seq: 5001, payloadCount: 1000)
    }

    @Test func dsackInsideTheSecondBlock_isReadAsADuplicate_notAsNewSACK() throws {
        var s = try Self.spuriousRetransmission()
        // Segment 1's original and its copy both arrived, but segment 3 is still missing.
        s.deliver(s.peer([], seq: 1, ack: 2001, options: [s.sack([3001..<5001])]), at: .at(ms: 25))
        s.deliver(s.peer([], seq: 1, ack: 2001, options: [s.sack([3001..<4001, 3001..<5001])]),
                  at: .at(ms: 26))
        #expect(s.connection.stats.dsacksReceived == 1)
        // Nothing of it was retransmitted, so no spurious retransmission and no undo.
        #expect(s.connection.stats.spuriousRetransmissions == 0 && s.connection.stats.undos == 0)
    }

    @Test func ordinarySACK_isNoDSACK() throws {
        var s = try Self.spuriousRetransmission()
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([3001..<4001])]), at: .at(ms: 23))
        #expect(s.connection.stats.dsacksReceived == 0)
    }

    @Test func dsackOff_sameStory_noUndo() throws {
        var s = try Self.spuriousRetransmission(dsack: false)
        s.deliver(s.peer([], seq: 1, ack: 5001), at: .at(ms: 25))
        s.deliver(s.peer([], seq: 1, ack: 5001, options: [s.sack([1..<1001])]), at: .at(ms: 33))
        let stats = s.connection.stats
        #expect(stats.dsacksReceived == 0 && stats.undos == 0)
        #expect(stats.slowStartThreshold == 2500)
    }

    @Test func timestampsEchoingTheOriginal_undo_eifel() throws {
        var s = try Self.spuriousRetransmission(dsack: true, timestamps: true)
        // The ACK that ends recovery echoes the original's timestamp (sent at 10 ms:
        // 1000 + 10), older than the retransmission's (1000 + 22).
        s.deliver(s.peer([], seq: 1, ack: 5001, options: [.timestamps(value: 610, echoReply: 1010)]), at: .at(ms: 25))
        let stats = s.connection.stats
        #expect(stats.undos == 1 && !stats.isInRecovery)
        #expect(stats.slowStartThreshold == 10_000)  // the window the recovery began with
        #expect(stats.congestionWindow >= 10_000)  // back to 10 000, then grown by this ACK
    }

    @Test func spuriousTimeout_firstACKEchoesTheOriginal_undoneAndNothingMoreResent() throws {
        var s = try Self.established(dsack: true, timestamps: true)
        _ = try s.send(Array(bytes[0..<3000]))
        s.discardUnread()
        try s.expectSegment(at: .at(ms: 32), seq: 2001)  // tail probe
        try s.expectSegment(at: .at(ms: 232), seq: 1)  // timeout: window one segment
        #expect(s.connection.stats.timeouts == 1)
        // The ACK of the originals (sent at 10 ms) was only late.
        s.deliver(s.peer([], seq: 1, ack: 2001, options: [.timestamps(value: 700, echoReply: 1010)]), at: .at(ms: 240))
        let stats = s.connection.stats
        #expect(stats.undos == 1 && !stats.isInRecovery)
        #expect(stats.congestionWindow >= 10_000)
        // Segment 3 was not lost: it is not resent.
        try s.expectNothing(until: .at(ms: 245))
    }

    @Test func timestampsEchoingTheRetransmission_noUndo() throws {
        var s = try Self.spuriousRetransmission(dsack: true, timestamps: true)
        s.deliver(s.peer([], seq: 1, ack: 5001, options: [.timestamps(value: 610, echoReply: 1022)]), at: .at(ms: 33))
        #expect(s.connection.stats.undos == 0)
        #expect(s.connection.stats.slowStartThreshold == 2500)
    }

    @Test func realLoss_isNotUndone() throws {
        var s = try Self.spuriousRetransmission()
        s.deliver(s.peer([], seq: 1, ack: 5001), at: .at(ms: 33))
        s.deliver(s.peer([], seq: 1, ack: 5001), at: .at(ms: 40))
        #expect(s.connection.stats.undos == 0 && s.connection.stats.dsacksReceived == 0)
        #expect(s.connection.stats.slowStartThreshold == 2500)
    }

    @Test(arguments: [true, false])
    func tailProbeShownNeedlessByDSACK_noWindowReduction(dsack: Bool) throws {
        var s = try Self.established(dsack: dsack)
        _ = try s.send(Array(bytes[0..<3000]))
        s.discardUnread()
        try s.expectSegment(at: .at(ms: 32), seq: 2001, payloadCount: 1000)
        // Everything had arrived: the probe's copy comes back as a duplicate.
        s.deliver(s.peer([], seq: 1, ack: 3001), at: .at(ms: 40))
        s.deliver(s.peer([], seq: 1, ack: 3001, options: [s.sack([2001..<3001])]), at: .at(ms: 42))
        let threshold = s.connection.stats.slowStartThreshold
        if dsack {
            #expect(threshold > 1_000_000)
            #expect(s.connection.stats.spuriousRetransmissions == 1)
        } else {
            #expect(threshold == 2000)  // RFC 8985 §7.4.2 response without D-SACK (two segments at least)
        }
    }

    // MARK: Pieces

    @Test func congestionUndo_restoresCUBICWindowAndThreshold() {
        var c = TCPCongestionControl(algorithm: .cubic, mss: 1000, initialWindowSegments: 30)
        c.onCongestionEvent(flightSize: 30_000, now: .zero)  // a real loss earlier: threshold 21 000
        c.window = 12_000  // back in slow start after a timeout
        let prior = c
        c.onCongestionEvent(flightSize: 12_000, now: .zero)
        c.window = c.slowStartThreshold
        #expect(c.window == 8400)
        c.undo(to: prior)
        #expect(c.window == 12_000 && c.slowStartThreshold == 21_000)
    }

    /// Linux restores an unset threshold and ends that slow start by HyStart;
    /// without HyStart the undo would leave slow start endless (the window
    /// doubling each round trip until a real loss). The threshold becomes the
    /// window the episode began with: congestion avoidance from there.
    @Test(arguments: [TCPCongestionAlgorithm.newReno, .cubic, .bbr])
    func undoOfAResponseInTheFirstSlowStart_endsSlowStartAtTheRestoredWindow(_ algorithm: TCPCongestionAlgorithm) {
        var c = TCPCongestionControl(algorithm: algorithm, mss: 1000, initialWindowSegments: 10)
        c.window = 40_000  // grown in slow start
        #expect(!c.isThresholdSet && c.isInSlowStart)
        let prior = c
        c.onTimeout(flightSize: 40_000)
        #expect(c.window == 1000)
        c.undo(to: prior)
        #expect(c.window == 40_000)
        guard algorithm != .bbr else { return }  // BBR keeps no threshold of its own
        #expect(c.slowStartThreshold == 40_000 && c.isThresholdSet && !c.isInSlowStart)
        // The next ACK grows the window by less than it acknowledged.
        c.onAck(bytes: 2000, now: .at(ms: 10), smoothedRTT: .milliseconds(10))
        #expect(c.window < 42_000)
        // A second undo (window and threshold now set) restores what it found.
        let second = c
        c.onCongestionEvent(flightSize: c.window, now: .at(ms: 20))
        c.window = c.slowStartThreshold
        c.undo(to: second)
        #expect(c.window == second.window && c.slowStartThreshold == 40_000)
    }

    @Test func reassemblerFirstDuplicate_findsDeliveredAndHeldBytes() {
        var r = TCPReassembler()
        _ = r.insert(Array(repeating: 1, count: 100), at: 0, limit: 10_000)
        _ = r.insert(Array(repeating: 1, count: 100), at: 300, limit: 10_000)
        #expect(r.firstDuplicate(in: 50..<150) == 50..<100)
        #expect(r.firstDuplicate(in: 150..<250) == nil)
        #expect(r.firstDuplicate(in: 250..<350) == 300..<350)
        #expect(r.heldRange(containing: 320..<340) == 300..<400)
        #expect(r.heldRange(containing: 290..<340) == nil)
    }

    @Test func scoreboardRemove_cutsRangesAndReportsHowMuch() {
        var b = TCPSACKScoreboard()
        b.add(0..<100)
        b.add(200..<300)
        #expect(b.remove(50..<250) == 100)
        #expect(b.ranges == [0..<50, 250..<300])
        #expect(b.remove(400..<500) == 0)
        #expect(b.remove(0..<300) == 100 && b.isEmpty)
    }
}
