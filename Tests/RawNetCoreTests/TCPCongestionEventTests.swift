import RawNetCore
import RawNetSim
import RawNetWire
import Testing

/// `congestionChanged`: the congestion window and threshold reported as they
/// move, at most once per poll however many ACKs moved them.
@Suite struct TCPCongestionEventTests {
    static let bytes = (0..<8000).map { UInt8(truncatingIfNeeded: $0) }

    static func recording() -> TCPConfiguration {
        var c = TCPScript.plainConfiguration
        c.recordsEvents = true
        return c
    }

    static func congestionEvents(_ events: [TCPEvent]) -> [(cwnd: Int, ssthresh: Int)] {
        events.compactMap { if case .congestionChanged(let w, let t) = $0.kind { (w, t) } else { nil } }
    }

    @Test func eachPollAfterAnAck_reportsTheGrownWindowOnce() throws {
        var s = try TCPScript.established(Self.recording())
        let initial = Self.congestionEvents(s.connection.drainEvents())
        #expect(initial.count == 1 && initial.first?.cwnd == 10_000)
        try s.send(Array(Self.bytes[0..<4000]))
        s.discardUnread()
        #expect(Self.congestionEvents(s.connection.drainEvents()).isEmpty)  // sending alone moves nothing
        s.deliver(s.peer([], seq: 1, ack: 2001), at: .at(ms: 10))
        let first = Self.congestionEvents(s.connection.drainEvents())
        #expect(first.map(\.cwnd) == [12_000])
        s.deliver(s.peer([], seq: 1, ack: 4001), at: .at(ms: 10))
        #expect(Self.congestionEvents(s.connection.drainEvents()).map(\.cwnd) == [14_000])
    }

    @Test func aTimeout_reportsTheCollapsedWindowAndNewThreshold() throws {
        var s = try TCPScript.established(Self.recording())
        _ = s.connection.drainEvents()
        try s.send(Array(Self.bytes[0..<1000]))
        s.discardUnread()
        s.advance(to: .at(ms: 1500))
        let events = s.connection.drainEvents()
        let reported = Self.congestionEvents(events)
        #expect(events.contains { if case .retransmitted(_, _, .timeout) = $0.kind { true } else { false } })
        let last = try #require(reported.last)
        #expect(last.cwnd == s.connection.stats.congestionWindow && last.ssthresh == s.connection.stats.slowStartThreshold)
        #expect(last.cwnd < 10_000)
    }

    @Test func withoutRecording_nothingIsReported() throws {
        var quiet = TCPScript.plainConfiguration
        quiet.recordsEvents = false
        var s = try TCPScript.established(quiet)
        try s.send(Array(Self.bytes[0..<2000]))
        s.deliver(s.peer([], seq: 1, ack: 2001), at: .at(ms: 10))
        #expect(s.connection.drainEvents().isEmpty)
    }
}
