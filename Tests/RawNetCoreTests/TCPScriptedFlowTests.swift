import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// Flow control, options, Nagle, delayed ACK, persist and keepalive.
@Suite struct TCPScriptedFlowTests {
    let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }

    @Test func zeroWindow_persistTimerProbes_withBackoff_untilWindowOpens() throws {
        var s = try TCPScript.established()
        try s.send(Array(bytes[0..<100]))
        try s.expectSegment(at: .zero, seq: 1, payloadCount: 100)
        s.deliver(s.peer([], seq: 1, ack: 101, window: 0), at: .at(ms: 10))
        try s.send(Array(bytes[100..<200]))
        try s.expectNothing(until: .at(ms: 209))
        // Probe: an old sequence number (SND.UNA − 1) that forces the peer to ACK.
        try s.expectSegment(at: .at(ms: 210), flags: [.ack], seq: 100, payloadCount: 0)
        s.deliver(s.peer([], seq: 1, ack: 101, window: 0), at: .at(ms: 211))
        // The timer was re-armed with a doubled interval when the probe left.
        try s.expectNothing(until: .at(ms: 609))
        try s.expectSegment(at: .at(ms: 610), flags: [.ack], seq: 100, payloadCount: 0)
        s.deliver(s.peer([], seq: 1, ack: 101, window: 5000), at: .at(ms: 700))
        try s.expectSegment(at: .at(ms: 700), seq: 101, payloadCount: 100)
        let events = s.connection.drainEvents().map(\.kind)
        #expect(events.filter { $0 == .zeroWindowProbe }.count == 2)
        #expect(events.contains(.sendWindowChanged(0)))
        #expect(events.contains(.sendWindowChanged(5000)))
    }

    @Test func zeroWindow_probesAnsweredForever_neverAbort() throws {
        var c = TCPScript.plainConfiguration
        c.maximumRetransmissions = 3
        c.maximumRTO = .seconds(1)
        var s = try TCPScript.established(c)
        try s.send([1])
        s.deliver(s.peer([], seq: 1, ack: 2, window: 0), at: .at(ms: 1))
        try s.send([2])
        for second in 1...10 {
            s.advance(to: .at(ms: Double(second) * 1500))
            for probe in s.unread { s.deliver(s.peer([], seq: 1, ack: 2, window: 0), at: probe.time) }
            s.discardUnread()
        }
        #expect(s.connection.state == .established)
    }

    @Test func receiver_unreadData_shrinksWindow_toZero_thenReadSendsWindowUpdate() throws {
        var c = TCPScript.plainConfiguration
        c.receiveBufferSize = 4000
        var s = try TCPScript.established(c)
        s.deliver(s.peer([], seq: 1, ack: 1, payload: Array(bytes[0..<1000])), at: .at(ms: 1))
        try s.expectSegment(flags: [.ack], ack: 1001, window: 3000)
        s.deliver(s.peer([], seq: 1001, ack: 1, payload: Array(bytes[1000..<4000])), at: .at(ms: 2))
        try s.expectSegment(flags: [.ack], ack: 4001, window: 0)
        #expect(s.connection.stats.receiveWindow == 0)
        // Data beyond a zero window is dropped and answered with an ACK.
        s.deliver(s.peer([], seq: 4001, ack: 1, payload: [1]), at: .at(ms: 3))
        try s.expectSegment(flags: [.ack], ack: 4001, window: 0)
        #expect(s.read(maxCount: 100).count == 100)
        try s.expectNothing(until: .at(ms: 3))  // 100 bytes: too little to announce
        #expect(s.read().count == 3900)
        try s.expectSegment(at: .at(ms: 3), flags: [.ack], ack: 4001, window: 4000)
    }

    @Test func receiver_segmentPartlyBeyondWindow_isTrimmedToWindow() throws {
        var c = TCPScript.plainConfiguration
        c.receiveBufferSize = 1500
        var s = try TCPScript.established(c)
        s.deliver(s.peer([], seq: 1, ack: 1, payload: Array(bytes[0..<2000])), at: .at(ms: 1))
        try s.expectSegment(flags: [.ack], ack: 1501, window: 0)
        #expect(s.read() == Array(bytes[0..<1500]))
    }

    @Test func windowScale_negotiated_peerWindowIsShifted_ourWindowIsShifted() throws {
        var c = TCPScript.plainConfiguration
        c.isWindowScalingEnabled = true
        c.receiveBufferSize = 256 * 1024
        var s = TCPScript.activeOpen(c)
        let syn = try s.expectSegment(flags: [.syn])
        #expect(syn.header.options.contains(.windowScale(3)))
        #expect(syn.header.window == 65535)
        s.deliver(s.peer([.syn], seq: 0, ack: 1, window: 1000, options: [.maximumSegmentSize(1000), .windowScale(2)]))
        let ack = try s.expectSegment(flags: [.ack])
        #expect(ack.header.window == UInt16(256 * 1024 >> 3))
        // The window in the SYN-ACK itself is not scaled.
        #expect(s.connection.stats.sendWindow == 1000)
        s.deliver(s.peer([], seq: 1, ack: 1, window: 1000), at: .at(ms: 1))
        #expect(s.connection.stats.sendWindow == 4000)
    }

    @Test func windowScale_peerDidNotOffer_isOffOnBothSides() throws {
        var c = TCPScript.plainConfiguration
        c.isWindowScalingEnabled = true
        c.receiveBufferSize = 256 * 1024
        var s = TCPScript.activeOpen(c)
        try s.expectSegment(flags: [.syn])
        s.deliver(s.peer([.syn], seq: 0, ack: 1, window: 1000, options: [.maximumSegmentSize(1000)]))
        let ack = try s.expectSegment(flags: [.ack])
        #expect(ack.header.window == 65535)
        #expect(s.connection.stats.sendWindowShift == 0 && s.connection.stats.receiveWindowShift == 0)
    }

    @Test func timestamps_areEchoed_andOldTimestampIsRejectedByPAWS() throws {
        var c = TCPScript.plainConfiguration
        c.isTimestampsEnabled = true
        var s = TCPScript.activeOpen(c)
        try s.expectSegment(flags: [.syn])
        s.deliver(s.peer([.syn], seq: 0, ack: 1, options: [.timestamps(value: 500, echoReply: 0)]))
        let ack = try s.expectSegment(flags: [.ack])
        #expect(ack.timestamps?.echoReply == 500)
        s.deliver(s.peer([], seq: 1, ack: 1, payload: [1], options: [.timestamps(value: 600, echoReply: 0)]), at: .at(ms: 1))
        #expect(try s.expectSegment(flags: [.ack], ack: 2).timestamps?.echoReply == 600)
        // An older timestamp: an old duplicate, dropped and answered with an ACK.
        s.deliver(s.peer([], seq: 2, ack: 1, payload: [2], options: [.timestamps(value: 550, echoReply: 0)]), at: .at(ms: 2))
        try s.expectSegment(flags: [.ack], ack: 2)
        #expect(s.read() == [1])
    }

    @Test func mss_peerAnnounces500_segmentsCarryAtMost500() throws {
        var s = try TCPScript.established(peerOptions: [.maximumSegmentSize(500)])
        try s.send(Array(bytes[0..<1200]))
        try s.expectSegment(seq: 1, payloadCount: 500)
        try s.expectSegment(seq: 501, payloadCount: 500)
        try s.expectSegment(seq: 1001, payloadCount: 200)
    }

    @Test func mss_peerSentNoOption_defaultsTo536() throws {
        var s = try TCPScript.established(peerOptions: [])
        try s.send(Array(bytes[0..<600]))
        try s.expectSegment(seq: 1, payloadCount: 536)
    }

    @Test func nagle_on_smallWritesWaitForAckOfPreviousSmallSegment() throws {
        var c = TCPScript.plainConfiguration
        c.isNagleEnabled = true
        var s = try TCPScript.established(c)
        try s.send([1])
        try s.expectSegment(at: .zero, seq: 1, payloadCount: 1)
        try s.send([2])
        try s.send([3])
        try s.expectNothing(until: .at(ms: 10))
        s.deliver(s.peer([], seq: 1, ack: 2), at: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 20), seq: 2, payloadCount: 2)
    }

    @Test func nagle_off_smallWritesGoOutAtOnce() throws {
        var s = try TCPScript.established()
        try s.send([1])
        try s.send([2])
        try s.expectSegment(at: .zero, seq: 1, payloadCount: 1)
        try s.expectSegment(at: .zero, seq: 2, payloadCount: 1)
    }

    @Test func delayedAck_singleSegment_isAckedAfter40ms() throws {
        var c = TCPScript.plainConfiguration
        c.isDelayedAckEnabled = true
        var s = try TCPScript.established(c)
        s.deliver(s.peer([], seq: 1, ack: 1, payload: [1, 2, 3]), at: .at(ms: 10))
        try s.expectNothing(until: .at(ms: 49))
        try s.expectSegment(at: .at(ms: 50), flags: [.ack], ack: 4)
    }

    @Test func delayedAck_secondFullSegment_isAckedAtOnce() throws {
        var c = TCPScript.plainConfiguration
        c.isDelayedAckEnabled = true
        c.maximumSegmentSize = 1000
        var s = try TCPScript.established(c)
        s.deliver(s.peer([], seq: 1, ack: 1, payload: Array(bytes[0..<1000])), at: .at(ms: 10))
        try s.expectNothing(until: .at(ms: 11))
        s.deliver(s.peer([], seq: 1001, ack: 1, payload: Array(bytes[1000..<2000])), at: .at(ms: 11))
        try s.expectSegment(at: .at(ms: 11), flags: [.ack], ack: 2001)
    }

    @Test func delayedAck_outOfOrderSegment_isAckedAtOnce() throws {
        var c = TCPScript.plainConfiguration
        c.isDelayedAckEnabled = true
        var s = try TCPScript.established(c)
        s.deliver(s.peer([], seq: 101, ack: 1, payload: [1]), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 10), flags: [.ack], ack: 1)
    }

    @Test func delayedAck_piggybacksOnOutgoingData() throws {
        var c = TCPScript.plainConfiguration
        c.isDelayedAckEnabled = true
        var s = try TCPScript.established(c)
        s.deliver(s.peer([], seq: 1, ack: 1, payload: [1, 2, 3]), at: .at(ms: 10))
        try s.send([9])
        try s.expectSegment(at: .at(ms: 10), seq: 1, ack: 4, payloadCount: 1)
        try s.expectNothing(until: .at(ms: 100))
    }

    @Test func keepalive_idleConnection_probes_thenAbortsWhenUnanswered() throws {
        var c = TCPScript.plainConfiguration
        c.keepalive = .init(idle: .seconds(10), interval: .seconds(1), probes: 3)
        var s = try TCPScript.established(c)
        try s.expectSegment(at: .at(ms: 10_000), flags: [.ack], seq: 0)
        try s.expectSegment(at: .at(ms: 11_000), flags: [.ack], seq: 0)
        try s.expectSegment(at: .at(ms: 12_000), flags: [.ack], seq: 0)
        try s.expectSegment(at: .at(ms: 13_000), flags: [.rst])
        #expect(s.connection.error == .keepaliveTimedOut)
    }

    @Test func keepalive_answeredProbe_keepsConnectionOpen() throws {
        var c = TCPScript.plainConfiguration
        c.keepalive = .init(idle: .seconds(10), interval: .seconds(1), probes: 3)
        var s = try TCPScript.established(c)
        try s.expectSegment(at: .at(ms: 10_000), seq: 0)
        s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 10_005))
        try s.expectNothing(until: .at(ms: 20_004))
        try s.expectSegment(at: .at(ms: 20_005), seq: 0)
        #expect(s.connection.state == .established)
    }

    @Test func sendWindow_limitsDataInFlight() throws {
        var s = try TCPScript.established(peerWindow: 2500)
        try s.send(Array(bytes[0..<5000]))
        try s.expectSegment(seq: 1, payloadCount: 1000)
        try s.expectSegment(seq: 1001, payloadCount: 1000)
        // 500 bytes of window left: less than half the largest window seen, so wait.
        try s.expectNothing(until: .at(ms: 5))
        s.deliver(s.peer([], seq: 1, ack: 2001, window: 2500), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 10), seq: 2001, payloadCount: 1000)
    }
}
