import Testing
import RawNetCore
import RawNetWire
import RawNetSim

/// Socket options changed on an established connection take effect at once.
@Suite struct TCPLiveOptionTests {
    @Test func nagleTurnedOff_releasesTheHeldBackSmallSegment() throws {
        var c = TCPScript.plainConfiguration
        c.isNagleEnabled = true
        var s = try TCPScript.established(c)
        try s.send([1])
        try s.expectSegment(at: .zero, seq: 1, payloadCount: 1)
        try s.send([2])
        try s.send([3])
        try s.expectNothing(until: .at(ms: 10))
        s.connection.setNagle(false)
        try s.expectSegment(at: .at(ms: 10), seq: 2, payloadCount: 2)
    }

    @Test func delayedAckTurnedOff_sendsThePendingAckNow() throws {
        var c = TCPScript.plainConfiguration
        c.isDelayedAckEnabled = true
        var s = try TCPScript.established(c)
        s.deliver(s.peer([], seq: 1, ack: 1, payload: [1, 2, 3]), at: .at(ms: 10))
        try s.expectNothing(until: .at(ms: 19))
        s.connection.setDelayedAck(false, now: .at(ms: 20))
        try s.expectSegment(at: .at(ms: 20), flags: [.ack], ack: 4)
        // From now on every segment is acknowledged at once.
        s.deliver(s.peer([], seq: 4, ack: 1, payload: [4]), at: .at(ms: 30))
        try s.expectSegment(at: .at(ms: 30), flags: [.ack], ack: 5)
    }

    @Test func congestionSwitch_keepsTheWindowAndStartsTheNewModel() throws {
        var s = try TCPScript.established()
        let before = s.connection.stats
        s.connection.setCongestionControl(.bbr)
        #expect(s.connection.configuration.congestionControl == .bbr)
        #expect(s.connection.stats.congestionWindow == before.congestionWindow)
        #expect(s.connection.stats.slowStartThreshold == before.slowStartThreshold)
        #expect(s.connection.stats.bbr != nil, "BBR's model is running")
        s.connection.setCongestionControl(.cubic)
        #expect(s.connection.stats.bbr == nil)
        #expect(s.connection.stats.congestionWindow == before.congestionWindow)
    }

    @Test func sendBufferShrunk_keepsWhatItHoldsAndTakesNoMoreUntilDrained() {
        var buffer = TCPSendBuffer(capacity: 100)
        #expect(buffer.append([UInt8](repeating: 7, count: 100)) == 100)
        buffer.capacity = 40
        #expect(buffer.count == 100)
        #expect(buffer.freeSpace == 0)
        #expect(buffer.append([1, 2, 3]) == 0)
        buffer.capacity = 0
        #expect(buffer.capacity == 1, "a capacity is at least one byte")
    }

    @Test func promisedBytes_goInWhole_andTheBufferKeepsItsSizeAndAutotuning() throws {
        var c = TCPScript.plainConfiguration
        c.sendBufferSize = 4_000
        c.sendBufferLimit = 64_000
        var s = try TCPScript.established(c)
        #expect(try s.connection.send([UInt8](repeating: 1, count: 3_000)) == 3_000)
        #expect(try s.connection.sendPromised([UInt8](repeating: 2, count: 2_500)) == 2_500)
        #expect(s.connection.unacknowledgedByteCount == 5_500)
        #expect(s.connection.sendBufferCapacity == 4_000, "the size stays")
        #expect(s.connection.sendBufferSpace == 0)
        #expect(try s.connection.send([3]) == 0, "nothing more until it drains below its size")
        #expect(s.connection.configuration.sendBufferLimit == 64_000, "autotuning stays on")
    }
}
