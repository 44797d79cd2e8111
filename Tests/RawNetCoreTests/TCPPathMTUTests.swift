import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// Path MTU discovery in the connection (RFC 1191 §6.3): segments fit the
/// interface's MTU, and ICMP "fragmentation needed" shrinks them and resends.
@Suite struct TCPPathMTUTests {
    static let data: [UInt8] = (0..<4000).map { UInt8(truncatingIfNeeded: $0) }

    static func configuration(pathMTU: Int?, timestamps: Bool = false) -> TCPConfiguration {
        var c = TCPScript.plainConfiguration
        c.maximumSegmentSize = 1460
        c.pathMTU = pathMTU
        c.isTimestampsEnabled = timestamps
        return c
    }

    @Test func timestamps_takeTheirTwelveBytesOutOfTheSegment_asLinux() throws {
        var s = TCPScript.activeOpen(Self.configuration(pathMTU: 1500, timestamps: true))
        let syn = try s.expectSegment(flags: [.syn])
        #expect(syn.header.options.contains(.maximumSegmentSize(1460)))
        s.deliver(s.peer([.syn, .ack], seq: 0, ack: 1,
                         options: [.maximumSegmentSize(1460), .timestamps(value: 1, echoReply: 0)]))
        try s.expectSegment(flags: [.ack])
        #expect(s.connection.stats.sendMSS == 1448 && s.connection.stats.pathMTU == 1500)
        try s.send(Array(Self.data[0..<2000]))
        let first = try s.expectSegment(seq: 1, payloadCount: 1448)
        // 20 (IP) + 20 (TCP) + 12 (timestamps) + 1448 = the MTU exactly.
        #expect(40 + first.header.headerLength - 20 + first.payload.count == 1500)
    }

    @Test func withoutAPathMTU_segmentsFollowTheMSSAlone() throws {
        var s = try TCPScript.established(Self.configuration(pathMTU: nil), peerOptions: [.maximumSegmentSize(1460)])
        #expect(s.connection.stats.pathMTU == nil)
        try s.send(Array(Self.data[0..<2000]))
        try s.expectSegment(seq: 1, payloadCount: 1460)
    }

    @Test func fragmentationNeeded_shrinksSegmentsAndResendsWhatWasInFlight() throws {
        var s = try TCPScript.established(Self.configuration(pathMTU: 1500), peerOptions: [.maximumSegmentSize(1460)])
        try s.send(Self.data)
        try s.expectSegment(seq: 1, payloadCount: 1460)
        try s.expectSegment(seq: 1461, payloadCount: 1460)
        try s.expectSegment(seq: 2921, payloadCount: 1080)
        let windowBefore = s.connection.congestionWindow

        // A router on the way has a 1000-byte link: everything in flight was dropped there.
        let lowered1 = s.connection.pathMTUDecreased(to: 1000, now: s.now)
        #expect(lowered1)
        s.advance(to: s.now)
        #expect(s.connection.stats.sendMSS == 960 && s.connection.stats.pathMTU == 1000)
        for (index, start) in stride(from: 1, through: 4000, by: 960).enumerated() {
            try s.expectSegment(seq: start, payloadCount: min(960, 4001 - start))
            _ = index
        }
        #expect(s.connection.stats.retransmissions == 5)
        #expect(s.connection.stats.timeouts == 0)
        // The window keeps its count of segments.
        #expect(s.connection.congestionWindow == windowBefore / 1460 * 960)

        // Reports that are not smaller, or below 68, change nothing.
        let lowered2 = s.connection.pathMTUDecreased(to: 1000, now: s.now)
        #expect(!lowered2)
        let lowered3 = s.connection.pathMTUDecreased(to: 1200, now: s.now)
        #expect(!lowered3)
        let lowered4 = s.connection.pathMTUDecreased(to: 67, now: s.now)
        #expect(!lowered4)
        #expect(s.connection.stats.pathMTU == 1000)

        // Acknowledging all of it ends the episode; new data uses the new size.
        s.deliver(s.peer([], seq: 1, ack: 4001))
        try s.send(Array(Self.data[0..<1000]))
        try s.expectSegment(seq: 4001, payloadCount: 960)
    }

    @Test func fragmentationNeeded_beforeTheHandshake_setsTheSizeItWillUse() throws {
        var s = TCPScript.activeOpen(Self.configuration(pathMTU: 1500))
        try s.expectSegment(flags: [.syn])
        let lowered5 = s.connection.pathMTUDecreased(to: 576, now: s.now)
        #expect(lowered5)
        s.deliver(s.peer([.syn, .ack], seq: 0, ack: 1, options: [.maximumSegmentSize(1460)]))
        try s.expectSegment(flags: [.ack])
        #expect(s.connection.stats.sendMSS == 536)
    }
}
