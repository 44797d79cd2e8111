import RawNetContracts
import RawNetCore
import RawNetLabModel
import Yams

extension TopologyParser {
    /// A switch node: `ports:` as a list of names (each an access port of VLAN 1)
    /// or a mapping of names to `{ vlan: N }`, `{ trunk: [N, M] }` or nothing.
    mutating func parseSwitch(_ fields: [String: Node], _ location: TopologyLocation, into draft: inout DraftNode) {
        for field in ["ip", "interfaces", "gateway", "routes", "rp_filter"] where fields[field] != nil {
            issues.add(location, field, "a switch has ports, not addresses or routes: list them under 'ports'")
        }
        guard let ports = fields["ports"] else {
            issues.add(location, "ports", "missing field")
            return
        }
        var names: [(String, Node?)] = []
        if let sequence = ports.sequence {
            for (index, item) in sequence.enumerated() {
                guard let name = scalar(item, location, "ports[\(index)]") else { continue }
                names.append((name, nil))
            }
        } else if let mapping = ports.mapping {
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    issues.add(location, "ports", "a port name must be plain text")
                    continue
                }
                names.append((name, value))
            }
        }
        if names.isEmpty {
            issues.add(location, "ports", "expected a list of port names or a mapping such as { p1: { vlan: 10 }, p2: { trunk: [10, 20] } }")
            return
        }
        for (name, settings) in names {
            let field = "ports.\(name)"
            if draft.interfaces.contains(where: { $0.name == name }) {
                issues.add(location, field, "port defined twice")
                continue
            }
            if let problem = PathSafeName.problem(with: name) {
                issues.add(location, field, "bad port name: \(problem)")
            } else if SocketPaths.reservedSuffixes.contains(name) {
                issues.add(location, field, "'\(name)' is reserved for the node's own files; choose another port name")
            }
            draft.interfaces.append(DraftInterface(name: name, field: field, address: nil,
                                                   switchPort: portMode(settings, location, field)))
        }
    }

    private mutating func portMode(_ node: Node?, _ location: TopologyLocation, _ field: String) -> SwitchPortMode? {
        // `p1:` with no value (YAML null) is a plain access port of VLAN 1.
        guard let node, !["", "~", "null"].contains(node.scalar?.string ?? "-") else {
            return .access(SwitchPortMode.defaultVLAN)
        }
        guard let mapping = node.mapping else {
            issues.add(location, field, "expected { vlan: N } or { trunk: [N, M] }")
            return nil
        }
        let fields = fieldTable(mapping, location: location, prefix: field + ".", allowed: ["vlan", "trunk"])
        switch (fields["vlan"], fields["trunk"]) {
        case (nil, nil):
            return .access(SwitchPortMode.defaultVLAN)
        case (let vlan?, nil):
            guard let text = scalar(vlan, location, field + ".vlan") else { return nil }
            guard let id = SwitchPortMode.vlanID(text) else {
                issues.add(location, field + ".vlan", "bad VLAN id '\(text)' (expected 1 to 4094)")
                return nil
            }
            return .access(id)
        case (nil, let trunk?):
            let items: [Node] = trunk.sequence.map(Array.init) ?? [trunk]
            var ids: [UInt16] = []
            for (index, item) in items.enumerated() {
                let itemField = "\(field).trunk[\(index)]"
                guard let text = scalar(item, location, itemField) else { return nil }
                guard let id = SwitchPortMode.vlanID(text) else {
                    issues.add(location, itemField, "bad VLAN id '\(text)' (expected 1 to 4094)")
                    return nil
                }
                if ids.contains(id) {
                    issues.add(location, itemField, "VLAN \(id) is listed twice")
                    return nil
                }
                ids.append(id)
            }
            if ids.isEmpty {
                issues.add(location, field + ".trunk", "a trunk carries at least one VLAN")
                return nil
            }
            return .trunk(ids)
        case (_?, _?):
            issues.add(location, field, "give either 'vlan' (an access port) or 'trunk' (tagged VLANs), not both")
            return nil
        }
    }
}

extension TopologyParser {
    /// A switch's spanning tree: `stp: on` (the standard's timers), `stp: off`, or
    /// `stp: { priority: 4096, hello: 500ms, max_age: 2s, forward_delay: 1s }` (each optional).
    mutating func parseSpanningTree(_ node: Node?, _ location: TopologyLocation, into draft: inout DraftNode) {
        guard let node else { return }
        if let text = node.scalar?.string {
            switch text {
            case "on", "true", "yes": draft.spanningTree = .standard
            case "off", "false", "no": draft.spanningTree = nil
            default: issues.add(location, "stp", "expected on, off or a mapping such as { priority: 4096, hello: 500ms, max_age: 2s, forward_delay: 1s }")
            }
            return
        }
        guard let mapping = node.mapping else {
            issues.add(location, "stp", "expected on, off or a mapping such as { priority: 4096, hello: 500ms }")
            return
        }
        let fields = fieldTable(mapping, location: location, prefix: "stp.",
                                allowed: ["priority", "hello", "max_age", "forward_delay"])
        var settings = SpanningTreeConfiguration.standard
        if let value = fields["priority"], let text = scalar(value, location, "stp.priority") {
            if let priority = UInt16(text), SpanningTreeConfiguration.priorities.contains(priority) {
                settings.priority = priority
            } else {
                issues.add(location, "stp.priority", "bad priority '\(text)' (expected a multiple of 4096 from 0 to 61440; lower wins the root election)")
                return
            }
        }
        for (key, path) in [("hello", \SpanningTreeConfiguration.helloTime), ("max_age", \.maxAge),
                            ("forward_delay", \.forwardDelay)] {
            guard let value = fields[key], let text = scalar(value, location, "stp." + key) else { continue }
            guard let duration = try? ImpairmentText.parseDuration(text, option: key) else {
                issues.add(location, "stp." + key, "bad duration '\(text)' (expected e.g. 2s or 500ms)")
                return
            }
            settings[keyPath: path] = duration
        }
        if let problem = settings.problem {
            issues.add(location, "stp." + problem.field, problem.message)
            return
        }
        draft.spanningTree = settings
    }
}
