import ArgumentParser
import RawNetDaemon
import RawNetPlatform

/// Options of the two daemon commands the supervisor spawns.
struct DaemonOptions: ParsableArguments {
    @Argument(help: "The node's name in the lab's topology.")
    var name: String

    @Option(name: .customLong("run-dir"), help: "The lab's run directory (holding lab.yaml).")
    var runDirectory: String

    @Flag(name: .long, help: "Log debug messages too.")
    var verbose = false

    func run(kind: NodeKind) throws {
        NodeDaemon.bootstrapLogging(verbose: verbose)
        let daemon: NodeDaemon
        do {
            daemon = try NodeDaemon(name: name, kind: kind, runDirectory: runDirectory)
        } catch {
            throw Failure("\(kind.rawValue) \(name): \(error)")
        }
        do {
            try daemon.run()
        } catch {
            daemon.shutDown()
            throw Failure("\(kind.rawValue) \(name) stopped: \(error)")
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
