import RawNetContracts
import RawNetCore
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import Testing

/// Impairments from topology files, in the trace, and bypassed, on real daemons.
@Suite(.serialized)
struct ImpairWiringTests {
    @Test func topologyImpairments_applyPerDirection() throws {
        let yaml = """
            name: directions
            nodes:
              alice:  { kind: host,   ip: 10.0.1.10/24, gateway: 10.0.1.1 }
              bob:    { kind: host,   ip: 10.0.2.20/24, gateway: 10.0.2.1 }
              r1:     { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
            links:
              - endpoints: [alice:eth0, r1:eth0]
                impair: { a_to_b: { delay: 40ms }, b_to_a: { delay: 10ms, seed: 5 } }
              - endpoints: [r1:eth1, bob:eth0]
                impair: { duplicate: 0%, corrupt: 0% }
            """
        let lab = try DaemonTestLab(yaml: yaml)
        defer { lab.stop() }
        #expect(try lab.allImpairments() == [
            "alice:eth0 → r1:eth0": "delay 40ms",
            "r1:eth0 → alice:eth0": "delay 10ms · seed 5",
            "r1:eth1 → bob:eth0": "perfect wire",
            "bob:eth0 → r1:eth1": "perfect wire",
        ])
        // The restarted router has empty ARP caches and alice's port picks it up again: settle first.
        for _ in 0..<5 where try lab.ping(count: 1, interval: "0.02").received == 0 {}
        let run = try lab.ping(count: 5, interval: "0.02")
        #expect(run.lost == 0)
        let average = try #require(run.averageMilliseconds)
        #expect((49.0...120.0).contains(average), "40ms + 10ms one way each: \(average) ms")
        let table = try lab.impair(["--show"])
        #expect(table.contains("alice:eth0 → r1:eth0") && table.contains("delay 40ms"))
    }

    @Test func everyImpairmentAction_isATraceEvent() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        _ = try lab.ping(count: 1)
        let stream = try ControlClient(path: lab.paths.control(node: "alice"))
        let first = try stream.request(ControlRequest(command: "subscribe"))
        #expect(first.ok)

        /// Runs one ping under `options` and collects alice's impairment events.
        func events(_ options: [String], pings: Int = 2) throws -> [TraceEvent] {
            try lab.impair(["alice:eth0", "--clear"] + options)
            _ = try lab.ping(count: pings, interval: "0.05")
            var found: [TraceEvent] = []
            while let line = try stream.nextLine(timeout: .milliseconds(300)) {
                let event = try ControlCodec.decodeLine(TraceEvent.self, from: line)
                if event.kind == .impaired || event.kind == .dropped { found.append(event) }
            }
            return found
        }
        func reasons(_ list: [TraceEvent]) -> [String] { list.compactMap(\.reason) }

        let shaped = reasons(try events(["--delay", "10ms", "--duplicate", "100%", "--corrupt", "100%"]))
        #expect(shaped.contains("delayed 10ms"))
        #expect(shaped.contains("duplicated"))
        #expect(shaped.contains { $0.hasPrefix("corrupted byte ") && $0.contains(" bit ") })

        let lost = try events(["--loss", "100%"])
        #expect(lost.contains { $0.kind == .dropped && $0.reason == "injected loss" && $0.interface == "eth0" })
        #expect(lost.allSatisfy { $0.frame?.count ?? 0 >= 14 })

        let burst = reasons(try events(["--loss-burst", "100%,0%,100%,0%"], pings: 3))
        #expect(burst.contains("burst loss"))

        let held = reasons(try events(["--reorder", "100%"], pings: 3))
        #expect(held.contains("held back until 1 later frame has left (reorder)"), "\(held)")

        let jumped = reasons(try events(["--delay", "20ms", "--reorder", "100%"], pings: 3))
        #expect(jumped.contains("reordered"))

        let overflow = reasons(try events(["--rate", "8kbit", "--queue", "1"], pings: 4))
        #expect(overflow.contains("queue overflow"))
        #expect(!overflow.contains { $0.hasPrefix("delayed ") }, "a line rate alone delays nothing: its wait is queued's")
        try lab.impair(["alice:eth0", "--clear"])
    }

    @Test func bypassedDaemon_ignoresImpairments_andRefusesChanges() throws {
        let yaml = TopologyLoader.defaultLabYAML.replacing(
            "  - endpoints: [alice:eth0, r1:eth0]",
            with: "  - endpoints: [alice:eth0, r1:eth0]\n    impair: { b_to_a: { loss: 100% } }")
        let lab = try DaemonTestLab(yaml: yaml)
        defer { lab.stop() }
        #expect(try lab.impairment("r1", "eth0").settings == "loss 100%")
        #expect(try lab.ping(count: 2, interval: "0.02").received == 0)

        // Restart r1 with the engine bypassed: the topology's loss is gone.
        try lab.kill("r1", signal: SignalNumber.terminate)
        var environment = ProcessEnvironment.all
        environment[NodeDaemon.bypassEnvironmentVariable] = "1"
        let pid = try Processes.spawn(executable: lab.executable, arguments: ["router", "r1", "--run-dir", lab.runDirectory],
                                      logPath: lab.paths.logFile(node: "r1"), environment: environment)
        defer {
            try? Processes.kill(pid, signal: SignalNumber.terminate)
            for _ in 0..<300 where (try? Processes.reap(pid)) == .some(nil) { MonotonicClock.sleep(for: .milliseconds(10)) }
        }
        try lab.waitUntilReady("r1")
        let answer = try lab.impairment("r1", "eth0")
        #expect(answer.isBypassed == true && answer.isPerfect)
        // The restarted router has empty ARP caches and alice's port picks it up again: settle first.
        for _ in 0..<5 where try lab.ping(count: 1, interval: "0.02").received == 0 {}
        let run = try lab.ping(count: 5, interval: "0.02")
        #expect(run.lost == 0, "\(run.output)\n\(lab.log("r1"))")

        let refused = try lab.rawnet(["impair", "alice-r1", "--loss", "5%"])
        #expect(refused.status != 0 && refused.output.contains("bypassed"))
        #expect(try lab.impairment("alice", "eth0").isPerfect, "refused before alice's side changed")
        #expect(try lab.impair(["--show"]).contains("(engine bypassed)"))
    }
}
