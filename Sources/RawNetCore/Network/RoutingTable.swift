import RawNetWire

/// One entry of a routing table.
public struct Route: Hashable, Sendable {
    /// Where a route came from.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The subnet of an interface address; added when the interface is configured.
        case connected
        /// Written in the topology file or added by hand.
        case `static`
        /// Learned from a routing protocol.
        case learned
        /// Learned from RIP (`RIPRouter`).
        case rip

        /// How much this source is trusted, lower first, as routers' administrative
        /// distance: connected 0, static 1, RIP 120.
        public var administrativeDistance: Int {
            switch self {
            case .connected: 0
            case .static: 1
            case .rip: 120
            case .learned: 150
            }
        }
    }

    /// The destinations this route covers.
    public var destination: IPv4Prefix
    /// The neighbour to send to, or nil when the destination is on the link itself.
    public var nextHop: IPv4Address?
    /// Index of the outgoing interface in the node's interface list.
    public var interface: Int
    public var kind: Kind
    /// Lower is preferred among routes of the same prefix length.
    public var metric: Int
    /// The address to use as source for packets this node originates on this route.
    public var preferredSource: IPv4Address?

    public init(destination: IPv4Prefix, nextHop: IPv4Address?, interface: Int, kind: Kind,
                metric: Int = 0, preferredSource: IPv4Address? = nil) {
        self.destination = destination
        self.nextHop = nextHop
        self.interface = interface
        self.kind = kind
        self.metric = metric
        self.preferredSource = preferredSource
    }

    /// The address to resolve with ARP for a packet to `destination`:
    /// the next hop, or the destination itself on a connected route.
    public func neighbour(for destination: IPv4Address) -> IPv4Address {
        nextHop ?? destination
    }
}

/// A routing table with longest-prefix match. Among routes of equal prefix
/// length the lowest administrative distance wins (connected, then static, then
/// learned), then the lowest metric, then the earliest added.
public struct RoutingTable: Sendable, Equatable {
    /// Routes ordered as lookups consider them: longest prefix first, then lowest metric.
    public private(set) var routes: [Route] = []

    public init(routes: [Route] = []) {
        for route in routes { add(route) }
    }

    /// Adds a route, replacing one with the same destination, kind and metric.
    public mutating func add(_ route: Route) {
        routes.removeAll {
            $0.destination == route.destination && $0.kind == route.kind && $0.metric == route.metric
        }
        insert(route)
    }

    /// Puts `route` in as the only route of its kind to its destination (a
    /// routing protocol's best path, whatever its metric was before).
    public mutating func replace(_ route: Route) {
        routes.removeAll { $0.destination == route.destination && $0.kind == route.kind }
        insert(route)
    }

    private mutating func insert(_ route: Route) {
        let distance = route.kind.administrativeDistance
        let position = routes.firstIndex {
            guard $0.destination.length == route.destination.length else {
                return $0.destination.length < route.destination.length
            }
            let other = $0.kind.administrativeDistance
            return other > distance || (other == distance && $0.metric > route.metric)
        } ?? routes.endIndex
        routes.insert(route, at: position)
    }

    /// Removes the routes for this destination (of one kind, if given); returns how many went.
    @discardableResult
    public mutating func remove(destination: IPv4Prefix, kind: Route.Kind? = nil) -> Int {
        let before = routes.count
        routes.removeAll { $0.destination == destination && (kind == nil || $0.kind == kind) }
        return before - routes.count
    }

    /// Removes every route out of one interface (of one kind, if given).
    public mutating func removeRoutes(interface: Int, kind: Route.Kind? = nil) {
        routes.removeAll { $0.interface == interface && (kind == nil || $0.kind == kind) }
    }

    /// The most specific route to `address`, if any.
    public func lookup(_ address: IPv4Address) -> Route? {
        routes.first { $0.destination.contains(address) }
    }

    /// The most specific route to `address` whose interface `isUsable` accepts,
    /// else the most specific route at all: a route out of a down interface
    /// yields to another path, but still answers when there is none.
    public func lookup(_ address: IPv4Address, preferring isUsable: (Int) -> Bool) -> Route? {
        guard let best = lookup(address) else { return nil }
        if isUsable(best.interface) { return best }
        return routes.first { $0.destination.contains(address) && isUsable($0.interface) } ?? best
    }

    /// The table as `ip route` prints it, e.g.
    /// `default via 10.0.1.1 dev eth0 proto static` and
    /// `10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10`;
    /// `details` adds words to a route's line (a RIP route's age).
    public func formatted(interfaceNames: [String], details: (Route) -> [String] = { _ in [] }) -> String {
        routes.map { route in
            let name = interfaceNames.indices.contains(route.interface)
                ? interfaceNames[route.interface] : "if\(route.interface)"
            var words = [route.destination.length == 0 ? "default" : route.destination.description]
            if let nextHop = route.nextHop { words += ["via", nextHop.description] }
            words += ["dev", name]
            switch route.kind {
            case .connected: words += ["proto", "kernel", "scope", "link"]
            case .static: words += ["proto", "static"]
            case .learned: words += ["proto", "rawnet"]
            case .rip: words += ["proto", "rip"]
            }
            if let source = route.preferredSource { words += ["src", source.description] }
            if route.metric != 0 { words += ["metric", String(route.metric)] }
            words += details(route)
            return words.joined(separator: " ")
        }.joined(separator: "\n")
    }
}
