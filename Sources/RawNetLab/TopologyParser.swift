import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetWire
import Yams

/// Reads the YAML shape of a topology file into drafts, noting every field that
/// is missing, unknown or unreadable. Semantic checks are `TopologyValidator`'s.
struct TopologyParser {
    var issues: IssueCollector

    /// Where relative paths in service options start: the file's directory.
    let baseDirectory: String

    init(file: String, baseDirectory: String = ".") {
        issues = IssueCollector(file: file)
        self.baseDirectory = baseDirectory
    }

    /// Flow collections (`[` `{`) nested deeper than this, or lines indented
    /// further, are refused: a lab needs a handful of levels.
    static let maximumFlowDepth = 32
    static let maximumIndent = 256

    /// A quote opens a quoted scalar only after a space, a tab, `[`, `{`, `,` or `:`.
    static func scalarMayBegin(after previous: UInt8) -> Bool {
        [0x20, 0x09, 0x5B, 0x7B, 0x2C, 0x3A].contains(previous)
    }

    /// Why `yaml` nests too deep to be parsed safely, or nil. Brackets inside
    /// quotes and comments do not count.
    static func nestingProblem(in yaml: String) -> String? {
        var depth = 0
        var deepest = 0
        var line = 1
        var column = 0
        var indenting = true
        var quote: UInt8?
        var comment = false
        var previous: UInt8 = 0x20
        for byte in yaml.utf8 {
            defer { previous = byte }
            if byte == 0x0A {
                line += 1
                column = 0
                indenting = true
                comment = false
                if quote == 0x27 || quote == 0x22 { quote = nil }  // a quoted scalar ends with its line here
                continue
            }
            if indenting {
                if byte == 0x20 {
                    column += 1
                    if column > maximumIndent {
                        return "line \(line) is indented more than \(maximumIndent) columns; a topology nests only a few levels"
                    }
                    continue
                }
                indenting = false
            }
            if comment { continue }
            if let open = quote {
                if byte == open { quote = nil }
                continue
            }
            switch byte {
            // A quote opens a quoted scalar only where a scalar may begin ("it's" does not).
            case 0x22 where Self.scalarMayBegin(after: previous), 0x27 where Self.scalarMayBegin(after: previous):
                quote = byte
            case 0x23 where previous == 0x20 || previous == 0x09: comment = true
            case 0x5B, 0x7B:
                depth += 1
                deepest = max(deepest, depth)
                if deepest > maximumFlowDepth {
                    return "line \(line) nests '[' and '{' more than \(maximumFlowDepth) deep; a topology nests only a few levels"
                }
            case 0x5D, 0x7D: depth = max(0, depth - 1)
            default: break
            }
        }
        return nil
    }

    mutating func parse(yaml: String) -> DraftTopology {
        var draft = DraftTopology()
        // The YAML parser recurses once per level: a hostile file nested thousands deep
        // would overflow the stack, so such a file is refused before it is parsed.
        if let problem = Self.nestingProblem(in: yaml) {
            issues.add(.document, "", problem)
            return draft
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            issues.add(.document, "", "not valid YAML: \(Self.summary(of: error))")
            return draft
        } catch {
            issues.add(.document, "", "not valid YAML: \(error)")
            return draft
        }
        guard let root, let mapping = root.mapping else {
            issues.add(.document, "", "expected a mapping with 'name', 'nodes' and 'links'")
            return draft
        }
        let fields = fieldTable(mapping, location: .document, prefix: "",
                                allowed: ["name", "nodes", "links", "link_socket", "machines", "vxlan_port",
                                          "vxlan_keepalive", "vxlan_misses"])
        if let name = fields["name"] {
            if let text = scalar(name, .document, "name") {
                if let problem = PathSafeName.problem(with: text) {
                    issues.add(.document, "name", problem)
                } else {
                    draft.name = text
                }
            }
        } else {
            issues.add(.document, "name", "missing field")
        }
        if let kind = fields["link_socket"], let text = scalar(kind, .document, "link_socket") {
            if let value = LinkSocketKind(rawValue: text) {
                draft.linkSocket = value
            } else {
                let choices = LinkSocketKind.allCases.map(\.rawValue).joined(separator: " or ")
                issues.add(.document, "link_socket", "unknown socket type '\(text)' (expected \(choices))")
            }
        }
        if let machines = fields["machines"] {
            draft.machines = parseMachines(machines)
        }
        if let port = fields["vxlan_port"], let text = scalar(port, .document, "vxlan_port") {
            if let value = UInt16(text), value > 0 {
                draft.vxlanPort = value
            } else {
                issues.add(.document, "vxlan_port", "bad port '\(text)' (expected 1 to 65535)")
            }
        }
        if let value = fields["vxlan_keepalive"], let keepalive = keepalive(value, .document, "vxlan_keepalive") {
            draft.vxlanKeepalive = keepalive
        }
        if let value = fields["vxlan_misses"], let misses = misses(value, .document, "vxlan_misses") {
            draft.vxlanMisses = misses
        }
        if let nodes = fields["nodes"] {
            draft.nodes = parseNodes(nodes)
        } else {
            issues.add(.document, "nodes", "missing field")
        }
        if let links = fields["links"] {
            draft.links = parseLinks(links)
        } else {
            issues.add(.document, "links", "missing field")
        }
        return draft
    }

    // MARK: Nodes

    private mutating func parseNodes(_ node: Node) -> [DraftNode] {
        guard let mapping = node.mapping, !mapping.isEmpty else {
            issues.add(.document, "nodes", "expected a mapping from node names to nodes")
            return []
        }
        var result: [DraftNode] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                issues.add(.document, "nodes", "a node name must be plain text")
                continue
            }
            if result.contains(where: { $0.name == name }) {
                issues.add(.node(name), "", "defined twice")
                continue
            }
            if let problem = PathSafeName.problem(with: name) {
                issues.add(.node(name), "", "bad node name: \(problem)")
            }
            result.append(parseNode(name: name, value))
        }
        return result
    }

    private mutating func parseNode(name: String, _ node: Node) -> DraftNode {
        var draft = DraftNode(name: name)
        let location = TopologyLocation.node(name)
        guard let mapping = node.mapping else {
            issues.add(location, "", "expected a mapping such as { kind: host, ip: 10.0.1.10/24 }")
            return draft
        }
        let fields = fieldTable(mapping, location: location, prefix: "",
                                allowed: ["kind", "ip", "gateway", "interfaces", "routes", "rp_filter", "routing", "rip", "ports",
                                          "stp", "services", "resolver", "tcp_mem"])
        if let kind = fields["kind"] {
            if let text = scalar(kind, location, "kind") {
                if let value = NodeKind(rawValue: text) {
                    draft.kind = value
                } else {
                    issues.add(location, "kind", "unknown kind '\(text)'"
                               + NameSuggestion.didYouMean(text, among: NodeKind.allCases.map(\.rawValue))
                               + " (expected host, router, linux or switch)")
                }
            }
        } else {
            issues.add(location, "kind", "missing field")
        }
        if draft.kind == .switch {
            parseSwitch(fields, location, into: &draft)
            parseSpanningTree(fields["stp"], location, into: &draft)
            return draft
        }
        // Of a node whose kind is unknown, only the kind is reported: its other fields may fit the kind meant.
        if let kind = draft.kind {
            if fields["stp"] != nil { issues.add(location, "stp", "only a switch runs a spanning tree") }
            if fields["ports"] != nil {
                issues.add(location, "ports", "only a switch has ports; a \(kind.rawValue) has 'interfaces' or 'ip'")
            }
        }

        switch (fields["ip"], fields["interfaces"]) {
        case (let ip?, nil):
            if draft.kind == .router {
                issues.add(location, "ip", "a router names its interfaces: use 'interfaces: { eth0: A.B.C.D/N, ... }'")
            }
            draft.interfaces = [DraftInterface(name: "eth0", field: "ip",
                                               address: interfaceAddress(ip, location, "ip"))]
        case (nil, let interfaces?):
            draft.interfaces = parseInterfaces(interfaces, location)
        case (_?, _?):
            issues.add(location, "ip", "give either 'ip' (one interface, eth0) or 'interfaces', not both")
            if let interfaces = fields["interfaces"] { draft.interfaces = parseInterfaces(interfaces, location) }
        case (nil, nil):
            // Which of the two is missing depends on the kind: without a known kind, its own
            // error is the one to fix first.
            if let kind = draft.kind { issues.add(location, kind == .router ? "interfaces" : "ip", "missing field") }
        }

        if let gateway = fields["gateway"], let text = scalar(gateway, location, "gateway") {
            if let address = IPv4Address(text) {
                draft.gateway = address
            } else {
                issues.add(location, "gateway", "bad address '\(text)' (expected A.B.C.D)")
            }
        }
        if let routes = fields["routes"] {
            draft.routes = parseRoutes(routes, location)
        }
        if let services = fields["services"] {
            if draft.kind != .host {
                issues.add(location, "services", "only a host runs services")
            }
            draft.services = parseServices(services, location)
        }
        if let resolver = fields["resolver"], let text = scalar(resolver, location, "resolver") {
            if draft.kind != .host {
                issues.add(location, "resolver", "only a host has a resolver")
            } else if let address = IPv4Address(text) {
                draft.resolver = address
            } else {
                issues.add(location, "resolver", "bad address '\(text)' (expected A.B.C.D)")
            }
        }
        if let filter = fields["rp_filter"], let text = scalar(filter, location, "rp_filter") {
            if draft.kind != .router {
                issues.add(location, "rp_filter", "only a router filters by reverse path")
            } else if let value = ReversePathFilter(rawValue: text) {
                draft.reversePathFilter = value
            } else {
                issues.add(location, "rp_filter", "unknown value '\(text)' (expected strict, loose or off)")
            }
        }
        if let memory = fields["tcp_mem"], let text = scalar(memory, location, "tcp_mem") {
            if draft.kind != .host {
                issues.add(location, "tcp_mem", "only a RawNet host has a TCP memory budget")
            } else if let bytes = TCPMemoryLimit.bytes(text) {
                if let problem = TCPMemoryLimit.problem(with: bytes) {
                    issues.add(location, "tcp_mem", problem)
                } else {
                    draft.tcpMemory = bytes
                }
            } else {
                issues.add(location, "tcp_mem", "bad size '\(text)' (expected bytes, or a number with KB, MB or GB, e.g. 48MB)")
            }
        }
        parseRouting(fields, location, into: &draft)
        return draft
    }

    private mutating func parseInterfaces(_ node: Node, _ location: TopologyLocation) -> [DraftInterface] {
        guard let mapping = node.mapping, !mapping.isEmpty else {
            issues.add(location, "interfaces", "expected a mapping such as { eth0: 10.0.1.1/24 }")
            return []
        }
        var result: [DraftInterface] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                issues.add(location, "interfaces", "an interface name must be plain text")
                continue
            }
            let field = "interfaces.\(name)"
            if result.contains(where: { $0.name == name }) {
                issues.add(location, field, "interface defined twice")
                continue
            }
            let sub = TopologyInterface.subinterface(named: name)
            if let problem = PathSafeName.problem(with: sub?.parent ?? name) {
                issues.add(location, field, "bad interface name: \(problem)")
            } else if SocketPaths.reservedSuffixes.contains(name) {
                issues.add(location, field, "'\(name)' is reserved for the node's own files; choose another interface name")
            }
            result.append(DraftInterface(name: name, field: field,
                                         address: interfaceAddress(value, location, field)))
        }
        return result
    }

    private mutating func parseRoutes(_ node: Node, _ location: TopologyLocation) -> [DraftRoute] {
        guard let sequence = node.sequence else {
            issues.add(location, "routes", "expected a list such as [ { to: 10.0.3.0/24, via: 10.0.2.2 } ]")
            return []
        }
        var result: [DraftRoute] = []
        for (index, item) in sequence.enumerated() {
            let prefix = "routes[\(index)]"
            var route = DraftRoute(index: index)
            guard let mapping = item.mapping else {
                issues.add(location, prefix, "expected { to: A.B.C.D/N, via: A.B.C.D }")
                result.append(route)
                continue
            }
            let fields = fieldTable(mapping, location: location, prefix: prefix + ".", allowed: ["to", "via"])
            if let to = fields["to"] {
                if let text = scalar(to, location, prefix + ".to") {
                    if text == "default" {
                        route.destination = IPv4Prefix(network: .any, length: 0)
                    } else if let destination = IPv4Prefix(text) {
                        route.destination = destination
                    } else {
                        issues.add(location, prefix + ".to", "bad prefix '\(text)' (expected A.B.C.D/N or 'default')")
                    }
                }
            } else {
                issues.add(location, prefix + ".to", "missing field")
            }
            if let via = fields["via"] {
                if let text = scalar(via, location, prefix + ".via") {
                    if let nextHop = IPv4Address(text) {
                        route.nextHop = nextHop
                    } else {
                        issues.add(location, prefix + ".via", "bad address '\(text)' (expected A.B.C.D)")
                    }
                }
            } else {
                issues.add(location, prefix + ".via", "missing field")
            }
            result.append(route)
        }
        return result
    }

    // MARK: Services

    /// `[dns]` or `[{dns: {zone: FILE}}, {http: {port: 80, root: DIR}}]` (docs/decisions.md).
    private mutating func parseServices(_ node: Node, _ location: TopologyLocation) -> [TopologyService] {
        guard let sequence = node.sequence else {
            issues.add(location, "services", "expected a list such as [dns] or [{dns: {zone: lab.zone}}]")
            return []
        }
        var result: [TopologyService] = []
        for (index, item) in sequence.enumerated() {
            let field = "services[\(index)]"
            var service: TopologyService
            if let kind = item.scalar?.string {
                service = TopologyService(kind: kind)
            } else if let mapping = item.mapping, mapping.count == 1, let (key, value) = mapping.first,
                      let kind = key.scalar?.string {
                service = TopologyService(kind: kind)
                if value.scalar?.string.isEmpty == true || value.scalar?.string == "~" || value.scalar?.string == "null" {
                    // `{dns: }`: no options
                } else if let options = value.mapping {
                    for (optionKey, optionValue) in options {
                        guard let name = optionKey.scalar?.string else {
                            issues.add(location, field, "an option name must be plain text")
                            continue
                        }
                        guard let text = scalar(optionValue, location, "\(field).\(kind).\(name)") else { continue }
                        guard service.options[name] == nil else {
                            issues.add(location, "\(field).\(kind).\(name)", "given twice")
                            continue
                        }
                        service.options[name] = TopologyService.pathOptions.contains(name) ? resolvedPath(text) : text
                    }
                } else {
                    issues.add(location, field, "expected options as a mapping, such as {\(kind): {zone: lab.zone}}")
                    continue
                }
            } else {
                issues.add(location, field, "expected a service name such as dns, or {dns: {zone: FILE}}")
                continue
            }
            if let problem = service.problem() {
                issues.add(location, field, problem)
                continue
            }
            if result.contains(where: { $0.kind == service.kind }) {
                issues.add(location, field, "service '\(service.kind)' is given twice")
                continue
            }
            result.append(service)
        }
        return result
    }

    private func resolvedPath(_ path: String) -> String {
        path.hasPrefix("/") ? path : (baseDirectory.hasSuffix("/") ? baseDirectory : baseDirectory + "/") + path
    }

    // MARK: Links

    private mutating func parseLinks(_ node: Node) -> [DraftLink] {
        guard let sequence = node.sequence else {
            issues.add(.document, "links", "expected a list of links")
            return []
        }
        var result: [DraftLink] = []
        for (index, item) in sequence.enumerated() {
            let location = TopologyLocation.link(index + 1)
            var link = DraftLink(number: index + 1)
            defer { result.append(link) }
            guard let mapping = item.mapping else {
                issues.add(location, "", "expected { endpoints: [node:interface, node:interface] }")
                continue
            }
            let fields = fieldTable(mapping, location: location, prefix: "",
                                    allowed: ["endpoints", "impair", "queue", "mtu"])
            if let endpoints = fields["endpoints"] {
                if let list = endpoints.sequence, list.count == 2 {
                    for (position, endpointNode) in list.enumerated() {
                        let field = "endpoints[\(position)]"
                        if endpointNode.mapping != nil {
                            guard position == 1 else {
                                issues.add(location, field, "a remote (vxlan) end goes second: [node:interface, { vxlan: { ... } }]")
                                continue
                            }
                            if let tunnel = parseTunnel(endpointNode, location, field) {
                                link.tunnel = tunnel
                                link.b = LinkEndpoint(node: "vxlan", interface: String(tunnel.vni))
                            }
                            continue
                        }
                        guard let text = scalar(endpointNode, location, field) else { continue }
                        guard let endpoint = LinkEndpoint(text) else {
                            issues.add(location, field, "bad endpoint '\(text)' (expected node:interface)")
                            continue
                        }
                        if position == 0 { link.a = endpoint } else { link.b = endpoint }
                    }
                } else {
                    issues.add(location, "endpoints", "expected exactly two endpoints [node:interface, node:interface]")
                }
            } else {
                issues.add(location, "endpoints", "missing field")
            }
            if let impair = fields["impair"] {
                parseImpairment(impair, location, into: &link)
            }
            if let queue = fields["queue"], let text = scalar(queue, location, "queue") {
                if let limit = Int(text), limit > 0, limit <= 1_000_000 {
                    link.queueLimit = limit
                } else {
                    issues.add(location, "queue", "bad queue limit '\(text)' (expected a whole number of frames, 1 to 1000000)")
                }
            }
            if let mtu = fields["mtu"], let text = scalar(mtu, location, "mtu") {
                let range = TopologyLink.mtuRange
                if let value = Int(text), range.contains(value) {
                    link.mtu = value
                } else {
                    issues.add(location, "mtu", "bad MTU '\(text)' (expected a whole number of bytes, \(range.lowerBound) to \(range.upperBound))")
                }
            }
        }
        return result
    }

    /// `{ vxlan: { remote: A.B.C.D, vni: N, local: A.B.C.D, port: P } }`: the far
    /// end of a link on another machine (RFC 7348). `port` defaults to 4789.
    private mutating func parseTunnel(_ node: Node, _ location: TopologyLocation, _ field: String) -> VXLANTunnel? {
        guard let outer = node.mapping else { return nil }
        let wrapper = fieldTable(outer, location: location, prefix: field + ".", allowed: ["vxlan"])
        guard let body = wrapper["vxlan"] else {
            if !outer.isEmpty { return nil }
            issues.add(location, field + ".vxlan", "missing field")
            return nil
        }
        let prefix = field + ".vxlan"
        guard let mapping = body.mapping else {
            issues.add(location, prefix, "expected { remote: A.B.C.D, vni: N, local: A.B.C.D, port: 4789 }")
            return nil
        }
        let fields = fieldTable(mapping, location: location, prefix: prefix + ".",
                                allowed: ["remote", "local", "vni", "port", "keepalive", "misses"])
        func address(_ name: String) -> IPv4Address? {
            guard let value = fields[name] else {
                issues.add(location, "\(prefix).\(name)", "missing field")
                return nil
            }
            guard let text = scalar(value, location, "\(prefix).\(name)") else { return nil }
            guard let address = IPv4Address(text), address != .any, address.value >> 28 < 0xE else {
                issues.add(location, "\(prefix).\(name)", "bad address '\(text)' (expected a unicast A.B.C.D)")
                return nil
            }
            return address
        }
        let remote = address("remote")
        let local = address("local")
        var vni: UInt32?
        if let value = fields["vni"] {
            if let text = scalar(value, location, prefix + ".vni") {
                if let number = UInt32(text), VXLANTunnel.vniRange.contains(number) {
                    vni = number
                } else {
                    issues.add(location, prefix + ".vni", "bad VNI '\(text)' (expected a whole number, 0 to \(VXLANTunnel.vniRange.upperBound))")
                }
            }
        } else {
            issues.add(location, prefix + ".vni", "missing field")
        }
        var port = VXLANHeader.defaultPort
        if let value = fields["port"], let text = scalar(value, location, prefix + ".port") {
            if let number = UInt16(text), number > 0 {
                port = number
            } else {
                issues.add(location, prefix + ".port", "bad port '\(text)' (expected 1 to 65535)")
            }
        }
        if let remote, let local, remote == local {
            issues.add(location, prefix + ".remote", "the remote is this end's own address \(local)")
            return nil
        }
        guard let remote, let local, let vni else { return nil }
        var tunnel = VXLANTunnel(local: local, remote: remote, vni: vni, port: port)
        if let value = fields["keepalive"], let keepalive = keepalive(value, location, prefix + ".keepalive") {
            tunnel.keepalive = keepalive
        }
        if let value = fields["misses"], let misses = misses(value, location, prefix + ".misses") {
            tunnel.misses = misses
        }
        return tunnel
    }

    /// A tunnel's keepalive setting, `.some(nil)` for `off` and nil when refused:
    /// a duration (10ms to 1h) or `off`.
    private mutating func keepalive(_ node: Node, _ location: TopologyLocation, _ field: String) -> Duration?? {
        guard let text = scalar(node, location, field) else { return nil }
        if text == "off" { return .some(nil) }
        if let value = try? ImpairmentText.parseDuration(text, option: field), VXLANTunnel.keepaliveRange.contains(value) {
            return .some(value)
        }
        issues.add(location, field, "bad keepalive '\(text)' (expected off or a duration from 10ms to 1h, e.g. 1s)")
        return nil
    }

    /// Missed keepalive intervals before a remote counts as down: 1 to 1000.
    private mutating func misses(_ node: Node, _ location: TopologyLocation, _ field: String) -> Int? {
        guard let text = scalar(node, location, field) else { return nil }
        if let value = Int(text), VXLANTunnel.missesRange.contains(value) { return value }
        issues.add(location, field, "bad misses '\(text)' (expected a whole number, 1 to 1000)")
        return nil
    }

    private mutating func parseImpairment(_ node: Node, _ location: TopologyLocation, into link: inout DraftLink) {
        guard let mapping = node.mapping else {
            issues.add(location, "impair", "expected a mapping such as { loss: 5%, delay: 10ms }")
            return
        }
        let directional = mapping.keys.contains { ["a_to_b", "b_to_a"].contains($0.scalar?.string) }
        if directional {
            let fields = fieldTable(mapping, location: location, prefix: "impair.", allowed: ["a_to_b", "b_to_a"])
            if let forward = fields["a_to_b"] {
                link.impairmentAToB = settings(forward, location, "impair.a_to_b")
            }
            if let backward = fields["b_to_a"] {
                link.impairmentBToA = settings(backward, location, "impair.b_to_a")
            }
        } else {
            let both = settings(node, location, "impair")
            link.impairmentAToB = both
            link.impairmentBToA = both
        }
    }

    /// A flat mapping of setting names to scalar values, kept as text once the
    /// impairment model has read each one.
    private mutating func settings(_ node: Node, _ location: TopologyLocation, _ field: String) -> [String: String] {
        guard let mapping = node.mapping else {
            issues.add(location, field, "expected a mapping such as { loss: 5%, delay: 10ms }")
            return [:]
        }
        var result: [String: String] = [:]
        var combined = ImpairmentSettings()
        var allRead = true
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                issues.add(location, field, "a setting name must be plain text")
                continue
            }
            if result[name] != nil {
                issues.add(location, "\(field).\(name)", "given twice")
                continue
            }
            guard let text = scalar(value, location, "\(field).\(name)") else { continue }
            do {
                try combined.set(name, to: text)
            } catch {
                issues.add(location, "\(field).\(name)", error.description)
                allRead = false
            }
            result[name] = text
        }
        if allRead {
            do { try combined.validate() } catch { issues.add(location, field, error.description) }
        }
        return result
    }

    // MARK: Helpers

    /// The fields of a mapping by name; unknown and repeated fields are reported.
    mutating func fieldTable(_ mapping: Node.Mapping, location: TopologyLocation, prefix: String,
                                     allowed: [String]) -> [String: Node] {
        var table: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                issues.add(location, prefix.isEmpty ? "" : String(prefix.dropLast()), "a field name must be plain text")
                continue
            }
            guard allowed.contains(name) else {
                let expected = allowed.map { "'\($0)'" }.joined(separator: ", ")
                let nearest = NameSuggestion.nearest(to: name, among: allowed).map { "did you mean '\($0)'? " } ?? ""
                issues.add(location, prefix + name, "unknown field (\(nearest)expected one of \(expected))")
                continue
            }
            if table[name] != nil {
                issues.add(location, prefix + name, "given twice")
                continue
            }
            table[name] = value
        }
        return table
    }

    mutating func scalar(_ node: Node, _ location: TopologyLocation, _ field: String) -> String? {
        guard let text = node.scalar?.string else {
            issues.add(location, field, "expected a single value, not a list or mapping")
            return nil
        }
        return text
    }

    private mutating func interfaceAddress(_ node: Node, _ location: TopologyLocation,
                                           _ field: String) -> IPv4InterfaceAddress? {
        guard let text = scalar(node, location, field) else { return nil }
        guard let address = IPv4InterfaceAddress(text) else {
            issues.add(location, field, "bad address '\(text)' (expected A.B.C.D/N)")
            return nil
        }
        return address
    }

    private static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            // Where the unfinished part began (an unclosed '{' is found only at the end of the file).
            let began = context.flatMap { context -> String? in
                guard context.mark.line != mark.line || context.mark.column != mark.column else { return nil }
                return " (\(context.text) that began at line \(context.mark.line), column \(context.mark.column))"
            } ?? ""
            return "\(problem) at line \(mark.line), column \(mark.column)" + began
        default:
            return "\(error)"
        }
    }
}
