import ArgumentParser
import Glibc
import RawNetContracts
import RawNetLabModel
import RawNetCore
import RawNetPlatform
import RawNetView

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
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            // A mistyped option is named as such, although a check of the other values failed first.
            if let message = UnknownOption.message(arguments) { fail(message, status: ExitCode.validationFailure) }
            exitSpeaking(error)
        }
        // Only parsed and checked, not run: how the tests check every command the tour tells learners to type.
        if getenv("RAWNET_PARSE_ONLY").map({ String(cString: $0) }) == "1" {
            print("parsed: rawnet " + arguments.joined(separator: " "))
            return
        }
        do {
            try command.run()
        } catch let failure as UsageFailure {
            fail(failure.message, status: ExitCode.validationFailure)
        } catch {
            exitSpeaking(error)
        }
    }

    /// The language of this run's errors, and of the lab's own lines (`up`, `down`, `stop`,
    /// `start`, which have no `--lang`): `--lang` among the arguments, else the environment's
    /// (`LanguageOption`). Read from the words, so an error found while parsing speaks it too.
    static let language: ViewLanguage = {
        let words = Array(CommandLine.arguments.dropFirst())
        for (index, word) in words.enumerated() {
            if word == "--" { break }
            if word == "--lang", index + 1 < words.count, let chosen = LanguageOption.named(words[index + 1]) { return chosen }
            if word.hasPrefix("--lang="), let chosen = LanguageOption.named(String(word.dropFirst("--lang=".count))) { return chosen }
        }
        return LanguageOption.fromEnvironment(LanguageOption.environment)
    }()

    /// `exit(withError:)`, with the error's words in Korean when this run speaks it, and
    /// its help pages (`koreanHelp(for:)`); the version is left to the parser.
    private static func exitSpeaking(_ error: any Error) -> Never {
        let code = exitCode(for: error)
        guard code != .success else {
            if language == .ko, let page = koreanHelp(for: error) { printHelp(page) }
            exit(withError: error)
        }
        // An `ExitCode` thrown after the command said its own words has no message: nothing more is printed.
        let english = fullMessage(for: error)
        if !english.isEmpty { printError(language == .ko ? KoreanErrors.text(english) : lowercasingParserWords(english)) }
        exit(withError: code)
    }

    /// The argument parser's own messages begin with a capital ("Missing value for …"), RawNet's
    /// in lower case ("unknown option …"): after `Error: `, the parser's are lower-cased to match.
    static func lowercasingParserWords(_ text: String) -> String {
        let prefix = "Error: "
        guard text.hasPrefix(prefix) else { return text }
        let message = text.dropFirst(prefix.count)
        let parserWords = ["Missing ", "Unknown option ", "Unexpected argument ", "The value '", "The option '"]
        guard parserWords.contains(where: { message.hasPrefix($0) }), let first = message.first else { return text }
        return prefix + first.lowercased() + message.dropFirst()
    }

    /// An error's lines on standard error, broken at spaces to the terminal's width when it is one
    /// (a long "did you mean … (nodes: …)" is not cut mid-word by the terminal).
    private static func printError(_ text: String) {
        let fitted = TerminalLines.fit(text.hasSuffix("\n") ? String(text.dropLast()) : text, fd: 2)
        try? FileDescriptor.standardError.writeAll(Array((fitted + "\n").utf8))
    }

    static var commandNames: [String] {
        configuration.subcommands.map { $0._commandName } + ["help"]
    }

    private static func fail(_ message: String, status: ExitCode) -> Never {
        printError(language == .ko ? KoreanErrors.text("Error: \(message)") : "Error: \(message)")
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

/// An option the command does not have (`rawnet impair alice-r1 --delya 5ms`), found when
/// parsing failed: the value after it would otherwise be blamed (`unexpected '5ms'`).
enum UnknownOption {
    static func message(_ arguments: [String]) -> String? {
        var command: ParsableCommand.Type = RawNet.self
        var path = ["rawnet"]
        for word in arguments {
            guard !word.hasPrefix("-"),
                  let sub = command.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
            command = sub
            path.append(word)
        }
        let help = RawNet.helpMessage(for: command, includeHidden: true, columns: 10_000)
        let known = Set(help.matches(of: /--[A-Za-z0-9][A-Za-z0-9-]*/).map { String($0.output) } + ["--help", "--version"])
        for word in arguments {
            if word == "--" { break }
            guard word.hasPrefix("--"), word.count > 2 else { continue }
            let name = String(word.prefix { $0 != "=" })
            guard !known.contains(name) else { continue }
            var message = "unknown option '\(name)'"
            if let short = shortForms[name], help.contains("  \(short) ") || help.contains("  \(short),") {
                message += "; did you mean '\(short)'?"   // ping's -c, as Linux's ping spells it
            } else if let nearest = NameSuggestion.nearest(to: String(name.dropFirst(2)), among: known.map { String($0.dropFirst(2)) }) {
                message += "; did you mean '--\(nearest)'?"
            }
            return message + " (see `\(path.joined(separator: " ")) --help`)"
        }
        return nil
    }

    /// Long names users type for the short options ping and traceroute take, as Linux's tools
    /// have them (`ping --count 1` means `-c 1`).
    static let shortForms: [String: String] = [
        "--count": "-c", "--interval": "-i", "--size": "-s", "--ttl": "-t", "--deadline": "-w",
        "--timeout": "-W", "--max-hops": "-m", "--queries": "-q", "--first-ttl": "-f",
    ]
}

/// The nearest command to a mistyped one (`rawnet sokets` → sockets).
enum CommandSuggestion {
    /// A message for `verb` when it is no command (nil for a command or an option).
    static func unknown(_ verb: String, among names: [String]) -> String? {
        guard !verb.hasPrefix("-"), !names.contains(verb) else { return nil }
        let message = "unknown command '\(verb)'" + NameSuggestion.didYouMean(verb, among: names)
        // The commands on lines of at most 80 columns, under the message.
        var lines = ["commands:"]
        for name in names where name != "help" {
            if lines[lines.count - 1].count + name.count + 2 > 80 { lines.append(" ") }
            lines[lines.count - 1] += " " + name + ","
        }
        lines[lines.count - 1].removeLast()
        return message + " (see `rawnet --help`)\n" + lines.joined(separator: "\n")
    }
}
