import Testing
@testable import RawNetCore

/// Changing settings at run time as `rawnet impair` does: partial updates from
/// text, restarting the random streams from a seed, and the line-wait counter.
@Suite struct ImpairmentRuntimeChangeTests {
    @Test func applyParsing_changesOnlyTheOptionsNamed() throws {
        var settings = try ImpairmentSettings(parsing: "delay 20ms ±5ms (normal) · loss 10% · seed 3")
        try settings.apply(parsing: "loss 5% rate 2mbit")
        #expect(settings.description == "loss 5% · delay 20ms ±5ms (normal) · rate 2mbit queue 1000 · seed 3")
        try settings.apply(parsing: "clear duplicate 1%")
        #expect(settings.description == "duplicate 1% · seed 3")
    }

    @Test func applyParsing_refusesOutOfRangeValues_namingTheOption() {
        var settings = ImpairmentSettings.perfect
        #expect(throws: ImpairmentSettingsError.outOfRange(option: "loss", value: "140%", allowed: "0% to 100%")) {
            try settings.apply(parsing: "loss 140%")
        }
    }

    @Test func reseed_replaysTheSameFatesForTheSameTraffic() {
        var link = ImpairedLink(ImpairmentSettings(loss: 0.3, duplicate: 0.2), seed: 11)
        link.run(count: 200)
        let firstLost = lostNumbers(link.outcomes)
        let firstDuplicated = link.outcomes.filter { !$0.duplicateEvents.isEmpty }.map(\.frameNumber)

        link.engine.reseed(11)
        link.outcomes = []
        link.run(count: 200, start: .zero + .seconds(10))
        // Frame numbers go on counting; compare positions in the run.
        let offset = UInt64(200)
        #expect(lostNumbers(link.outcomes).map { $0 - offset } == firstLost)
        #expect(link.outcomes.filter { !$0.duplicateEvents.isEmpty }.map { $0.frameNumber - offset } == firstDuplicated)
        #expect(link.engine.seed == 11 && link.engine.settings.seed == 11)
        #expect(!firstLost.isEmpty)
    }

    @Test func reseed_keepsFramesInFlight() {
        var link = ImpairedLink(ImpairmentSettings(delay: .milliseconds(50)), seed: 1)
        link.send(testFrame(0), at: .zero)
        link.engine.reseed(2)
        #expect(link.engine.pendingCount == 1)
        link.drain()
        #expect(link.released.map(\.releaseAt) == [.zero + .milliseconds(50)])
    }

    @Test func framesWaitingForTheLine_areCountedAsQueued() {
        // 100-byte frames at 80 kbit/s take 10 ms each; sent 1 ms apart, all but the first wait.
        var link = ImpairedLink(ImpairmentSettings(rateBitsPerSecond: 80_000), seed: 1)
        link.run(count: 5)
        #expect(link.engine.counters.queued == 4)
        #expect(link.allEvents.filter { if case .queued = $0 { return true } else { return false } }.count == 4)
    }

    private func lostNumbers(_ outcomes: [ImpairmentOutcome]) -> [UInt64] {
        outcomes.filter { $0.events.contains(.dropped(.randomLoss)) }.map(\.frameNumber)
    }
}
