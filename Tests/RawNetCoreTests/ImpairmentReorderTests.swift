import Testing
@testable import RawNetCore

@Suite struct ImpairmentReorderTests {
    @Test func netemStyle_reorderedFramesSkipTheDelay() {
        let settings = ImpairmentSettings(reorder: 0.25, delay: .milliseconds(10))
        var link = ImpairedLink(settings, seed: 21)
        link.run(count: 100_000)
        let reordered = link.outcomes.filter { $0.events.contains(.reordered) }
        #expect(abs(Double(reordered.count) / 100_000 - 0.25) < 0.01)
        #expect(link.engine.counters.reordered == UInt64(reordered.count))
        // A reordered frame leaves at once, the others after 10 ms.
        for frame in link.released {
            let wasReordered = link.outcomes[Int(frame.frameNumber) - 1].events.contains(.reordered)
            #expect(frame.releaseAt - frame.submittedAt == (wasReordered ? .zero : .milliseconds(10)))
        }
        // It overtakes the frame sent just before it (unless that one was reordered too).
        let position = Dictionary(uniqueKeysWithValues: link.released.enumerated().map { ($1.frameNumber, $0) })
        for outcome in reordered where outcome.frameNumber > 1 {
            let previous = link.outcomes[Int(outcome.frameNumber) - 2]
            if !previous.events.contains(.reordered) {
                #expect(position[outcome.frameNumber]! < position[previous.frameNumber]!)
            }
        }
    }

    @Test func gapWithCertainReorder_reordersEveryNthFrame() {
        let settings = ImpairmentSettings(reorder: 1, reorderGap: 5, delay: .milliseconds(10))
        var link = ImpairedLink(settings, seed: 22)
        link.run(count: 1_000)
        let reordered = link.outcomes.filter { $0.events.contains(.reordered) }.map(\.frameNumber)
        #expect(reordered == Array(stride(from: 5, through: 1_000, by: 5)))
    }

    @Test func gapWithProbability_followsTheCycleFormula() {
        // After a reordered frame, gap-1 frames are never candidates; then each is one
        // with probability p. One reordered frame per cycle of (gap-1) + 1/p frames.
        let p = 0.5, gap = 3
        let settings = ImpairmentSettings(reorder: p, reorderGap: gap, delay: .milliseconds(10))
        var link = ImpairedLink(settings, seed: 23)
        link.run(count: 100_000)
        let reordered = link.outcomes.filter { $0.events.contains(.reordered) }.map(\.frameNumber)
        let expected = p / (1 + Double(gap - 1) * p)
        #expect(abs(Double(reordered.count) / 100_000 - expected) < 0.01)
        let closest = zip(reordered.dropFirst(), reordered).map { $0 - $1 }.min()!
        #expect(closest == UInt64(gap))
    }

    @Test func oneShotHoldBack_letsThreeLaterFramesPass() {
        var link = ImpairedLink(ImpairmentSettings(holdBack: 3))
        link.run(count: 8)
        #expect(link.outcomes[0].events == [.heldBack(frames: 3)])
        #expect(link.outcomes[1].events == [.passed])
        #expect(link.released.map(\.frameNumber) == [2, 3, 4, 1, 5, 6, 7, 8])
        // Frame 1 left together with frame 4, at 3 ms.
        #expect(link.released[3].releaseAt == Instant(nanoseconds: 3_000_000))
        #expect(link.engine.counters.heldBack == 1)
    }

    @Test func holdBack_timesOutWhenTooFewFramesFollow() {
        var settings = ImpairmentSettings(holdBack: 3)
        settings.holdBackTimeout = .milliseconds(200)
        var link = ImpairedLink(settings)
        link.run(count: 2)
        #expect(link.released.map(\.frameNumber) == [2, 1])
        #expect(link.released[1].releaseAt == Instant(nanoseconds: 200_000_000))
    }

    @Test func reorderWithoutDelay_holdsBackOneFrame() {
        var link = ImpairedLink(ImpairmentSettings(reorder: 0.1), seed: 24)
        link.run(count: 100_000)
        let held = link.outcomes.filter { $0.events == [.heldBack(frames: 1)] }
        #expect(abs(Double(held.count) / 100_000 - 0.1) < 0.01)
        #expect(link.released.count == 100_000)
        // Each held frame leaves right after the next frame that was not held;
        // a run of held frames leaves behind it in its own order.
        let heldNumbers = Set(held.map(\.frameNumber))
        var expected: [UInt64] = [], waiting: [UInt64] = []
        for n in UInt64(1)...100_000 {
            if heldNumbers.contains(n) { waiting.append(n); continue }
            expected.append(n)
            expected += waiting
            waiting.removeAll()
        }
        expected += waiting
        #expect(link.released.map(\.frameNumber) == expected)
    }

    @Test func reorderWithHoldBackAndDelay_holdsBehindLaterFrames() {
        let settings = ImpairmentSettings(reorder: 0.05, holdBack: 4, delay: .milliseconds(20))
        var link = ImpairedLink(settings, seed: 25)
        link.run(count: 20_000)
        #expect(link.released.count == 20_000)
        let position = Dictionary(uniqueKeysWithValues: link.released.enumerated().map { ($1.frameNumber, $0) })
        let held = link.outcomes.filter { $0.events == [.heldBack(frames: 4)] }.map(\.frameNumber)
        #expect(abs(Double(held.count) / 20_000 - 0.05) < 0.01)
        for n in held where n + 4 <= 20_000 {
            let laterBefore = (n + 1...n + 4).filter { position[$0]! < position[n]! }.count
            let heldLater = (n + 1...n + 4).filter { held.contains($0) }.count
            #expect(laterBefore >= 4 - heldLater)
        }
    }
}
