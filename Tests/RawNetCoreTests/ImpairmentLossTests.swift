import Testing
@testable import RawNetCore

@Suite struct ImpairmentLossTests {
    @Test(arguments: [0.2, 0.005, 0.5])
    func randomLoss_dropsTheSetFraction(loss: Double) {
        var link = ImpairedLink(ImpairmentSettings(loss: loss), seed: 7)
        link.run(count: 100_000)
        let dropped = link.outcomes.filter { $0.events == [.dropped(.randomLoss)] }.count
        #expect(abs(Double(dropped) / 100_000 - loss) < 0.01)
        #expect(link.engine.counters.droppedRandomLoss == UInt64(dropped))
        #expect(link.released.count == 100_000 - dropped)
    }

    /// Lengths of runs of consecutive lost frames.
    private func burstLengths(_ outcomes: [ImpairmentOutcome]) -> [Int] {
        var bursts: [Int] = [], run = 0
        for outcome in outcomes {
            if outcome.events == [.dropped(.burstLoss)] { run += 1 } else if run > 0 { bursts.append(run); run = 0 }
        }
        if run > 0 { bursts.append(run) }
        return bursts
    }

    @Test func simpleGilbert_burstLengthAndLossRatioMatchTheModel() {
        let model = GilbertElliott(p: 0.02, r: 0.25)  // 1-h = 100%, 1-k = 0%
        #expect(model.oneMinusH == 1 && model.oneMinusK == 0)
        var link = ImpairedLink(ImpairmentSettings(lossBurst: model), seed: 11)
        link.run(count: 100_000)
        let lost = link.outcomes.filter { $0.events == [.dropped(.burstLoss)] }.count
        let ratio = Double(lost) / 100_000
        #expect(abs(model.lossRatio - 0.02 / 0.27) < 1e-12)
        #expect(abs(ratio - model.lossRatio) < 0.01, "loss ratio \(ratio), model \(model.lossRatio)")
        let bursts = burstLengths(link.outcomes)
        let meanBurst = Double(bursts.reduce(0, +)) / Double(bursts.count)
        #expect(abs(meanBurst - model.meanBadStateLength) / model.meanBadStateLength < 0.05,
                "mean burst \(meanBurst), model \(model.meanBadStateLength)")
        // Bursty, unlike random loss at the same ratio (mean run 1/(1-0.074) ≈ 1.08).
        #expect(meanBurst > 3)
    }

    @Test func gilbertElliott_lossRatioMatchesStationaryFormula() {
        let model = GilbertElliott(p: 0.05, r: 0.4, oneMinusH: 0.7, oneMinusK: 0.01)
        let expected = (0.4 * 0.01 + 0.05 * 0.7) / 0.45
        #expect(abs(model.lossRatio - expected) < 1e-12)
        var link = ImpairedLink(ImpairmentSettings(lossBurst: model), seed: 12)
        link.run(count: 100_000)
        let ratio = Double(link.engine.counters.droppedBurstLoss) / 100_000
        #expect(abs(ratio - expected) < 0.01, "loss ratio \(ratio), model \(expected)")
    }

    @Test func gilbertDefaults_followTc() {
        let model = GilbertElliott(p: 0.1)
        #expect(model.r == 0.9 && model.oneMinusH == 1 && model.oneMinusK == 0)
        #expect(GilbertElliott(p: 0, oneMinusK: 0).neverLoses)
    }

    @Test func randomAndBurstLoss_combine() {
        let settings = ImpairmentSettings(loss: 0.1, lossBurst: GilbertElliott(p: 0.01, r: 0.5))
        var link = ImpairedLink(settings, seed: 13)
        link.run(count: 100_000)
        let counters = link.engine.counters
        let bad = 0.01 / 0.51
        let expected = bad + (1 - bad) * 0.1
        #expect(abs(Double(counters.dropped) / 100_000 - expected) < 0.01)
        #expect(counters.droppedBurstLoss > 0 && counters.droppedRandomLoss > 0)
    }
}
