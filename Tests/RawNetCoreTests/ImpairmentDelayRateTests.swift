import Testing
@testable import RawNetCore

@Suite struct ImpairmentDelayRateTests {
    private func delays(_ link: ImpairedLink) -> [Double] {
        link.released.map { ($0.releaseAt - $0.submittedAt).milliseconds }
    }

    @Test func uniformJitter_hasTheSetMeanAndSpread() {
        let settings = ImpairmentSettings(delay: .milliseconds(50), jitter: .milliseconds(10))
        var link = ImpairedLink(settings, seed: 31)
        // Frames far apart, so keeping order never raises a release time.
        link.run(count: 100_000, spacing: .milliseconds(100))
        let d = delays(link)
        #expect(abs(mean(d) - 50) < 0.1)
        #expect(abs(standardDeviation(d) - 10 / 3.0.squareRoot()) < 0.1)  // uniform ±a: a/√3
        #expect(d.min()! >= 40 && d.max()! <= 60)
        #expect(d.min()! < 40.1 && d.max()! > 59.9)
    }

    @Test func normalJitter_hasTheSetMeanAndDeviation() {
        let settings = ImpairmentSettings(delay: .milliseconds(50), jitter: .milliseconds(5), distribution: .normal)
        var link = ImpairedLink(settings, seed: 32)
        link.run(count: 100_000, spacing: .milliseconds(100))
        let d = delays(link)
        #expect(abs(mean(d) - 50) < 0.1)
        #expect(abs(standardDeviation(d) - 5) < 0.1)
        let withinOne = Double(d.filter { abs($0 - 50) < 5 }.count) / Double(d.count)
        #expect(abs(withinOne - 0.6827) < 0.01)
    }

    @Test func jitter_neverReorders() {
        let settings = ImpairmentSettings(delay: .milliseconds(50), jitter: .milliseconds(20), distribution: .normal)
        var link = ImpairedLink(settings, seed: 33)
        link.run(count: 20_000)
        #expect(link.released.map(\.frameNumber) == Array(1...20_000))
        #expect(zip(link.released, link.released.dropFirst()).allSatisfy { $0.releaseAt <= $1.releaseAt })
        #expect(delays(link).allSatisfy { $0 >= 0 })
    }

    @Test func duplication_sendsTheSetFractionTwice() {
        var link = ImpairedLink(ImpairmentSettings(duplicate: 0.1), seed: 34)
        link.run(count: 100_000)
        let duplicated = link.outcomes.filter { !$0.duplicateEvents.isEmpty }
        #expect(abs(Double(duplicated.count) / 100_000 - 0.1) < 0.01)
        #expect(link.engine.counters.duplicated == UInt64(duplicated.count))
        #expect(link.released.count == 100_000 + duplicated.count)
        let copies = link.released.filter(\.isDuplicate)
        #expect(copies.count == duplicated.count)
        for copy in copies.prefix(100) {
            #expect(copy.bytes == testFrame(Int(copy.frameNumber) - 1))
        }
    }

    @Test func rate_holdsWithOfferedLoadAboveIt() {
        // 1 mbit/s, 1000-byte frames: 8 ms each. Offered one every 4 ms (twice the rate).
        let settings = ImpairmentSettings(rateBitsPerSecond: 1_000_000, queueLimit: 50)
        var link = ImpairedLink(settings, seed: 35)
        link.run(count: 100_000, size: 1000, spacing: .milliseconds(4))
        let first = link.released.first!.releaseAt, last = link.released.last!.releaseAt
        let bits = Double(link.released.count - 1) * 8000
        let measured = bits / (last - first).seconds
        #expect(abs(measured - 1_000_000) / 1_000_000 < 0.05, "measured \(measured) bit/s")
        // No two frames closer than one frame time.
        let gaps = zip(link.released, link.released.dropFirst()).map { ($1.releaseAt - $0.releaseAt) }
        #expect(gaps.allSatisfy { $0 >= .milliseconds(8) })
        // About half is tail-dropped, every drop counted and reported.
        let counters = link.engine.counters
        let tailDrops = link.allEvents.filter { $0 == .dropped(.queueFull) }.count
        #expect(counters.droppedQueueFull == UInt64(tailDrops))
        #expect(counters.droppedQueueFull + UInt64(link.released.count) == 100_000)
        #expect(abs(Double(tailDrops) / 100_000 - 0.5) < 0.01)
        #expect(link.allEvents.contains { if case .queued = $0 { return true } else { return false } })
    }

    @Test func rate_thenDelay_addUp() {
        // 10 frames of 125 bytes at 100 kbit/s: 10 ms each on the line, then 20 ms of delay.
        let settings = ImpairmentSettings(delay: .milliseconds(20), rateBitsPerSecond: 100_000)
        var link = ImpairedLink(settings)
        var now = Instant.zero
        for i in 0..<10 { link.send(testFrame(i, size: 125), at: now) }
        now += .seconds(1)
        link.drain()
        let times = link.released.map { $0.releaseAt.nanoseconds / 1_000_000 }
        let expected: [Int64] = (1...10).map { Int64($0) * 10 + 20 }
        #expect(times == expected)
        // 30 ms waiting for the line (queued), 10 ms on it, then the 20 ms the delay added.
        #expect(link.outcomes[3].events == [.queued(behind: 3, wait: .milliseconds(30)), .delayed(.milliseconds(20))])
        #expect(link.engine.counters.delayed == 10 && link.engine.counters.queued == 9)
        _ = now
    }

    /// A line rate alone delays no frame in the counters' sense: frames that waited for the
    /// line are `queued`, one sent at once `passed`; `delayed` is what --delay adds.
    @Test func rateAlone_countsQueuedNotDelayed() {
        var link = ImpairedLink(ImpairmentSettings(rateBitsPerSecond: 100_000))
        for i in 0..<5 { link.send(testFrame(i, size: 125), at: .zero) }
        link.drain()
        #expect(link.engine.counters.delayed == 0 && link.engine.counters.queued == 4)
        #expect(link.outcomes[0].events == [.passed])
        #expect(link.outcomes[2].events == [.queued(behind: 2, wait: .milliseconds(20)), .passed])
    }

    @Test func queueLimit_withoutRate_boundsDelayedFrames() {
        let settings = ImpairmentSettings(delay: .milliseconds(100), queueLimit: 10)
        var link = ImpairedLink(settings)
        link.run(count: 30, spacing: .milliseconds(1))
        #expect(link.released.count == 10)
        #expect(link.engine.counters.droppedQueueFull == 20)
    }
}
