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
        if arguments.kind == .linux { return try runBridge(arguments, label: label) }
        let daemon: NodeDaemon
        do {
            daemon = try NodeDaemon(name: arguments.name, kind: arguments.kind, runDirectory: arguments.runDirectory)
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

    /// A linux node: the frame bridge between its namespace's TAP devices and its links.
    private static func runBridge(_ arguments: DaemonArguments, label: String) throws(NodeDaemonError) {
        let bridge: LinuxBridge
        do {
            bridge = try LinuxBridge(name: arguments.name, runDirectory: arguments.runDirectory)
        } catch {
            throw NodeDaemonError("\(label): \(error)")
        }
        do {
            try bridge.run()
        } catch {
            bridge.shutDown()
            throw NodeDaemonError("\(label) stopped: \(error)")
        }
    }
}
