import RawNetContracts
import RawNetCore

extension Topology {
    /// The links a command-line name refers to. Accepted: the full name
    /// `alice:eth0-r1:eth0` (either order), one endpoint `r1:eth1`, or the two
    /// node names `alice-r1` (either order; every link between them).
    public func links(matching name: String) -> [TopologyLink] {
        if let endpoint = LinkEndpoint(name) {
            return links.filter { $0.a == endpoint || $0.b == endpoint }
        }
        let parts = name.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        // Full names hold one '-' between two endpoints; node names may hold more.
        for split in 1..<max(1, parts.count) {
            let left = parts[..<split].joined(separator: "-"), right = parts[split...].joined(separator: "-")
            if let a = LinkEndpoint(left), let b = LinkEndpoint(right) {
                return links.filter { ($0.a == a && $0.b == b) || ($0.a == b && $0.b == a) }
            }
            let found = links.filter {
                ($0.a.node == left && $0.b.node == right) || ($0.a.node == right && $0.b.node == left)
            }
            if !found.isEmpty { return found }
        }
        return []
    }

    /// The topology as a YAML file that loads back to an equal topology
    /// (MAC addresses are derived again on loading). The run directory's
    /// `lab.yaml` is written from this.
    /// `rip: { update: 2s, timeout: 12s, garbage: 8s, damping: 200ms }`.
    static func ripField(_ rip: RIPConfiguration) -> String {
        let timers = [("update", rip.update), ("timeout", rip.timeout), ("garbage", rip.garbage), ("damping", rip.damping)]
        return "rip: { " + timers.map { "\($0.0): \(ImpairmentText.duration($0.1))" }.joined(separator: ", ") + " }"
    }

    public var yamlText: String {
        var lines = ["name: \(name)"]
        if let linkSocket { lines.append("link_socket: \(linkSocket.rawValue)") }
        lines.append("nodes:")
        for node in nodes {
            var fields = ["kind: \(node.kind.rawValue)"]
            if node.kind == .switch {
                let list = node.interfaces.map { port -> String in
                    switch port.switchPort ?? .access(SwitchPortMode.defaultVLAN) {
                    case .access(let id): return "\(port.name): { vlan: \(id) }"
                    case .trunk(let ids): return "\(port.name): { trunk: [\(ids.map(String.init).joined(separator: ", "))] }"
                    }
                }.joined(separator: ", ")
                fields.append("ports: { \(list) }")
            } else if node.kind != .router, node.interfaces.count == 1, node.interfaces[0].name == "eth0" {
                fields.append("ip: \(node.interfaces[0].address)")
            } else {
                let list = node.interfaces.map { "\($0.name): \($0.address)" }.joined(separator: ", ")
                fields.append("interfaces: { \(list) }")
            }
            if let gateway = node.gateway { fields.append("gateway: \(gateway)") }
            if !node.routes.isEmpty {
                let list = node.routes.map { "{ to: \($0.destination), via: \($0.nextHop) }" }.joined(separator: ", ")
                fields.append("routes: [ \(list) ]")
            }
            if node.reversePathFilter != .off { fields.append("rp_filter: \(node.reversePathFilter)") }
            if let memory = node.tcpMemory { fields.append("tcp_mem: \(TCPMemoryLimit.text(memory))") }
            if let rip = node.rip { fields.append(Self.ripField(rip)) }
            lines.append("  \(node.name): { \(fields.joined(separator: ", ")) }")
        }
        lines.append("links:")
        for link in links {
            lines.append("  - endpoints: [\(link.a), \(link.b)]")
            if link.impairmentAToB == link.impairmentBToA {
                if !link.impairmentAToB.isEmpty { lines.append("    impair: \(Self.flow(link.impairmentAToB))") }
            } else {
                lines.append("    impair: { a_to_b: \(Self.flow(link.impairmentAToB)), b_to_a: \(Self.flow(link.impairmentBToA)) }")
            }
            if let limit = link.queueLimit { lines.append("    queue: \(limit)") }
            if link.mtu != IPInterface.defaultMTU { lines.append("    mtu: \(link.mtu)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{ delay: "10ms", loss: "5%" }`, keys sorted, values quoted.
    private static func flow(_ settings: [String: String]) -> String {
        let items = settings.sorted { $0.key < $1.key }.map { "\($0.key): \(quoted($0.value))" }
        return items.isEmpty ? "{}" : "{ " + items.joined(separator: ", ") + " }"
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.append(character)
            }
        }
        return out + "\""
    }
}
