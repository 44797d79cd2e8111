import Testing
import RawNetContracts
import RawNetLab
import RawNetPlatform
@testable import RawNetBench

/// One short run of every scenario, so the benchmarks never rot. The Linux
/// parts need root and the Debian packages iperf3, nftables and ethtool: when
/// they are missing these tests fail and say what to install.
@Suite(.serialized) struct SmokeTests {
    private let options = BenchOptions.smoke()
    private let log: @Sendable (String) -> Void = { _ in }

    private func expectNoFailures(_ results: [CaseResult]) {
        for result in results {
            #expect(result.error == nil, "\(result.scenario)/\(result.name): \(result.error ?? "")")
        }
    }

    @Test func forward_relayCarriesFrames() throws {
        let results = try ForwardScenario().run(options: options, log: log)
        expectNoFailures(results)
        let relay = try #require(results.first?.reference)
        #expect(relay.summary.median > 1_000, "relay carried \(relay.summary.median) frames/s")
        #expect(results.first?.goal?.isMet == nil, "no RawNet side yet: the goal is pending")
    }

    @Test func http_pagesAndFetchThroughOneRouter() throws {
        let results = try HTTPScenario().run(options: options, log: log)
        expectNoFailures(results)
        #expect(results.count == 2)
        for result in results {
            #expect(try #require(result.measured).summary.median > 0, "\(result.name)")
            #expect(try #require(result.reference).summary.median > 0, "\(result.name)")
        }
    }

    @Test func tcp_relayBytesPerSecond() throws {
        let results = try TCPScenario(connectionCounts: [1]).run(options: options, log: log)
        expectNoFailures(results)
        #expect(try #require(results.first?.reference).summary.median > 1, "MB/s")
    }

    @Test func latency_relayRoundTripsAndLinuxConnects() throws {
        let results = try LatencyScenario().run(options: options, log: log)
        expectNoFailures(results)
        #expect(results.count == 2)
        let relay = try #require(results.first?.reference?.summary)
        #expect(relay.sampleCount == 300)
        #expect(relay.p50! > 0 && relay.p50! <= relay.p99!)
        let linux = try #require(results.last?.reference?.summary)
        #expect(linux.sampleCount == 50)
        #expect(linux.p50! > 0)
    }

    @Test func loss_linuxReferenceAtFivePercent() throws {
        let results = try LossScenario(lossRates: [5], algorithms: ["bbr"]).run(options: options, log: log)
        expectNoFailures(results)
        #expect(results.count == 2)
        #expect(try #require(results.first?.reference).summary.median > 1, "clean goodput in Mbit/s")
        let retained = try #require(results.last?.reference).summary.median
        #expect(retained > 0 && retained < 5, "retained share \(retained)")
        #expect(LinuxTools.missingPackages().isEmpty)
        let leftovers = try Shell.check(["ip", "netns", "list"]).split(separator: "\n")
            .filter { $0.contains("rnbench-") && $0.contains("-\(Processes.currentPID)-") }
        #expect(leftovers.isEmpty, "namespaces left behind: \(leftovers)")
    }

    @Test func interop_linuxAndRawNetEndsThroughOneRouter() throws {
        try #require(Processes.isRoot, "interop attaches a linux node: run the tests as root (CI does)")
        let results = try InteropScenario(rawnet: LabSides.make()).run(options: options, log: log)
        expectNoFailures(results)
        #expect(results.map(\.name) == ["one connection Linux → RawNet through one router",
                                        "one connection RawNet → Linux through one router"])
        for result in results {
            let measured = try #require(result.measured).summary.median
            let reference = try #require(result.reference).summary.median
            #expect(measured > 0.01 && reference > 0.01, "\(result.name): \(measured) against \(reference) MB/s")
            #expect(result.ratio != nil)
        }
        let leftovers = try Shell.check(["ip", "netns", "list"]).split(separator: "\n")
            .filter { $0.contains("rawnet-bi\(Processes.currentPID)x") }
        #expect(leftovers.isEmpty, "namespaces left behind: \(leftovers)")
    }

    /// One short round each way under reordering: both senders' counters are read, the
    /// lab's drops and Linux's receive drops are counted, and nothing is lost, so every
    /// duplicate a receiver reported was sent by its sender as a retransmission.
    @Test func reorder_oneRoundEachWay_countsInSegments_andFindsNoLoss() throws {
        try #require(Processes.isRoot, "the reorder bench attaches a linux node: run the tests as root (CI does)")
        let bench = ReorderBench(rawnet: try LabSides.locateRawnet(explicit: nil), rounds: 1, size: 400_000, log: log)
        let round = try #require(try bench.run().first)
        #expect(round.isLossless, "\(round)")
        #expect(round.linuxSeconds > 0 && round.rawnetSeconds > 0, "\(round)")
        // A D-SACK reports at least one segment; a sender is told only of what it re-sent.
        #expect(round.linuxDSACKedSegments >= round.linuxDSACKsReceived, "\(round)")
        #expect(round.rawnetSpurious <= round.rawnetRetransmissions, "\(round)")
        #expect(round.linuxDSACKedSegments <= round.linuxRetransmissions, "\(round)")
        #expect(ReorderBench.sumOfDrops(inStatus: "    eth0 ...\n           drops 7: 5 injected loss, 2 TTL expired\n"
                                        + "    local  drops 4: 3 reverse path, 1 no socket on port\n") == 10,
                "a segment for a closed connection loses no data")
    }

    /// The sender's counters are read from `rawnet sockets -i` as it prints them: on
    /// several lines under the connection's row, the retransmissions' reasons in
    /// parentheses that may be broken across lines.
    @Test func reorder_readsTheSendersCountersFromEveryLineOfTheListing() throws {
        var socket = SocketInfo(id: 3, app: 1, protocolName: "tcp", local: "10.0.2.20:40000", peer: "10.0.1.10:20002")
        socket.state = "FIN-WAIT-2"
        socket.internals = "proto=tcp state=FIN-WAIT-2 rto=200000 srtt=13200 rttvar=3300 cwnd=21720 ssthresh=14480 mss=1448 "
            + "bytes_sent=400000 retrans=180 retrans_rto=100 retrans_dupack=40 retrans_rack=30 retrans_tlp=10 "
            + "spurious_retrans=7 dsack_received=5 undo=2"
        let listing = SocketInfo.table([socket], internals: true)
        let lines = listing.split(separator: "\n", omittingEmptySubsequences: false)
        let row = try #require(lines.firstIndex { $0.contains("10.0.1.10:20002") })
        #expect(lines.count > 3, "the internals take several lines:\n\(listing)")
        let values = ReorderBench.internals(following: row, in: lines)
        #expect(values["retrans"] == 180 && values["spurious_retrans"] == 7, "\(values)\n\(listing)")
        #expect(values["dsack_received"] == 5 && values["undo"] == 2 && values["cwnd"] == 21720, "\(values)")
        #expect(values["timeout"] == nil && values["RACK"] == nil, "the reasons are not counters of their own: \(values)")
    }

    /// Every capability's lab comes up beside its twin, and a transfer through each is
    /// byte-exact (the bench checks the bytes) and timed.
    @Test func capabilities_eachLabPairCarriesATransfer() throws {
        try #require(Processes.isRoot, "the linux capability attaches a namespace: run the tests as root (CI does)")
        let bench = CapabilitiesBench(rawnet: try LabSides.locateRawnet(explicit: nil), rounds: 1, size: 1_000_000, log: log)
        let results = try bench.run()
        #expect(results.map(\.capability) == CapabilitiesBench.all)
        for result in results {
            #expect(result.without.count == 1 && result.with.count == 1, "\(result.capability)")
            #expect(result.without.allSatisfy { $0 > 0 } && result.with.allSatisfy { $0 > 0 }, "\(result.capability)")
        }
    }

    @Test func capabilities_labsDifferOnlyInTheCapability() throws {
        for capability in CapabilitiesBench.all {
            let without = try TopologyLoader.parse(yaml: CapabilitiesBench.yaml(name: "a", capability: capability, with: false, files: "/tmp"),
                                                   file: "without")
            let with = try TopologyLoader.parse(yaml: CapabilitiesBench.yaml(name: "b", capability: capability, with: true, files: "/tmp"),
                                                file: "with")
            for name in ["alice", "bob", "r1"] {
                #expect(without.node(named: name)?.interfaces.map(\.address) == with.node(named: name)?.interfaces.map(\.address))
            }
        }
        let rip = try TopologyLoader.parse(yaml: CapabilitiesBench.yaml(name: "b", capability: "rip", with: true, files: "/tmp"), file: "rip")
        #expect(rip.node(named: "r1")?.rip != nil && rip.node(named: "r2")?.rip != nil)
        let services = try TopologyLoader.parse(yaml: CapabilitiesBench.yaml(name: "b", capability: "services", with: true, files: "/tmp"),
                                                file: "services")
        #expect(services.node(named: "bob")?.services.map(\.kind) == ["dns", "http"])
    }

    @Test func scale_generatesAndValidatesTheLab() throws {
        let results = try ScaleScenario().run(options: options, log: log)
        expectNoFailures(results)
        #expect(results.count == 5)
        #expect(try #require(results.first?.measured).summary.median > 0)
        #expect(results.dropFirst().allSatisfy { $0.goal?.isMet == nil }, "daemon cases are pending")
    }

    @Test func sim_isPendingWithoutError() throws {
        let results = try SimScenario().run(options: options, log: log)
        expectNoFailures(results)
        #expect(results.first?.note != nil)
    }
}
