import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform

extension SwitchDaemon {
    static let controlCommands = ["status", "macs", "stp", "impair", "link", "subscribe", "capture", "help"]

    func answer(_ request: ControlRequest, from client: Int) -> ControlResponse {
        switch request.command {
        case "status": return .success(status())
        case "macs": return .success(MACTableAnswer(node: node.name, entries: bridge.entries(now: now)))
        case "stp":
            guard let tree = bridge.spanningTree else {
                return .failure("\(node.name) runs no spanning tree (give it 'stp: on' in the topology)")
            }
            return .success(tree.status())
        case "impair", "link":
            guard let name = request.args["interface"] else { return .failure("\(request.command) needs interface=NAME") }
            guard let index = node.interfaces.firstIndex(where: { $0.name == name }) else {
                return .failure("\(request.command) \(node.name) has no port '\(name)' (has \(node.interfaces.map(\.name).joined(separator: ", ")))")
            }
            return request.command == "impair" ? impair(request.args, interface: index) : link(request.args, port: index)
        case "subscribe":
            return subscribers.subscribe(client, args: request.args, interfaceNames: node.interfaces.map(\.name))
        case "capture":
            return subscribers.capture(client, args: request.args, interfaceNames: node.interfaces.map(\.name))
        case "help": return .success(Self.controlCommands)
        case "routes", "arp", "sockets":
            return .failure("\(node.name) is a switch: it has no IP layer, so no \(request.command); `rawnet macs \(node.name)` shows what it learned")
        default:
            return .failure("unknown command '\(request.command)'; known: \(Self.controlCommands.joined(separator: ", "))")
        }
    }

    func status() -> NodeStatus {
        let interfaces = node.interfaces.indices.map { index in
            var status = DaemonSupport.interfaceStatus(self, index, address: portDescription(index),
                                                       isUp: carrier.isAdminUp(index), counters: counters[index])
            status.hasCarrier = carrier.hasCarrier(index)
            return status
        }
        return NodeStatus(node: node.name, kind: node.kind.rawValue, pid: Processes.currentPID,
                          uptimeSeconds: Double(now.nanoseconds - startedAt.nanoseconds) / 1e9,
                          interfaces: interfaces)
    }

    /// The peer of port `index` said its end is up or down: the port follows.
    func carrierChanged(isUp: Bool, on index: Int, byCable: Bool = false) {
        guard carrier.setCarrier(index, isUp: isUp) else { return }
        let name = node.interfaces[index].name
        let text = CarrierState.changeText(interface: name, peer: peers[index], isUp: isUp, byCable: byCable)
        logger.info("\(text)")
        if !subscribers.isEmpty { trace(.note, interface: index, bytes: nil, detail: text) }
        perform(bridge.setPort(index, isUp: carrier.works(index, physical: index), now: now))
    }

    /// A seqpacket cable connected or was lost (see `NodeDaemon.cableChanged`).
    func cableChanged(isUp: Bool, on index: Int) {
        if isUp, !carrier.isAdminUp(index) { CarrierState.tell(ports[index], isUp: false) }
        carrierChanged(isUp: isUp, on: index, byCable: true)
    }

    /// The port's VLANs, and its spanning tree role and state when the switch runs one.
    func portDescription(_ index: Int) -> String {
        let vlans = node.interfaces[index].switchPort?.description ?? ""
        guard let tree = bridge.spanningTree else { return vlans }
        return "\(vlans), stp \(tree.role(of: index).rawValue) \(tree.state(of: index).rawValue)"
    }

    /// `link` interface=p2 state=up|down: a port going down forgets the addresses it learned.
    func link(_ args: [String: String], port index: Int) -> ControlResponse {
        let isUp: Bool
        switch DaemonSupport.linkState(args) {
        case .success(let state): isUp = state
        case .failure(let failure): return .failure(failure.message)
        }
        carrier.setAdmin(index, isUp: isUp)
        if peers[index] != nil { CarrierState.tell(ports[index], isUp: isUp) }
        perform(bridge.setPort(index, isUp: carrier.works(index, physical: index), now: now))
        let name = node.interfaces[index].name
        logger.info("\(name) \(isUp ? "up" : "down")")
        return .success(["interface": name, "state": isUp ? "up" : "down"])
    }
}
