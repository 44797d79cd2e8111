import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform

extension SwitchDaemon {
    static let controlCommands = ["status", "macs", "impair", "link", "subscribe", "help"]

    func answer(_ request: ControlRequest, from client: Int) -> ControlResponse {
        switch request.command {
        case "status": return .success(status())
        case "macs": return .success(MACTableAnswer(node: node.name, entries: bridge.entries(now: now)))
        case "impair", "link":
            guard let name = request.args["interface"] else { return .failure("\(request.command) needs interface=NAME") }
            guard let index = node.interfaces.firstIndex(where: { $0.name == name }) else {
                return .failure("\(request.command) \(node.name) has no port '\(name)' (has \(node.interfaces.map(\.name).joined(separator: ", ")))")
            }
            return request.command == "impair" ? impair(request.args, interface: index) : link(request.args, port: index)
        case "subscribe":
            subscribers.add(client)
            return .success(["subscribed": node.name])
        case "help": return .success(Self.controlCommands)
        case "routes", "arp", "sockets":
            return .failure("\(node.name) is a switch: it has no IP layer, so no \(request.command); `rawnet macs \(node.name)` shows what it learned")
        default:
            return .failure("unknown command '\(request.command)'; known: \(Self.controlCommands.joined(separator: ", "))")
        }
    }

    func status() -> NodeStatus {
        let interfaces = node.interfaces.indices.map { index in
            DaemonSupport.interfaceStatus(self, index, address: node.interfaces[index].switchPort?.description ?? "",
                                          isUp: bridge.ports[index].isUp, counters: counters[index])
        }
        return NodeStatus(node: node.name, kind: node.kind.rawValue, pid: Processes.currentPID,
                          uptimeSeconds: Double(now.nanoseconds - startedAt.nanoseconds) / 1e9,
                          interfaces: interfaces)
    }

    /// `link` interface=p2 state=up|down: a port going down forgets the addresses it learned.
    func link(_ args: [String: String], port index: Int) -> ControlResponse {
        let isUp: Bool
        switch DaemonSupport.linkState(args) {
        case .success(let state): isUp = state
        case .failure(let failure): return .failure(failure.message)
        }
        perform(bridge.setPort(index, isUp: isUp))
        let name = node.interfaces[index].name
        logger.info("\(name) \(isUp ? "up" : "down")")
        return .success(["interface": name, "state": isUp ? "up" : "down"])
    }
}
