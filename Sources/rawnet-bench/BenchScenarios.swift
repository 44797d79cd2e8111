import ArgumentParser
import Foundation
import RawNetBench

/// Options shared by `rawnet bench forward|tcp|loss|latency|scale|sim|interop|all`.
struct BenchScenarioOptions: ParsableArguments {
    @Flag(help: "One short run of each case (seconds): checks the harness, figures are not kept in BENCHMARKS.md.")
    var smoke = false
    @Option(help: "Runs per side per case (at least 5 unless --smoke).") var runs = 5
    @Option(help: "Where to write the JSON results.") var json = "bench-results.json"
    @Flag(help: "Do not merge the rows into BENCHMARKS.md.") var noMarkdown = false
    @Option(help: "The Markdown file whose results section is updated.") var markdown = "BENCHMARKS.md"
    @Flag(help: "Install missing Debian packages (iperf3 nftables ethtool) with apt-get.") var install = false
    @Option(help: "The rawnet-relay executable (default: next to rawnet-bench, or $RAWNET_RELAY).") var relay: String?
    @Option(help: "Directory for temporary sockets and logs.") var workDirectory = "/tmp"

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be positive") }
        guard smoke || runs >= 5 else { throw ValidationError("--runs must be at least 5 for real figures (or use --smoke)") }
    }

    var benchOptions: BenchOptions {
        BenchOptions(runs: smoke ? 1 : runs, isSmoke: smoke, installsMissingPackages: install || ProcessInfo.processInfo.environment["CI"] != nil,
                     relayPath: relay, workDirectory: workDirectory)
    }

    /// Runs the named scenarios, prints the table, writes JSON and Markdown.
    func run(_ names: [String]) throws {
        try run(names.compactMap { name in Scenarios.named(name, rawnet: Self.rawnetSides) })
    }

    /// Runs `scenarios`, prints the table, writes JSON and Markdown.
    func run(_ scenarios: [any Scenario]) throws {
        let options = benchOptions
        let names = scenarios.map(\.name)
        if !smoke && isDebugBuild {
            print("warning: this is a debug build; benchmark figures need `swift build -c release`")
        }
        print("rawnet bench \(names.joined(separator: " ")): \(options.runs) run(s) per side, \(options.cpus)")
        let log: @Sendable (String) -> Void = { print($0) }
        var results: [CaseResult] = []
        for scenario in scenarios {
            let name = scenario.name
            print("== \(name)")
            do {
                results += try scenario.run(options: options, log: log)
            } catch {
                print("\(name) failed: \(error)")
                results.append(.setupFailure(scenario: name, error: "\(error)"))
            }
        }
        // Recorded as users type it: `rawnet bench …` runs this executable with the same arguments.
        let report = BenchReport(command: (["rawnet", "bench"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                                 options: options, results: results)
        print("")
        print(report.table())
        try report.json().write(toFile: json, atomically: true, encoding: .utf8)
        print("JSON: \(json)")
        if !noMarkdown && !smoke {
            let document = (try? String(contentsOfFile: markdown, encoding: .utf8)) ?? "# Benchmarks\n"
            try report.mergedMarkdown(into: document).write(toFile: markdown, atomically: true, encoding: .utf8)
            print("Markdown rows: \(markdown)")
        }
        if report.hasFailures { throw ExitCode.failure }
    }

    /// The RawNet sides plugged into the scenarios.
    static let rawnetSides: RawNetSides = {
        var sides = LabSides.make()
        RouterForwarder.plug(into: &sides)
        SwitchForwarder.plug(into: &sides)
        return sides
    }()

    private var isDebugBuild: Bool {
        #if DEBUG
        return true
        #else
        return false
        #endif
    }
}

/// `rawnet bench forward`: 1514-byte frames/s through one forwarder against the relay.
struct BenchForward: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "forward",
        abstract: "1514-byte frames per second through one router against the minimal relay (goal ≥ 60 %).", usage: "rawnet bench forward [<options>]")
    @OptionGroup var options: BenchScenarioOptions
    func run() throws { try options.run(["forward"]) }
}

/// `rawnet bench capture`: forwarding with `rawnet capture` running against without.
struct BenchCapture: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "capture",
        abstract: "1514-byte frames per second through one router with `rawnet capture` running, against without.", usage: "rawnet bench capture [<options>]")
    @OptionGroup var options: BenchScenarioOptions
    func run() throws { try options.run(["capture"]) }
}

/// `rawnet bench switch`: frames/s through one switch against the relay and a router.
struct BenchSwitch: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "switch",
        abstract: "1514-byte frames per second through one switch against the minimal relay and against one router.", usage: "rawnet bench switch [<options>]")
    @OptionGroup var options: BenchScenarioOptions
    func run() throws { try options.run(["switch"]) }
}

/// `rawnet bench tcp`: goodput through one router against the relay's bytes/s.
struct BenchTCP: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tcp",
        abstract: "TCP goodput app to app through one router, 1, 10 and 100 connections, against the relay's bytes/s (goal ≥ 1/2).", usage: "rawnet bench tcp [<options>]")
    @OptionGroup var options: BenchScenarioOptions
    @Option(name: .customLong("connections"), parsing: .upToNextOption,
            help: "Connection counts to measure (default: 1 10 100).")
    var connectionCounts: [Int] = [1, 10, 100]

    func validate() throws {
        guard !connectionCounts.isEmpty, connectionCounts.allSatisfy({ (1...10_000).contains($0) }) else {
            throw ValidationError("--connections takes counts from 1 to 10000")
        }
    }

    func run() throws {
        try options.run([TCPScenario(rawnet: BenchScenarioOptions.rawnetSides, connectionCounts: connectionCounts)])
    }
}

/// `rawnet bench loss`: goodput retained under loss against Linux bbr and cubic.
struct BenchLoss: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "loss",
        abstract: "Goodput retained at 1, 5 and 10 % loss against Linux (namespaces, nftables, iperf3; needs root).", usage: "rawnet bench loss [<options>]")
    @OptionGroup var options: BenchScenarioOptions
    func run() throws { try options.run(["loss"]) }
}

/// `rawnet bench latency` (also `rawnet bench chat`): chat round trip against
/// the relay, connect time against Linux.
struct BenchLatency: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "latency",
        abstract: "Chat-line round trip p50/p99 against the relay (goal p50 ≤ 3×); TCP connect time against Linux. Also `bench chat`.", usage: "rawnet bench latency [<options>]",
        aliases: ["chat"])
    @OptionGroup var options: BenchScenarioOptions
    func run() throws { try options.run(["latency"]) }
}

/// `rawnet bench scale`: a generated lab, 100 nodes unless told (issue 21's is
/// `--routers 300 --hosts 700 --connections 10000`).
struct BenchScale: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scale",
        abstract: "A generated lab (100 nodes unless told): time to up, memory per daemon, reachability, concurrent TCP connections.", usage: "rawnet bench scale [<options>]")
    @OptionGroup var options: BenchScenarioOptions
    @Option(help: "Routers of the generated lab (a tree).") var routers = 30
    @Option(help: "Hosts of the generated lab, spread over the routers.") var hosts = 70
    @Option(help: "Concurrent TCP connections between the two farthest hosts.") var connections = 1_000

    func validate() throws {
        guard (1...1_000).contains(routers), (2...5_000).contains(hosts) else {
            throw ValidationError("--routers takes 1 to 1000 and --hosts 2 to 5000")
        }
        guard (1...20_000).contains(connections) else { throw ValidationError("--connections takes 1 to 20000") }
    }

    func run() throws {
        let sides = LabSides.make(scaleRouters: routers, scaleHosts: hosts, scaleConnections: connections,
                                  into: BenchScenarioOptions.rawnetSides)
        try options.run([ScaleScenario(rawnet: sides, routers: routers, hosts: hosts, connections: connections)])
    }
}

/// `rawnet bench converge`: RIP convergence after a link failure.
struct BenchConverge: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "converge",
        abstract: "A 20-router RIP grid (update 1 s): seconds until every host reaches every other after a link fails.", usage: "rawnet bench converge [<options>]")
    @OptionGroup var options: BenchScenarioOptions
    func run() throws { try options.run(["converge"]) }
}

/// `rawnet bench sim`: simulated lossy transfers per CPU-second.
struct BenchSim: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sim",
        abstract: "Simulated lossy transfers per CPU-second.", usage: "rawnet bench sim [<options>]")
    @OptionGroup var options: BenchScenarioOptions
    func run() throws { try options.run(["sim"]) }
}

/// `rawnet bench interop`: one connection with Linux at one end against RawNet at both.
struct BenchInterop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "interop",
        abstract: "One TCP connection Linux → RawNet and RawNet → Linux through one router, against RawNet → RawNet (attach; needs root).", usage: "rawnet bench interop [<options>]")
    @OptionGroup var options: BenchScenarioOptions
    func run() throws { try options.run(["interop"]) }
}

/// `rawnet bench http`: pages per second and a 1 MB fetch of the HTTP server through one router.
struct BenchHTTP: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "http",
        abstract: "HTTP pages/s (keep-alive against a connection per page) and 1 MB fetch goodput against nc's bare TCP stream.", usage: "rawnet bench http [<options>]")
    @OptionGroup var options: BenchScenarioOptions
    func run() throws { try options.run(["http"]) }
}

/// `rawnet bench all`: every scenario in turn.
struct BenchAll: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "all",
        abstract: "Every scenario: forward, tcp, loss, latency, scale, sim, interop.", usage: "rawnet bench all [<options>]")
    @OptionGroup var options: BenchScenarioOptions
    func run() throws { try options.run(Scenarios.names) }
}

/// The scenario subcommands, for the `bench` group's list.
let benchScenarioCommands: [ParsableCommand.Type] = [
    BenchForward.self, BenchCapture.self, BenchSwitch.self, BenchTCP.self, BenchLoss.self, BenchLatency.self, BenchScale.self, BenchSim.self,
    BenchInterop.self, BenchConverge.self, BenchHTTP.self, BenchAll.self,
]
