import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform

extension LinuxBridge {
    /// The control commands a bridge answers (the daemons' protocol, without
    /// what only a RawNet stack has: its routes, ARP cache and sockets are the kernel's).
    static let controlCommands = ["status", "impair", "link", "subscribe", "capture", "help"]

    func answer(_ request: ControlRequest, from client: Int) -> ControlResponse {
        switch request.command {
        case "status": return .success(status())
        case "impair": return impair(request.args)
        case "link": return link(request.args)
        case "subscribe":
            return subscribers.subscribe(client, args: request.args, interfaceNames: node.interfaces.map(\.name))
        case "capture":
            return subscribers.capture(client, args: request.args, interfaceNames: node.interfaces.map(\.name))
        case "help": return .success(Self.controlCommands)
        case "routes", "arp", "sockets":
            let tool = ["routes": "ip route", "arp": "ip neigh", "sockets": "ss -tan"][request.command] ?? ""
            return .failure("\(node.name) is a Linux namespace ('\(namespace)'); its kernel keeps that: run `rawnet exec \(node.name) -- \(tool)`")
        default:
            return .failure("unknown command '\(request.command)'; known: \(Self.controlCommands.joined(separator: ", "))")
        }
    }

    func status() -> NodeStatus {
        let interfaces = node.interfaces.enumerated().map { index, interface in
            DaemonSupport.interfaceStatus(self, index, address: interface.address.description, isUp: isUp[index],
                                          counters: counters[index])
        }
        return NodeStatus(node: node.name, kind: node.kind.rawValue, pid: Processes.currentPID,
                          uptimeSeconds: Double(now.nanoseconds - startedAt.nanoseconds) / 1e9,
                          interfaces: interfaces, namespace: namespace)
    }

    private func interfaceIndex(_ args: [String: String]) -> Result<Int, ControlFailure> {
        guard let name = args["interface"] else { return .failure(ControlFailure("needs interface=NAME")) }
        guard let index = node.interfaces.firstIndex(where: { $0.name == name }) else {
            let names = node.interfaces.map(\.name).joined(separator: ", ")
            return .failure(ControlFailure("\(node.name) has no interface '\(name)' (has \(names))"))
        }
        return .success(index)
    }

    /// `link` interface=eth0 state=up|down: the bridge stops carrying frames
    /// either way on that interface (the kernel's device stays as it is).
    func link(_ args: [String: String]) -> ControlResponse {
        let index: Int
        switch interfaceIndex(args) {
        case .success(let found): index = found
        case .failure(let failure): return .failure("link \(failure.message)")
        }
        switch DaemonSupport.linkState(args) {
        case .success(let state): isUp[index] = state
        case .failure(let failure): return .failure(failure.message)
        }
        let name = node.interfaces[index].name
        logger.info("\(name) \(isUp[index] ? "up" : "down")")
        return .success(["interface": name, "state": isUp[index] ? "up" : "down"])
    }

    /// `impair`, as a daemon answers it: the egress of one interface (frames
    /// the kernel sends towards the lab); see `ImpairedEgress.impair`.
    func impair(_ args: [String: String]) -> ControlResponse {
        switch interfaceIndex(args) {
        case .success(let index): return impair(args, interface: index)
        case .failure(let failure): return .failure("impair \(failure.message)")
        }
    }
}

/// A control request that names no usable interface.
struct ControlFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
