import RawNetContracts
import RawNetLabModel
import RawNetPlatform

/// Running node daemons: the small `rawnetd` executable when it was built
/// beside `rawnet`, else `rawnet` itself (see DESIGN.md, "Daemon executable").
public enum DaemonLaunch {
    /// Runs one node until SIGTERM or SIGINT (logs to stderr). Throws a readable
    /// error when the node cannot start or its loop fails.
    public static func run(_ arguments: DaemonArguments) throws(NodeDaemonError) {
        NodeDaemon.bootstrapLogging(verbose: arguments.isVerbose)
        let label = "\(arguments.kind.rawValue) \(arguments.name)"
        switch arguments.kind {
        case .linux: try run(label) { try LinuxBridge(name: arguments.name, runDirectory: arguments.runDirectory) }
        case .switch: try run(label) { try SwitchDaemon(name: arguments.name, runDirectory: arguments.runDirectory) }
        case .router, .host:
            try run(label) { try NodeDaemon(name: arguments.name, kind: arguments.kind, runDirectory: arguments.runDirectory) }
        }
    }

    /// Makes a daemon and runs it to the end, shutting it down if its loop fails.
    private static func run<Daemon: RunnableDaemon>(_ label: String, _ make: () throws -> Daemon) throws(NodeDaemonError) {
        let daemon: Daemon
        do {
            daemon = try make()
        } catch {
            throw NodeDaemonError("\(label): \(error)")
        }
        do {
            try daemon.run()
        } catch {
            daemon.shutDown()
            throw NodeDaemonError("\(label) stopped: \(error)")
        }
    }
}

/// A daemon `DaemonLaunch` runs: a node, a switch or a linux node's bridge.
protocol RunnableDaemon {
    func run() throws
    func shutDown()
}

extension NodeDaemon: RunnableDaemon {}
extension SwitchDaemon: RunnableDaemon {}
extension LinuxBridge: RunnableDaemon {}
