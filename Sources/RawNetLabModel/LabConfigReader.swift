import RawNetContracts
import RawNetCore
import RawNetPlatform
import RawNetWire

/// Reads `lab.conf` (see `LabConfig`) line by line into a `Topology`. The first
/// problem ends the reading with its line number; nothing in the text can trap.
struct LabConfigReader {
    let file: String
    private var lineNumber = 0
    private var name: String?
    private var linkSocket: LinkSocketKind?
    private var nodes: [TopologyNode] = []
    /// Where each node is in `nodes`: a lab of a thousand nodes is read by a
    /// thousand daemons, so no record may cost a search through all of them.
    private var nodeIndices: [String: Int] = [:]
    private var links: [TopologyLink] = []
    private var remoteNodes: [RemoteNode] = []
    /// Interfaces already on a link.
    private var cabled: Set<LinkEndpoint> = []

    init(file: String) { self.file = file }

    /// The topology `text` describes. With `node`, only what a daemon of that node
    /// needs: the lab, its own records, the links it is on, the node and interface
    /// records of the nodes at their other ends, and every remote record. A daemon
    /// of a thousand-node lab so reads a few lines, not the whole lab.
    mutating func read(_ text: String, onlyFor node: String? = nil) throws(LabConfigError) -> Topology {
        // Lines end at LF (a CR before it is dropped): `LabConfig` writes nothing else,
        // and cutting bytes keeps a big file cheap to scan.
        var text = text
        let lines = text.withUTF8 { bytes in
            let all = LabConfigLines.lines(bytes)
            return node.map { LabConfigLines.slice(bytes, all, for: Array($0.utf8)) } ?? all
        }
        let utf8 = text.utf8
        var sawHeader = false
        for (number, range) in lines {
            lineNumber = number
            let content = Substring(utf8[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
                                         ..< utf8.index(utf8.startIndex, offsetBy: range.upperBound)])
            if content.allSatisfy({ $0 == " " || $0 == "\t" }) || content.hasPrefix("#") { continue }
            if !sawHeader {
                guard content == LabConfig.header else {
                    throw fail("expected '\(LabConfig.header)' as the first line, found '\(content.prefix(60))' (start the lab again with `rawnet up`)")
                }
                sawHeader = true
                continue
            }
            var record = try LabConfigRecord(content, line: lineNumber, file: file)
            try take(&record)
            try record.finish()
        }
        guard sawHeader else { throw LabConfigError(file: file, line: nil, message: "the file is empty") }
        guard let name else { throw LabConfigError(file: file, line: nil, message: "no 'lab' record names the lab") }
        return Topology(name: name, nodes: nodes, links: links, linkSocket: linkSocket, remoteNodes: remoteNodes)
    }

    private mutating func take(_ record: inout LabConfigRecord) throws(LabConfigError) {
        if record.keyword != "lab", name == nil {
            throw fail("'\(record.keyword)' before the 'lab' record")
        }
        switch record.keyword {
        case "lab":
            guard name == nil else { throw fail("a second 'lab' record") }
            name = try record.name("name")
            if let text = try record.optional("link_socket") {
                guard let kind = LinkSocketKind(rawValue: text) else {
                    throw fail("unknown link_socket '\(text)' (expected seqpacket or datagram)")
                }
                linkSocket = kind
            }
        case "node": try readNode(&record)
        case "interface": try readInterface(&record)
        case "route": try readRoute(&record)
        case "link": try readLink(&record)
        case "impair": try readImpairment(&record)
        case "rip": try readRIP(&record)
        case "stp": try readSpanningTree(&record)
        case "service": try readService(&record)
        case "remote": try readRemote(&record)
        default:
            throw fail("unknown record '\(record.keyword)' (expected lab, node, interface, route, rip, stp, link, impair, service or remote)")
        }
    }

    private mutating func readNode(_ record: inout LabConfigRecord) throws(LabConfigError) {
        let nodeName = try record.name("name")
        guard nodeIndices[nodeName] == nil else { throw fail("node '\(nodeName)' appears twice") }
        let kind = try nodeKind(&record)
        var gateway: IPv4Address?
        if let text = try record.optional("gateway") { gateway = try address(text, "gateway") }
        var filter = ReversePathFilter.off
        if let text = try record.optional("rp_filter") {
            guard let value = ReversePathFilter(rawValue: text) else {
                throw fail("unknown rp_filter '\(text)' (expected strict, loose or off)")
            }
            filter = value
        }
        var resolver: IPv4Address?
        if let text = try record.optional("resolver") { resolver = try address(text, "resolver") }
        var tcpMemory: Int?
        if let text = try record.optional("tcp_mem") {
            guard let bytes = Int(text), TCPMemoryLimit.problem(with: bytes) == nil else {
                throw fail("bad tcp_mem '\(text)' (expected bytes from \(TCPMemoryLimit.minimumBytes) to \(TCPMemoryLimit.maximumBytes))")
            }
            tcpMemory = bytes
        }
        nodeIndices[nodeName] = nodes.count
        var node = TopologyNode(name: nodeName, kind: kind, interfaces: [], gateway: gateway, reversePathFilter: filter,
                                resolver: resolver)
        node.tcpMemory = tcpMemory
        nodes.append(node)
    }

    /// The `kind=` of a node or remote record.
    private func nodeKind(_ record: inout LabConfigRecord) throws(LabConfigError) -> NodeKind {
        let text = try record.required("kind")
        guard let kind = NodeKind(rawValue: text) else {
            throw fail("unknown kind '\(text)' (expected host, router, linux or switch)")
        }
        return kind
    }

    /// `remote node=N kind=K part=P underlay=A [interface=I address=A/N mac=M]`: one
    /// interface of a node another machine runs (the first record of a node names its place).
    private mutating func readRemote(_ record: inout LabConfigRecord) throws(LabConfigError) {
        let nodeName = try record.name("node")
        guard nodeIndices[nodeName] == nil else { throw fail("'\(nodeName)' is a node of this part, not a remote one") }
        let kind = try nodeKind(&record)
        let part = try record.name("part")
        let underlay = try address(try record.required("underlay"), "underlay")
        var index = remoteNodes.firstIndex { $0.name == nodeName }
        if let index {
            let known = remoteNodes[index]
            guard known.kind == kind, known.part == part, known.underlay == underlay else {
                throw fail("remote node '\(nodeName)' is given two places")
            }
        } else {
            remoteNodes.append(RemoteNode(name: nodeName, kind: kind, part: part, underlay: underlay, interfaces: []))
            index = remoteNodes.count - 1
        }
        guard let index, let interfaceName = try record.optional("interface") else { return }
        guard !remoteNodes[index].interfaces.contains(where: { $0.name == interfaceName }) else {
            throw fail("interface '\(nodeName):\(interfaceName)' appears twice")
        }
        var interfaceAddress = TopologyInterface.noAddress
        if let text = try record.optional("address") {
            guard let parsed = IPv4InterfaceAddress(text) else { throw fail("bad address '\(text)' in 'address' (expected A.B.C.D/N)") }
            interfaceAddress = parsed
        }
        let macText = try record.required("mac")
        guard let mac = MACAddress(macText) else { throw fail("bad MAC address '\(macText)' in 'mac'") }
        remoteNodes[index].interfaces.append(TopologyInterface(name: interfaceName, address: interfaceAddress, macAddress: mac))
    }

    /// `service node=N kind=K` and the service's options as the remaining keys.
    private mutating func readService(_ record: inout LabConfigRecord) throws(LabConfigError) {
        let index = try nodeIndex(try record.required("node"))
        var service = TopologyService(kind: try record.required("kind"))
        for (key, value) in record.takeAll() { service.options[key] = value }
        if let problem = service.problem() { throw fail("service on '\(nodes[index].name)': \(problem)") }
        guard !nodes[index].services.contains(where: { $0.kind == service.kind }) else {
            throw fail("service '\(service.kind)' appears twice on '\(nodes[index].name)'")
        }
        nodes[index].services.append(service)
    }

    private mutating func readInterface(_ record: inout LabConfigRecord) throws(LabConfigError) {
        let index = try nodeIndex(try record.required("node"))
        let interfaceName = try record.name("name", allowingSubinterface: true)
        guard nodes[index].interface(named: interfaceName) == nil else {
            throw fail("interface '\(nodes[index].name):\(interfaceName)' appears twice")
        }
        let isSwitch = nodes[index].kind == .switch
        var interfaceAddress = TopologyInterface.noAddress
        if !isSwitch {
            let addressText = try record.required("address")
            guard let parsed = IPv4InterfaceAddress(addressText) else {
                throw fail("bad address '\(addressText)' in 'address' (expected A.B.C.D/N)")
            }
            interfaceAddress = parsed
        }
        let macText = try record.required("mac")
        guard let mac = MACAddress(macText) else { throw fail("bad MAC address '\(macText)' in 'mac'") }
        var port: SwitchPortMode?
        if isSwitch {
            port = try switchPort(vlan: try record.optional("vlan"), trunk: try record.optional("trunk"))
        }
        nodes[index].interfaces.append(TopologyInterface(name: interfaceName, address: interfaceAddress, macAddress: mac,
                                                         switchPort: port))
    }

    /// A switch port's `vlan=` or `trunk=` (access vlan 1 without either).
    private func switchPort(vlan: String?, trunk: String?) throws(LabConfigError) -> SwitchPortMode {
        switch (vlan, trunk) {
        case (nil, nil): return .access(SwitchPortMode.defaultVLAN)
        case (let text?, nil):
            guard let id = SwitchPortMode.vlanID(text) else { throw fail("bad VLAN id '\(text)' in 'vlan' (expected 1-4094)") }
            return .access(id)
        case (nil, let text?):
            guard let ids = SwitchPortMode.vlanList(text) else {
                throw fail("bad VLAN list '\(text)' in 'trunk' (expected ids 1-4094 separated by commas)")
            }
            return .trunk(ids)
        case (_?, _?): throw fail("a port has either 'vlan' or 'trunk', not both")
        }
    }

    private mutating func readRoute(_ record: inout LabConfigRecord) throws(LabConfigError) {
        let index = try nodeIndex(try record.required("node"))
        let destinationText = try record.required("to")
        guard let destination = IPv4Prefix(destinationText) else {
            throw fail("bad prefix '\(destinationText)' in 'to' (expected A.B.C.D/N)")
        }
        let nextHop = try address(try record.required("via"), "via")
        nodes[index].routes.append(StaticRoute(destination: destination, nextHop: nextHop))
    }

    private mutating func readRIP(_ record: inout LabConfigRecord) throws(LabConfigError) {
        let index = try nodeIndex(try record.required("node"))
        guard nodes[index].kind == .router, nodes[index].rip == nil else {
            throw fail("'rip' for \(nodes[index].name), which is not a router or has RIP already")
        }
        func timer(_ key: String) throws(LabConfigError) -> Duration {
            let text = try record.required(key)
            do {
                let value = try ImpairmentText.parseDuration(text, option: key)
                guard value > .zero else { throw fail("'\(key)' must be above zero") }
                return value
            } catch let error as LabConfigError {
                throw error
            } catch {
                throw fail("bad duration '\(text)' in '\(key)'")
            }
        }
        nodes[index].rip = RIPConfiguration(update: try timer("update"), timeout: try timer("timeout"),
                                            garbage: try timer("garbage"), damping: try timer("damping"))
    }

    private mutating func readSpanningTree(_ record: inout LabConfigRecord) throws(LabConfigError) {
        let index = try nodeIndex(try record.required("node"))
        guard nodes[index].kind == .switch, nodes[index].spanningTree == nil else {
            throw fail("'stp' for \(nodes[index].name), which is not a switch or has a spanning tree already")
        }
        let priorityText = try record.required("priority")
        guard let priority = UInt16(priorityText) else { throw fail("bad priority '\(priorityText)'") }
        var settings = SpanningTreeConfiguration(priority: priority)
        for (key, path) in [("hello", \SpanningTreeConfiguration.helloTime), ("max_age", \.maxAge),
                            ("forward_delay", \.forwardDelay)] {
            let text = try record.required(key)
            guard let value = try? ImpairmentText.parseDuration(text, option: key) else {
                throw fail("bad duration '\(text)' in '\(key)'")
            }
            settings[keyPath: path] = value
        }
        if let problem = settings.problem { throw fail("stp \(problem.field) \(problem.message)") }
        nodes[index].spanningTree = settings
    }

    private mutating func readLink(_ record: inout LabConfigRecord) throws(LabConfigError) {
        let a = try endpoint(try record.required("a"), "a")
        let tunnel = try readTunnel(&record)
        // A tunnel's far end runs on another machine: only its name is known here.
        let b = tunnel == nil ? try endpoint(try record.required("b"), "b") : try farEnd(try record.required("b"))
        guard a != b else { throw fail("a link cannot join \(a) to itself") }
        for end in [a, b] where cabled.contains(end) { throw fail("interface \(end) is on two links") }
        var queueLimit: Int?
        if let text = try record.optional("queue") {
            guard let limit = Int(text), (1...1_000_000).contains(limit) else {
                throw fail("bad queue limit '\(text)' (expected a whole number of frames, 1 to 1000000)")
            }
            queueLimit = limit
        }
        var mtu = IPInterface.defaultMTU
        if let text = try record.optional("mtu") {
            guard let value = Int(text), TopologyLink.mtuRange.contains(value) else {
                throw fail("bad mtu '\(text)' (expected a whole number of bytes, \(TopologyLink.mtuRange.lowerBound) to \(TopologyLink.mtuRange.upperBound))")
            }
            mtu = value
        }
        cabled.formUnion([a, b])
        links.append(TopologyLink(a: a, b: b, queueLimit: queueLimit, mtu: mtu, tunnel: tunnel))
    }

    /// The `vxlan_*` keys of a link record: all four or none.
    private mutating func readTunnel(_ record: inout LabConfigRecord) throws(LabConfigError) -> VXLANTunnel? {
        let keys = ["vxlan_local", "vxlan_remote", "vxlan_vni", "vxlan_port"]
        var values: [String] = []
        for key in keys { if let value = try record.optional(key) { values.append(value) } }
        if values.isEmpty { return nil }
        guard values.count == keys.count else { throw fail("a VXLAN link needs all of \(keys.joined(separator: ", "))") }
        let local = try address(values[0], "vxlan_local")
        let remote = try address(values[1], "vxlan_remote")
        guard let vni = UInt32(values[2]), VXLANTunnel.vniRange.contains(vni) else {
            throw fail("bad vxlan_vni '\(values[2])' (expected 0 to \(VXLANTunnel.vniRange.upperBound))")
        }
        guard let port = UInt16(values[3]), port > 0 else {
            throw fail("bad vxlan_port '\(values[3])' (expected 1 to 65535)")
        }
        var tunnel = VXLANTunnel(local: local, remote: remote, vni: vni, port: port)
        if let text = try record.optional("vxlan_keepalive") {
            if text == "off" {
                tunnel.keepalive = nil
            } else {
                guard let value = try? ImpairmentText.parseDuration(text, option: "vxlan_keepalive"),
                      VXLANTunnel.keepaliveRange.contains(value) else {
                    throw fail("bad vxlan_keepalive '\(text)' (expected off or a duration from 10ms to 1h)")
                }
                tunnel.keepalive = value
            }
        }
        if let text = try record.optional("vxlan_misses") {
            guard let value = Int(text), VXLANTunnel.missesRange.contains(value) else {
                throw fail("bad vxlan_misses '\(text)' (expected 1 to 1000)")
            }
            tunnel.misses = value
        }
        return tunnel
    }

    private func farEnd(_ text: String) throws(LabConfigError) -> LinkEndpoint {
        guard let end = LinkEndpoint(text) else { throw fail("bad endpoint '\(text)' in 'b' (expected node:interface)") }
        return end
    }

    private mutating func readImpairment(_ record: inout LabConfigRecord) throws(LabConfigError) {
        let end = try endpoint(try record.required("from"), "from")
        guard let index = links.firstIndex(where: { $0.a == end || $0.b == end }) else {
            throw fail("'from' names \(end), which no earlier link joins")
        }
        let option = try record.required("option")
        let value = try record.required("value")
        var check = ImpairmentSettings()
        do { try check.set(option, to: value) } catch { throw fail("impairment on \(end): \(error)") }
        let isEndA = links[index].a == end
        let existing = isEndA ? links[index].impairmentAToB : links[index].impairmentBToA
        guard existing[option] == nil else { throw fail("impairment option '\(option)' set twice on \(end)") }
        if isEndA { links[index].impairmentAToB[option] = value } else { links[index].impairmentBToA[option] = value }
    }

    private func nodeIndex(_ nodeName: String) throws(LabConfigError) -> Int {
        guard let index = nodeIndices[nodeName] else {
            throw fail("unknown node '\(nodeName)' (declare it with a 'node' record first)")
        }
        return index
    }

    private func endpoint(_ text: String, _ key: String) throws(LabConfigError) -> LinkEndpoint {
        guard let end = LinkEndpoint(text) else { throw fail("bad endpoint '\(text)' in '\(key)' (expected node:interface)") }
        let index = try nodeIndex(end.node)
        guard nodes[index].interface(named: end.interface) != nil else {
            throw fail("unknown interface '\(end.interface)' on node '\(end.node)' in '\(key)'")
        }
        return end
    }

    private func address(_ text: String, _ key: String) throws(LabConfigError) -> IPv4Address {
        guard let value = IPv4Address(text) else { throw fail("bad address '\(text)' in '\(key)' (expected A.B.C.D)") }
        return value
    }

    private func fail(_ message: String) -> LabConfigError {
        LabConfigError(file: file, line: lineNumber, message: message)
    }
}

/// One line of `lab.conf`: a keyword and its `key=value` fields, each taken once.
struct LabConfigRecord {
    let keyword: String
    private var fields: [(key: String, value: String)]
    private let line: Int
    private let file: String

    init(_ text: Substring, line: Int, file: String) throws(LabConfigError) {
        self.line = line
        self.file = file
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        keyword = words.first.map(String.init) ?? ""
        fields = []
        for word in words.dropFirst() {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                throw LabConfigError(file: file, line: line, message: "expected key=value, found '\(word.prefix(60))'")
            }
            let key = String(word[..<equals])
            guard !fields.contains(where: { $0.key == key }) else {
                throw LabConfigError(file: file, line: line, message: "'\(key)' given twice")
            }
            guard let value = Self.unescaped(word[word.index(after: equals)...]) else {
                throw LabConfigError(file: file, line: line, message: "bad escape in the value of '\(key)' (known: \\\\ \\s \\t \\r \\n)")
            }
            fields.append((key, value))
        }
    }

    /// Removes and returns the value of `key`, nil when absent.
    mutating func optional(_ key: String) throws(LabConfigError) -> String? {
        guard let index = fields.firstIndex(where: { $0.key == key }) else { return nil }
        return fields.remove(at: index).value
    }

    /// Removes and returns every field left.
    mutating func takeAll() -> [(key: String, value: String)] {
        defer { fields = [] }
        return fields
    }

    /// Removes and returns the value of `key`; absent is an error.
    mutating func required(_ key: String) throws(LabConfigError) -> String {
        guard let value = try optional(key) else {
            throw LabConfigError(file: file, line: line, message: "'\(keyword)' needs '\(key)=…'")
        }
        return value
    }

    /// A required name usable in a socket path: letters, digits, `-`, `_`, up to 64 characters.
    /// With `allowingSubinterface`, `PARENT.VLAN` (a VLAN subinterface) is taken when PARENT is such a name.
    mutating func name(_ key: String, allowingSubinterface: Bool = false) throws(LabConfigError) -> String {
        let value = try required(key)
        let checked = allowingSubinterface ? TopologyInterface.subinterface(named: value)?.parent ?? value : value
        let isSafe = !checked.isEmpty && value.utf8.count <= 64 && checked.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F
        }
        guard isSafe else {
            throw LabConfigError(file: file, line: line, message: "bad name '\(value.prefix(60))' in '\(key)' (letters, digits, '-' and '_')")
        }
        return value
    }

    /// Fails when a field was not taken.
    func finish() throws(LabConfigError) {
        guard let extra = fields.first else { return }
        throw LabConfigError(file: file, line: line, message: "unknown field '\(extra.key)' in '\(keyword)'")
    }

    static func unescaped(_ text: Substring) -> String? {
        var out = ""
        var escaping = false
        for character in text {
            if escaping {
                switch character {
                case "\\": out.append("\\")
                case "s": out.append(" ")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "n": out.append("\n")
                default: return nil
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return escaping ? nil : out
    }
}
