import Testing
@testable import RawNetBench

@Suite struct ReportTests {
    private func report(_ figure: Double, command: String) -> BenchReport {
        let side = SideResult(label: "rawnet-relay", summary: Summary(runs: [figure])!)
        let result = CaseResult(scenario: "forward", name: "frames", unit: "frames/s", better: .higher,
                                measured: nil, reference: side, ratio: nil, goal: nil, note: nil, error: nil)
        return BenchReport(command: command, options: BenchOptions(runs: 5), results: [result])
    }

    @Test func markdown_addsSectionThenReplacesSameRow() {
        let first = report(100, command: "rawnet bench forward").mergedMarkdown(into: "# Benchmarks\n\nText.\n")
        #expect(first.contains(BenchReport.sectionTitle))
        #expect(first.contains("| forward | frames | – | rawnet-relay: 100 frames/s |"))
        #expect(first.hasPrefix("# Benchmarks\n\nText.\n"))

        let second = report(200, command: "rawnet bench forward --runs 7").mergedMarkdown(into: first)
        #expect(second.contains("rawnet-relay: 200 frames/s"))
        #expect(!second.contains("rawnet-relay: 100 frames/s"))
        #expect(second.contains("`rawnet bench forward --runs 7`"))
        #expect(second.components(separatedBy: BenchReport.sectionTitle).count == 2)
    }

    @Test func json_roundTrips() throws {
        let original = report(123, command: "rawnet bench forward")
        let decoded = try JSONDecoderHelper.decode(original.json())
        #expect(decoded.results == original.results)
        #expect(decoded.command == "rawnet bench forward")
    }

    @Test func savedReport_mergesLikeTheRunThatMadeIt() throws {
        let original = report(321, command: "rawnet bench forward --no-markdown")
        let saved = try JSONDecoderHelper.decode(original.json())
        let document = "# Benchmarks\n"
        #expect(saved.mergedMarkdown(into: document) == original.mergedMarkdown(into: document))
        #expect(throws: (any Error).self) { try JSONDecoderHelper.decode("{\"command\": 3}") }
    }

    @Test func iperfReport_readsReceivedGoodput() throws {
        let json = #"{"start":{},"end":{"sum_sent":{"bits_per_second":2.1e9},"sum_received":{"bits_per_second":2.0e9}}}"#
        #expect(try LinuxReference.receivedMegabitsPerSecond(json: json) == 2000)
        #expect(throws: BenchError.self) { try LinuxReference.receivedMegabitsPerSecond(json: #"{"error":"busy"}"#) }
        #expect(throws: BenchError.self) { try LinuxReference.receivedMegabitsPerSecond(json: "not json") }
    }
}
