import RawNetCore
import RawNetLabModel
import RawNetWire

extension TopologyValidator {
    /// Switch ports: the two ends of a link between switches carry the same
    /// VLANs the same way; a trunk's far end is a switch; and switches form no
    /// loop unless every switch on it runs a spanning tree.
    mutating func checkSwitches(_ lab: DraftTopology) {
        let switches = Set(lab.nodes.filter { $0.kind == .switch }.map(\.name))
        guard !switches.isEmpty else { return checkSubinterfaces(lab) }
        for link in lab.links {
            guard let a = link.a, let b = link.b else { continue }
            let location = TopologyLocation.link(link.number)
            let ends = [a, b].map { end in lab.node(named: end.node).map { ($0, $0.interface(named: end.interface)) } }
            guard let first = ends[0], let second = ends[1], let portA = first.1, let portB = second.1 else { continue }
            switch (first.0.kind == .switch, second.0.kind == .switch) {
            case (true, true):
                if let modeA = portA.switchPort, let modeB = portB.switchPort, modeA != modeB {
                    issues.add(location, "endpoints",
                               "the switch ports disagree: \(a) is \(modeA), \(b) is \(modeB); both ends of a link between switches carry the same VLANs")
                }
            case (true, false), (false, true):
                let (port, end, other, otherEnd) = first.0.kind == .switch ? (portA, a, second.0, b) : (portB, b, first.0, a)
                let tagged = other.interfaces.compactMap { sub -> (String, UInt16)? in
                    guard let found = TopologyInterface.subinterface(named: sub.name), found.parent == otherEnd.interface else { return nil }
                    return (sub.name, found.vlan)
                }
                switch port.switchPort {
                case .trunk? where tagged.isEmpty:
                    issues.add(location, "endpoints",
                               "\(end) is a trunk (tagged frames) but \(other.kind?.rawValue ?? "node") '\(other.name)' sends untagged ones; cable a trunk to another switch's trunk or to an interface with VLAN subinterfaces (eth0.10), or give the port 'vlan: N'")
                case .trunk(let ids)?:
                    for (name, vlan) in tagged where !ids.contains(vlan) {
                        issues.add(location, "endpoints", "\(other.name):\(name) is VLAN \(vlan), which trunk \(end) does not carry")
                    }
                case .access?:
                    if !tagged.isEmpty {
                        issues.add(location, "endpoints",
                                   "\(otherEnd) has VLAN subinterfaces (tagged frames) but \(end) is an access port; give it 'trunk: [...]'")
                    }
                case nil:
                    break
                }
            case (false, false):
                continue
            }
        }
        checkSubinterfaces(lab)
        checkSegmentSubnets(lab, switches: switches)
        let pairs = lab.links.compactMap { link -> (String, String)? in
            guard let a = link.a, let b = link.b else { return nil }
            return (a.node, b.node)
        }
        let plain = Set(lab.nodes.filter { $0.kind == .switch && $0.spanningTree == nil }.map(\.name))
        let cycle = plain == switches ? SwitchLoop.find(switches: switches, links: pairs)
            : SwitchLoop.find(switches: switches, links: pairs, through: plain)
        if let cycle {
            let off = cycle.filter(plain.contains).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            issues.add(.document, "links",
                       "switches form a loop (\(cycle.joined(separator: " - "))) and \(off.joined(separator: ", ")) \(off.count == 1 ? "runs" : "run") no spanning tree: a broadcast would circle it forever; give every switch on the loop 'stp: on', or remove one of its links")
        }
    }
}

extension TopologyValidator {
    /// VLAN subinterfaces (`eth0.10`): on a router or host, beside their parent, never cabled themselves.
    mutating func checkSubinterfaces(_ lab: DraftTopology) {
        for node in lab.nodes {
            for interface in node.interfaces {
                guard let sub = TopologyInterface.subinterface(named: interface.name) else { continue }
                if node.kind != .router && node.kind != .host {
                    issues.add(.node(node.name), interface.field, "only a router or host has VLAN subinterfaces")
                } else if node.interface(named: sub.parent) == nil {
                    issues.add(.node(node.name), interface.field,
                               "no interface '\(sub.parent)' on this node to carry VLAN \(sub.vlan); give it one (its own address is the untagged network)")
                }
            }
        }
        for link in lab.links {
            for (position, end) in [link.a, link.b].enumerated() {
                guard let end, let sub = TopologyInterface.subinterface(named: end.interface) else { continue }
                issues.add(.link(link.number), "endpoints[\(position)]",
                           "\(end) is a VLAN subinterface: it rides on its parent's link; cable \(end.node):\(sub.parent)")
            }
        }
    }
}

extension TopologyValidator {
    /// Every address on one switched segment (switches joined by links, one VLAN)
    /// is in one subnet: an ARP request there must be able to reach its answer.
    mutating func checkSegmentSubnets(_ lab: DraftTopology, switches: Set<String>) {
        // Which segment each switch belongs to: switches joined by links share one.
        var segment: [String: String] = [:]
        func root(_ name: String) -> String {
            var current = name
            while let up = segment[current], up != current { current = up }
            return current
        }
        for name in switches { segment[name] = name }
        for link in lab.links {
            guard let a = link.a?.node, let b = link.b?.node, switches.contains(a), switches.contains(b) else { continue }
            segment[root(a)] = root(b)
        }
        // The first address met per (segment, VLAN), and where it was.
        var first: [String: (address: IPv4InterfaceAddress, end: LinkEndpoint)] = [:]
        for link in lab.links {
            guard let a = link.a, let b = link.b else { continue }
            for (port, end) in [(a, b), (b, a)] where switches.contains(port.node) && !switches.contains(end.node) {
                guard let sw = lab.node(named: port.node), let mode = sw.interface(named: port.interface)?.switchPort,
                      let node = lab.node(named: end.node) else { continue }
                // The untagged interface on an access port, each subinterface on a trunk.
                var members: [(LinkEndpoint, IPv4InterfaceAddress, UInt16)] = []
                if case .access(let vlan) = mode, let address = node.interface(named: end.interface)?.address {
                    members.append((end, address, vlan))
                }
                for interface in node.interfaces {
                    guard let sub = TopologyInterface.subinterface(named: interface.name), sub.parent == end.interface,
                          mode.carries(sub.vlan), let address = interface.address else { continue }
                    members.append((LinkEndpoint(node: node.name, interface: interface.name), address, sub.vlan))
                }
                for (member, address, vlan) in members {
                    let key = "\(root(port.node)) \(vlan)"
                    guard let earlier = first[key] else {
                        first[key] = (address, member)
                        continue
                    }
                    if !(earlier.address.prefix.contains(address.address) && address.prefix.contains(earlier.address.address)) {
                        issues.add(.link(link.number), "endpoints",
                                   "\(member) (\(address)) and \(earlier.end) (\(earlier.address)) share a switched segment (VLAN \(vlan)) but not a subnet, so they could never reach each other")
                    }
                }
            }
        }
    }
}
