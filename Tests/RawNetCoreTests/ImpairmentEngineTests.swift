import Testing
@testable import RawNetCore

@Suite struct ImpairmentEngineTests {
    static let busy = ImpairmentSettings(
        loss: 0.05, lossBurst: GilbertElliott(p: 0.01, r: 0.3), reorder: 0.1, reorderGap: 2,
        delay: .milliseconds(20), jitter: .milliseconds(5), distribution: .normal,
        duplicate: 0.02, corrupt: 0.02, rateBitsPerSecond: 10_000_000, queueLimit: 200)

    private func busyRun(seed: UInt64) -> ImpairedLink {
        var link = ImpairedLink(Self.busy, seed: seed)
        var now = Instant.zero
        for i in 0..<20_000 {
            link.send(testFrame(i, size: 60 + (i * 37) % 1400), at: now)
            now += .microseconds(200 + (i % 7) * 100)
        }
        link.drain()
        return link
    }

    @Test func sameSeed_sameFates() {
        let a = busyRun(seed: 99), b = busyRun(seed: 99)
        #expect(a.outcomes == b.outcomes)
        #expect(a.released == b.released)
        #expect(a.engine.counters == b.engine.counters)
        // Every kind of event happened, so the comparison covers them all.
        let c = a.engine.counters
        #expect(c.droppedRandomLoss > 0 && c.droppedBurstLoss > 0 && c.duplicated > 0)
        #expect(c.corrupted > 0 && c.reordered > 0 && c.delayed > 0)
    }

    @Test func differentSeeds_differentFates() {
        let a = busyRun(seed: 99), b = busyRun(seed: 100)
        #expect(a.outcomes != b.outcomes)
        #expect(a.released.map(\.frameNumber) != b.released.map(\.frameNumber))
    }

    @Test func settingsSeed_overridesEngineSeed() {
        var settings = Self.busy
        settings.seed = 5
        var a = ImpairedLink(settings, seed: 1), b = ImpairedLink(settings, seed: 2)
        a.run(count: 2_000); b.run(count: 2_000)
        #expect(a.outcomes == b.outcomes)
        #expect(a.engine.seed == 5)
    }

    @Test func streamsAreIndependent_duplicationDoesNotChangeLoss() {
        var plain = ImpairedLink(ImpairmentSettings(loss: 0.1), seed: 3)
        var more = ImpairedLink(ImpairmentSettings(loss: 0.1, duplicate: 0.3, corrupt: 0.3), seed: 3)
        plain.run(count: 10_000); more.run(count: 10_000)
        let lost = { (link: ImpairedLink) in link.outcomes.filter { $0.events == [.dropped(.randomLoss)] }.map(\.frameNumber) }
        #expect(lost(plain) == lost(more))
    }

    @Test func corruption_flipsExactlyTheReportedBit() {
        var link = ImpairedLink(ImpairmentSettings(corrupt: 1), seed: 36)
        link.run(count: 10_000, size: 64)
        var offsets = Set<Int>()
        for frame in link.released {
            let outcome = link.outcomes[Int(frame.frameNumber) - 1]
            guard case let .corrupted(offset, bit) = outcome.events.first else {
                Issue.record("frame \(frame.frameNumber) not corrupted: \(outcome)"); continue
            }
            var original = testFrame(Int(frame.frameNumber) - 1, size: 64)
            #expect(original != frame.bytes)
            original[offset] ^= 1 << UInt8(bit)
            #expect(original == frame.bytes)
            offsets.insert(offset)
        }
        #expect(offsets == Set(0..<64))  // anywhere in the frame
    }

    @Test func corruption_rateMatchesTheSetting() {
        var link = ImpairedLink(ImpairmentSettings(corrupt: 0.05), seed: 37)
        link.run(count: 100_000)
        #expect(abs(Double(link.engine.counters.corrupted) / 100_000 - 0.05) < 0.01)
    }

    @Test func perfectWire_isAFastPathWithoutRandomDraws() {
        var engine = ImpairmentEngine(settings: .perfect, seed: 1)
        let before = engine.streams
        for i in 0..<1_000 {
            let outcome = engine.submit(testFrame(i), now: Instant(nanoseconds: Int64(i)))
            #expect(outcome.isPassThrough && outcome.events == [.passed])
        }
        #expect(engine.pendingCount == 0 && engine.nextDeadline() == nil)
        #expect(engine.counters.passedThrough == 1_000)
        var x = before.loss, y = engine.streams.loss
        #expect(x.next() == y.next())
        var u = before.delay, v = engine.streams.delay
        #expect(u.next() == v.next())
    }

    @Test func update_keepsInFlightFramesAndTheirReleaseTimes() {
        var link = ImpairedLink(ImpairmentSettings(delay: .milliseconds(100)))
        for i in 0..<10 { link.send(testFrame(i), at: Instant(nanoseconds: Int64(i) * 1_000_000)) }
        // Now lose everything and drop the delay: the ten in flight still leave on time.
        link.engine.update(ImpairmentSettings(loss: 1), now: Instant(nanoseconds: 10_000_000))
        link.send(testFrame(10), at: Instant(nanoseconds: 11_000_000))
        #expect(link.outcomes.last!.events == [.dropped(.randomLoss)])
        link.engine.update(.perfect, now: Instant(nanoseconds: 12_000_000))
        link.send(testFrame(11), at: Instant(nanoseconds: 13_000_000))
        // Perfect again, but frame 12 must not overtake the delayed ones.
        #expect(!link.outcomes.last!.isPassThrough)
        link.drain()
        #expect(link.released.map(\.frameNumber) == Array(1...10) + [12])
        for (i, frame) in link.released.prefix(10).enumerated() {
            #expect(frame.releaseAt == Instant(nanoseconds: Int64(100 + i) * 1_000_000))
        }
        #expect(link.released.last!.releaseAt == Instant(nanoseconds: 109_000_000))
        // Once drained, the fast path is back.
        link.send(testFrame(12), at: Instant(nanoseconds: 200_000_000))
        #expect(link.outcomes.last!.isPassThrough)
    }

    @Test func passThroughIfIdle_countsLikeSubmit_andRefusesWhileImpairedOrHolding() {
        var engine = ImpairmentEngine(settings: .perfect, seed: 1)
        let first = engine.passThroughIfIdle(), second = engine.passThroughIfIdle()
        #expect(first && second)
        #expect(engine.counters.submitted == 2 && engine.counters.passedThrough == 2)
        let numbered = engine.submit(testFrame(0), now: Instant(nanoseconds: 0))
        #expect(numbered.frameNumber == 3)  // the idle frames were numbered too
        engine.update(ImpairmentSettings(delay: .milliseconds(5)), now: Instant(nanoseconds: 1))
        let whileDelaying = engine.passThroughIfIdle()
        #expect(!whileDelaying)
        #expect(engine.counters.submitted == 3)
        _ = engine.submit(testFrame(1), now: Instant(nanoseconds: 2))
        engine.update(.perfect, now: Instant(nanoseconds: 3))
        let whileHolding = engine.passThroughIfIdle()
        #expect(!whileHolding)  // a frame is still held: it must not be overtaken
        engine.release(now: Instant(nanoseconds: 10_000_000)) { _ in }
        _ = engine.submit(testFrame(2), now: Instant(nanoseconds: 10_000_001))
        let afterDraining = engine.passThroughIfIdle()
        #expect(afterDraining)
    }

    @Test func update_withSmallerQueue_dropsTheNewestInFlight() {
        var link = ImpairedLink(ImpairmentSettings(delay: .milliseconds(100)))
        for i in 0..<10 { link.send(testFrame(i), at: Instant(nanoseconds: Int64(i) * 1_000_000)) }
        let dropped = link.engine.update(ImpairmentSettings(delay: .milliseconds(100), queueLimit: 3),
                                         now: Instant(nanoseconds: 10_000_000))
        #expect(dropped == 7)
        link.drain()
        #expect(link.released.map(\.frameNumber) == [1, 2, 3])
        #expect(link.engine.counters.droppedQueueFull == 7)
    }

    @Test func update_newSeedReplaysFromThere() {
        var settings = ImpairmentSettings(loss: 0.3)
        var a = ImpairedLink(settings, seed: 1)
        a.run(count: 500)
        settings.seed = 77
        a.engine.update(settings, now: .zero)
        a.outcomes.removeAll()
        a.run(count: 500, start: Instant(nanoseconds: 1_000_000_000))
        var b = ImpairedLink(settings, seed: 1)
        b.run(count: 500)
        #expect(a.outcomes.map(\.events) == b.outcomes.map(\.events))
    }

    @Test func clear_leavesNothingBehind() {
        var settings = Self.busy
        settings.holdBack = 5
        var link = ImpairedLink(settings, seed: 8)
        var now = Instant.zero
        for i in 0..<2_000 { link.send(testFrame(i), at: now); now += .microseconds(100) }
        #expect(link.engine.pendingCount > 0)
        #expect(!link.engine.held.isEmpty)
        let before = link.engine.counters
        link.engine.clear(now: now)
        #expect(link.engine.held.isEmpty)
        #expect(link.engine.settings == .perfect)
        link.drain()
        // Everything that was in flight left; nothing was dropped by clearing.
        let c = link.engine.counters
        #expect(c.dropped == before.dropped)
        #expect(c.released == c.submitted - c.dropped + c.duplicated)
        #expect(link.engine.pendingCount == 0 && link.engine.nextDeadline() == nil)
        #expect(!link.engine.burstIsBad && link.engine.reorderCounter == 0 && link.engine.oneShotHoldBack == nil)
        let outcome = link.engine.submit(testFrame(0), now: now + .seconds(10))
        #expect(outcome.isPassThrough)
    }

    @Test func outcome_describesEveryStep() {
        var link = ImpairedLink(ImpairmentSettings(delay: .milliseconds(50), corrupt: 1, rateBitsPerSecond: 8_000))
        link.send(testFrame(0, size: 10), at: .zero)
        link.send(testFrame(1, size: 10), at: .zero)
        let text = link.outcomes[1].description
        #expect(text.hasPrefix("frame 2: corrupted byte "))
        #expect(text.hasSuffix("queued behind 1 for 10ms, delayed 50ms"), "the line's wait is queued's, the delay its own")
    }
}
