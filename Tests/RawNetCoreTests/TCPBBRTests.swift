import Testing
@testable import RawNetCore

/// BBR's model and state machine, and the delivery-rate samples that feed it.
@Suite struct TCPBBRTests {
    static let mss = 1000
    static func ms(_ value: Double) -> Instant { Instant(nanoseconds: Int64(value * 1_000_000)) }

    /// Feeds one sample per round: 10 000 bytes per 10 ms (1 MB/s), RTT `rtt`.
    struct Driver {
        var bbr = TCPBBR(mss: TCPBBRTests.mss, initialWindow: 10 * TCPBBRTests.mss)
        var window = 10 * TCPBBRTests.mss
        var delivered = 0
        var now = Instant.zero

        init() { bbr.start(smoothedRTT: .milliseconds(10)) }

        mutating func round(inFlight: Int, rtt: Duration = .milliseconds(10), bytes: Int = 10_000,
                            isAppLimited: Bool = false, step: Duration = .milliseconds(10)) {
            now += step
            let sample = TCPRateSample(delivered: bytes, interval: .milliseconds(10), isAppLimited: isAppLimited,
                                       priorDelivered: delivered, rtt: rtt, newlyDelivered: bytes)
            delivered += bytes
            window = bbr.update(sample: sample, window: window, bytesInFlight: inFlight, now: now)
        }
    }

    @Test func windowedMax_keepsTheBestOfTenRounds_thenForgetsIt() {
        var filter = TCPWindowedMaxFilter(length: 10)
        filter.update(100, round: 0)
        for round in 1...9 { filter.update(50, round: round) }
        #expect(filter.maximum(round: 9) == 100)
        filter.update(50, round: 10)
        #expect(filter.maximum(round: 10) == 50)
        filter.update(70, round: 10)
        filter.update(60, round: 10)
        #expect(filter.maximum(round: 10) == 70)
    }

    @Test func startup_endsAfterThreeRoundsWithoutGrowth_thenDrain_thenProbeBandwidth() {
        var d = Driver()
        #expect(d.bbr.mode == .startup)
        #expect(d.bbr.pacingGain == TCPBBR.highGain)
        d.round(inFlight: 30_000)  // first estimate: 1 MB/s
        for _ in 0..<2 { d.round(inFlight: 30_000) }
        #expect(d.bbr.mode == .startup)
        d.round(inFlight: 30_000)  // third round without 25 % growth
        #expect(d.bbr.isPipeFilled)
        #expect(d.bbr.mode == .drain)
        #expect(d.bbr.pacingGain < 1)
        #expect(d.bbr.bandwidth == 100_000 * 10)
        #expect(d.bbr.bandwidthDelayProduct == 10_000)
        d.round(inFlight: 9_000)  // at or under one BDP: drained
        #expect(d.bbr.mode == .probeBandwidth)
        #expect(d.bbr.windowGain == 2)
        // 2 × BDP plus three send quanta (2 MSS each at 1 MB/s).
        for _ in 0..<3 { d.round(inFlight: 9_000) }
        #expect(d.window == 2 * 10_000 + 3 * 2 * Self.mss)
    }

    @Test func probeBandwidth_cyclesItsPacingGain_upThenDown() {
        var d = Driver()
        for _ in 0..<4 { d.round(inFlight: 30_000) }
        d.round(inFlight: 9_000)
        #expect(d.bbr.mode == .probeBandwidth)
        var gains: [Double] = []
        for _ in 0..<8 {
            // Each phase lasts more than a min RTT; 13 000 ≥ 1.25 × BDP ends the probing one too.
            d.round(inFlight: 13_000, step: .milliseconds(11))
            gains.append(d.bbr.pacingGain)
        }
        #expect(gains.contains(1.25))
        #expect(gains.contains(0.75))
        #expect(gains.filter { $0 == 1 }.count >= 5)
    }

    @Test func appLimitedSample_countsOnlyWhenItBeatsTheEstimate() {
        var d = Driver()
        for _ in 0..<4 { d.round(inFlight: 30_000) }
        #expect(d.bbr.bandwidth == 1_000_000)
        d.round(inFlight: 20_000, bytes: 20_000, isAppLimited: true)  // 2 MB/s although app-limited
        #expect(d.bbr.bandwidth == 2_000_000)
        // App-limited 0.2 MB/s samples while 2 MB/s is in the window are not taken.
        for _ in 0..<9 { d.round(inFlight: 2_000, bytes: 2_000, isAppLimited: true) }
        #expect(d.bbr.bandwidth == 2_000_000)
        var plain = Driver()
        for _ in 0..<4 { plain.round(inFlight: 30_000) }
        plain.round(inFlight: 20_000, bytes: 20_000, isAppLimited: true)
        for _ in 0..<10 { plain.round(inFlight: 2_000, bytes: 2_000) }
        #expect(plain.bbr.bandwidth == 200_000)  // samples not app-limited replace it
    }

    @Test func minRTTOlderThanTenSeconds_entersProbeRTT_atFourSegments_thenReturns() {
        var d = Driver()
        for _ in 0..<4 { d.round(inFlight: 30_000) }
        d.round(inFlight: 9_000)
        for _ in 0..<3 { d.round(inFlight: 9_000) }
        let cruising = d.window
        d.now += .seconds(10)
        d.round(inFlight: 9_000, rtt: .milliseconds(12))
        #expect(d.bbr.mode == .probeRTT)
        #expect(d.window == TCPBBR.minimumWindowSegments * Self.mss)
        d.round(inFlight: 4_000, rtt: .milliseconds(12))  // drained to 4 segments: 200 ms start
        for _ in 0..<25 { d.round(inFlight: 4_000, rtt: .milliseconds(12)) }
        #expect(d.bbr.mode == .probeBandwidth)
        #expect(d.window >= cruising)
        #expect(d.bbr.minRTT == .milliseconds(12))
    }

    @Test func congestionControl_bbrIgnoresLoss_butRestartsAfterTimeout() {
        var cc = TCPCongestionControl(algorithm: .bbr, mss: Self.mss, initialWindowSegments: 10)
        #expect(cc.ignoresLoss)
        cc.onCongestionEvent(flightSize: 10_000, now: .zero)
        cc.onRecoveryExit(flightSize: 5_000)
        #expect(cc.window == 10_000)
        cc.onTimeout(flightSize: 10_000)
        #expect(cc.window == Self.mss)
        // Growth comes from rate samples, not from onAck.
        cc.onAck(bytes: 5_000, now: .zero, smoothedRTT: nil)
        #expect(cc.window == Self.mss)
        let sample = TCPRateSample(delivered: 1_000, interval: .milliseconds(10), isAppLimited: false,
                                   priorDelivered: 0, rtt: .milliseconds(10), newlyDelivered: 1_000)
        cc.onRateSample(sample, bytesInFlight: 0, smoothedRTT: .milliseconds(10), now: Self.ms(10))
        #expect(cc.window == 4 * Self.mss)  // never under four segments
        #expect(cc.pacingRate != nil)
    }

    @Test func deliveryRate_isDeliveredOverTheLongerOfSendAndAckIntervals() {
        var estimator = TCPDeliveryRateEstimator()
        func segment(_ start: Int, at time: Instant) -> TCPSentSegment {
            TCPSentSegment(start: start, end: start + 1000, sentAt: time, delivered: 0, deliveredAt: time,
                           firstSentAt: time, isAppLimited: false)
        }
        var a = segment(1, at: Self.ms(0))
        estimator.stamp(&a, nothingInFlight: true, now: Self.ms(0))
        var b = segment(1001, at: Self.ms(1))
        estimator.stamp(&b, nothingInFlight: false, now: Self.ms(1))
        estimator.onDelivered(a, now: Self.ms(10))
        let first = estimator.finishSample(minimumInterval: nil)
        #expect(first?.delivered == 1000)
        #expect(first?.interval == .milliseconds(10))
        #expect(first?.rtt == .milliseconds(10))
        estimator.onDelivered(b, now: Self.ms(11))
        let second = estimator.finishSample(minimumInterval: .milliseconds(10))
        // b was sent 1 ms after the flight began and ACKed 11 ms after: 2000 bytes / 11 ms.
        #expect(second?.delivered == 2000)
        #expect(second?.interval == .milliseconds(11))
        #expect(second?.isRateUsable == true)
        #expect(estimator.finishSample(minimumInterval: nil) == nil)  // nothing new delivered
    }

    @Test func deliveryRate_appLimitedMarksSamples_untilThatDataIsDelivered() {
        var estimator = TCPDeliveryRateEstimator()
        estimator.markAppLimited(bytesInFlight: 500)
        var a = TCPSentSegment(start: 1, end: 1001, sentAt: Self.ms(0), delivered: 0, deliveredAt: .zero,
                               firstSentAt: .zero, isAppLimited: false)
        estimator.stamp(&a, nothingInFlight: true, now: Self.ms(0))
        #expect(a.isAppLimited)
        estimator.onDelivered(a, now: Self.ms(10))
        #expect(estimator.finishSample(minimumInterval: nil)?.isAppLimited == true)
        var b = TCPSentSegment(start: 1001, end: 2001, sentAt: Self.ms(10), delivered: 0, deliveredAt: .zero,
                               firstSentAt: .zero, isAppLimited: false)
        estimator.stamp(&b, nothingInFlight: true, now: Self.ms(10))
        #expect(!b.isAppLimited)  // 1000 delivered passed the mark at 500
    }

    @Test func sentSegments_splitAndTrimKeepRecordsContiguous() {
        var records = TCPSentSegments()
        for start in stride(from: 1, to: 5001, by: 1000) {
            records.append(TCPSentSegment(start: start, end: start + 1000, sentAt: .zero, delivered: 0,
                                          deliveredAt: .zero, firstSentAt: .zero, isAppLimited: false))
        }
        records.split(at: 1500)
        #expect(records.count == 6)
        #expect(records.index(containing: 1499).map { records[$0].end } == 1500)
        #expect(records.index(containing: 1500).map { records[$0].start } == 1500)
        var removed: [Int] = []
        records.removeAcknowledged(below: 2500) { removed.append($0.start) }
        #expect(removed == [1, 1001, 1500])
        #expect(records.first?.start == 2500)
        #expect(records.bytesInFlight == 5001 - 2500)
        #expect(records.index(containing: 6000) == nil)
    }
}
