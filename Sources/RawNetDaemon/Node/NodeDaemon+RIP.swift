import RawNetContracts
import RawNetCore
import RawNetWire

/// A router's RIP (`RIPRouter`, Core) fed by the daemon: UDP 520 datagrams for
/// the router or 224.0.0.9 go to it, its messages leave through `IPNode`, and
/// the routes it chooses go into the forwarding table as `proto rip`.
extension NodeDaemon {
    /// Creates the engine and joins 224.0.0.9; nothing is sent before `announceRIP`.
    func startRIP(_ configuration: RIPConfiguration) {
        rip = RIPRouter(addresses: ip.interfaces.map(\.address), isUp: ip.interfaces.map { $0.isUp && $0.hasCarrier },
                        configuration: configuration, now: now)
        ip.multicastGroups.insert(RIPMessage.multicastGroup)
    }

    /// Asks the neighbours for their tables and tells them ours, as the loop starts.
    func announceRIP() {
        guard rip != nil else { return }
        logger.info("RIP on: update \(rip!.configuration.update), timeout \(rip!.configuration.timeout), garbage \(rip!.configuration.garbage)")
        performRIP(rip!.start(now: now))
    }

    func pollRIP() {
        guard rip != nil else { return }
        performRIP(rip!.poll(now: now))
    }

    /// Tells RIP an interface went up or down (`rawnet link`).
    func ripInterface(_ index: Int, isUp: Bool) {
        guard rip != nil else { return }
        performRIP(rip!.setInterface(index, isUp: isUp, now: now))
        isTimerStale = true
    }

    /// Takes a packet for RIP (UDP to port 520); false when it is not one.
    func receiveRIP(_ packet: DeliveredPacket) -> Bool {
        guard case .udp(let udp, let payload) = packet.transport, udp.destinationPort == RIPMessage.port else {
            return false
        }
        guard let interface = packet.interface else {
            countDrop(.routingMessageRejected, packet: packet, detail: "RIP message from this router itself")
            return true
        }
        let message: RIPMessage
        do {
            message = try RIPMessage(parsing: payload)
        } catch {
            countDrop(.routingMessageRejected, packet: packet, detail: "RIP: \(error)")
            return true
        }
        performRIP(rip!.receive(message, from: packet.header.source, port: udp.sourcePort, on: interface, now: now),
                   about: packet)
        isTimerStale = true
        return true
    }

    /// Carries out what RIP asked for; `packet` is the message being handled, if any.
    func performRIP(_ outputs: [RIPOutput], about packet: DeliveredPacket? = nil) {
        for output in outputs {
            switch output {
            case .send(let interface, let destination, let port, let message):
                let udp = UDPHeader(sourcePort: RIPMessage.port, destinationPort: port)
                if destination == RIPMessage.multicastGroup {
                    perform(ip.sendMulticast(udp, payload: message.bytes, to: destination, interface: interface, now: now))
                } else {
                    perform(ip.send(.udp(udp, payload: message.bytes), to: destination,
                                    from: ip.interfaces[interface].address.address, now: now))
                }
            case .install(let route):
                ip.routingTable.replace(Route(destination: route.destination, nextHop: route.nextHop,
                                              interface: route.interface, kind: .rip, metric: route.metric))
            case .withdraw(let prefix):
                ip.routingTable.remove(destination: prefix, kind: .rip)
            case .rejected(let interface, let detail):
                if let packet {
                    countDrop(.routingMessageRejected, packet: packet, detail: detail)
                } else {
                    ip.countDrop(.routingMessageRejected, interface: interface)
                }
            case .note(let text):
                if !subscribers.isEmpty {
                    broadcast(TraceEvent(time: wallTime, node: node.name, kind: .note, detail: text))
                }
            }
        }
    }

    /// Seconds since RIP last set or confirmed this route, for RIP routes.
    func ripAge(_ route: Route) -> Double? {
        guard route.kind == .rip, let learned = rip?.routes[route.destination] else { return nil }
        return max(0, (now - learned.refreshedAt).seconds)
    }

    /// The words `routes` adds to a route's line: `linkdown` when its interface
    /// is down (as `ip route` marks it), a RIP route's age as `age 4s`.
    func routeDetails(_ route: Route) -> [String] {
        var words: [String] = []
        if ip.interfaces.indices.contains(route.interface),
           !ip.interfaces[route.interface].isUp || !ip.interfaces[route.interface].hasCarrier { words.append("linkdown") }
        if let age = ripAge(route) { words += ["age", "\(Int(age))s"] }
        return words
    }
}

extension NodeDaemon {
    /// `rip` state=on|off [update=1s timeout=6s garbage=4s damping=100ms]: switches
    /// RIP on a router while it runs (the tour does, for one scene). Off forgets
    /// every RIP route and leaves 224.0.0.9; on with RIP already running restarts it.
    func ripCommand(_ args: [String: String]) -> ControlResponse {
        guard node.kind == .router else { return .failure("\(node.name) is a \(node.kind.rawValue): only routers run RIP") }
        switch args["state"]?.lowercased() {
        case "off":
            stopRIP()
            return .success(["rip": "off"])
        case "on":
            let configuration: RIPConfiguration
            do { configuration = try RIPConfiguration(timerTexts: args) } catch { return .failure(error.description) }
            stopRIP()
            startRIP(configuration)
            announceRIP()
            isTimerStale = true
            return .success(["rip": "on", "update": ImpairmentText.duration(configuration.update),
                             "timeout": ImpairmentText.duration(configuration.timeout),
                             "garbage": ImpairmentText.duration(configuration.garbage)])
        default:
            return .failure("rip needs state=on or state=off")
        }
    }

    /// Switches RIP off: its routes leave the forwarding table, the router leaves the group.
    func stopRIP() {
        guard let running = rip else { return }
        for prefix in running.routes.keys { ip.routingTable.remove(destination: prefix, kind: .rip) }
        ip.multicastGroups.remove(RIPMessage.multicastGroup)
        rip = nil
        logger.info("RIP off")
    }
}
