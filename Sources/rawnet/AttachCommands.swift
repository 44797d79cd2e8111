import ArgumentParser
import RawNetContracts
import RawNetDaemon
import RawNetLab
import RawNetLabModel
import RawNetPlatform

struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Join a linux node to the lab: a network namespace with a TAP device bridged to its link (root).",
        discussion: """
            The node must be of kind linux in the topology. Creates the namespace rawnet-LAB.NODE, \
            a TAP device per interface inside it (named as in the topology, with its MAC, address, \
            the link's MTU and routes) and a bridge process between the devices and the node's link \
            sockets, managed like a daemon: `rawnet status`, `impair`, `trace` and `capture` \
            include it, `rawnet down` stops it and removes the namespace. Then:
              rawnet exec linux -- ping -c 3 10.0.2.20
            """)

    @Argument(help: "A node of kind linux.") var node: String
    @OptionGroup var labOption: LabOption

    func run() throws {
        guard Processes.isRoot else {
            throw Failure("rawnet attach needs root (it creates a network namespace and a TAP device); run it with sudo")
        }
        let located = try labOption.locate()
        guard let executable = Processes.currentExecutablePath() else {
            throw Failure("cannot find the rawnet executable (/proc/self/exe)")
        }
        let supervisor = LabSupervisor(executable: executable)
        let report: LabSupervisor.AttachReport
        do {
            report = try supervisor.attach(node: node, labName: located.name)
        } catch {
            throw Failure("\(error)")
        }
        print("\(node) attached: namespace \(report.namespace), bridge pid \(report.pid)")
        for interface in report.node.interfaces {
            print("  \(interface.name.padding(6)) \(interface.address) \(interface.macAddress) mtu \(interface.mtu)")
        }
        if let gateway = report.node.gateway { print("  default via \(gateway)") }
        if !report.unconnected.isEmpty {
            print("note: not connected yet: \(report.unconnected.joined(separator: ", ")) (is the peer's daemon running?)")
        }
        print("run commands there with: rawnet exec \(node) -- COMMAND")
    }
}

struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command in an attached linux node's network namespace (root).",
        discussion: """
            The command's exit status is rawnet's. Examples:
              rawnet exec linux -- ping -c 3 bob-address
              rawnet exec linux -- ip route
            """)

    @Argument(help: "An attached node of kind linux.") var node: String
    @Argument(parsing: .postTerminator, help: "The command, after --.") var command: [String] = []
    @OptionGroup var labOption: LabOption

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command after --, e.g. rawnet exec \(node) -- ip addr") }
    }

    func run() throws {
        let located = try labOption.locate()
        let topology = try located.topology()
        guard let found = topology.node(named: node) else {
            throw UsageFailure(topology.noNodeMessage(node))
        }
        guard found.kind == .linux else {
            throw UsageFailure("'\(node)' is a \(found.kind.rawValue); only linux nodes have a namespace (apps on RawNet hosts: rawnet nc, ping, chat)")
        }
        guard let namespace = LinuxNamespaces.recorded(node: node, paths: located.paths),
              LinuxNamespaces.exists(namespace) else {
            throw Failure("'\(node)' is not attached; run `rawnet attach \(node)` first")
        }
        guard Processes.isRoot else { throw Failure("rawnet exec needs root (it enters a network namespace); run it with sudo") }
        guard let ip = LinuxNamespaces.ipExecutable else { throw Failure("iproute2's `ip` is not installed") }
        Terminal.flushStandardOutput()
        do {
            try Processes.exec(executable: ip, arguments: ["netns", "exec", namespace] + command)
        } catch {
            throw Failure("cannot run ip netns exec: \(error)")
        }
    }
}

struct LinuxBridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linux",
        abstract: "Run the bridge of an attached linux node in the foreground (rawnet attach starts it).")

    @OptionGroup var options: DaemonOptions

    func run() throws { try options.run(kind: .linux) }
}
