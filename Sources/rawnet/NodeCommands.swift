import ArgumentParser
import RawNetContracts
import RawNetCore
import RawNetDaemon
import RawNetLabModel

/// Sends one control command to a node and returns its result.
/// `controlCall`, its answer decoded as `type`; an answer of another shape is a failure.
func controlAnswer<Answer: Decodable>(_ type: Answer.Type, _ located: LabLocator.Located, node: String,
                                      _ command: String) throws -> Answer {
    let result = try controlCall(located, node: node, command)
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
    guard response.ok else { throw Failure("\(node): \(response.error ?? "error")") }
    return response.result
}

struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a node's routing table, as `ip route` does.")

    @Argument(help: "A router or host.") var node: String
    @OptionGroup var labOption: LabOption

    func run() throws {
        let answer = try controlAnswer(RoutesAnswer.self, try labOption.locate(), node: node, "routes")
        print(answer.text)
    }
}

struct ARP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arp", abstract: "Show a node's ARP cache, as `ip neigh` does.")

    @Argument(help: "A router or host.") var node: String
    @OptionGroup var labOption: LabOption

    func run() throws {
        let answer = try controlAnswer(ARPAnswer.self, try labOption.locate(), node: node, "arp")
        print(answer.text.isEmpty ? "(no neighbours)" : answer.text)
    }
}

struct Macs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "macs", abstract: "Show a switch's MAC table, as `bridge fdb` does.")

    @Argument(help: "A switch.") var node: String
    @OptionGroup var labOption: LabOption

    func run() throws {
        let answer = try controlAnswer(MACTableAnswer.self, try labOption.locate(), node: node, "macs")
        print(answer.text.isEmpty ? "(no addresses learned)" : answer.text)
    }
}

struct STPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stp", abstract: "Show a switch's spanning tree: the root, its cost and each port's role and state.")

    @Argument(help: "A switch running a spanning tree (`stp:` in the topology).") var node: String
    @OptionGroup var labOption: LabOption

    func run() throws {
        let status = try controlAnswer(SpanningTreeStatus.self, try labOption.locate(), node: node, "stp")
        print(SpanningTreeText.render(status, node: node))
    }
}

struct Link: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take an interface down (it neither sends nor receives) or bring it back up; given a link (r2-r3), both its ends, as a cut cable.")

    @Argument(help: "NODE:INTERFACE (one end, e.g. r1:eth1) or a link: r2-r3, or r2:eth2-r3:eth0 (both ends).")
    var endpoint: String
    @Argument(help: "up or down.") var state: String
    @OptionGroup var labOption: LabOption

    func validate() throws {
        guard ["up", "down"].contains(state.lowercased()) else { throw ValidationError("state must be up or down") }
    }

    func run() throws {
        let located = try labOption.locate()
        let ends: [LinkEndpoint]
        if let target = LinkEndpoint(endpoint) {
            ends = [target]
        } else {
            let links = try located.topology().links(matching: endpoint)
            guard links.count == 1, let link = links.first else {
                throw UsageFailure(links.isEmpty
                    ? "no link '\(endpoint)': write NODE:INTERFACE (r1:eth1) or a link (r2-r3, r2:eth2-r3:eth0)"
                    : "'\(endpoint)' names \(links.count) links; name one as r2:eth2-r3:eth0")
            }
            ends = [link.a, link.b]
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

    func validate() throws {
        guard ["on", "off"].contains(state.lowercased()) else { throw ValidationError("state must be on or off") }
    }

    func run() throws {
        var args = ["state": state.lowercased()]
        for (key, value) in [("update", update), ("timeout", timeout), ("garbage", garbage), ("damping", damping)] {
            if let value { args[key] = value }
        }
        let result = try controlCall(try labOption.locate(), node: router, "rip", args)
        let fields = (try? result?.decode([String: String].self)) ?? [:]
        print("\(router): rip " + ["rip", "update", "timeout", "garbage"].compactMap { key in
            fields[key].map { key == "rip" ? $0 : "\(key) \($0)" }
        }.joined(separator: ", "))
    }
}
