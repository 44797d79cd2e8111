import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// The three-way handshake, RFC 9293 §3.5, one step at a time.
@Suite struct TCPScriptedHandshakeTests {
    @Test func closed_connect_sendsSynWithMSSWindowScaleSACKAndTimestamps() throws {
        var s = TCPScript.activeOpen(TCPConfiguration())
        let syn = try s.expectSegment(at: .zero, flags: [.syn], seq: 0)
        #expect(syn.header.options.contains(.maximumSegmentSize(1460)))
        #expect(syn.header.options.contains(.windowScale(1)))
        #expect(syn.header.options.contains(.sackPermitted))
        #expect(syn.timestamps != nil)
        #expect(s.connection.state == .synSent)
    }

    @Test func synSent_synAck_entersEstablished_andAcks() throws {
        var s = TCPScript.activeOpen()
        try s.expectSegment(flags: [.syn])
        s.deliver(s.peer([.syn], seq: 0, ack: 1), at: .at(ms: 30))
        try s.expectSegment(at: .at(ms: 30), flags: [.ack], seq: 1, ack: 1)
        #expect(s.connection.state == .established)
        #expect(s.connection.stats.smoothedRTT == .milliseconds(30))
    }

    @Test func synSent_noAnswer_retransmitsSynAt1s3s7s_thenTimesOut() throws {
        var config = TCPScript.plainConfiguration
        config.maximumSYNRetransmissions = 3
        var s = TCPScript.activeOpen(config)
        try s.expectSegment(at: .zero, flags: [.syn], seq: 0)
        try s.expectNothing(until: .at(ms: 999))
        try s.expectSegment(at: .at(ms: 1000), flags: [.syn], seq: 0)
        try s.expectSegment(at: .at(ms: 3000), flags: [.syn], seq: 0)
        try s.expectSegment(at: .at(ms: 7000), flags: [.syn], seq: 0)
        try s.expectNothing(until: .at(ms: 15000))
        #expect(s.connection.state == .closed)
        #expect(s.connection.error == .timedOut(retransmissions: 3))
    }

    /// Two SYNs lost: the handshake gives no RTT sample (Karn's rule), and data starts with a
    /// 3 s timeout, not the handshake's backed-off 4 s and more (RFC 6298 §5.7, as Linux).
    @Test func synSent_afterSYNTimeouts_dataStartsWithA3sTimeout() throws {
        var s = TCPScript.activeOpen(TCPScript.plainConfiguration)
        try s.expectSegment(at: .zero, flags: [.syn], seq: 0)
        try s.expectSegment(at: .at(ms: 1000), flags: [.syn], seq: 0)
        try s.expectSegment(at: .at(ms: 3000), flags: [.syn], seq: 0)
        #expect(s.connection.stats.rto == .seconds(4))
        s.deliver(s.peer([.syn], seq: 0, ack: 1), at: .at(ms: 3030))
        try s.expectSegment(at: .at(ms: 3030), flags: [.ack], seq: 1, ack: 1)
        #expect(s.connection.state == .established)
        #expect(s.connection.stats.smoothedRTT == nil, "no sample from a retransmitted SYN")
        #expect(s.connection.stats.rto == .seconds(3))
        _ = try s.send(Array("hi".utf8))
        try s.expectSegment(at: .at(ms: 3030), flags: [.ack, .psh], seq: 1, ack: 1)
        try s.expectNothing(until: .at(ms: 6029))
        try s.expectSegment(at: .at(ms: 6030), flags: [.ack, .psh], seq: 1, ack: 1)
    }

    @Test func synSent_rstAckingSyn_refusesConnection() throws {
        var s = TCPScript.activeOpen()
        try s.expectSegment(flags: [.syn])
        s.deliver(s.peer([.rst], seq: 0, ack: 1), at: .at(ms: 5))
        #expect(s.connection.state == .closed)
        #expect(s.connection.error == .connectionRefused)
        try s.expectNothing(until: .at(ms: 5000))
    }

    @Test func synSent_rstWithoutAck_isIgnored() throws {
        var s = TCPScript.activeOpen()
        try s.expectSegment(flags: [.syn])
        s.deliver(s.peer([.rst], seq: 0), at: .at(ms: 5))
        #expect(s.connection.state == .synSent)
        try s.expectSegment(at: .at(ms: 1000), flags: [.syn])
    }

    @Test func synSent_ackOfUnsentSequence_answersWithReset() throws {
        var s = TCPScript.activeOpen()
        try s.expectSegment(flags: [.syn])
        s.deliver(s.peer([.syn], seq: 0, ack: 77), at: .at(ms: 5))
        // RFC 9293: <SEQ=SEG.ACK><CTL=RST>
        try s.expectSegment(at: .at(ms: 5), flags: [.rst], seq: 77)
        #expect(s.connection.state == .synSent)
    }

    @Test func synSent_bareSyn_simultaneousOpen_sendsSynAck_thenEstablishes() throws {
        var s = TCPScript.activeOpen()
        try s.expectSegment(flags: [.syn], seq: 0)
        s.deliver(s.peer([.syn], seq: 0, options: [.maximumSegmentSize(1460)]), at: .at(ms: 1))
        #expect(s.connection.state == .synReceived)
        try s.expectSegment(at: .at(ms: 1), flags: [.syn, .ack], seq: 0, ack: 1)
        s.deliver(s.peer([.syn], seq: 0, ack: 1), at: .at(ms: 2))
        // Each side's SYN-ACK acknowledges the other's SYN (RFC 9293 figure 8): no more is needed.
        #expect(s.connection.state == .established)
        try s.expectNothing(until: .at(ms: 3000))
    }

    @Test func listen_syn_sendsSynAckWithNegotiatedOptionsOnly() throws {
        var s = TCPScript.passiveOpen(TCPConfiguration(), synOptions: [.maximumSegmentSize(1200), .sackPermitted])
        let synAck = try s.expectSegment(at: .zero, flags: [.syn, .ack], seq: 0, ack: 1)
        #expect(synAck.header.options.contains(.sackPermitted))
        #expect(!synAck.header.options.contains { if case .windowScale = $0 { true } else { false } })
        #expect(synAck.timestamps == nil)
        #expect(s.connection.state == .synReceived)
        #expect(s.connection.stats.sendMSS == 1200)
    }

    @Test func synReceived_ack_entersEstablished() throws {
        var s = TCPScript.passiveOpen()
        try s.expectSegment(flags: [.syn, .ack])
        s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 10))
        #expect(s.connection.state == .established)
        try s.expectNothing(until: .at(ms: 5000))
    }

    @Test func synReceived_duplicateSyn_resendsSynAck() throws {
        var s = TCPScript.passiveOpen()
        try s.expectSegment(flags: [.syn, .ack])
        s.deliver(s.peer([.syn], seq: 0), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 10), flags: [.syn, .ack], seq: 0, ack: 1)
        #expect(s.connection.state == .synReceived)
    }

    @Test func synReceived_noAck_retransmitsSynAckAfterOneSecond() throws {
        var s = TCPScript.passiveOpen()
        try s.expectSegment(at: .zero, flags: [.syn, .ack])
        try s.expectSegment(at: .at(ms: 1000), flags: [.syn, .ack], seq: 0, ack: 1)
    }

    @Test func synReceived_ackOfWrongSequence_sendsReset() throws {
        var s = TCPScript.passiveOpen()
        try s.expectSegment(flags: [.syn, .ack])
        s.deliver(s.peer([], seq: 1, ack: 500), at: .at(ms: 10))
        try s.expectSegment(at: .at(ms: 10), flags: [.rst], seq: 500)
        #expect(s.connection.state == .synReceived)
    }

    @Test func synReceived_rst_closesWithoutReply() throws {
        var s = TCPScript.passiveOpen()
        try s.expectSegment(flags: [.syn, .ack])
        s.deliver(s.peer([.rst], seq: 1), at: .at(ms: 10))
        #expect(s.connection.state == .closed)
        try s.expectNothing(until: .at(ms: 3000))
    }

    @Test func synReceived_dataWithHandshakeAck_isDelivered() throws {
        var s = TCPScript.passiveOpen()
        try s.expectSegment(flags: [.syn, .ack])
        s.deliver(s.peer([.psh], seq: 1, ack: 1, payload: Array("hello".utf8)), at: .at(ms: 10))
        #expect(s.connection.state == .established)
        try s.expectSegment(at: .at(ms: 10), flags: [.ack], seq: 1, ack: 6)
        #expect(s.read() == Array("hello".utf8))
    }

    @Test func synSent_close_goesStraightToClosed() throws {
        var s = TCPScript.activeOpen()
        try s.expectSegment(flags: [.syn])
        s.close()
        #expect(s.connection.state == .closed)
        try s.expectNothing(until: .at(ms: 5000))
    }
}

extension TCPScriptedHandshakeTests {
    @Test func synSent_closeWithQueuedData_sendsDataThenFinAfterHandshake() throws {
        var s = TCPScript.activeOpen()
        try s.expectSegment(flags: [.syn])
        try s.send([1, 2, 3])
        s.close()
        #expect(s.connection.state == .synSent)
        s.deliver(s.peer([.syn], seq: 0, ack: 1, options: [.maximumSegmentSize(1000)]), at: .at(ms: 10))
        #expect(s.connection.state == .finWait1)
        try s.expectSegment(at: .at(ms: 10), flags: [.ack, .psh, .fin], seq: 1, ack: 1, payloadCount: 3)
    }
}
