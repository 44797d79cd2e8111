import RawNetContracts
import RawNetPlatform

/// The command line of one node daemon: `router|host|switch|linux NAME --run-dir DIR [--verbose]`,
/// read the same by `rawnetd` and by `rawnet router|host|linux` (`linux`: the
/// bridge of an attached Linux node, started by `rawnet attach`).
public struct DaemonArguments: Sendable, Equatable {
    public var kind: NodeKind
    public var name: String
    public var runDirectory: String
    public var isVerbose: Bool

    public init(kind: NodeKind, name: String, runDirectory: String, isVerbose: Bool = false) {
        self.kind = kind
        self.name = name
        self.runDirectory = runDirectory
        self.isVerbose = isVerbose
    }

    /// What `rawnetd --help` prints.
    public static let usage = """
        usage: rawnetd router|host|switch|linux NAME --run-dir DIR [--verbose]
               rawnetd --version

        Runs one node of a lab in the foreground, reading DIR/lab.conf (written by
        `rawnet up`). `rawnet up` starts these for you; `rawnet router|host` does the same.
        `linux` runs the frame bridge of a linux node; `rawnet attach NAME` starts it.
        """

    /// What `rawnetd --version` prints.
    public static let versionLine = RawNetVersion.line(program: daemonExecutableName)

    /// Whether the arguments after the program name ask only for the version (`--version`).
    public static func asksForVersion(_ arguments: [String]) -> Bool {
        arguments.contains("--version")
    }

    /// Reads the arguments after the program name. Nil with `--help`.
    public static func parse(_ arguments: [String]) throws(DaemonUsageError) -> DaemonArguments? {
        if arguments.contains("--help") || arguments.contains("-h") { return nil }
        var positional: [String] = []
        var runDirectory: String?
        var isVerbose = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--verbose": isVerbose = true
            case "--run-dir":
                index += 1
                guard index < arguments.count else { throw DaemonUsageError("--run-dir needs a directory") }
                runDirectory = arguments[index]
            default:
                if argument.hasPrefix("--run-dir=") {
                    runDirectory = String(argument.dropFirst("--run-dir=".count))
                } else if argument.hasPrefix("-") {
                    throw DaemonUsageError("unknown option '\(argument)'")
                } else {
                    positional.append(argument)
                }
            }
            index += 1
        }
        guard positional.count == 2 else {
            throw DaemonUsageError("expected a kind and a node name, found \(positional.count) word(s)")
        }
        guard let kind = NodeKind(rawValue: positional[0]) else {
            throw DaemonUsageError("unknown kind '\(positional[0])' (expected router, host, switch or linux)")
        }
        guard let runDirectory, !runDirectory.isEmpty else { throw DaemonUsageError("missing --run-dir DIR") }
        return DaemonArguments(kind: kind, name: positional[1], runDirectory: runDirectory, isVerbose: isVerbose)
    }
}

/// A command line `rawnetd` cannot use.
public struct DaemonUsageError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension DaemonArguments {
    /// The file name of the daemon-only executable.
    public static let daemonExecutableName = "rawnetd"

    /// `rawnetd` in the directory of `executable`, when it is there and executable.
    public static func daemonExecutable(besideExecutable executable: String) -> String? {
        guard let slash = executable.lastIndex(of: "/") else { return nil }
        let candidate = String(executable[...slash]) + daemonExecutableName
        return FileSystem.isExecutableFile(candidate) ? candidate : nil
    }
}
