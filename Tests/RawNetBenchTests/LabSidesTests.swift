import Testing
import RawNetBenchPlatform
import RawNetPlatform
@testable import RawNetBench

/// One short run of each RawNet side on real daemon labs. The scale lab is
/// smaller than the benchmark's (6 routers, 10 hosts, 50 connections) so the
/// suite stays short; `rawnet bench scale` runs the full 100 nodes and 1 000.
@Suite(.serialized) struct LabSidesTests {
    private let options = BenchOptions.smoke()
    private let log: @Sendable (String) -> Void = { _ in }
    private let sides = LabSides.make(scaleRouters: 6, scaleHosts: 10)
    private var context: RunContext { RunContext(index: 0, isSmoke: true, cpus: options.cpus) }

    private func expectNoFailures(_ results: [CaseResult]) {
        for result in results {
            #expect(result.error == nil, "\(result.scenario)/\(result.name): \(result.error ?? "")")
        }
    }

    /// No lab directory of this process is left behind.
    private func expectCleanedUp() throws {
        let leftovers = try FileSystem.listDirectory("/tmp").filter { $0.hasPrefix("rnlab-\(Processes.currentPID)-") }
        #expect(leftovers.isEmpty, "left behind: \(leftovers)")
    }

    @Test func tcp_goodputThroughOneRouter() throws {
        let results = try TCPScenario(rawnet: sides, connectionCounts: [1, 10]).run(options: options, log: log)
        expectNoFailures(results)
        for result in results {
            let measured = try #require(result.measured).summary.median
            #expect(measured > 0.01, "\(result.name): \(measured) MB/s")
            #expect(result.ratio != nil && result.goal?.isMet != nil)
        }
        try expectCleanedUp()
    }

    @Test func loss_retainedShareAtFivePercent() throws {
        let hook = try #require(sides.lossRetained)
        let retained = try hook(5, context)
        #expect(retained > 0 && retained < 3, "retained \(retained)")
        try expectCleanedUp()
    }

    @Test func loss_cleanGoodputWithBBR() throws {
        let hook = try #require(sides.lossCleanGoodput)
        let megabits = try hook(context)
        #expect(megabits > 0.1, "clean goodput \(megabits) Mbit/s")
        try expectCleanedUp()
    }

    @Test func latency_chatRoundTripsAgainstTheRelay() throws {
        let results = try LatencyScenario(rawnet: sides, includesLinux: false).run(options: options, log: log)
        expectNoFailures(results)
        let chat = try #require(results.first?.measured?.summary)
        #expect(chat.sampleCount == 300)
        #expect(chat.p50! > 0 && chat.p50! <= chat.p99!)
        #expect(results.first?.ratio != nil)
        try expectCleanedUp()
    }

    @Test func latency_connectTimes() throws {
        let hook = try #require(sides.connectTimes)
        let times = try hook(context)
        #expect(times.count == 50)
        #expect(times.allSatisfy { $0 > 0 && $0 < 5 })
        try expectCleanedUp()
    }

    @Test func scale_smallGeneratedLab() throws {
        let results = try ScaleScenario(rawnet: sides, routers: 6, hosts: 10).run(options: options, log: log)
        expectNoFailures(results)
        #expect(results.count == 5)
        let up = try #require(results[1].measured).summary.median
        #expect(up > 0 && up < 30, "up took \(up) s")
        let memory = try #require(results[2].measured).summary.median
        #expect(memory > 1 && memory < 500, "\(memory) MB")
        #expect(try #require(results[3].measured).summary.median == 100, "every host reaches the far host")
        #expect(try #require(results[4].measured).summary.median == 100, "every connection byte-exact")
        try expectCleanedUp()
    }

    /// The case names and goals follow the lab's size: issue 21's 1,000-node lab has its own.
    @Test func scale_namesAndGoalsFollowTheSize() throws {
        #expect(ScaleScenario.grouped(1_000) == "1 000" && ScaleScenario.grouped(10_000) == "10 000")
        #expect(ScaleScenario.grouped(50) == "50" && ScaleScenario.grouped(123_456) == "123 456")
        #expect(ScaleScenario.goals(nodes: 100) == (5, 20))
        #expect(ScaleScenario.goals(nodes: 1_000) == (10, 10))
    }

    @Test func sim_transfersPerCPUSecond() throws {
        let results = try SimScenario(rawnet: sides).run(options: options, log: log)
        expectNoFailures(results)
        #expect(try #require(results.first?.measured).summary.median > 1)
    }

    @Test func concurrentPayloadsNameTheirConnection() {
        for index in [0, 7, 999] {
            #expect(ConcurrentEcho.check(ConcurrentEcho.payload(for: index)) == index)
        }
        var damaged = ConcurrentEcho.payload(for: 42)
        damaged[damaged.count - 1] ^= 1
        #expect(ConcurrentEcho.check(damaged) == nil)
        #expect(ConcurrentEcho.check(Array(ConcurrentEcho.payload(for: 42).dropLast())) == nil)
        #expect(ConcurrentEcho.check([]) == nil)
    }

    @Test func residentMemoryOfThisProcess() {
        let kilobytes = ScaleLab.residentKilobytes(pid: Processes.currentPID)
        #expect((kilobytes ?? 0) > 1_000)
        #expect(ScaleLab.residentKilobytes(pid: -5) == nil)
    }

    @Test func processCPUClockAdvances() {
        let before = ProcessCPUClock.now()
        var sink = 0
        for value in 0..<2_000_000 { sink &+= value &* value }
        #expect(sink != 1)
        #expect(ProcessCPUClock.now() > before)
    }
}
