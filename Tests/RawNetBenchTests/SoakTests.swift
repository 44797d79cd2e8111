import Testing
@testable import RawNetBench

/// `rawnet bench soak`: its verdict, and a run of seconds on a real lab so the harness never rots.
@Suite(.serialized) struct SoakTests {
    private func report(growth baseline: Int, _ last: Int) -> SoakReport {
        var report = SoakReport(seconds: 60, impairment: "loss 10%", allowedGrowth: 0.10)
        report.chatLinesSent = 3
        report.chatLinesEchoed = 3
        report.transfers = 2
        report.exactTransfers = 2
        report.memory = [SoakMemory(node: "r1", baseline: baseline, last: last, maximum: max(baseline, last), samples: 5)]
        return report
    }

    @Test func verdict_growthAboveTenPercentOrAnInexactTransferFails() {
        #expect(report(growth: 10_000, 11_000).passed, "exactly 10 % passes")
        #expect(!report(growth: 10_000, 11_001).passed)
        #expect(report(growth: 10_000, 9_000).passed, "shrinking passes")
        var inexact = report(growth: 10_000, 10_000)
        inexact.exactTransfers = 1
        #expect(!inexact.passed)
        var unanswered = report(growth: 10_000, 10_000)
        unanswered.chatLinesEchoed = 2
        #expect(!unanswered.passed)
        #expect(report(growth: 10_000, 11_001).text.contains("FAIL"))
    }

    @Test func transferBytes_areSeededAndDiffer() {
        #expect(Soak.transferBytes(index: 3, count: 1000) == Soak.transferBytes(index: 3, count: 1000))
        #expect(Soak.transferBytes(index: 3, count: 1000) != Soak.transferBytes(index: 4, count: 1000))
        #expect(Soak.transferBytes(index: 0, count: 13).count == 13)
    }

    /// Seconds, not minutes: memory cannot settle in that time, so only the
    /// traffic, the sampling and the daemons' survival are checked here.
    @Test func smoke_shortSoakCarriesChatAndExactTransfersUnderLoss() throws {
        var options = SoakOptions(seconds: 8)
        options.transferBytes = 64 * 1024
        options.warmUpSeconds = 2
        options.sampleInterval = 1
        let report = try Soak.run(options) { _ in }
        #expect(report.failures.isEmpty, "\(report.text)")
        #expect(report.transfers > 0, "\(report.text)")
        #expect(report.exactTransfers == report.transfers)
        #expect(report.transferredBytes == report.transfers * 64 * 1024)
        #expect(report.chatLinesSent > 0 && report.chatLinesEchoed == report.chatLinesSent, "\(report.text)")
        #expect(report.memory.map(\.node) == ["alice", "bob", "r1"])
        #expect(report.memory.allSatisfy { $0.samples >= 3 && $0.baseline > 1_000 }, "\(report.memory)")
        #expect(report.injectedLosses > 0 && report.reordered > 0, "\(report.text)")
    }
}
