import ArgumentParser
import RawNetContracts
import RawNetCore
import RawNetDaemon
import RawNetLabModel
import RawNetView

/// Sends one control command to a node and returns its result.
/// `controlCall`, its answer decoded as `type`; an answer of another shape is a failure.
func controlAnswer<Answer: Decodable>(_ type: Answer.Type, _ located: LabLocator.Located, node: String,
                                      _ command: String, _ args: [String: String] = [:]) throws -> Answer {
    let result = try controlCall(located, node: node, command, args)
    guard let answer = try? result?.decode(type) else { throw Failure("\(node): bad answer") }
    return answer
}

func controlCall(_ located: LabLocator.Located, node: String, _ command: String,
                 _ args: [String: String] = [:]) throws -> JSONValue? {
    let topology = try located.topology()
    guard topology.node(named: node) != nil else {
        throw UsageFailure(topology.noNodeMessage(node))
    }
    let response: ControlResponse
    do {
        let client = try ControlClient(path: located.paths.control(node: node))
        response = try client.request(ControlRequest(command: command, args: args))
    } catch {
        throw Failure("\(node): \(error)")
    }
    guard response.ok else { throw Failure(daemonError(response.error ?? "error", node: node)) }
    return response.result
}

/// A daemon's error, said once as `NODE: error`: an error that already names its node
/// ("r1 has no interface 'eth9'") is not prefixed again.
func daemonError(_ error: String, node: String) -> String {
    error.hasPrefix(node + " ") || error.hasPrefix(node + ":") ? error : "\(node): \(error)"
}

/// The node `name` of the lab, checked against the kinds a command acts on before any daemon
/// is asked: a node the lab lacks, or one of another kind (`rawnet rip alice on`), is a
/// mistake on the command line (exit 64), said with `refusal` for the node as it is.
@discardableResult
func requireNode(_ name: String, in located: LabLocator.Located, kinds: Set<NodeKind>,
                 _ refusal: (TopologyNode) -> String) throws -> TopologyNode {
    let topology = try located.topology()
    guard let node = topology.node(named: name) else { throw UsageFailure(topology.noNodeMessage(name)) }
    guard kinds.contains(node.kind) else { throw UsageFailure(refusal(node)) }
    return node
}

extension Topology {
    /// "(routers: r1, r2)", or "(the lab has no router)": the nodes a command of one kind could name.
    func nodesOfKind(_ kind: NodeKind) -> String {
        let names = nodes.filter { $0.kind == kind }.map(\.name)
        let plural = kind == .switch ? "switches" : "\(kind.rawValue)s"
        return names.isEmpty ? "(lab '\(name)' has no \(kind.rawValue))" : "(\(plural): \(names.joined(separator: ", ")))"
    }
}

/// What `routes` and `arp` say of a node with no RawNet IP layer to ask.
private func noIPLayer(_ node: TopologyNode, shows what: String, linuxTool: String) -> String {
    node.kind == .switch
        ? "\(node.name) is a switch: it has no IP layer, so no \(what); `rawnet macs \(node.name)` shows what it learned"
        : "\(node.name) is a linux node: its kernel keeps its \(what): run `rawnet exec \(node.name) -- \(linuxTool)`"
}

struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a node's routing table, as `ip route` does.")

    @Argument(help: "A router or host.") var node: String
    @OptionGroup var labOption: LabOption

    func run() throws {
        let located = try labOption.locate()
        try requireNode(node, in: located, kinds: [.router, .host]) { noIPLayer($0, shows: "routes", linuxTool: "ip route") }
        let answer = try controlAnswer(RoutesAnswer.self, located, node: node, "routes")
        print(answer.text)
    }
}

struct ARP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arp", abstract: "Show a node's ARP cache, as `ip neigh` does.",
        discussion: "Learned entries last 60 s. --flush forgets them (as `ip neigh flush all`), so the next packet to each neighbour asks again with an ARP request; entries still waiting for an answer stay.")

    @Argument(help: "A router or host.") var node: String
    @Flag(name: .long, help: "Forget the learned entries first, then show what is left.") var flush = false
    @OptionGroup var labOption: LabOption
    @OptionGroup var width: WidthOption

    func run() throws {
        let located = try labOption.locate()
        try requireNode(node, in: located, kinds: [.router, .host]) { noIPLayer($0, shows: "ARP cache", linuxTool: "ip neigh") }
        let answer = try controlAnswer(ARPAnswer.self, located, node: node, "arp", flush ? ["flush": "all"] : [:])
        if let flushed = answer.flushed {
            let line = "\(node) forgot \(flushed) learned entr\(flushed == 1 ? "y" : "ies"); the next packet to each neighbour sends an ARP request"
            for part in width.columns.map({ DisplayWidth.wrap(line, width: $0, continuation: "  ") }) ?? [line] { print(part) }
        }
        print(answer.text.isEmpty ? "(no neighbours)" : answer.text)
    }
}

struct Macs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "macs", abstract: "Show a switch's MAC table, as `bridge fdb` does.")

    @Argument(help: "A switch.") var node: String
    @OptionGroup var labOption: LabOption

    func run() throws {
        let located = try labOption.locate()
        let topology = try located.topology()
        try requireNode(node, in: located, kinds: [.switch]) {
            "\($0.name) is a \($0.kind.rawValue): only switches learn MAC addresses \(topology.nodesOfKind(.switch))"
        }
        let answer = try controlAnswer(MACTableAnswer.self, located, node: node, "macs")
        print(answer.text.isEmpty ? "(no addresses learned)" : answer.text)
    }
}

struct STPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stp", abstract: "Show a switch's spanning tree: the root, its cost and each port's role and state.")

    @Argument(help: "A switch running a spanning tree (`stp:` in the topology).") var node: String
    @OptionGroup var labOption: LabOption

    func run() throws {
        let located = try labOption.locate()
        let topology = try located.topology()
        let running = topology.nodes.filter { $0.spanningTree != nil }.map(\.name)
        let choices = running.isEmpty ? "(no switch of lab '\(topology.name)' runs one)"
                                      : "(running one: \(running.joined(separator: ", ")))"
        let chosen = try requireNode(node, in: located, kinds: [.switch]) {
            "\($0.name) is a \($0.kind.rawValue): only switches run a spanning tree \(choices)"
        }
        guard chosen.spanningTree != nil else {
            throw UsageFailure("\(node) runs no spanning tree: give it 'stp: on' in the topology \(choices)")
        }
        let status = try controlAnswer(SpanningTreeStatus.self, located, node: node, "stp")
        print(SpanningTreeText.render(status, node: node))
    }
}

/// "state must be up or down, not 'dwon'; did you mean 'down'?": a state `link` or `rip` does not take.
func stateRefusal(_ state: String, among states: [String]) -> String {
    "state must be \(states.joined(separator: " or ")), not '\(state)'" + NameSuggestion.didYouMean(state.lowercased(), among: states)
}

struct Link: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take an interface down (it neither sends nor receives) or bring it back up; given a link (r2-r3), both its ends, as a cut cable.")

    @Argument(help: "NODE:INTERFACE (one end, e.g. r1:eth1) or a link: r2-r3, or r2:eth2-r3:eth0 (both ends).")
    var endpoint: String
    @Argument(help: "up or down.") var state: String
    @OptionGroup var labOption: LabOption

    func validate() throws {
        guard ["up", "down"].contains(state.lowercased()) else { throw ValidationError(stateRefusal(state, among: ["up", "down"])) }
    }

    func run() throws {
        let located = try labOption.locate()
        let topology = try located.topology()
        let ends: [LinkEndpoint]
        if let target = LinkEndpoint(endpoint) {
            ends = [target]
        } else {
            let links = topology.links(matching: endpoint)
            guard links.count == 1, let link = links.first else {
                throw UsageFailure(links.isEmpty
                    ? "no link '\(endpoint)'\(topology.didYouMeanLink(endpoint))"
                        + " (write NODE:INTERFACE, as r1:eth1, or a link, as r2-r3 or r2:eth2-r3:eth0)"
                    : "'\(endpoint)' names \(links.count) links; name one as r2:eth2-r3:eth0")
            }
            ends = [link.a, link.b]
        }
        // Both ends checked before either changes (a remote end's daemon is not this machine's to ask).
        for end in ends where topology.remoteNode(named: end.node) == nil {
            guard let node = topology.node(named: end.node) else { throw UsageFailure(topology.noNodeMessage(end.node)) }
            guard node.interface(named: end.interface) != nil else {
                throw UsageFailure(topology.noInterfaceMessage(end.interface, of: node))
            }
        }
        for end in ends {
            _ = try controlCall(located, node: end.node, "link", ["interface": end.interface, "state": state.lowercased()])
            print("\(end) \(state.lowercased())")
        }
    }
}

struct RIPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rip",
        abstract: "Switch RIP on or off on a running router (the topology's `rip:` does it from the start).", usage: "rawnet rip <router> <state> [<options>]")

    @Argument(help: "A router.") var router: String
    @Argument(help: "on or off.") var state: String
    @Option(help: "Interval of full updates, e.g. 2s (default 30s).") var update: String?
    @Option(help: "A route not heard for this long is unreachable (default 6 × update).") var timeout: String?
    @Option(help: "An unreachable route is forgotten this much later (default 4 × update).") var garbage: String?
    @Option(help: "Least time between triggered updates (default update / 10).") var damping: String?
    @OptionGroup var labOption: LabOption

    /// The timers given, by name.
    var timers: [String: String] {
        ["update": update, "timeout": timeout, "garbage": garbage, "damping": damping].compactMapValues { $0 }
    }

    func validate() throws {
        guard ["on", "off"].contains(state.lowercased()) else { throw ValidationError(stateRefusal(state, among: ["on", "off"])) }
        do { _ = try RIPConfiguration(timerTexts: timers) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        var args = timers
        args["state"] = state.lowercased()
        let located = try labOption.locate()
        let topology = try located.topology()
        try requireNode(router, in: located, kinds: [.router]) {
            "\($0.name) is a \($0.kind.rawValue): only routers run RIP \(topology.nodesOfKind(.router))"
        }
        let result = try controlCall(located, node: router, "rip", args)
        let fields = (try? result?.decode([String: String].self)) ?? [:]
        print("\(router): rip " + ["rip", "update", "timeout", "garbage"].compactMap { key in
            fields[key].map { key == "rip" ? $0 : "\(key) \($0)" }
        }.joined(separator: ", "))
    }
}
