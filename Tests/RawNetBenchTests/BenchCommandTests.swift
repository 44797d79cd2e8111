import Foundation
import RawNetContracts
import RawNetTestSupport
import Testing

/// The benchmark command line as users run it: `rawnet-bench`, and `rawnet bench …` /
/// `rawnet gen …`, which execute the `rawnet-bench` beside `rawnet`.
@Suite(.serialized) struct BenchCommandTests {
    @Test func rawnetBench_printsTheVersion() throws {
        let bench = try RawNetRunner(executable: "rawnet-bench")
        let run = try bench.run(["--version"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output == "rawnet-bench \(RawNetVersion.current)\n")
    }

    @Test func rawnetBench_listsEveryBenchCommandAndGen() throws {
        let bench = try RawNetRunner(executable: "rawnet-bench")
        let help = try bench.run(["--help"])
        #expect(help.status == 0, "\(help.output)")
        for name in ["forward", "capture", "tcp", "loss", "latency", "scale", "sim", "interop", "http", "reorder", "capabilities", "all", "record", "soak", "wire", "sockets", "engine", "vxlan", "split", "gen"] {
            let listed = help.output.contains("  \(name) ") || help.output.contains("  \(name), ")
            #expect(listed, "missing \(name):\n\(help.output)")
        }
    }

    @Test func rawnetBenchAndGen_runRawnetBench_withTheArgumentsAsGiven() throws {
        let runner = try RawNetRunner()
        let version = try runner.run(["bench", "--version"])
        #expect(version.output == "rawnet-bench \(RawNetVersion.current)\n", "\(version.output)")
        let help = try runner.run(["bench", "--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("USAGE: rawnet-bench <subcommand>"), "\(help.output)")
        let helpTCP = try runner.run(["help", "bench", "tcp"])
        #expect(helpTCP.output.contains("--connections"), "\(helpTCP.output)")

        // gen's output and exit status are rawnet-bench's own, also for a usage error.
        let yaml = try runner.run(["gen", "--routers", "2", "--hosts", "3", "--shape", "chain", "--name", "tiny"])
        #expect(yaml.status == 0, "\(yaml.output)")
        #expect(yaml.output.contains("name: tiny"), "\(yaml.output)")
        let file = runner.base + "/tiny.yaml"
        let written = try runner.run(["gen", "--routers", "2", "--hosts", "3", "-o", file])
        #expect(written.output.contains("wrote \(file): 2 routers, 3 hosts, tree"), "\(written.output)")
        #expect(FileManager.default.fileExists(atPath: file))
        let bad = try runner.run(["gen", "--shape", "ring"])
        #expect(bad.status == 64, "ArgumentParser's validation status, passed through: \(bad.status)")
        #expect(bad.errors.contains("--shape must be chain or tree"))
    }

    @Test func rawnetBench_missingBesideRawnet_saysHowToBuildIt() throws {
        let runner = try RawNetRunner()
        let directory = runner.base + "/alone"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: runner.executable, toPath: directory + "/rawnet")
        let lonely = try RawNetRunner(executableAt: directory + "/rawnet")
        for arguments in [["bench", "tcp", "--smoke"], ["gen"]] {
            let run = try lonely.run(arguments)
            #expect(run.status == 1, "\(run.output)")
            #expect(run.output.contains("there is none in \(directory)"), "\(run.output)")
            #expect(run.output.contains("swift build --product rawnet-bench"), "\(run.output)")
        }
    }

    @Test func benchChat_isTheLatencyScenario() throws {
        let runner = try RawNetRunner()
        let help = try runner.run(["bench", "chat", "--help"])
        #expect(help.status == 0, "\(help.output)\n\(help.errors)")
        #expect(help.output.contains("Chat-line round trip p50/p99 against the relay"))
        let wrong = try runner.run(["bench", "chat", "--runs", "2"])
        #expect(wrong.status != 0)
        #expect(wrong.errors.contains("--runs must be at least 5"))
    }

    @Test func benchTCP_measuresOnlyTheConnectionCountsGiven() throws {
        let runner = try RawNetRunner()
        let zero = try runner.run(["bench", "tcp", "--connections", "0"])
        #expect(zero.status != 0)
        #expect(zero.errors.contains("--connections takes counts from 1 to 10000"))
        let json = "/tmp/rawnet-bench-tcp-\(ProcessInfo.processInfo.processIdentifier).json"
        defer { try? FileManager.default.removeItem(atPath: json) }
        let run = try runner.run(["bench", "tcp", "--smoke", "--connections", "2", "--json", json, "--no-markdown"],
                                 timeout: 120)
        #expect(run.status == 0, "\(run.output)\n\(run.errors)")
        #expect(run.output.contains("goodput, 2 connections (aggregate)"))
        #expect(!run.output.contains("goodput, 1 connection"))
        #expect(!run.output.contains("goodput, 100 connections"))
        let report = try String(contentsOfFile: json, encoding: .utf8)
        #expect(report.contains("goodput, 2 connections"))
    }

    /// A tiny split lab (7 routers, 10 hosts) through the whole bench: two namespaces, both sides, medians and ratio.
    @Test func benchSplit_bringsBothSidesUpAndEveryHostReachesTheOtherPart() throws {
        try #require(getuid() == 0, "bench split creates network namespaces: run the tests as root")
        let runner = try RawNetRunner()
        let run = try runner.run(["bench", "split", "--routers", "7", "--hosts", "10", "--runs", "1"], timeout: 180)
        #expect(run.status == 0, "\(run.output)\n\(run.errors)")
        #expect(run.output.contains("rawnet bench split: 17 nodes (7 routers, 10 hosts)"), "\(run.output)")
        #expect(run.output.contains("run 1 one: up ") && run.output.contains("run 1 split: up "), "\(run.output)")
        #expect(run.output.contains("ratio split/one: up "), "\(run.output)")
        let leftover = try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)
        #expect(!leftover.contains("rnbsp"), "a namespace of the bench is left mounted")
    }
}
