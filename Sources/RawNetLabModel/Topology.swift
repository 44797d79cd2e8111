import RawNetContracts
import RawNetCore
import RawNetPlatform
import RawNetWire

/// A lab: named nodes (hosts and routers) and the point-to-point links that join
/// their interfaces. Built from a topology file by `TopologyLoader`, which refuses
/// a file with any error before anything starts.
public struct Topology: Sendable, Equatable {
    /// The lab name; it names the run directory.
    public var name: String
    /// Nodes in file order.
    public var nodes: [TopologyNode]
    /// Links in file order.
    public var links: [TopologyLink]
    /// The socket type of every link as the file gives it (`link_socket:`), nil when unset.
    public var linkSocket: LinkSocketKind?
    /// In one part of a lab split over machines (`rawnet up --part`): the nodes
    /// the other machines run, known by name and address only.
    public var remoteNodes: [RemoteNode]

    public init(name: String, nodes: [TopologyNode], links: [TopologyLink], linkSocket: LinkSocketKind? = nil,
                remoteNodes: [RemoteNode] = []) {
        self.name = name
        self.nodes = nodes
        self.links = links
        self.linkSocket = linkSocket
        self.remoteNodes = remoteNodes
        // Both interfaces of a link carry its MTU; an uncabled one keeps the default.
        // By name, first of a repeated name (one lookup per link end: a big lab stays linear).
        let indices = Dictionary(nodes.indices.map { (nodes[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
        for link in links {
            for end in [link.a, link.b] {
                guard let n = indices[end.node],
                      let i = self.nodes[n].interfaces.firstIndex(where: { $0.name == end.interface }) else { continue }
                self.nodes[n].interfaces[i].mtu = link.mtu
            }
        }
    }

    /// The socket type the lab's links use: the file's, else `LinkSocketKind.default`.
    public var linkSocketKind: LinkSocketKind { linkSocket ?? .default }

    /// The node with this name, if any.
    public func node(named name: String) -> TopologyNode? {
        nodes.first { $0.name == name }
    }

    /// The node another machine runs with this name, if any.
    public func remoteNode(named name: String) -> RemoteNode? {
        remoteNodes.first { $0.name == name }
    }

    /// How status, trace and the views name a link end another machine runs:
    /// `bob:eth0 (remote, part m2, 192.168.50.2)`; nil when no other part runs it.
    public func remoteEndName(_ endpoint: LinkEndpoint) -> String? {
        guard let remote = remoteNode(named: endpoint.node) else { return nil }
        return "\(endpoint) (\(remote.placeText))"
    }

    /// The link attached to this interface, if any, and which end of it the interface is.
    public func link(attachedTo endpoint: LinkEndpoint) -> (link: TopologyLink, isEndA: Bool)? {
        for link in links {
            if link.a == endpoint { return (link, true) }
            if link.b == endpoint { return (link, false) }
        }
        return nil
    }
}

/// A node of the same lab that another machine runs (`machines:`): what a
/// part needs to name it and reach it, never a daemon of its own.
public struct RemoteNode: Sendable, Equatable {
    public var name: String
    public var kind: NodeKind
    /// The machine (`machines:` entry, the part `rawnet up --part` names) that runs it.
    public var part: String
    /// That machine's underlay address.
    public var underlay: IPv4Address
    /// Its interfaces with their addresses (a switch's ports have none).
    public var interfaces: [TopologyInterface]

    public init(name: String, kind: NodeKind, part: String, underlay: IPv4Address, interfaces: [TopologyInterface]) {
        self.name = name
        self.kind = kind
        self.part = part
        self.underlay = underlay
        self.interfaces = interfaces
    }

    /// `remote, part m2, 192.168.50.2`.
    public var placeText: String { "remote, part \(part), \(underlay)" }
}

/// What a node does with packets that are not addressed to it.
public enum NodeKind: String, Sendable, Equatable, CaseIterable {
    /// Delivers packets for its own addresses to apps; never forwards.
    case host
    /// Forwards packets between its interfaces.
    case router
    /// A link end no RawNet daemon owns: the Linux kernel's own stack in a network
    /// namespace, joined to the lab by `rawnet attach` (a TAP device bridged to the link).
    case linux
    /// A learning bridge (`EthernetSwitch`): its interfaces are ports with no
    /// address; every host and router cabled to it shares one segment per VLAN.
    case `switch`

    /// Whether `rawnet up` starts a daemon for nodes of this kind (a linux node's
    /// end is brought up later by `rawnet attach`).
    public var hasDaemon: Bool { self != .linux }

    /// Whether nodes of this kind own IPv4 addresses (a switch's ports have none).
    public var hasAddresses: Bool { self != .switch }
}

/// One host, router or attached Linux end of a lab.
public struct TopologyNode: Sendable, Equatable {
    public var name: String
    public var kind: NodeKind
    /// Interfaces in file order (a host written with `ip:` has one, `eth0`).
    public var interfaces: [TopologyInterface]
    /// The default gateway, if any; it becomes a default route.
    public var gateway: IPv4Address?
    /// Static routes in file order.
    public var routes: [StaticRoute]
    /// A router's source validation (`rp_filter`); off unless the topology says.
    public var reversePathFilter: ReversePathFilter
    /// A router's RIP settings, nil when it runs no routing protocol.
    public var rip: RIPConfiguration? = nil
    /// A switch's spanning tree settings, nil when it runs none (`stp:`).
    public var spanningTree: SpanningTreeConfiguration? = nil
    /// Services `rawnet up` starts on this host (`services:`), in file order.
    public var services: [TopologyService]
    /// The name server the file gives this host (`resolver:`); `Topology.resolver(for:)` adds the default.
    public var resolver: IPv4Address?
    /// The most a host's TCP connections may take together, in bytes (`tcp_mem:`,
    /// as Linux's `net.ipv4.tcp_mem`); nil for the default, `TCPMemoryLimit.defaultBytes`.
    public var tcpMemory: Int? = nil

    public init(name: String, kind: NodeKind, interfaces: [TopologyInterface],
                gateway: IPv4Address? = nil, routes: [StaticRoute] = [], reversePathFilter: ReversePathFilter = .off,
                services: [TopologyService] = [], resolver: IPv4Address? = nil) {
        self.name = name
        self.kind = kind
        self.interfaces = interfaces
        self.gateway = gateway
        self.routes = routes
        self.reversePathFilter = reversePathFilter
        self.services = services
        self.resolver = resolver
    }

    /// The interface with this name, if any.
    public func interface(named name: String) -> TopologyInterface? {
        interfaces.first { $0.name == name }
    }
}

/// One interface of a node: a name such as `eth0`, its IPv4 address with prefix,
/// and a MAC address derived stably from `node.interface`.
public struct TopologyInterface: Sendable, Equatable {
    public var name: String
    public var address: IPv4InterfaceAddress
    public var macAddress: MACAddress
    /// The MTU of the link it is on (`Topology` sets it from the link).
    public var mtu: Int
    /// On a switch, the VLANs the port carries (`vlan:` or `trunk:`); nil elsewhere.
    public var switchPort: SwitchPortMode?

    public init(name: String, address: IPv4InterfaceAddress, macAddress: MACAddress, mtu: Int = IPInterface.defaultMTU,
                switchPort: SwitchPortMode? = nil) {
        self.name = name
        self.address = address
        self.macAddress = macAddress
        self.mtu = mtu
        self.switchPort = switchPort
    }

    /// The address a switch port carries in the model: none (0.0.0.0/0).
    public static let noAddress = IPv4InterfaceAddress(address: IPv4Address(0, 0, 0, 0), length: 0)

    /// The MAC address RawNet gives an interface that names none.
    public static func defaultMACAddress(node: String, interface: String) -> MACAddress {
        MACAddress.derived(from: "\(node).\(interface)")
    }
}

/// A static route: packets to `destination` go to the neighbour `nextHop`.
public struct StaticRoute: Sendable, Equatable {
    public var destination: IPv4Prefix
    public var nextHop: IPv4Address

    public init(destination: IPv4Prefix, nextHop: IPv4Address) {
        self.destination = destination
        self.nextHop = nextHop
    }
}

/// One end of a link, written `node:interface` in a topology file.
public struct LinkEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var node: String
    public var interface: String

    public init(node: String, interface: String) {
        self.node = node
        self.interface = interface
    }

    /// Parses `node:interface`; nil when the text has another shape.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        node = String(parts[0])
        interface = String(parts[1])
    }

    public var description: String { "\(node):\(interface)" }
}

/// A cable between two interfaces. Impairment settings are kept as written
/// (`["loss": "5%", "delay": "10ms"]`) and were checked by the impairment model
/// when the file was loaded; `impairmentSettings(leaving:)` gives them parsed.
public struct TopologyLink: Sendable, Equatable {
    public var a: LinkEndpoint
    public var b: LinkEndpoint
    /// Impairments on frames sent from `a` towards `b` (the egress of `a`).
    public var impairmentAToB: [String: String]
    /// Impairments on frames sent from `b` towards `a` (the egress of `b`).
    public var impairmentBToA: [String: String]
    /// The egress queue limit in frames for both ends, if the file sets one.
    public var queueLimit: Int?
    /// The largest IPv4 packet the link carries, for both ends (`mtu:`, default
    /// 1500; 1450 on a VXLAN link, whose frames grow by 50 bytes on the underlay).
    public var mtu: Int
    /// Set when the link leaves this machine over VXLAN: end `a` is local, end
    /// `b` only names the far end (a node another machine runs, or `vxlan:VNI`),
    /// and `a`'s daemon sends its frames through the tunnel.
    public var tunnel: VXLANTunnel?

    /// MTUs a topology may give a link: the IPv4 minimum to the largest datagram.
    public static let mtuRange = IPv4Fragmentation.minimumMTU...IPv4Fragmentation.maximumDatagram
    /// A VXLAN link's MTU when the topology gives none: a 1500-byte underlay less
    /// the 50 bytes of outer Ethernet, IPv4, UDP and VXLAN headers (as Linux's vxlan device).
    public static let tunnelDefaultMTU = IPInterface.defaultMTU - VXLANHeader.overhead

    public init(a: LinkEndpoint, b: LinkEndpoint,
                impairmentAToB: [String: String] = [:], impairmentBToA: [String: String] = [:],
                queueLimit: Int? = nil, mtu: Int = IPInterface.defaultMTU, tunnel: VXLANTunnel? = nil) {
        self.tunnel = tunnel
        self.a = a
        self.b = b
        self.impairmentAToB = impairmentAToB
        self.impairmentBToA = impairmentBToA
        self.queueLimit = queueLimit
        self.mtu = mtu
    }

    /// The link's name as commands show it, e.g. `alice:eth0-r1:eth0`.
    public var name: String { "\(a)-\(b)" }

    /// Impairments on the egress of the given end, as written.
    public func impairment(leaving endpoint: LinkEndpoint) -> [String: String] {
        endpoint == a ? impairmentAToB : impairmentBToA
    }

    /// Impairments on the egress of the given end, read by the impairment model.
    /// Loading checked every value, so nothing here can fail; an option the model
    /// stopped knowing since would be skipped.
    public func impairmentSettings(leaving endpoint: LinkEndpoint) -> ImpairmentSettings {
        var settings = ImpairmentSettings()
        for (name, text) in impairment(leaving: endpoint).sorted(by: { $0.key < $1.key }) {
            try? settings.set(name, to: text)
        }
        return settings
    }
}
