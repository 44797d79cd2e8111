
/// Where a lab's files live inside its run directory (see DESIGN.md, "Run directory"):
/// `NODE.IF` per interface, `NODE.ctl`, `NODE.api`, `NODE.pid`, `NODE.log`, `NODE.netns`
/// (an attached linux node), `lab.yaml` and `lab.conf`.
public struct SocketPaths: Sendable, Equatable {
    /// `sun_path` holds 108 bytes including the terminating NUL.
    public static let maximumLength = 107
    /// Suffixes the run directory uses for a node's own files, so no interface may be named so.
    public static let reservedSuffixes: Set<String> = ["ctl", "api", "pid", "log", "yaml", "conf", "netns"]

    public let runDirectory: String

    public init(runDirectory: String) {
        var directory = runDirectory
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        self.runDirectory = directory
    }

    /// The datagram socket of one interface.
    public func link(node: String, interface: String) -> String { file("\(node).\(interface)") }
    /// The node's control socket.
    public func control(node: String) -> String { file("\(node).ctl") }
    /// A host's app API socket.
    public func appAPI(node: String) -> String { file("\(node).api") }
    public func pidFile(node: String) -> String { file("\(node).pid") }
    public func logFile(node: String) -> String { file("\(node).log") }
    /// The output of a service `rawnet up` started on a host (`NODE.dns.log`); node names hold no dot.
    public func serviceLogFile(node: String, service: String) -> String { file("\(node).\(service).log") }
    /// A service's counters as `rawnet status` prints them, rewritten by the service as they change.
    public func serviceStatsFile(node: String, service: String) -> String { file("\(node).\(service).stats") }
    /// The record of the network namespace `rawnet attach` created for a linux node:
    /// its name, one line. `rawnet down` removes exactly the namespace named here.
    public func namespaceRecord(node: String) -> String { file("\(node).netns") }
    /// The checked topology as YAML (what `rawnet up` was given, for people and tools).
    public var topologyFile: String { file("lab.yaml") }
    /// The resolved lab the daemons read (`LabConfig`, no YAML needed).
    public var labConfigFile: String { file("lab.conf") }

    private func file(_ name: String) -> String {
        runDirectory.hasSuffix("/") ? runDirectory + name : runDirectory + "/" + name
    }
}
