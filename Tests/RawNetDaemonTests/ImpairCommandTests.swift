import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform
import RawNetView
import Testing

/// `rawnet impair` and `rawnet ping` run as processes against real daemons.
@Suite(.serialized)
struct ImpairCommandTests {
    /// Starts the default lab and resolves ARP with one ping, so later runs
    /// put only echo requests and replies through the impairments.
    private func warmLab() throws -> DaemonTestLab {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        let warm = try lab.ping(count: 1)
        guard warm.received == 1 else {
            lab.stop()
            throw HarnessError("the warm-up ping failed:\n\(warm.output)")
        }
        return lab
    }

    @Test func loss30Percent_loses20To40PercentOf200Pings_thenClearLosesNone() throws {
        let lab = try warmLab()
        defer { lab.stop() }
        let changed = try lab.impair(["alice-r1", "--loss", "30%", "--direction", "out"])
        #expect(changed.contains("alice:eth0 → r1:eth0: loss 30%"))
        #expect(try lab.impairment("r1", "eth0").isPerfect, "out is the first endpoint's egress only")

        let lossy = try lab.ping(count: 200)
        #expect(lossy.transmitted == 200)
        #expect((0.20...0.40).contains(lossy.lossRatio), "lost \(lossy.lost) of 200")

        // The --show table counts the same losses on alice's egress.
        let table = try lab.impair(["--show"])
        let row = try #require(table.split(separator: "\n").first { $0.hasPrefix("alice:eth0 → r1:eth0") })
        let cells = row.split(separator: " ", omittingEmptySubsequences: true)
        #expect(cells.count > 6 && cells[4] == "\(lossy.lost)" && cells[5] == "0", "row: \(row)")
        #expect(row.hasSuffix("loss 30%"))
        // At 80 columns the table keeps direction, submitted and lost, and names what it left out.
        let narrow = try lab.impair(["--show", "--width", "80"]).split(separator: "\n").map(String.init)
        #expect(narrow.allSatisfy { $0.count <= 80 }, "\(narrow)")
        let narrowRow = try #require(narrow.first { $0.hasPrefix("alice:eth0 → r1:eth0") })
        #expect(narrowRow.split(separator: " ")[4] == "\(lossy.lost)", "row: \(narrowRow)")
        #expect(narrow.first!.hasPrefix("direction") && narrow.first!.contains("lost") && !narrow.first!.contains("qfull"))
        #expect(narrow.joined(separator: " ").contains("not shown: burst, qfull"), "\(narrow)")
        #expect(narrow.last == "(counts since each node started; held and settings: as they are now)", "\(narrow)")
        let status = try lab.rawnet(["status", "--width", "80"]).output.split(separator: "\n").map(String.init)
        #expect(status.allSatisfy { $0.count <= 80 }, "\(status)")
        #expect(status.contains { $0.hasPrefix("           in ") && $0.contains("frames/") }, "\(status)")
        // In Korean, as narrow: the same numbers under Korean words, drop reasons in the glossary's terms.
        let koreanTable = try lab.impair(["--show", "--width", "80", "--lang", "ko"]).split(separator: "\n").map(String.init)
        #expect(koreanTable.allSatisfy { DisplayWidth.of($0) <= 80 }, "\(koreanTable)")
        #expect(koreanTable.first!.hasPrefix("방향") && koreanTable.first!.contains("손실"), "\(koreanTable)")
        let koreanRow = try #require(koreanTable.first { $0.hasPrefix("alice:eth0 → r1:eth0") })
        #expect(koreanRow.split(separator: " ")[4] == "\(lossy.lost)", "row: \(koreanRow)")
        #expect(koreanTable.contains { $0.contains("뺀 열: 버스트, 큐초과") } && koreanTable.suffix(2).joined().contains("노드가 시작된 뒤부터"),
                "\(koreanTable)")
        let koreanStatus = try lab.rawnet(["status", "--width", "80", "--lang", "ko"]).output.split(separator: "\n").map(String.init)
        #expect(koreanStatus.allSatisfy { DisplayWidth.of($0) <= 80 }, "\(koreanStatus)")
        #expect(koreanStatus.contains { $0.contains("받음 ") && $0.contains("프레임/") }, "\(koreanStatus)")
        #expect(koreanStatus.contains { $0.contains("버림 \(lossy.lost): 인위적 손실 \(lossy.lost)") }, "\(koreanStatus)")
        #expect(koreanStatus.contains { $0.contains("나가는 쪽 인위적 장애: 손실 30%") }, "\(koreanStatus)")
        #expect(koreanTable.contains { $0.contains("손실 30%") } && !koreanTable.contains { $0.contains("loss 30%") }, "\(koreanTable)")

        // Reordering without a delay holds frames until a later one passes: the command says so.
        let reordering = try lab.impair(["alice-r1", "--reorder", "20%"])
        #expect(reordering.contains("note: a reordered frame waits until a later frame passes it"), "\(reordering)")
        #expect(!(try lab.impair(["alice-r1", "--reorder", "20%", "--delay", "20ms"])).contains("note:"))

        let koreanChange = try lab.impair(["alice-r1", "--loss", "30%", "--lang", "ko"])
        #expect(koreanChange.replacing("\u{A0}", with: " ").contains("alice:eth0 → r1:eth0: 손실 30% · 순서 바뀜 20% · 지연 20ms"), "\(koreanChange)")
        let cleared = try lab.impair(["alice-r1", "--clear"])
        #expect(cleared.contains("alice:eth0 → r1:eth0: perfect wire"))
        #expect(cleared.contains("r1:eth0 → alice:eth0: perfect wire"))
        #expect(try lab.allImpairments().values.allSatisfy { $0 == "perfect wire" })
        let clean = try lab.ping(count: 200)
        #expect(clean.transmitted == 200 && clean.lost == 0, "\(clean.lost) lost after --clear")
        #expect(try lab.impairment("alice", "eth0").pendingFrames == 0)
    }

    /// With most counters above 0 the table cannot fit 60 columns even with the settings below
    /// each row: each direction becomes a block, its counters as "name value" words wrapped under
    /// it, then its settings; the confirmation of a long change is wrapped too. Nothing is cut.
    @Test func manyCounters_fitANarrowTerminalInBlocks() throws {
        let lab = try warmLab()
        defer { lab.stop() }
        let changed = try lab.impair(["alice-r1", "--loss", "10%", "--duplicate", "20%", "--corrupt", "10%", "--reorder", "20%",
                                      "--delay", "5ms", "--jitter", "1ms", "--seed", "3", "--width", "60"])
        let changedLines = changed.split(separator: "\n").map(String.init)
        #expect(changedLines.allSatisfy { DisplayWidth.of($0) <= 60 } && changedLines.count > 2, "\(changedLines)")
        _ = try lab.ping(count: 60)
        let lines = try lab.impair(["--show", "--width", "60"]).split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 60 }, "\(lines)")
        let block = try #require(lines.firstIndex(of: "alice:eth0 → r1:eth0"), "\(lines)")
        #expect(lines[block + 1].hasPrefix("    submitted ") && lines[(block + 1)...].contains { $0.contains("dup ") }, "\(lines)")
        #expect(lines.joined(separator: " ").contains("loss 10%"), "\(lines)")
    }

    @Test func delay50msBothWays_raisesRoundTripByAbout100ms() throws {
        let lab = try warmLab()
        defer { lab.stop() }
        let before = try lab.ping(count: 10, interval: "0.02")
        let baseline = try #require(before.averageMilliseconds)

        try lab.impair(["alice-r1", "--delay", "50ms"])
        #expect(try lab.impairment("alice", "eth0").settings == "delay 50ms")
        #expect(try lab.impairment("r1", "eth0").settings == "delay 50ms")
        let after = try lab.ping(count: 10, interval: "0.02")
        #expect(after.lost == 0)
        let delayed = try #require(after.averageMilliseconds)
        // Frames never leave early; a busy machine may add a little.
        #expect((98.0...180.0).contains(delayed - baseline), "average \(baseline) ms → \(delayed) ms")
    }

    @Test func partialOptions_keepTheOthers_andClearWithOptionsStartsFromPerfect() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        try lab.impair(["r1:eth1", "--delay", "20ms", "--jitter", "5ms", "--distribution", "normal"])
        try lab.impair(["r1:eth1", "--loss", "5%"])
        #expect(try lab.impairment("r1", "eth1").settings == "loss 5% · delay 20ms ±5ms (normal)")
        #expect(try lab.impairment("bob", "eth0").isPerfect, "NODE:IF defaults to out")

        try lab.impair(["r1:eth1", "--direction", "in", "--rate", "2mbit", "--queue", "100"])
        #expect(try lab.impairment("bob", "eth0").settings == "rate 2mbit queue 100")

        try lab.impair(["bob-r1", "--clear", "--duplicate", "1%"])
        #expect(try lab.impairment("r1", "eth1").settings == "duplicate 1%")
        #expect(try lab.impairment("bob", "eth0").settings == "duplicate 1%")

        try lab.impair(["r1:eth1-bob:eth0", "--direction", "out", "--clear"])
        #expect(try lab.impairment("r1", "eth1").isPerfect)
        #expect(try lab.impairment("bob", "eth0").settings == "duplicate 1%", "out is relative to r1:eth1 here")
    }

    @Test func badArguments_giveAClearError_andChangeNothing() throws {
        let lab = try DaemonTestLab(yaml: TopologyLoader.defaultLabYAML)
        defer { lab.stop() }
        try lab.impair(["alice-r1", "--delay", "10ms"])
        let before = try lab.allImpairments()

        let cases: [(arguments: [String], message: String)] = [
            (["alice-r1", "--loss", "140%"], "--loss 140% is out of range"),
            // A negative value is read as the value it is, not as a missing one.
            (["alice-r1", "--loss", "-5%"], "-5% is out of range"),
            (["alice-r1", "--loss", "--delay", "5ms"], "--loss --delay: cannot read '--delay'"),
            (["nowhere-r1", "--loss", "5%"], "has no link or interface 'nowhere-r1'"),
            (["alice:eth7", "--loss", "5%"], "node 'alice' has no interface 'eth7'"),
            (["zed:eth0", "--loss", "5%"], "has no node 'zed'"),
            (["alice-r1", "--loss", "5%", "--delay", "soon"], "--delay soon: cannot read 'soon'"),
            (["alice-r1", "--loss-burst", "1%,2%,3%,4%,5%"], "P,R,1-H,1-K"),
            (["alice-r1", "--loss", "5%", "--direction", "sideways"], "--direction must be out, in or both"),
            (["alice-r1", "--seed", "-3"], "seed"),
            (["--loss", "5%"], "name a link or NODE:IF"),
        ]
        for (arguments, message) in cases {
            let run = try lab.rawnet(["impair"] + arguments)
            #expect(run.status != 0, "\(arguments) succeeded")
            #expect(run.output.contains("Error:") && run.output.contains(message), "\(arguments): \(run.output)")
        }
        #expect(try lab.allImpairments() == before)
        let ping = try lab.ping(count: 5, interval: "0.02")
        #expect(ping.lost == 0)
    }

    @Test func sameSeed_losesTheSamePings_anotherSeedOthers() throws {
        let lab = try warmLab()
        defer { lab.stop() }
        func lostSequences(seed: String) throws -> [Int] {
            try lab.impair(["alice-r1", "--clear", "--loss", "30%", "--seed", seed])
            let run = try lab.ping(count: 60)
            try lab.impair(["alice-r1", "--clear"])
            return run.lostSequences
        }
        let first = try lostSequences(seed: "42")
        let again = try lostSequences(seed: "42")
        let other = try lostSequences(seed: "43")
        #expect(!first.isEmpty)
        #expect(first == again)
        #expect(first != other)
    }

    @Test func seedGivenAgain_restartsTheRandomChoices() throws {
        let lab = try warmLab()
        defer { lab.stop() }
        try lab.impair(["alice:eth0", "--loss", "50%", "--seed", "9"])
        let first = try lab.ping(count: 40).lostSequences
        try lab.impair(["alice:eth0", "--seed", "9"])
        let second = try lab.ping(count: 40).lostSequences
        #expect(!first.isEmpty && first == second)
        #expect(try lab.impairment("alice", "eth0").seed == "9")
    }
}
