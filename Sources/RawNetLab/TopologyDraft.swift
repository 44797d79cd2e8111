import RawNetContracts
import RawNetCore
import RawNetLabModel
import RawNetPlatform
import RawNetWire

/// A node as read from the file, before the whole lab is checked. Fields that
/// could not be read are nil, so later checks still know the node and its
/// interface names and do not report follow-on errors.
struct DraftNode {
    var name: String
    var kind: NodeKind?
    var interfaces: [DraftInterface] = []
    var gateway: IPv4Address?
    var routes: [DraftRoute] = []
    var reversePathFilter: ReversePathFilter = .off
    /// The router's RIP settings when it runs RIP (`routing: rip` or `rip: {…}`).
    var rip: RIPConfiguration?
    /// The switch's spanning tree settings when it runs one (`stp: on` or `stp: {…}`).
    var spanningTree: SpanningTreeConfiguration?
    var services: [TopologyService] = []
    var resolver: IPv4Address?
    /// The host's TCP memory budget in bytes (`tcp_mem:`), when the file gives one.
    var tcpMemory: Int?

    func interface(named name: String) -> DraftInterface? {
        interfaces.first { $0.name == name }
    }

    /// The checked interfaces: VLAN subinterfaces after the interfaces that
    /// carry them; a subinterface has its parent's MAC.
    func finishedInterfaces() -> [TopologyInterface] {
        (interfaces.filter { TopologyInterface.subinterface(named: $0.name) == nil }
         + interfaces.filter { TopologyInterface.subinterface(named: $0.name) != nil }).compactMap { interface in
            (kind == .switch ? TopologyInterface.noAddress : interface.address).map {
                TopologyInterface(
                    name: interface.name, address: $0,
                    macAddress: TopologyInterface.defaultMACAddress(
                        node: name, interface: TopologyInterface.subinterface(named: interface.name)?.parent ?? interface.name),
                    switchPort: interface.switchPort)
            }
        }
    }
}

struct DraftInterface {
    var name: String
    /// The field path to report problems with this interface's address.
    var field: String
    var address: IPv4InterfaceAddress?
    /// A switch port's VLANs (nil on other nodes, and on a port whose setting was unreadable).
    var switchPort: SwitchPortMode?
}

struct DraftRoute {
    var index: Int
    var destination: IPv4Prefix?
    var nextHop: IPv4Address?
}

struct DraftLink {
    var number: Int
    var a: LinkEndpoint?
    var b: LinkEndpoint?
    var impairmentAToB: [String: String] = [:]
    var impairmentBToA: [String: String] = [:]
    var queueLimit: Int?
    var mtu: Int?
    /// The second endpoint was `{ vxlan: { ... } }`: `b` then names it `vxlan:VNI`.
    var tunnel: VXLANTunnel?
}

struct DraftTopology {
    var name: String?
    var linkSocket: LinkSocketKind?
    var nodes: [DraftNode] = []
    var links: [DraftLink] = []
    /// Which nodes run where (`machines:`), empty for a lab on one machine.
    var machines: [DraftMachine] = []
    /// The first UDP port of the VXLAN links `--part` makes (`vxlan_port:`, default 4789).
    var vxlanPort: UInt16?
    /// Their keepalive interval (`vxlan_keepalive:`, nil for `off`) and misses (`vxlan_misses:`).
    var vxlanKeepalive: Duration? = VXLANTunnel.defaultKeepalive
    var vxlanMisses = VXLANTunnel.defaultMisses
    /// In a part (`--part`): the nodes the other machines run.
    var remoteNodes: [RemoteNode] = []

    func node(named name: String) -> DraftNode? {
        nodes.first { $0.name == name }
    }

    /// The checked model; call only when no issue was found.
    func finished() -> Topology {
        let nodes = nodes.map { draft in
            var node = TopologyNode(
                name: draft.name, kind: draft.kind ?? .host,
                interfaces: draft.finishedInterfaces(),
                gateway: draft.gateway,
                routes: draft.routes.compactMap { route in
                    guard let destination = route.destination, let nextHop = route.nextHop else { return nil }
                    return StaticRoute(destination: destination, nextHop: nextHop)
                },
                reversePathFilter: draft.reversePathFilter,
                services: draft.services, resolver: draft.resolver)
            node.rip = draft.rip
            node.spanningTree = draft.spanningTree
            node.tcpMemory = draft.tcpMemory
            return node
        }
        let links = links.compactMap { draft -> TopologyLink? in
            guard let a = draft.a, let b = draft.b else { return nil }
            return TopologyLink(a: a, b: b, impairmentAToB: draft.impairmentAToB,
                                impairmentBToA: draft.tunnel == nil ? draft.impairmentBToA : [:],
                                queueLimit: draft.queueLimit,
                                mtu: draft.mtu ?? (draft.tunnel == nil ? IPInterface.defaultMTU : TopologyLink.tunnelDefaultMTU),
                                tunnel: draft.tunnel)
        }
        return Topology(name: name ?? "lab", nodes: nodes, links: links, linkSocket: linkSocket, remoteNodes: remoteNodes)
    }
}

/// Names that become parts of socket paths: a letter or digit, then letters,
/// digits, `-` or `_`; at most 32 characters.
enum PathSafeName {
    static let maximumLength = 32

    static func problem(with name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.utf8.count > maximumLength { return "'\(name)' is longer than \(maximumLength) characters" }
        let bytes = Array(name.utf8)
        func isAlphanumeric(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
        }
        guard isAlphanumeric(bytes[0]),
              bytes.allSatisfy({ isAlphanumeric($0) || $0 == 0x2D || $0 == 0x5F }) else {
            return "'\(name)' cannot be used in a socket path (use letters, digits, '-' and '_', starting with a letter or digit)"
        }
        return nil
    }
}
