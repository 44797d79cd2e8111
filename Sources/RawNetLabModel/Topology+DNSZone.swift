import RawNetCore
import RawNetWire

extension Topology {
    /// The lab's own domain, whatever the lab is called (docs/decisions.md).
    public static let labDomain = DNSName.checked(["lab"])
    public static let labRecordTTL: UInt32 = 300

    /// The lab zone `lab.` (in a part of a split lab, with the other parts' nodes): `NODE.lab.` with an A record per interface, `IF.NODE.lab.`
    /// with its interface's, and PTR records for every address under `in-addr.arpa.`
    /// (to `NODE.lab.` for a node with one interface, else `IF.NODE.lab.`). The SOA and
    /// NS name the first host serving the lab zone (`server`, else the first dns host).
    /// Node and interface names are already valid labels (letters, digits, `-`, `_`).
    public func labZones(server: String? = nil) -> [DNSZone] {
        let domain = Self.labDomain
        let serverName = server ?? dnsServers.first { $0.service.servesLabZone }?.node.name ?? dnsServers.first?.node.name
        var forward = DNSZone(origin: domain)
        var reverse = DNSZone(origin: DNSName.checked(["in-addr", "arpa"]))
        let ttl = Self.labRecordTTL
        func name(_ labels: String...) -> DNSName { DNSName.checked(labels + ["lab"]) }
        let primary = serverName.map { name($0) } ?? name("ns")
        let soa = DNSSOA(primary: primary, mailbox: name("hostmaster"), serial: 1, refresh: 3600, retry: 900,
                         expire: 604_800, minimum: ttl)
        for zone in [domain, reverse.origin] {
            let soaRecord = DNSRecord(name: zone, ttl: ttl, data: .soa(soa))
            let nsRecord = DNSRecord(name: zone, ttl: ttl, data: .ns(primary))
            if zone == domain {
                try? forward.add(soaRecord)
                try? forward.add(nsRecord)
            } else {
                try? reverse.add(soaRecord)
                try? reverse.add(nsRecord)
            }
        }
        if serverName == nil { try? forward.add(DNSRecord(name: name("ns"), ttl: ttl, data: .a(IPv4Address(127, 0, 0, 1)))) }
        // In one part of a split lab, the other parts' nodes are named too: the file is shared.
        let named = nodes.map { ($0.name, $0.interfaces) } + remoteNodes.filter(\.kind.hasAddresses).map { ($0.name, $0.interfaces) }
        for (nodeName, interfaces) in named {
            for interface in interfaces {
                let address = interface.address.address
                try? forward.add(DNSRecord(name: name(nodeName), ttl: ttl, data: .a(address)))
                try? forward.add(DNSRecord(name: name(interface.name, nodeName), ttl: ttl, data: .a(address)))
                let target = interfaces.count == 1 ? name(nodeName) : name(interface.name, nodeName)
                try? reverse.add(DNSRecord(name: DNSName(reverseOf: address), ttl: ttl, data: .ptr(target)))
            }
        }
        return [forward, reverse]
    }
}

extension Topology {
    /// The node a name of the lab zone stands for: `bob.lab` (or `bob.lab.`) and
    /// `eth0.bob.lab` are bob's, as `labZones` names them; nil for any other name.
    public func nodeNamed(inLabZone text: String) -> TopologyNode? {
        var labels = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if labels.last == "" { labels.removeLast() }
        guard labels.count == 2 || labels.count == 3, labels.last?.lowercased() == "lab" else { return nil }
        guard let node = nodes.first(where: { $0.name.lowercased() == labels[labels.count - 2].lowercased() }) else { return nil }
        if labels.count == 3, !node.interfaces.contains(where: { $0.name.lowercased() == labels[0].lowercased() }) { return nil }
        return node
    }
}

extension DNSName {
    /// A name from labels known to be valid (node and interface names are at most 32
    /// letters, digits, `-` and `_`); the root if they were not.
    static func checked(_ labels: [String]) -> DNSName {
        (try? DNSName(labels: labels.map { Array($0.utf8) })) ?? .root
    }
}
