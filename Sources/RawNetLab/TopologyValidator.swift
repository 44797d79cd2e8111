import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetWire

/// Checks a lab as a whole: links join existing, unused interfaces of one subnet;
/// addresses are unique; gateways and next hops are neighbours.
struct TopologyValidator {
    var issues: IssueCollector

    mutating func check(_ lab: DraftTopology) {
        checkAddresses(lab)
        for node in lab.nodes where node.kind == .linux { checkLinuxNode(node) }
        for node in lab.nodes { checkNextHops(node) }
        checkLinks(lab)
        checkSwitches(lab)
        checkMachines(lab)
    }

    private mutating func checkAddresses(_ lab: DraftTopology) {
        var owners: [IPv4Address: (node: String, field: String)] = [:]
        for node in lab.nodes {
            for interface in node.interfaces {
                guard let address = interface.address else { continue }
                let prefix = address.prefix
                if prefix.length <= 30 && address.address == prefix.network {
                    issues.add(.node(node.name), interface.field,
                               "\(address) is the network address of its subnet; a node needs a host address")
                } else if prefix.length <= 30 && address.address == prefix.broadcast {
                    issues.add(.node(node.name), interface.field,
                               "\(address) is the broadcast address of its subnet; a node needs a host address")
                }
                if let owner = owners[address.address] {
                    issues.add(.node(node.name), interface.field,
                               "duplicate address \(address.address): already used by node '\(owner.node)' field '\(owner.field)'")
                } else {
                    owners[address.address] = (node.name, interface.field)
                }
            }
        }
    }

    /// A linux node's interfaces become Linux network devices of the same name
    /// (`rawnet attach`), so each name must be one Linux accepts and not the loopback's.
    private mutating func checkLinuxNode(_ node: DraftNode) {
        for interface in node.interfaces {
            if interface.name.utf8.count > Self.linuxInterfaceNameLimit {
                issues.add(.node(node.name), interface.field,
                           "'\(interface.name)' is too long for a Linux interface name (at most \(Self.linuxInterfaceNameLimit) characters)")
            } else if interface.name == "lo" {
                issues.add(.node(node.name), interface.field,
                           "'lo' is the Linux loopback device's name; choose another interface name")
            }
        }
    }

    /// IFNAMSIZ (16) less the terminating NUL.
    static let linuxInterfaceNameLimit = 15

    private mutating func checkNextHops(_ node: DraftNode) {
        let location = TopologyLocation.node(node.name)
        let addresses = node.interfaces.compactMap(\.address)
        // Unreadable interface addresses were reported already; do not pile on.
        guard addresses.count == node.interfaces.count else { return }
        let subnets = addresses.map(\.description).joined(separator: ", ")
        func problem(with neighbour: IPv4Address) -> String? {
            if addresses.contains(where: { $0.address == neighbour }) {
                return "\(neighbour) is this node's own address"
            }
            if !addresses.contains(where: { $0.prefix.contains(neighbour) }) {
                return "\(neighbour) is not reachable: it is outside this node's subnets (\(subnets))"
            }
            return nil
        }
        if let gateway = node.gateway, let message = problem(with: gateway) {
            issues.add(location, "gateway", message)
        }
        for route in node.routes {
            guard let nextHop = route.nextHop, let message = problem(with: nextHop) else { continue }
            issues.add(location, "routes[\(route.index)].via", message)
        }
    }

    private mutating func checkLinks(_ lab: DraftTopology) {
        var usedBy: [LinkEndpoint: Int] = [:]
        var sockets: [String: Int] = [:]
        for link in lab.links {
            let location = TopologyLocation.link(link.number)
            if let tunnel = link.tunnel {
                // The kernel hands a UDP port's datagrams to one socket only.
                let socket = "\(tunnel.local):\(tunnel.port)"
                if let earlier = sockets[socket] {
                    issues.add(location, "endpoints[1].vxlan.port",
                               "\(socket) is already the local end of link \(earlier)'s tunnel: give each VXLAN link its own local address or port")
                } else {
                    sockets[socket] = link.number
                }
                if !link.impairmentBToA.isEmpty, link.impairmentBToA != link.impairmentAToB {
                    issues.add(location, "impair.b_to_a", "the far end of a VXLAN link sends from another machine: impair it there")
                }
                if let a = link.a, lab.node(named: a.node)?.kind == .linux {
                    issues.add(location, "endpoints[0]", "a linux node cannot end a VXLAN link (its bridge carries TAP frames only)")
                }
            }
            var ends: [IPv4InterfaceAddress?] = []
            for (position, endpoint) in [link.a, link.b].enumerated() {
                guard let endpoint else { ends.append(nil); continue }
                // A tunnel's far end is not a node of this file.
                if position == 1, link.tunnel != nil { continue }
                let field = "endpoints[\(position)]"
                guard let node = lab.node(named: endpoint.node) else {
                    issues.add(location, field, "unknown node '\(endpoint.node)'"
                               + NameSuggestion.didYouMean(endpoint.node, among: lab.nodes.map(\.name)))
                    ends.append(nil)
                    continue
                }
                guard let interface = node.interface(named: endpoint.interface) else {
                    // A node with no interfaces at all has its own error already (a missing or
                    // bad 'ip', 'interfaces' or 'ports'): not one more per link that names it.
                    if node.interfaces.isEmpty { ends.append(nil); continue }
                    let known = node.interfaces.map(\.name).joined(separator: ", ")
                    issues.add(location, field,
                               "unknown interface '\(endpoint.interface)' on node '\(node.name)' (it has: \(known))")
                    ends.append(nil)
                    continue
                }
                if position == 1, endpoint == link.a {
                    issues.add(location, "endpoints", "a link cannot join \(endpoint) to itself")
                } else if let earlier = usedBy[endpoint] {
                    issues.add(location, field, "interface \(endpoint) is used twice: it is already on link \(earlier)")
                } else {
                    usedBy[endpoint] = link.number
                }
                ends.append(interface.address)
            }
            if ends.count == 2, let first = ends[0], let second = ends[1], first.address != second.address,
               !(first.prefix.contains(second.address) && second.prefix.contains(first.address)) {
                issues.add(location, "endpoints",
                           "the two ends are in different subnets (\(first) and \(second)), so they could never reach each other")
            }
        }
    }
}
