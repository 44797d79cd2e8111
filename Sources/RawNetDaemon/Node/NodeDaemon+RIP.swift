import RawNetCore
import RawNetWire

/// A router's RIP (`RIPRouter`, Core) fed by the daemon: UDP 520 datagrams for
/// the router or 224.0.0.9 go to it, its messages leave through `IPNode`, and
/// the routes it chooses go into the forwarding table as `proto rip`.
extension NodeDaemon {
    /// Creates the engine and joins 224.0.0.9; nothing is sent before `announceRIP`.
    func startRIP(_ configuration: RIPConfiguration) {
        rip = RIPRouter(addresses: ip.interfaces.map(\.address), isUp: ip.interfaces.map(\.isUp),
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

    /// The words `routes` adds to a RIP route's line: its age, as `age 4s`.
    func ripDetails(_ route: Route) -> [String] {
        guard let age = ripAge(route) else { return [] }
        return ["age", "\(Int(age))s"]
    }
}
