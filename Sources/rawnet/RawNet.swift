import ArgumentParser
import RawNetContracts
import RawNetPlatform

@main
struct RawNet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rawnet",
        abstract: "A network you can watch: real Ethernet, IPv4, ICMP, UDP and TCP between daemons joined by Unix sockets.",
        discussion: """
            Exit status: 0 done; 1 the command could not do its work (no lab running, a daemon not \
            answering, a connection refused, evidence missing); 64 (EX_USAGE) the command line is \
            wrong (an unknown command or option, a bad value, a node or port the lab does not have).
            """,
        version: RawNetVersion.line(program: "rawnet"),
        subcommands: [
            Up.self, Down.self, Status.self,
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
        let arguments = Array(CommandLine.arguments.dropFirst())
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

/// The nearest command to a mistyped one (`rawnet sokets` → sockets).
enum CommandSuggestion {
    /// A message for `verb` when it is no command (nil for a command or an option).
    static func unknown(_ verb: String, among names: [String]) -> String? {
        guard !verb.hasPrefix("-"), !names.contains(verb) else { return nil }
        var message = "unknown command '\(verb)'"
        if let nearest = nearest(to: verb, among: names) { message += "; did you mean '\(nearest)'?" }
        return message + " (commands: " + names.filter { $0 != "help" }.joined(separator: ", ") + "; see rawnet --help)"
    }

    /// The name with the fewest edits from `word` (at most a third of its length, at least 2), or one it begins.
    static func nearest(to word: String, among names: [String]) -> String? {
        let lower = word.lowercased()
        if let prefixed = names.first(where: { $0.hasPrefix(lower) && lower.count >= 2 }) { return prefixed }
        let scored = names.map { ($0, distance(lower, $0)) }.min { $0.1 < $1.1 }
        guard let (name, edits) = scored, edits <= max(2, word.count / 3) else { return nil }
        return name
    }

    /// Levenshtein distance (insertions, deletions, substitutions; a swap of neighbours counts one).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
                }
            }
        }
        return rows[a.count][b.count]
    }
}
