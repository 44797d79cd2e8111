import RawNetCore
import RawNetSim
import RawNetWire
import Testing

/// `congestionChanged`: the congestion window and threshold reported as they
/// move, once per report however many ACKs moved them, and by a stack only
/// while someone watches.
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
        s.connection.reportCongestionChange(now: s.now)
        let initial = Self.congestionEvents(s.connection.drainEvents())
        #expect(initial.count == 1 && initial.first?.cwnd == 10_000)
        try s.send(Array(Self.bytes[0..<4000]))
        s.discardUnread()
        s.connection.reportCongestionChange(now: s.now)
        #expect(Self.congestionEvents(s.connection.drainEvents()).isEmpty)  // sending alone moves nothing
        s.deliver(s.peer([], seq: 1, ack: 2001), at: .at(ms: 10))
        s.deliver(s.peer([], seq: 1, ack: 4001), at: .at(ms: 10))
        s.connection.reportCongestionChange(now: s.now)
        #expect(Self.congestionEvents(s.connection.drainEvents()).map(\.cwnd) == [14_000])  // two ACKs, one report
    }

    @Test func aTimeout_reportsTheCollapsedWindowAndNewThreshold() throws {
        var s = try TCPScript.established(Self.recording())
        _ = s.connection.drainEvents()
        try s.send(Array(Self.bytes[0..<1000]))
        s.discardUnread()
        s.advance(to: .at(ms: 1500))
        s.connection.reportCongestionChange(now: s.now)
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
        s.connection.reportCongestionChange(now: s.now)
        #expect(s.connection.drainEvents().isEmpty)
    }

    /// A stack reports congestion changes only while `reportsCongestion` is on.
    @Test func aStack_reportsOnlyWhileWatched() throws {
        var configuration = Self.recording()
        configuration.isNagleEnabled = false
        var client = TCPStack(address: TCPScript.localAddress, configuration: configuration, initialSequenceNumbers: .seeded(1))
        var server = TCPStack(address: TCPScript.remoteAddress, configuration: configuration, initialSequenceNumbers: .seeded(2))
        try server.listen(port: 80)
        func exchange(_ now: Instant) -> [TCPEvent.Kind] {
            var kinds: [TCPEvent.Kind] = []
            for _ in 0..<20 {
                let a = client.poll(now: now), b = server.poll(now: now)
                kinds += client.drainEvents().map { $0.1.kind }
                _ = server.drainEvents()
                if a.isEmpty && b.isEmpty { break }
                for segment in a { server.handle(segment, now: now) }
                for segment in b { client.handle(segment, now: now) }
            }
            return kinds
        }
        func congestion(_ kinds: [TCPEvent.Kind]) -> Int {
            kinds.filter { if case .congestionChanged = $0 { true } else { false } }.count
        }
        let id = try client.connect(to: TCPScript.remoteAddress, port: 80, now: .zero)
        #expect(congestion(exchange(Instant.zero)) == 0)
        client.reportsCongestion = true
        _ = try client.send(Array(Self.bytes[0..<3000]), on: id)
        let watched = exchange(.at(ms: 1))
        #expect(congestion(watched) >= 1)
        client.reportsCongestion = false
        _ = try client.send(Array(Self.bytes[3000..<6000]), on: id)
        #expect(congestion(exchange(.at(ms: 2))) == 0)
    }
}
