import RawNetCore
import RawNetLabModel
import RawNetWire
import Yams

/// One machine of a lab split over several (`machines:`): its underlay
/// address, where its VXLAN sockets bind, and the nodes it runs.
struct DraftMachine {
    var name: String
    var address: IPv4Address?
    var nodes: [String] = []
}

extension TopologyParser {
    /// `machines: { NAME: { address: A.B.C.D, nodes: [n1, n2] }, ... }`.
    mutating func parseMachines(_ node: Node) -> [DraftMachine] {
        guard let mapping = node.mapping, !mapping.isEmpty else {
            issues.add(.document, "machines", "expected a mapping such as { m1: { address: 10.9.0.1, nodes: [alice, r1] } }")
            return []
        }
        var result: [DraftMachine] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                issues.add(.document, "machines", "a machine name must be plain text")
                continue
            }
            let prefix = "machines.\(name)"
            if result.contains(where: { $0.name == name }) {
                issues.add(.document, prefix, "defined twice")
                continue
            }
            if let problem = PathSafeName.problem(with: name) { issues.add(.document, prefix, "bad machine name: \(problem)") }
            var machine = DraftMachine(name: name)
            defer { result.append(machine) }
            guard let body = value.mapping else {
                issues.add(.document, prefix, "expected { address: A.B.C.D, nodes: [NODE, ...] }")
                continue
            }
            let fields = fieldTable(body, location: .document, prefix: prefix + ".", allowed: ["address", "nodes"])
            if let address = fields["address"] {
                if let text = scalar(address, .document, prefix + ".address") {
                    if let value = IPv4Address(text), value != .any, value.value >> 28 < 0xE {
                        machine.address = value
                    } else {
                        issues.add(.document, prefix + ".address", "bad address '\(text)' (expected a unicast A.B.C.D)")
                    }
                }
            } else {
                issues.add(.document, prefix + ".address", "missing field")
            }
            if let nodes = fields["nodes"] {
                if let list = nodes.sequence {
                    for (index, item) in list.enumerated() {
                        if let text = scalar(item, .document, "\(prefix).nodes[\(index)]") { machine.nodes.append(text) }
                    }
                } else {
                    issues.add(.document, prefix + ".nodes", "expected a list of node names")
                }
            } else {
                issues.add(.document, prefix + ".nodes", "missing field")
            }
        }
        return result
    }
}

extension TopologyValidator {
    /// Every node on exactly one machine, every machine's nodes known, addresses distinct.
    mutating func checkMachines(_ lab: DraftTopology) {
        guard !lab.machines.isEmpty else { return }
        var placed: [String: String] = [:]
        var addresses: [IPv4Address: String] = [:]
        for machine in lab.machines {
            let prefix = "machines.\(machine.name)"
            if let address = machine.address {
                if let other = addresses[address] {
                    issues.add(.document, prefix + ".address", "\(address) is already machine '\(other)''s address")
                } else {
                    addresses[address] = machine.name
                }
            }
            for (index, name) in machine.nodes.enumerated() {
                let field = "\(prefix).nodes[\(index)]"
                if lab.node(named: name) == nil {
                    issues.add(.document, field, "unknown node '\(name)'" + NameSuggestion.didYouMean(name, among: lab.nodes.map(\.name)))
                } else if let other = placed[name] {
                    issues.add(.document, field, "node '\(name)' is already on machine '\(other)'")
                } else {
                    placed[name] = machine.name
                }
            }
        }
        for node in lab.nodes where placed[node.name] == nil {
            issues.add(.node(node.name), "", "on no machine: list it under one machine's 'nodes' in 'machines'")
        }
        for link in lab.links where link.tunnel != nil {
            issues.add(.link(link.number), "endpoints[1]", "a lab with 'machines' makes its VXLAN links itself: join node:interface to node:interface")
        }
    }
}

extension DraftTopology {
    /// The part of a checked lab that machine `name` runs: its own nodes, the
    /// links among them, and each link to another machine's node turned into a
    /// VXLAN link from this machine's address to the other's. Both machines
    /// derive the same tunnel from the file alone: VNI = the link's number in
    /// `links:`, port = `vxlan_port` (4789) plus the link's place among the
    /// crossing links (each crossing link needs its own UDP socket on each machine).
    /// Impairments on the far end's egress stay with the far end's machine.
    func part(named name: String, issues: inout IssueCollector) -> DraftTopology? {
        guard !machines.isEmpty else {
            issues.add(.document, "machines", "--part \(name) needs a 'machines' section saying which nodes run where")
            return nil
        }
        guard let machine = machines.first(where: { $0.name == name }), let local = machine.address else {
            issues.add(.document, "machines", "no machine '\(name)' (machines: \(machines.map(\.name).joined(separator: ", ")))")
            return nil
        }
        let home = Dictionary(machines.flatMap { m in m.nodes.map { ($0, m) } }, uniquingKeysWith: { first, _ in first })
        var result = self
        result.nodes = nodes.filter { machine.nodes.contains($0.name) }
        result.remoteNodes = nodes.compactMap { node in
            guard let other = home[node.name], other.name != name, let underlay = other.address else { return nil }
            // Names and addresses only: a remote switch's VLANs are its own machine's business.
            let interfaces = node.finishedInterfaces().map { interface in
                TopologyInterface(name: interface.name, address: interface.address, macAddress: interface.macAddress)
            }
            return RemoteNode(name: node.name, kind: node.kind ?? .host, part: other.name, underlay: underlay, interfaces: interfaces)
        }
        result.links = []
        var crossing = 0
        for var link in links {
            guard let a = link.a, let b = link.b, let homeA = home[a.node], let homeB = home[b.node] else { continue }
            let aHere = homeA.name == name, bHere = homeB.name == name
            if aHere && bHere { result.links.append(link) }
            guard aHere != bHere else { if homeA.name != homeB.name { crossing += 1 }; continue }
            let port = Int(vxlanPort ?? VXLANHeader.defaultPort) + crossing
            crossing += 1
            let far = aHere ? homeB : homeA
            guard let remote = far.address, port <= Int(UInt16.max) else { continue }
            if !aHere {
                swap(&link.a, &link.b)
                link.impairmentAToB = link.impairmentBToA
            }
            link.impairmentBToA = [:]
            link.tunnel = VXLANTunnel(local: local, remote: remote, vni: UInt32(link.number), port: UInt16(port),
                                      keepalive: vxlanKeepalive, misses: vxlanMisses)
            result.links.append(link)
        }
        return result
    }
}
