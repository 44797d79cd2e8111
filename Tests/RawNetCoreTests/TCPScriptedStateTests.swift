import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// Transitions not covered by the handshake and close scripts, and RST
/// acceptance in every synchronized state.
@Suite struct TCPScriptedStateTests {
    enum Setup: String, CaseIterable, Sendable {
        case established, finWait1, finWait2, closeWait, closing, lastAck
    }

    /// Brings a fresh connection into `setup`; returns the next expected peer seq.
    static func connection(in setup: Setup) throws -> (TCPScript, Int) {
        var s = try TCPScript.established()
        var peerSeq = 1
        switch setup {
        case .established: break
        case .finWait1: s.close()
        case .finWait2:
            s.close()
            s.deliver(s.peer([], seq: 1, ack: 2), at: .at(ms: 1))
        case .closeWait:
            s.deliver(s.peer([.fin], seq: 1, ack: 1), at: .at(ms: 1))
            peerSeq = 2
        case .closing:
            s.close()
            s.deliver(s.peer([.fin], seq: 1, ack: 1), at: .at(ms: 1))
            peerSeq = 2
        case .lastAck:
            s.deliver(s.peer([.fin], seq: 1, ack: 1), at: .at(ms: 1))
            s.close()
            peerSeq = 2
        }
        s.discardUnread()
        return (s, peerSeq)
    }

    @Test(arguments: Setup.allCases)
    func rstAtExactSequence_inEverySynchronizedState_resets(_ setup: Setup) throws {
        var (s, peerSeq) = try Self.connection(in: setup)
        #expect(s.connection.state == TCPState(rawValue: setup.rawValue))
        s.deliver(s.peer([.rst], seq: peerSeq), at: .at(ms: 5))
        #expect(s.connection.state == .closed)
        #expect(s.connection.error == .connectionReset)
        try s.expectNothing(until: .at(ms: 2000))
    }

    @Test(arguments: Setup.allCases)
    func rstInWindowNotExact_inEverySynchronizedState_getsChallengeAck(_ setup: Setup) throws {
        var (s, peerSeq) = try Self.connection(in: setup)
        let before = s.connection.state
        s.deliver(s.peer([.rst], seq: peerSeq + 10), at: .at(ms: 5))
        try s.expectSegment(at: .at(ms: 5), flags: [.ack], ack: peerSeq)
        #expect(s.connection.state == before)
    }

    @Test func synReceived_close_sendsFinOnceHandshakeCompletes_finWait1() throws {
        var s = TCPScript.passiveOpen()
        try s.expectSegment(flags: [.syn, .ack])
        s.close()
        #expect(s.connection.state == .synReceived)
        s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 10))
        #expect(s.connection.state == .finWait1)
        try s.expectSegment(at: .at(ms: 10), flags: [.fin, .ack], seq: 1, ack: 1)
    }

    @Test func lastAck_finUnacked_isRetransmitted_thenAckCloses() throws {
        var (s, _) = try Self.connection(in: .lastAck)
        try s.expectSegment(at: .at(ms: 201), flags: [.fin, .ack], seq: 1, ack: 2)
        s.deliver(s.peer([], seq: 2, ack: 2), at: .at(ms: 210))
        #expect(s.connection.state == .closed)
        #expect(s.connection.error == nil)
    }

    @Test func closing_finUnacked_isRetransmitted() throws {
        var (s, _) = try Self.connection(in: .closing)
        try s.expectSegment(at: .at(ms: 200), flags: [.fin, .ack], seq: 1, ack: 2)
        #expect(s.connection.state == .closing)
    }

    @Test func established_retransmittedSynAck_isAckedAgain() throws {
        var s = try TCPScript.established()
        s.deliver(s.peer([.syn], seq: 0, ack: 1), at: .at(ms: 30))
        try s.expectSegment(at: .at(ms: 30), flags: [.ack], seq: 1, ack: 1)
        #expect(s.connection.state == .established)
    }
}
