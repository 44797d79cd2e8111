import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetWire

extension NodeDaemon {
    /// Every control command, for `help` and error messages.
    static let controlCommands = ["status", "routes", "arp", "link", "rip", "impair", "sockets", "subscribe", "capture", "help"]

    func handleControlLine(_ line: [UInt8], from client: Int) -> [UInt8]? {
        defer { rearmTimer() }
        return DaemonSupport.answerLine(line) { request in
            // Answers describe settled state: a TCP pass asked for by input of this wake-up runs first.
            host?.runPassIfRequested(now: now)
            return answer(request, from: client)
        }
    }

    func answer(_ request: ControlRequest, from client: Int) -> ControlResponse {
        switch request.command {
        case "status": return .success(status())
        case "routes": return .success(routes())
        case "arp":
            guard !request.args.isEmpty else { return .success(neighbours()) }
            guard request.args == ["flush": "all"] else {
                return .failure("arp: unknown arguments \(request.args.keys.sorted().joined(separator: ", ")); known: flush=all")
            }
            let forgotten = ip.forgetLearnedNeighbours()
            var answer = neighbours()
            answer.flushed = forgotten
            return .success(answer)
        case "link": return link(request.args)
        case "rip": return ripCommand(request.args)
        case "impair": return impair(request.args)
        case "sockets": return .success(host?.socketList() ?? [])
        case "subscribe":
            return subscribers.subscribe(client, args: request.args, interfaceNames: node.interfaces.map(\.name))
        case "capture":
            return subscribers.capture(client, args: request.args, interfaceNames: node.interfaces.map(\.name))
        case "help": return .success(Self.controlCommands)
        default:
            return .failure("unknown command '\(request.command)'; known: \(Self.controlCommands.joined(separator: ", "))")
        }
    }

    func status() -> NodeStatus {
        let interfaces = ip.interfaces.enumerated().map { index, interface in
            var status = DaemonSupport.interfaceStatus(self, index, address: interface.address.description,
                                                       isUp: carrier.isAdminUp(index), counters: interface.counters)
            status.hasCarrier = carrier.hasCarrier(physicalIndex(of: index))
            return status
        }
        var status = NodeStatus(node: node.name, kind: node.kind.rawValue, pid: Processes.currentPID,
                                uptimeSeconds: Double(now.nanoseconds - startedAt.nanoseconds) / 1e9,
                                interfaces: interfaces)
        status.localDrops = ip.localDrops.isEmpty ? nil : ip.localDrops
        var budgets = QueueBudgets(controlQueuedBytes: control?.queuedBytes ?? 0,
                                   controlBudgetBytes: ControlServer.sharedOutputBudget,
                                   controlClientsCut: control?.cutCount ?? 0)
        if let apps {
            budgets.appQueuedBytes = apps.queuedBytes
            budgets.appBudgetBytes = AppServer.sharedOutputBudget
            budgets.appMessagesDropped = apps.overflowCount
            budgets.appMessagesRefused = apps.refusedCount
        }
        if let host {
            budgets.tcpMemoryBytes = host.tcpMemory.total
            budgets.tcpBudgetBytes = host.tcpMemory.budget
            budgets.tcpMemoryRefused = host.tcpMemory.droppedSegments + host.tcpMemory.refusedConnects
        }
        status.budgets = budgets
        return status
    }

    private func interfaceName(_ index: Int) -> String {
        ip.interfaces.indices.contains(index) ? ip.interfaces[index].name : "if\(index)"
    }

    func routes() -> RoutesAnswer {
        let list = ip.routingTable.routes.map { route in
            RouteInfo(destination: route.destination.length == 0 ? "default" : route.destination.description,
                      nextHop: route.nextHop?.description, interface: interfaceName(route.interface),
                      kind: route.kind.rawValue, metric: route.metric, ageSeconds: ripAge(route))
        }
        return RoutesAnswer(routes: list, text: ip.routingTable.formatted(interfaceNames: interfaceNames,
                                                                           details: routeDetails))
    }

    func neighbours() -> ARPAnswer {
        let list = ip.arpCache.entries.sorted { $0.key < $1.key }.map { key, entry in
            var info = NeighbourInfo(address: key.address.description, interface: interfaceName(key.interface),
                                     state: "incomplete")
            switch entry {
            case .reachable(let mac, let expiresAt):
                info.state = "reachable"
                info.mac = mac.description
                info.expiresInSeconds = max(0, (expiresAt - now).seconds)
            case .incomplete(_, _, let pending):
                info.waiting = pending.count
            }
            return info
        }
        return ARPAnswer(entries: list, text: ip.formattedNeighbours(now: now))
    }

    /// `link` interface=eth0 state=up|down
    func link(_ args: [String: String]) -> ControlResponse {
        guard let name = args["interface"] else { return .failure("link needs interface=NAME") }
        guard let index = ip.interfaceIndex(named: name) else { return unknownInterface(name) }
        let isUp: Bool
        switch DaemonSupport.linkState(args) {
        case .success(let state): isUp = state
        case .failure(let failure): return .failure(failure.message)
        }
        carrier.setAdmin(index, isUp: isUp)
        if physicalIndex(of: index) == index, peers[index] != nil { CarrierState.tell(ports[index], isUp: isUp) }
        for affected in [index] + subinterfaceIndices(of: index) { applyInterfaceState(affected) }
        logger.info("\(name) \(isUp ? "up" : "down")")
        return .success(["interface": name, "state": isUp ? "up" : "down"])
    }

    private func unknownInterface(_ name: String) -> ControlResponse {
        .failure("\(node.name) has no interface '\(name)' (has \(ip.interfaces.map(\.name).joined(separator: ", ")))")
    }
}
