import ArgumentParser
import RawNetContracts
import RawNetLabModel
import RawNetCore
import RawNetPlatform

@main
struct RawNet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rawnet",
        abstract: "A network you can watch: real Ethernet, IPv4, ICMP, UDP and TCP between daemons joined by Unix sockets.",
        discussion: """
            Exit status: 0 done; 1 the command could not do its work (no lab running, a daemon not \
            answering, a connection refused, evidence missing); 64 (EX_USAGE) the command line is \
            wrong (an unknown command or option, a bad value, a node or port the lab does not have, \
            a node of the wrong kind).
            """,
        version: RawNetVersion.line(program: "rawnet"),
        subcommands: [
            Up.self, Down.self, StopNodes.self, StartNodes.self, Status.self,
            RouterDaemonCommand.self, HostDaemonCommand.self, SwitchDaemonCommand.self, LinuxBridgeCommand.self,
            AttachCommand.self, ExecCommand.self,
            PingCommand.self, TracerouteCommand.self, Routes.self, ARP.self, Macs.self, STPCommand.self, Link.self, RIPCommand.self,
            Impair.self, Sockets.self, ChatCommand.self, NCCommand.self, HTTPCommand.self,
            DNSCommand.self, DigCommand.self,
            TraceCommand.self, CaptureCommand.self, LadderCommand.self, PlotCommand.self, WebCommand.self, DemoCommand.self,
            Bench.self, Gen.self,
        ]
    )

    /// Every verb may stream (apps and daemons run in the foreground): the heap
    /// keeps its pages for reuse first. `bench` and `gen` become `rawnet-bench`
    /// before any parsing, so their help, options and errors are its own.
    static func main() {
        let arguments = AttachedOptionValues.split(Array(CommandLine.arguments.dropFirst()))
        if let forwarded = BenchForwarding.forwardedArguments(arguments) {
            BenchForwarding.run(forwarded)
        }
        HeapTuning.tuneForStreaming()
        if let verb = arguments.first, let message = CommandSuggestion.unknown(verb, among: commandNames) {
            fail(message, status: ExitCode.validationFailure)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let failure as UsageFailure {
            fail(failure.message, status: ExitCode.validationFailure)
        } catch {
            exit(withError: error)
        }
    }

    static var commandNames: [String] {
        configuration.subcommands.map { $0._commandName } + ["help"]
    }

    private static func fail(_ message: String, status: ExitCode) -> Never {
        try? FileDescriptor.standardError.writeAll(Array("Error: \(message)\n".utf8))
        exit(withError: status)
    }
}

/// A short option written with its number attached, as ping's users type it
/// (`-c1`, `-i0.2`, `-s1400`), taken as the option and its value (`-c 1`).
enum AttachedOptionValues {
    static func split(_ arguments: [String]) -> [String] {
        arguments.flatMap { argument -> [String] in
            let characters = Array(argument)
            guard characters.count > 2, characters[0] == "-", characters[1].isLetter, characters[1].isASCII,
                  characters[2...].allSatisfy({ $0.isNumber || $0 == "." }) else { return [argument] }
            return [String(characters[0...1]), String(characters[2...])]
        }
    }
}

/// The nearest command to a mistyped one (`rawnet sokets` → sockets).
enum CommandSuggestion {
    /// A message for `verb` when it is no command (nil for a command or an option).
    static func unknown(_ verb: String, among names: [String]) -> String? {
        guard !verb.hasPrefix("-"), !names.contains(verb) else { return nil }
        var message = "unknown command '\(verb)'"
        if let nearest = NameSuggestion.nearest(to: verb, among: names) { message += "; did you mean '\(nearest)'?" }
        return message + " (commands: " + names.filter { $0 != "help" }.joined(separator: ", ") + "; see rawnet --help)"
    }
}
