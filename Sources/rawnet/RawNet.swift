import ArgumentParser
import RawNetContracts
import RawNetPlatform

@main
struct RawNet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rawnet",
        abstract: "A network you can watch: real Ethernet, IPv4, ICMP, UDP and TCP between daemons joined by Unix sockets.",
        version: RawNetVersion.line(program: "rawnet"),
        subcommands: [
            Up.self, Down.self, Status.self,
            RouterDaemonCommand.self, HostDaemonCommand.self, LinuxBridgeCommand.self,
            AttachCommand.self, ExecCommand.self,
            PingCommand.self, TracerouteCommand.self, Routes.self, ARP.self, Link.self,
            Impair.self, Sockets.self, ChatCommand.self, NCCommand.self,
            TraceCommand.self, CaptureCommand.self, LadderCommand.self, PlotCommand.self, DemoCommand.self,
            Bench.self, Gen.self,
        ]
    )

    /// Every verb may stream (apps and daemons run in the foreground): the heap
    /// keeps its pages for reuse first. `bench` and `gen` become `rawnet-bench`
    /// before any parsing, so their help, options and errors are its own.
    static func main() {
        if let forwarded = BenchForwarding.forwardedArguments(Array(CommandLine.arguments.dropFirst())) {
            BenchForwarding.run(forwarded)
        }
        HeapTuning.tuneForStreaming()
        main(nil)
    }
}
