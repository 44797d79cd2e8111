import ArgumentParser
import RawNetBench
import RawNetPlatform

/// `rawnet bench soak`: a long run of chat and bulk transfers under loss and
/// reordering, with the resident memory of every daemon sampled (`Soak`).
struct BenchSoak: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Chat and bulk TCP transfers under 10 % loss and reordering for a long run; daemon memory growth must stay ≤ 10 %, every transfer byte-exact.", usage: "rawnet bench soak [<options>]"
    )

    @Option(help: "Length of the run in minutes.") var minutes: Double = 30
    @Option(help: "Length of the run in seconds (overrides --minutes; for short checks).") var seconds: Double?
    @Option(help: "Impairment on both of r1's egresses.") var impairment = "loss 10% delay 5ms reorder 10%"
    @Option(help: "Bytes per bulk transfer.") var transferBytes = 1 << 20

    func validate() throws {
        guard (seconds ?? minutes * 60) >= 1 else { throw ValidationError("the run must last at least a second") }
        guard transferBytes >= 1 else { throw ValidationError("--transfer-bytes must be positive") }
    }

    func run() throws {
        var options = SoakOptions(seconds: seconds ?? minutes * 60)
        options.impairment = impairment
        options.transferBytes = transferBytes
        print("rawnet bench soak: \(Int(options.seconds)) s, warm-up \(Int(options.warmUpSeconds)) s, RSS every \(options.sampleInterval) s")
        let report = try Soak.run(options) { print($0) }
        print(report.text)
        if !report.passed { throw ExitCode(1) }
    }
}
