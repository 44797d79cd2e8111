import Testing
@testable import RawNetCore

/// Chooses the frames whose index (the first eight bytes of `testFrame`) is in `indices`;
/// remembers how many frames it was shown.
struct IndexChooser: FrameChooser {
    var indices: Set<Int>
    var seen = 0
    mutating func chooses(_ frame: [UInt8]) -> Bool {
        seen += 1
        let index = frame.prefix(8).reduce(0) { $0 << 8 | Int($1) }
        return indices.contains(index)
    }
}

@Suite struct ImpairmentRuleTests {
    @Test func dropNext_dropsOnlyTheChosenFrame_thenThePerfectWireIsAPassThroughAgain() throws {
        var link = ImpairedLink(.perfect)
        link.engine.addRule(ImpairmentRule(.drop, filter: "index 3", chooser: IndexChooser(indices: [3, 5])))
        var probe = link.engine
        let whilePending = probe.passThroughIfIdle()
        #expect(!whilePending, "a pending rule must see every frame")
        link.run(count: 8)
        #expect(link.outcomes[3].events == [.dropped(.onRequest)])
        #expect(link.released.map(\.frameNumber) == [1, 2, 3, 5, 6, 7, 8], "frame 4 (index 3) only; index 5 passes: count 1")
        #expect(link.engine.counters.droppedOnRequest == 1 && link.engine.counters.dropped == 1)
        let rule = try #require(link.engine.rules.first)
        #expect(rule.applied == 1 && rule.remaining == 0 && !rule.isPending && rule.filter == "index 3")
        probe = link.engine
        let usedUp = probe.passThroughIfIdle()
        #expect(usedUp, "a used-up rule leaves the fast path free")
        #expect(DropReason(ImpairmentDropReason.onRequest) == .onRequest)
        #expect(DropReason.onRequest.rawValue == "dropped on request")
    }

    @Test func countN_dropsTheNextNChosen_andOtherStagesStillApplyToTheRest() {
        var link = ImpairedLink(ImpairmentSettings(delay: .milliseconds(20)))
        link.engine.addRule(ImpairmentRule(.drop, filter: "2,4,6", count: 2, chooser: IndexChooser(indices: [2, 4, 6])))
        link.run(count: 8, spacing: .milliseconds(1))
        #expect(link.outcomes.filter { $0.events == [.dropped(.onRequest)] }.map(\.frameNumber) == [3, 5])
        #expect(link.released.map(\.frameNumber) == [1, 2, 4, 6, 7, 8])
        // Virtual clock: every survivor left exactly 20 ms after it was submitted.
        #expect(link.released.allSatisfy { $0.releaseAt - $0.submittedAt == .milliseconds(20) })
        #expect(link.engine.rules.first?.applied == 2)
    }

    @Test func newRuleReplacesTheOld_andRemoveRulesClearsThem() {
        var engine = ImpairmentEngine(seed: 1)
        engine.addRule(ImpairmentRule(.drop, filter: "a", chooser: IndexChooser(indices: [1])))
        engine.addRule(ImpairmentRule(.drop, filter: "b", count: 3, chooser: IndexChooser(indices: [1])))
        engine.addRule(ImpairmentRule(.corrupt, filter: "c", chooser: IndexChooser(indices: [1])))
        #expect(engine.rules.map(\.filter) == ["b", "c"] && engine.rules.first?.remaining == 3)
        engine.removeRules()
        #expect(engine.rules.isEmpty)
        let idle = engine.passThroughIfIdle()
        #expect(idle)
    }

    @Test func corruptNext_flipsTheLastBitOfTheIPPacket_notThePadding() {
        // A 60-byte frame carrying a 30-byte IPv4 packet: bytes 44…59 are Ethernet padding.
        var frame = testFrame(0, size: 60)
        frame[12] = 0x08; frame[13] = 0x00; frame[16] = 0; frame[17] = 30
        var link = ImpairedLink(.perfect)
        link.engine.addRule(ImpairmentRule(.corrupt, filter: "first", chooser: IndexChooser(indices: [0])))
        link.send(frame, at: .zero)
        link.send(frame, at: Instant.zero + .milliseconds(1))
        link.drain()
        #expect(link.outcomes[0].events == [.corrupted(byteOffset: 43, bit: 0), .passed])
        #expect(link.outcomes[1].isPassThrough || link.outcomes[1].events == [.passed])
        #expect(link.released.count == 2)
        var expected = frame
        expected[43] ^= 1
        #expect(link.released[0].bytes == expected && link.released[1].bytes == frame)
        #expect(link.engine.counters.corrupted == 1 && link.engine.counters.dropped == 0)
    }

    @Test func theChooserSeesEveryFrameWhileTheRuleIsPending_evenOnesOtherStagesDrop() {
        var link = ImpairedLink(ImpairmentSettings(loss: 1))
        link.engine.addRule(ImpairmentRule(.drop, filter: "9", chooser: IndexChooser(indices: [9])))
        link.run(count: 5)
        #expect(link.engine.counters.droppedRandomLoss == 5 && link.engine.counters.droppedOnRequest == 0)
        #expect(link.engine.rules.first?.isPending == true)
    }
}
