import ArgumentParser
import RawNetBench

/// `rawnet bench dns`: queries/s one name server answers through one router, against a UDP echo.
struct BenchDNS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns",
        abstract: "Queries per second one DNS server answers from a client through one router (reference: UDP echo).", usage: "rawnet bench dns [<options>]")

    @Option(help: "Seconds per run.") var seconds = 3.0
    @Option(help: "Queries in flight.") var window = 16
    @Option(help: "Runs of each (the median is reported).") var runs = 5
    @Option(help: "The rawnet executable (default: beside this one).") var rawnet: String?

    func validate() throws {
        guard seconds > 0, window > 0, runs > 0 else { throw ValidationError("--seconds, --window and --runs must be positive") }
    }

    func run() throws {
        let result = try DNSBench.run(seconds: seconds, window: window, runs: runs, executable: rawnet) { print($0) }
        let dns = Statistics.median(result.dns) ?? 0, echo = Statistics.median(result.echo) ?? 0
        print("dns: median \(Int(dns)) queries/s (\(result.dns.map { String(Int($0)) }.joined(separator: " ")))")
        print("udp echo: median \(Int(echo)) datagrams/s (\(result.echo.map { String(Int($0)) }.joined(separator: " ")))")
        if echo > 0 { print("ratio dns/echo: \(Double(Int(dns / echo * 100)) / 100)") }
    }
}
