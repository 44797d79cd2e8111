import Testing
import RawNetCore
import RawNetSim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measurements for BENCHMARKS.md ("TCP (simulation)"). They only run when asked:
///
///     RAWNET_SIM_BENCH=1 swift test -c release --filter TCPSimulationBenchmark
///
/// Speed is measured in process CPU time, goodput in simulated time, so the
/// figures do not depend on what else the machine is doing.
@Suite(.serialized) struct TCPSimulationBenchmarkTests {
    static var isEnabled: Bool { getenv("RAWNET_SIM_BENCH") != nil }

    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    @Test(.enabled(if: isEnabled))
    func simulationSpeed_64KiBTransfersAt10PercentLoss_perCPUSecond() {
        let count = Int(getenv("RAWNET_SIM_BENCH_TRANSFERS").map { String(cString: $0) } ?? "") ?? 2000
        var config = TCPConfiguration()
        config.recordsEvents = false
        let link = SimLinkSettings(delay: .milliseconds(5), loss: 0.1)
        let start = Self.cpuSeconds()
        var failures = 0
        var simulated: Duration = .zero
        for seed in 0..<count {
            var t = TCPTransfer(size: 64 * 1024, seed: UInt64(seed), forward: link, backward: link)
            t.clientConfiguration = config
            t.serverConfiguration = config
            let r = t.run()
            if !r.isSuccess { failures += 1; if failures < 3 { print("FAIL \(r)") } }
            simulated += r.closedAt ?? .zero
        }
        let cpu = Self.cpuSeconds() - start
        let rate = Double(count) / cpu
        print("BENCH sim-speed: \(count) transfers of 64 KiB at 10% loss both ways in \(cpu) CPU s = \(Int(rate)) transfers/CPU-s; 10 000 would take \(10_000 / rate) CPU s; \(failures) failed; mean simulated time \(simulated / count)")
        #expect(failures == 0)
    }

    @Test(.enabled(if: isEnabled))
    func goodputRetained_underLoss_NewRenoCUBICAndBBR_withSACKAndRACK_atRTT100usAnd10ms() {
        let size = 8 * 1024 * 1024
        let seeds = 3
        for rtt in [Duration.microseconds(100), .milliseconds(10)] {
            for algorithm in [TCPCongestionAlgorithm.newReno, .cubic, .bbr] {
                var baseline = 0.0
                var line = "BENCH goodput rtt=\(rtt) cc=\(algorithm)+SACK+RACK rate=100Mbit/s:"
                for loss in [0.0, 0.01, 0.05, 0.10] {
                    var total = 0.0
                    for seed in 0..<seeds {
                        var config = TCPConfiguration()
                        config.recordsEvents = false
                        config.congestionControl = algorithm
                        config.sendBufferSize = 4 * 1024 * 1024
                        config.receiveBufferSize = 4 * 1024 * 1024
                        let forward = SimLinkSettings(delay: rtt / 2, loss: loss, rate: 100_000_000)
                        let backward = SimLinkSettings(delay: rtt / 2, rate: 100_000_000)
                        var t = TCPTransfer(size: size, seed: UInt64(seed), forward: forward, backward: backward)
                        t.clientConfiguration = config
                        t.serverConfiguration = config
                        let r = t.run()
                        guard r.isSuccess, let done = r.dataCompletedAt else {
                            Issue.record("goodput run failed: \(r)")
                            continue
                        }
                        total += Double(size * 8) / done.seconds
                    }
                    let goodput = total / Double(seeds)
                    if loss == 0 { baseline = goodput }
                    let mbit = (goodput / 1e6 * 10).rounded() / 10
                    let retained = (goodput / baseline * 1000).rounded() / 10
                    line += " loss \(Int(loss * 100))%: \(mbit) Mbit/s (\(retained)%)"
                }
                print(line)
            }
        }
    }
}
