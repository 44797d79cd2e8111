import RawNetCore
import RawNetWire

extension SwitchPortMode {
    /// The VLAN of an access port, nil on a trunk.
    public var accessVLAN: UInt16? {
        if case .access(let id) = self { return id }
        return nil
    }

    /// A trunk's VLANs as `lab.conf` writes them (`10,20`), nil on an access port.
    public var trunkText: String? {
        if case .trunk(let ids) = self { return ids.map(String.init).joined(separator: ",") }
        return nil
    }

    /// A VLAN id a port may carry (1-4094), nil for anything else.
    public static func vlanID(_ text: some StringProtocol) -> UInt16? {
        guard !text.isEmpty, text.count <= 4, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let id = UInt16(text), VLANTag.usableIDs.contains(id) else { return nil }
        return id
    }

    /// Comma-separated VLAN ids, each once; nil when one is bad or repeated or none is given.
    public static func vlanList(_ text: some StringProtocol) -> [UInt16]? {
        var ids: [UInt16] = []
        for part in String(text).split(separator: ",", omittingEmptySubsequences: false) {
            guard let id = vlanID(part.trimmingSpaces), !ids.contains(id) else { return nil }
            ids.append(id)
        }
        return ids.isEmpty ? nil : ids
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}

extension TopologyNode {
    /// The switch engine for a switch node: one port per interface, in file order.
    public var switchPorts: [SwitchPort] {
        interfaces.map {
            SwitchPort(name: $0.name, mode: $0.switchPort ?? .access(SwitchPortMode.defaultVLAN), address: $0.macAddress)
        }
    }

    /// The switch engine of a switch node, with its spanning tree when it runs one
    /// (the bridge address is derived from the node's name, as its ports' are from theirs).
    public var ethernetSwitch: EthernetSwitch {
        EthernetSwitch(ports: switchPorts, spanningTree: spanningTree, bridgeAddress: MACAddress.derived(from: name))
    }
}

/// Finding a loop of switches (a bridged loop would carry a broadcast around forever).
public enum SwitchLoop {
    /// The switches of one loop in order, the first repeated at the end
    /// (`["sw1", "sw2", "sw3", "sw1"]`), or nil when the links between the
    /// named switches form no cycle. Two links between the same two switches are a loop.
    /// `links` are (a, b) node-name pairs in file order.
    public static func find(switches: Set<String>, links: [(String, String)]) -> [String]? {
        var neighbours: [String: [(node: String, link: Int)]] = [:]
        for (number, link) in links.enumerated() where switches.contains(link.0) && switches.contains(link.1) {
            if link.0 == link.1 { return [link.0, link.0] }
            neighbours[link.0, default: []].append((link.1, number))
            neighbours[link.1, default: []].append((link.0, number))
        }
        var visited: Set<String> = []
        for start in switches.sorted() where !visited.contains(start) {
            // Depth-first search that remembers its path; an edge to a node on the path (other than by the link we came) closes a cycle.
            var path: [String] = []
            var onPath: [String: Int] = [:]
            func visit(_ node: String, via link: Int?) -> [String]? {
                visited.insert(node)
                onPath[node] = path.count
                path.append(node)
                for next in neighbours[node] ?? [] where next.link != link {
                    if let at = onPath[next.node] { return Array(path[at...]) + [next.node] }
                    if !visited.contains(next.node), let cycle = visit(next.node, via: next.link) { return cycle }
                }
                path.removeLast()
                onPath[node] = nil
                return nil
            }
            if let cycle = visit(start, via: nil) { return cycle }
        }
        return nil
    }
}

extension SwitchLoop {
    /// A loop of switches that passes through at least one of `through` (those
    /// running no spanning tree), written as `find` writes one; nil when every
    /// loop joins only switches outside `through`.
    public static func find(switches: Set<String>, links: [(String, String)], through: Set<String>) -> [String]? {
        let bridged = links.enumerated().filter { switches.contains($0.element.0) && switches.contains($0.element.1) }
        for (number, link) in bridged where through.contains(link.0) || through.contains(link.1) {
            if link.0 == link.1 { return [link.0, link.0] }
            // A path between the link's ends that does not use it closes a loop with it.
            var previous: [String: String] = [link.0: link.0]
            var frontier = [link.0]
            while !frontier.isEmpty, previous[link.1] == nil {
                var next: [String] = []
                for node in frontier {
                    for (other, edge) in bridged where other != number {
                        let far = edge.0 == node ? edge.1 : edge.1 == node ? edge.0 : nil
                        guard let far, previous[far] == nil else { continue }
                        previous[far] = node
                        next.append(far)
                    }
                }
                frontier = next
            }
            guard previous[link.1] != nil else { continue }
            var path = [link.1]
            while let last = path.last, last != link.0, let before = previous[last] { path.append(before) }
            return Array(path.reversed()) + [link.0]
        }
        return nil
    }
}

extension TopologyInterface {
    /// For a VLAN subinterface `PARENT.VLAN` (`eth0.10`), its parent interface and VLAN id:
    /// it sends and receives frames tagged with that VLAN through the parent's link.
    public var subinterface: (parent: String, vlan: UInt16)? {
        Self.subinterface(named: name)
    }

    /// `eth0.10` → (`eth0`, 10); nil for a name with no dot or a bad VLAN id.
    public static func subinterface(named name: String) -> (parent: String, vlan: UInt16)? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex,
              let vlan = SwitchPortMode.vlanID(name[name.index(after: dot)...]) else { return nil }
        return (String(name[..<dot]), vlan)
    }
}
