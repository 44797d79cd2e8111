import ArgumentParser
import RawNetContracts
import RawNetPlatform

/// `rawnet-bench`: the benchmark command line, kept out of `rawnet` so that neither
/// `rawnet` nor `rawnetd` links benchmark or simulation code. `rawnet bench …` and
/// `rawnet gen …` run this executable (it lies beside them in the build directory).
@main
struct RawNetBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rawnet-bench",
        abstract: "Measure RawNet's hot paths (use a release build); `gen` writes large generated labs. Also run as `rawnet bench …`.",
        version: RawNetVersion.line(program: "rawnet-bench"),
        subcommands: benchScenarioCommands + [BenchDNS.self, BenchReorder.self, BenchCapabilities.self, BenchRecord.self, BenchWire.self, BenchSockets.self, BenchEngine.self, BenchSoak.self, BenchVXLAN.self, BenchSplit.self, Gen.self]
    )

    /// The benches stream: the heap keeps its pages for reuse first, as in `rawnet`.
    static func main() {
        HeapTuning.tuneForStreaming()
        main(nil)
    }
}
