import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// Every retransmitted segment is counted once under the reason it was sent
/// for (`TCPRetransmitFamily`), and the counts add up to `retransmissions`.
@Suite struct TCPRetransmitCountTests {
    let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0) }

    static func counts(_ s: TCPScript) -> [TCPRetransmitFamily: Int] {
        let stats = s.connection.stats
        #expect(TCPRetransmitFamily.allCases.reduce(0) { $0 + stats.retransmitsBy[$1] } == stats.retransmissions)
        return Dictionary(uniqueKeysWithValues: TCPRetransmitFamily.allCases.map { ($0, stats.retransmitsBy[$0]) })
    }

    @Test func timeouts_areCountedAsTimeouts() throws {
        var s = try TCPScript.established()
        try s.send(Array(bytes[0..<100]))
        try s.expectSegment(at: .zero, seq: 1, payloadCount: 100)
        try s.expectSegment(at: .at(ms: 200), seq: 1, payloadCount: 100)
        try s.expectSegment(at: .at(ms: 600), seq: 1, payloadCount: 100)
        #expect(Self.counts(s) == [.timeout: 2, .duplicateAcks: 0, .rack: 0, .lossProbe: 0])
    }

    @Test func threeDuplicateAcks_andThePartialAckAfter_countAsDuplicateAcks() throws {
        var s = try TCPScript.established()
        try s.send(Array(bytes[0..<5000]))
        for i in 0..<5 { try s.expectSegment(at: .zero, seq: 1 + 1000 * i, payloadCount: 1000) }
        for _ in 0..<3 { s.deliver(s.peer([], seq: 1, ack: 1), at: .at(ms: 10)) }
        try s.expectSegment(at: .at(ms: 10), seq: 1, payloadCount: 1000)
        s.deliver(s.peer([], seq: 1, ack: 2001), at: .at(ms: 20))  // partial: 2001 is missing too
        try s.expectSegment(at: .at(ms: 20), seq: 2001, payloadCount: 1000)
        #expect(Self.counts(s) == [.timeout: 0, .duplicateAcks: 2, .rack: 0, .lossProbe: 0])
    }

    @Test func tailLossProbe_thenRACK() throws {
        var s = try TCPScriptedRACKTests.established()
        try s.send(Array(bytes[0..<3000]))
        s.discardUnread()
        try s.expectSegment(at: .at(ms: 32), seq: 2001, payloadCount: 1000)
        s.deliver(s.peer([], seq: 1, ack: 1, options: [s.sack([2001..<3001])]), at: .at(ms: 42))
        try s.expectSegment(at: .at(ms: 42), seq: 1, payloadCount: 1000)
        try s.expectSegment(at: .at(ms: 42), seq: 1001, payloadCount: 1000)
        #expect(Self.counts(s) == [.timeout: 0, .duplicateAcks: 0, .rack: 2, .lossProbe: 1])
    }

    @Test func unansweredProbe_thenTimeout() throws {
        var s = try TCPScriptedRACKTests.established()
        try s.send(Array(bytes[0..<3000]))
        s.discardUnread()
        try s.expectSegment(at: .at(ms: 32), seq: 2001)
        try s.expectSegment(at: .at(ms: 232), seq: 1, payloadCount: 1000)
        #expect(Self.counts(s) == [.timeout: 1, .duplicateAcks: 0, .rack: 0, .lossProbe: 1])
    }

    @Test func aRetransmittedSYN_isATimeout() throws {
        var s = TCPScript.activeOpen()
        try s.expectSegment(flags: [.syn])
        try s.expectSegment(at: .at(ms: 1000), flags: [.syn])
        #expect(Self.counts(s) == [.timeout: 1, .duplicateAcks: 0, .rack: 0, .lossProbe: 0])
    }
}
