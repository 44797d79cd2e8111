import RawNetContracts
import RawNetCore
import RawNetWire

extension IPNode {
    /// The IPv4 engine for a node of a checked topology: its interfaces in file
    /// order (all up, each with its link's MTU), connected routes, static routes and default gateway;
    /// forwarding on for routers only; the node's `rp_filter`.
    public init(_ node: TopologyNode, arp: ARPCacheConfiguration = ARPCacheConfiguration(),
                defaultTimeToLive: UInt8 = 64) {
        let interfaces = node.interfaces.map {
            IPInterface(name: $0.name, macAddress: $0.macAddress, address: $0.address, mtu: $0.mtu)
        }
        self.init(interfaces: interfaces,
                  configuration: IPNodeConfiguration(isForwarding: node.kind == .router,
                                                     defaultTimeToLive: defaultTimeToLive, arp: arp,
                                                     reversePathFilter: node.reversePathFilter))
        if let gateway = node.gateway {
            setDefaultGateway(gateway)
        }
        for route in node.routes {
            // Validation guarantees every next hop is on a connected subnet.
            addStaticRoute(to: route.destination, via: route.nextHop)
        }
    }
}
