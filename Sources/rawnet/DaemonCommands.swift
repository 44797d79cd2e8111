import ArgumentParser
import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform

/// Options of the two daemon commands the supervisor spawns.
struct DaemonOptions: ParsableArguments {
    @Argument(help: "The node's name in the lab's topology.")
    var name: String

    @Option(name: .customLong("run-dir"), help: "The lab's run directory (holding lab.conf, or lab.yaml).")
    var runDirectory: String

    @Flag(name: .long, help: "Log debug messages too.")
    var verbose = false

    func run(kind: NodeKind) throws {
        let arguments = DaemonArguments(kind: kind, name: name, runDirectory: runDirectory, isVerbose: verbose)
        try Self.writeLabConfigIfMissing(runDirectory: runDirectory)
        do { try DaemonLaunch.run(arguments) } catch { throw Failure("\(error)") }
    }

    /// Daemons read `lab.conf`; a run directory prepared by hand with only
    /// `lab.yaml` gets one here, since this executable can read YAML.
    static func writeLabConfigIfMissing(runDirectory: String) throws {
        let paths = SocketPaths(runDirectory: runDirectory)
        guard !FileSystem.exists(paths.labConfigFile), FileSystem.exists(paths.topologyFile) else { return }
        do {
            try LabConfig.write(try TopologyLoader.load(path: paths.topologyFile), to: paths)
        } catch {
            throw Failure("cannot prepare \(paths.labConfigFile) from lab.yaml: \(error)")
        }
    }
}

struct RouterDaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Run one router of a lab in the foreground (rawnet up starts these for you).")

    @OptionGroup var options: DaemonOptions

    func run() throws { try options.run(kind: .router) }
}

struct HostDaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host",
        abstract: "Run one host of a lab in the foreground, with its app API (rawnet up starts these for you).")

    @OptionGroup var options: DaemonOptions

    func run() throws { try options.run(kind: .host) }
}

struct SwitchDaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switch",
        abstract: "Run one switch of a lab in the foreground (rawnet up starts these for you).")

    @OptionGroup var options: DaemonOptions

    func run() throws { try options.run(kind: .switch) }
}
