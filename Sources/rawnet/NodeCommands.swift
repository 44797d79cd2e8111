import ArgumentParser
import RawNetContracts
import RawNetDaemon
import RawNetLabModel

/// Sends one control command to a node and returns its result.
func controlCall(_ located: LabLocator.Located, node: String, _ command: String,
                 _ args: [String: String] = [:]) throws -> JSONValue? {
    let topology = try located.topology()
    guard topology.node(named: node) != nil else {
        throw UsageFailure("lab '\(located.name)' has no node '\(node)' (nodes: \(topology.nodes.map(\.name).joined(separator: ", ")))")
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
        let result = try controlCall(try labOption.locate(), node: node, "routes")
        guard let answer = try? result?.decode(RoutesAnswer.self) else { throw Failure("\(node): bad answer") }
        print(answer.text)
    }
}

struct ARP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arp", abstract: "Show a node's ARP cache, as `ip neigh` does.")

    @Argument(help: "A router or host.") var node: String
    @OptionGroup var labOption: LabOption

    func run() throws {
        let result = try controlCall(try labOption.locate(), node: node, "arp")
        guard let answer = try? result?.decode(ARPAnswer.self) else { throw Failure("\(node): bad answer") }
        print(answer.text.isEmpty ? "(no neighbours)" : answer.text)
    }
}

struct Macs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "macs", abstract: "Show a switch's MAC table, as `bridge fdb` does.")

    @Argument(help: "A switch.") var node: String
    @OptionGroup var labOption: LabOption

    func run() throws {
        let result = try controlCall(try labOption.locate(), node: node, "macs")
        guard let answer = try? result?.decode(MACTableAnswer.self) else { throw Failure("\(node): bad answer") }
        print(answer.text.isEmpty ? "(no addresses learned)" : answer.text)
    }
}

struct Link: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take an interface down (it neither sends nor receives) or bring it back up.")

    @Argument(help: "NODE:INTERFACE, e.g. r1:eth1.") var endpoint: String
    @Argument(help: "up or down.") var state: String
    @OptionGroup var labOption: LabOption

    func validate() throws {
        guard LinkEndpoint(endpoint) != nil else { throw ValidationError("write the interface as NODE:INTERFACE, e.g. r1:eth1") }
        guard ["up", "down"].contains(state.lowercased()) else { throw ValidationError("state must be up or down") }
    }

    func run() throws {
        guard let target = LinkEndpoint(endpoint) else { return }
        _ = try controlCall(try labOption.locate(), node: target.node, "link",
                            ["interface": target.interface, "state": state.lowercased()])
        print("\(target) \(state.lowercased())")
    }
}
