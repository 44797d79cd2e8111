import ArgumentParser
import RawNetPlatform

/// `rawnet bench …` and `rawnet gen …` run the `rawnet-bench` executable that lies
/// beside `rawnet` (as `rawnetd` does for the daemons), so `rawnet` links no
/// benchmark or simulation code. The arguments pass through unchanged and the
/// process is replaced (execv): output and exit status are the bench's own.
enum BenchForwarding {
    /// The file name of the benchmark executable.
    static let executableName = "rawnet-bench"

    /// `rawnet-bench` in the directory of `executable`, when it is there and executable.
    static func benchExecutable(besideExecutable executable: String) -> String? {
        guard let slash = executable.lastIndex(of: "/") else { return nil }
        let candidate = String(executable[...slash]) + executableName
        return FileSystem.isExecutableFile(candidate) ? candidate : nil
    }

    /// The `rawnet-bench` arguments for a `rawnet` command line (without the program
    /// name) that is a bench or gen command, else nil:
    /// `bench X…` → `X…`, `gen X…` → `gen X…`, `help bench X…` → `help X…`, `help gen` → `help gen`.
    static func forwardedArguments(_ arguments: [String]) -> [String]? {
        guard let first = arguments.first else { return nil }
        switch first {
        case "bench": return Array(arguments.dropFirst())
        case "gen": return arguments
        case "help":
            guard arguments.count > 1, let rest = forwardedArguments(Array(arguments.dropFirst())) else { return nil }
            return ["help"] + rest
        default: return nil
        }
    }

    /// Replaces this process with `rawnet-bench arguments`; prints why and exits 1 when it cannot.
    static func run(_ arguments: [String]) -> Never {
        let rawnet = Processes.currentExecutablePath()
        guard let rawnet, let bench = benchExecutable(besideExecutable: rawnet) else {
            let directory = rawnet.map { String($0[..<($0.lastIndex(of: "/") ?? $0.endIndex)]) } ?? "the directory of rawnet"
            printToStandardError("""
                Error: `rawnet bench` and `rawnet gen` run the \(executableName) executable, and there is none in \(directory).
                Build it: swift build --product \(executableName)   (or `swift build`, which builds every executable)
                """)
            Processes.exit(status: 1)
        }
        do {
            try Processes.exec(executable: bench, arguments: arguments)
        } catch {
            printToStandardError("Error: cannot run \(bench): \(error)")
            Processes.exit(status: 1)
        }
    }
}

/// `rawnet bench …`: listed in `rawnet --help`; `RawNet.main` hands the command line to
/// `rawnet-bench` before parsing, so its own help and options are the bench's.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure RawNet's hot paths (use a release build); runs rawnet-bench.")

    @Argument(parsing: .captureForPassthrough, help: "A rawnet-bench subcommand and its options.")
    var arguments: [String] = []

    func run() throws { BenchForwarding.run(arguments) }
}

/// `rawnet gen …`: the lab generator, run by `rawnet-bench gen` like `rawnet bench`.
struct Gen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Generate a lab topology: routers in a chain or tree with static routes, hosts spread over them; runs rawnet-bench gen.")

    @Argument(parsing: .captureForPassthrough, help: "rawnet-bench gen's options.")
    var arguments: [String] = []

    func run() throws { BenchForwarding.run(["gen"] + arguments) }
}
