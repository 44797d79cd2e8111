import ArgumentParser
import Foundation
import RawNetBench

/// `rawnet bench capabilities`: issue 21 goal 4, TCP goodput through one
/// router with each newer capability running beside the data path, against
/// the same lab without it, alternating.
struct BenchCapabilities: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capabilities",
        abstract: "TCP goodput alice → r1 → bob with an attached Linux node, a switch, RIP, DNS and HTTP services or a capture running, against the same lab without (needs root for linux).", usage: "rawnet bench capabilities [<options>]")

    @Option(help: "Transfers per side for each capability (alternating; medians).") var runs = 5
    @Option(help: "Bytes per transfer.") var size = 20_000_000
    @Option(help: "Capabilities, comma-separated: \(CapabilitiesBench.all.joined(separator: ",")).")
    var only = CapabilitiesBench.all.joined(separator: ",")
    @Option(help: "The rawnet executable (default: beside rawnet-bench, or $RAWNET).") var rawnet: String?

    func validate() throws {
        guard runs >= 1, size >= 1 else { throw ValidationError("--runs and --size must be positive") }
        for name in only.split(separator: ",") where !CapabilitiesBench.all.contains(String(name)) {
            throw ValidationError("unknown capability '\(name)' (expected \(CapabilitiesBench.all.joined(separator: ", ")))")
        }
    }

    func run() throws {
        let bench = CapabilitiesBench(rawnet: try LabSides.locateRawnet(explicit: rawnet), rounds: runs, size: size,
                                      capabilities: only.split(separator: ",").map(String.init), log: { print($0) })
        let results = try bench.run()
        func list(_ values: [Double]) -> String { values.map { String(format: "%.1f", $0) }.joined(separator: ", ") }
        print("")
        print("\(runs) transfers of \(size) bytes per side, alternating; TCP goodput alice → r1 → bob, Mbit/s")
        print("| capability running | without: median (runs) | with: median (runs) | ratio | within 10 % |")
        print("|---|---|---|---|---|")
        for result in results {
            print("| \(result.capability) | \(String(format: "%.1f", CapabilitiesBench.Result.median(result.without))) (\(list(result.without))) "
                  + "| \(String(format: "%.1f", CapabilitiesBench.Result.median(result.with))) (\(list(result.with))) "
                  + "| \(String(format: "%.3f", result.ratio)) | \(result.isMet ? "met" : "not met") |")
        }
    }
}
