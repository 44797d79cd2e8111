import Testing
import RawNetCore
@testable import RawNetCore

@Suite struct TCPRTTEstimatorTests {
    @Test func beforeSample_timeoutIsInitial_thenRFC6298Formula() {
        var e = TCPRTTEstimator(minimum: .milliseconds(200), maximum: .seconds(60), initial: .seconds(1))
        #expect(e.timeout == .seconds(1))
        e.addSample(.milliseconds(100))
        #expect(e.smoothed == .milliseconds(100))
        #expect(e.variation == .milliseconds(50))
        #expect(e.timeout == .milliseconds(300))
        e.addSample(.milliseconds(200))
        // RTTVAR = 3/4·50 + 1/4·100 = 62.5; SRTT = 7/8·100 + 1/8·200 = 112.5
        #expect(e.variation == .microseconds(62_500))
        #expect(e.smoothed == .microseconds(112_500))
        #expect(e.timeout == .microseconds(362_500))
    }

    @Test func backoff_doubles_upToMaximum_andResets() {
        var e = TCPRTTEstimator(minimum: .milliseconds(200), maximum: .seconds(1), initial: .milliseconds(300))
        e.backOff()
        #expect(e.timeout == .milliseconds(600))
        e.backOff(); e.backOff(); e.backOff()
        #expect(e.timeout == .seconds(1))
        e.resetBackoff()
        #expect(e.timeout == .milliseconds(300))
    }

    @Test func minimum_clampsSmallTimeouts() {
        var e = TCPRTTEstimator(minimum: .milliseconds(200), maximum: .seconds(60), initial: .seconds(1))
        e.addSample(.microseconds(100))
        #expect(e.timeout == .milliseconds(200))
    }
}

@Suite struct TCPCongestionControlTests {
    @Test func newReno_slowStart_thenLinearGrowth() {
        var cc = TCPCongestionControl(algorithm: .newReno, mss: 1000, initialWindowSegments: 10)
        cc.onAck(bytes: 1000, now: .zero, smoothedRTT: nil)
        #expect(cc.window == 11_000)
        cc.onCongestionEvent(flightSize: 20_000, now: .zero)
        #expect(cc.slowStartThreshold == 10_000)
        cc.window = 10_000
        // Congestion avoidance: one MSS per window of acknowledged bytes.
        for _ in 0..<9 { cc.onAck(bytes: 1000, now: .zero, smoothedRTT: nil) }
        #expect(cc.window == 10_000)
        cc.onAck(bytes: 1000, now: .zero, smoothedRTT: nil)
        #expect(cc.window == 11_000)
    }

    @Test func timeout_collapsesWindowToOneSegment() {
        var cc = TCPCongestionControl(algorithm: .newReno, mss: 1000, initialWindowSegments: 10)
        cc.onTimeout(flightSize: 8000)
        #expect(cc.window == 1000)
        #expect(cc.slowStartThreshold == 4000)
        cc.onTimeout(flightSize: 1000)
        #expect(cc.slowStartThreshold == 2000)
    }

    @Test func cubic_reducesByBeta_andRegrowsTowardWMaxConcavely_thenProbesBeyond() {
        var cc = TCPCongestionControl(algorithm: .cubic, mss: 1000, initialWindowSegments: 100)
        cc.onCongestionEvent(flightSize: 100_000, now: .zero)
        #expect(cc.slowStartThreshold == 70_000)
        cc.window = cc.slowStartThreshold
        var now = Instant.zero
        var windows: [Int] = []
        // One round trip of 100 ms per step: K = cbrt(100·0.3/0.4) ≈ 4.2 s.
        for _ in 0..<60 {
            now += .milliseconds(100)
            for _ in 0..<(cc.window / 1000) { cc.onAck(bytes: 1000, now: now, smoothedRTT: .milliseconds(100)) }
            windows.append(cc.window)
        }
        #expect(windows == windows.sorted())
        #expect((90_000...100_000).contains(windows[19]))      // t = 2 s: concave approach
        #expect((97_000...102_000).contains(windows[41]))      // t ≈ K: plateau at W_max
        #expect(windows[59] > windows[41])                     // then convex probing
        #expect(windows[19] - windows[9] > windows[41] - windows[31])
    }

    @Test func cubeRoot_isAccurate() {
        #expect(abs(cubeRoot(27) - 3) < 1e-9)
        #expect(abs(cubeRoot(0.001) - 0.1) < 1e-9)
        #expect(abs(cubeRoot(-8) + 2) < 1e-9)
    }
}

@Suite struct TCPSACKScoreboardTests {
    @Test func add_mergesOverlappingAndTouchingRanges() {
        var b = TCPSACKScoreboard()
        do { let value = b.add(10..<20); #expect(value) }
        do { let value = b.add(30..<40); #expect(value) }
        do { let value = b.add(12..<18); #expect(!value) }
        do { let value = b.add(20..<30); #expect(value) }
        #expect(b.ranges == [10..<40])
        b.removeBelow(15)
        #expect(b.ranges == [15..<40])
    }

    @Test func isLost_needsMoreThanTwoSegmentsSACKedAbove_orThreeRanges() {
        var b = TCPSACKScoreboard()
        b.add(1000..<3000)
        #expect(!b.isLost(0, mss: 1000))
        b.add(3000..<3001)
        #expect(b.isLost(0, mss: 1000))
        var c = TCPSACKScoreboard()
        c.add(10..<11); c.add(20..<21); c.add(30..<31)
        #expect(c.isLost(0, mss: 1000))
        #expect(!c.isLost(15, mss: 1000))
    }
}

@Suite struct TCPInitialSequenceNumberTests {
    let id = TCPConnectionID(localAddress: .init(10, 0, 0, 1), localPort: 1234,
                             remoteAddress: .init(10, 0, 0, 2), remotePort: 80)

    @Test func keyed_dependsOnTupleKeyAndClock() {
        var a = TCPInitialSequenceNumbers.keyed(key0: 1, key1: 2)
        var b = TCPInitialSequenceNumbers.keyed(key0: 1, key1: 3)
        let first = a.next(for: id, now: .zero)
        do { let value = a.next(for: id, now: .zero); #expect(value == first) }
        do { let value = b.next(for: id, now: .zero); #expect(value != first) }
        // M: one tick per 4 µs.
        do { let value = a.next(for: id, now: Instant(nanoseconds: 4_000_000)); #expect(value - first == 1000) }
        var other = id
        other.remotePort = 81
        do { let value = a.next(for: other, now: .zero); #expect(value != first) }
    }

    @Test func sipHash_matchesReferenceVector() {
        // SipHash-2-4 reference: key 00..0f, message 00..0e (15 bytes) → bytes e5 45 be 49 61 ca 29 a1.
        let k0: UInt64 = 0x0706_0504_0302_0100
        let k1: UInt64 = 0x0f0e_0d0c_0b0a_0908
        #expect(SipHash24.hash(key0: k0, key1: k1, bytes: Array(0..<15)) == 0xa129_ca61_49be_45e5)
        #expect(SipHash24.hash(key0: k0, key1: k1, bytes: []) == 0x726f_db47_dd0e_0e31)
    }

    @Test func seeded_isReproducible() {
        var a = TCPInitialSequenceNumbers.seeded(42)
        var b = TCPInitialSequenceNumbers.seeded(42)
        do { let value = a.next(for: id, now: .zero); #expect(value == b.next(for: id, now: .zero)) }
    }
}
