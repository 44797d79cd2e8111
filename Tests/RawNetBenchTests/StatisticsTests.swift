import Testing
@testable import RawNetBench

@Suite struct StatisticsTests {
    @Test func median_oddCount_isMiddleValue() {
        #expect(Statistics.median([5, 1, 3]) == 3)
    }

    @Test func median_evenCount_isMeanOfMiddlePair() {
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
    }

    @Test func median_empty_isNil() {
        #expect(Statistics.median([]) == nil)
    }

    @Test func percentile_interpolatesBetweenClosestRanks() {
        let values = (1...100).map(Double.init)   // 1 ... 100
        // rank = p/100 × 99: p99 → 98.01 → between 99 and 100.
        #expect(abs(Statistics.percentile(99, of: values)! - 99.01) < 1e-9)
        #expect(Statistics.percentile(0, of: values) == 1)
        #expect(Statistics.percentile(100, of: values) == 100)
        #expect(Statistics.percentile(50, of: values) == 50.5)
    }

    @Test func percentile_singleValue_isThatValue() {
        #expect(Statistics.percentile(99, of: [7]) == 7)
    }

    @Test func summary_ofRuns_givesMinMedianMax() throws {
        let summary = try #require(Summary(runs: [30, 10, 20, 50, 40]))
        #expect(summary.minimum == 10)
        #expect(summary.median == 30)
        #expect(summary.maximum == 50)
        #expect(summary.p50 == nil)
        #expect(summary.headline == 30)
    }

    @Test func summary_withSamples_usesPooledP50AsHeadline() throws {
        let samples = [1.0, 2, 3, 4, 100]
        let summary = try #require(Summary(runs: [3], samples: samples))
        #expect(summary.p50 == 3)
        #expect(abs(summary.p99! - 96.16) < 1e-9)
        #expect(summary.sampleCount == 5)
        #expect(summary.headline == 3)
    }

    @Test func goal_ratioAtLeast_metAndShort() {
        let met = CaseRunner.evaluate(.ratioAtLeast(0.6), measured: 70, ratio: 0.7, hasReference: true)
        #expect(met.isMet == true)
        let short = CaseRunner.evaluate(.ratioAtLeast(0.6), measured: 45, ratio: 0.45, hasReference: true)
        #expect(short.isMet == false)
        #expect(short.detail == "not met: 0.450, short by 25.0%")
    }

    @Test func goal_valueAtMost_overBy() {
        let result = CaseRunner.evaluate(.valueAtMost(5), measured: 6, ratio: nil, hasReference: false)
        #expect(result.isMet == false)
        #expect(result.detail == "not met: 6.00, over by 20.0%")
    }

    @Test func goal_withoutMeasuredSide_isPending() {
        let result = CaseRunner.evaluate(.ratioAtLeast(0.6), measured: nil, ratio: nil, hasReference: true)
        #expect(result.isMet == nil)
        #expect(result.detail.hasPrefix("pending"))
    }

    @Test func caseRunner_alternatesSidesAndComputesRatio() throws {
        let order = OrderLog()
        let benchCase = BenchCase(
            scenario: "test", name: "alternation", unit: "x", better: .higher,
            measured: BenchSide(label: "m") { context in order.append("m\(context.index)"); return .figure(Double(2 + context.index)) },
            reference: BenchSide(label: "r") { context in order.append("r\(context.index)"); return .figure(4) },
            goal: .ratioAtLeast(0.5))
        let result = try CaseRunner.run(benchCase, options: BenchOptions(runs: 5))
        #expect(order.entries == ["m0", "r0", "m1", "r1", "m2", "r2", "m3", "r3", "m4", "r4"])
        #expect(result.measured?.summary.median == 4)
        #expect(result.ratio == 1)
        #expect(result.goal?.isMet == true)
    }

    @Test func format_numbers() {
        #expect(Format.number(1_234_567) == "1,234,567")
        #expect(Format.number(12.345) == "12.3")
        #expect(Format.number(0.0456) == "0.046")
        #expect(Format.percent(0.125) == "12.5%")
    }
}

final class OrderLog: @unchecked Sendable {
    // Safety: the case runner calls sides one after the other on one thread.
    var entries: [String] = []
    func append(_ entry: String) { entries.append(entry) }
}
