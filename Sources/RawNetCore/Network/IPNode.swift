import RawNetWire

/// Source validation by reverse path (RFC 3704), as Linux's `rp_filter`:
/// `strict` accepts a packet only when the route back to its source leaves by
/// the interface it arrived on, `loose` when any route back exists (a default
/// route counts), `off` checks nothing (the kernel's default).
public enum ReversePathFilter: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case off, loose, strict

    public var description: String { rawValue }
}

/// Settings of an `IPNode`.
public struct IPNodeConfiguration: Sendable, Equatable {
    /// Routers forward packets not addressed to them; hosts drop them ("not for us").
    public var isForwarding: Bool
    /// TTL of packets this node originates.
    public var defaultTimeToLive: UInt8
    public var arp: ARPCacheConfiguration
    /// ICMP errors this node may send to one destination in a burst (RFC 1812 4.3.2.8 asks
    /// routers to limit them); the node as a whole sends at most 1,000 a second, as Linux.
    public var icmpErrorBurst: Int
    /// One more ICMP error may be sent per this interval once the burst is spent; zero means no limit.
    public var icmpErrorInterval: Duration
    /// Which arriving packets are dropped for their source ("reverse path").
    public var reversePathFilter: ReversePathFilter
    /// Limits and timeout of fragment reassembly for this node's own addresses.
    public var reassembly: IPv4ReassemblyConfiguration

    public init(isForwarding: Bool, defaultTimeToLive: UInt8 = 64, arp: ARPCacheConfiguration = ARPCacheConfiguration(),
                icmpErrorBurst: Int = 10, icmpErrorInterval: Duration = .milliseconds(100),
                reversePathFilter: ReversePathFilter = .off,
                reassembly: IPv4ReassemblyConfiguration = IPv4ReassemblyConfiguration()) {
        self.isForwarding = isForwarding
        self.reversePathFilter = reversePathFilter
        self.defaultTimeToLive = defaultTimeToLive
        self.arp = arp
        self.icmpErrorBurst = max(1, icmpErrorBurst)
        self.icmpErrorInterval = icmpErrorInterval
        self.reassembly = reassembly
    }
}

/// A packet waiting for ARP: a whole frame whose Ethernet addresses are filled
/// in once the neighbour answers, and the interface it came in on (nil when
/// this node originated it), to know whom to tell if it cannot be delivered.
public struct PendingFrame: Sendable, Equatable {
    public var frame: [UInt8]
    public var inboundInterface: Int?
}

/// The IPv4 layer of a router or a host, without I/O: frames come in through
/// `receive`, locally originated packets through `send`, time through `poll`;
/// everything to do comes back as `NodeOutput`s.
///
/// It answers ARP and pings for its own addresses, validates every header,
/// delivers ICMP, UDP and TCP for its addresses to the upper layers, and (when
/// forwarding) routes by longest-prefix match with TTL decrement, sending ICMP
/// time exceeded and destination unreachable as RFC 792/1122/1812 describe.
public struct IPNode: Sendable {
    public let configuration: IPNodeConfiguration
    public internal(set) var interfaces: [IPInterface]
    public var routingTable: RoutingTable
    public internal(set) var arpCache: ARPCache<PendingFrame>
    /// `ip neigh flush all`: forgets every learned neighbour (entries awaiting an answer stay).
    /// Returns how many were forgotten.
    public mutating func forgetLearnedNeighbours() -> Int { arpCache.forgetLearned() }
    /// IPv4 multicast groups this node listens to on every interface (e.g. RIP's
    /// 224.0.0.9): frames to their Ethernet addresses are taken and their
    /// packets delivered like broadcasts.
    public var multicastGroups: Set<IPv4Address> = []
    /// Whether a frame counts as sent when this engine hands it out (`.transmit`).
    /// A daemon whose frames may still be lost on their way to the wire (the
    /// egress impairment, a full link queue) sets it off and counts each frame
    /// that left with `countSent`, so "out" is what left, as a NIC's tx counters.
    public var countsTransmits = true
    /// Drops of locally sent packets that never reached an interface (e.g. no route).
    public internal(set) var localDrops: [DropReason: Int] = [:]
    /// ICMP errors not sent because of the rate limit.
    public internal(set) var icmpErrorsSuppressed = 0
    /// Datagrams for this node being put back together from fragments.
    public internal(set) var reassembly: IPv4Reassembly
    /// Path MTUs learned from ICMP "fragmentation needed" per destination, and
    /// until when they hold (RFC 1191 §6.3; Linux keeps them 10 minutes).
    public internal(set) var pathMTUs: [IPv4Address: (mtu: Int, until: Instant)] = [:]
    var nextIdentification: UInt16 = 1
    /// The ICMP error rate limit: a bucket per destination and one for the node.
    var icmpErrorLimiter: ICMPErrorLimiter

    /// A node with these interfaces and a connected route for each.
    public init(interfaces: [IPInterface], configuration: IPNodeConfiguration) {
        self.configuration = configuration
        self.interfaces = interfaces
        self.routingTable = RoutingTable()
        self.arpCache = ARPCache(configuration: configuration.arp)
        self.icmpErrorLimiter = ICMPErrorLimiter(burst: configuration.icmpErrorBurst,
                                                 interval: configuration.icmpErrorInterval)
        self.reassembly = IPv4Reassembly(configuration: configuration.reassembly)
        for (index, interface) in interfaces.enumerated() {
            routingTable.add(Route(destination: interface.address.prefix, nextHop: nil, interface: index,
                                   kind: .connected, preferredSource: interface.address.address))
        }
    }

    /// Adds a static route through a neighbour; the interface is the one whose
    /// subnet holds `nextHop`. Returns false (and adds nothing) if none does.
    @discardableResult
    public mutating func addStaticRoute(to destination: IPv4Prefix, via nextHop: IPv4Address, metric: Int = 0) -> Bool {
        guard let index = interfaces.firstIndex(where: { $0.address.prefix.contains(nextHop) }) else { return false }
        routingTable.add(Route(destination: destination, nextHop: nextHop, interface: index, kind: .static, metric: metric))
        return true
    }

    /// Makes `gateway` the default route (a host's default gateway).
    @discardableResult
    public mutating func setDefaultGateway(_ gateway: IPv4Address) -> Bool {
        addStaticRoute(to: IPv4Prefix(network: .any, length: 0), via: gateway)
    }

    /// The route a packet to `destination` takes: the most specific one whose
    /// interface is up, or (none being up) the most specific one.
    public func route(to destination: IPv4Address) -> Route? {
        routingTable.lookup(destination, preferring: { interfaces[$0].isUp && interfaces[$0].hasCarrier })
    }

    /// The index of the interface with this name.
    public func interfaceIndex(named name: String) -> Int? {
        interfaces.firstIndex { $0.name == name }
    }

    /// True if `address` is one of this node's interface addresses.
    public func isOwnAddress(_ address: IPv4Address) -> Bool {
        interfaces.contains { $0.address.address == address }
    }

    /// Brings an interface up or down. Going down forgets its neighbours and drops
    /// the packets waiting for them ("link down").
    public mutating func setInterface(_ index: Int, isUp: Bool) -> [NodeOutput] {
        guard interfaces.indices.contains(index), interfaces[index].isUp != isUp else { return [] }
        interfaces[index].isUp = isUp
        guard !isUp else { return [] }
        return arpCache.flush(interface: index).map { pending in
            drop(.linkDown, interface: index, bytes: pending.frame)
        }
    }

    /// The link of interface `index` gained or lost its carrier. Losing it forgets the
    /// neighbours learned there and drops the packets waiting for them (Linux flushes
    /// its neighbour table on carrier loss); the interface and its routes stay up.
    public mutating func setCarrier(_ index: Int, hasCarrier: Bool) -> [NodeOutput] {
        guard interfaces.indices.contains(index), interfaces[index].hasCarrier != hasCarrier else { return [] }
        interfaces[index].hasCarrier = hasCarrier
        guard !hasCarrier else { return [] }
        return arpCache.flush(interface: index).map { pending in
            drop(.noCarrier, interface: index, bytes: pending.frame)
        }
    }

    /// Counts a frame that left interface `index` (when `countsTransmits` is off).
    public mutating func countSent(bytes: Int, interface index: Int) {
        guard interfaces.indices.contains(index) else { return }
        interfaces[index].counters.countSent(bytes: bytes)
    }

    /// Counts a frame that arrived on interface `index` without passing through
    /// `receive` there (a VLAN subinterface's frame, counted on its parent too).
    public mutating func countReceived(bytes: Int, interface index: Int) {
        guard interfaces.indices.contains(index) else { return }
        interfaces[index].counters.countReceived(bytes: bytes)
    }

    /// Takes back a frame `countSent` counted that a link's queue dropped later.
    public mutating func uncountSent(bytes: Int, interface index: Int) {
        guard interfaces.indices.contains(index) else { return }
        interfaces[index].counters.uncountSent(bytes: bytes)
    }

    /// Records a drop that happened outside this engine on an interface, such as
    /// egress queue overflow or injected loss, so all counters live in one place.
    /// With no interface (a packet this node sent itself) it counts in `localDrops`.
    public mutating func countDrop(_ reason: DropReason, interface: Int?) {
        guard let interface, interfaces.indices.contains(interface) else {
            localDrops[reason, default: 0] += 1
            return
        }
        interfaces[interface].counters.countDrop(reason)
    }

    /// Retries ARP requests that are due and gives up on neighbours that never
    /// answered: their packets are dropped ("no ARP answer") and, for packets this
    /// node forwarded, the sender gets an ICMP host unreachable. Gives up
    /// datagrams whose fragments did not all come in time.
    public mutating func poll(now: Instant) -> [NodeOutput] {
        var outputs = expireReassembly(now: now)
        for event in arpCache.poll(now: now) {
            switch event {
            case .sendRequest(let key):
                outputs += arpRequest(for: key.address, interface: key.interface)
            case .failed(let key, let pending):
                outputs.append(.event(.arpGaveUp(interface: key.interface, address: key.address)))
                for item in pending {
                    outputs.append(drop(.noARPAnswer, interface: key.interface, bytes: item.frame,
                                        detail: "no answer from \(key.address)"))
                    let packet = Array(item.frame.dropFirst(EthernetView.headerLength))
                    outputs += icmpError(.destinationUnreachable(.host, quoted: ICMPMessage.errorQuote(packet)),
                                         about: packet, arrivedOn: item.inboundInterface,
                                         linkBroadcast: false, now: now)
                }
            }
        }
        return outputs
    }

    /// When `poll` next has work, if ever.
    public func nextDeadline() -> Instant? {
        switch (arpCache.nextDeadline(), reassembly.nextDeadline()) {
        case (let a?, let b?): min(a, b)
        case (let a, let b): a ?? b
        }
    }

    /// The routing table as `ip route` prints it.
    public var formattedRoutes: String {
        routingTable.formatted(interfaceNames: interfaces.map(\.name))
    }

    /// The ARP cache as `ip neigh` prints it.
    public func formattedNeighbours(now: Instant) -> String {
        arpCache.formatted(now: now, interfaceNames: interfaces.map(\.name))
    }

    // MARK: Shared helpers

    /// Counts a drop and describes it.
    mutating func drop(_ reason: DropReason, interface: Int?, bytes: [UInt8], detail: String? = nil) -> NodeOutput {
        if let interface, interfaces.indices.contains(interface) {
            interfaces[interface].counters.countDrop(reason)
        } else {
            localDrops[reason, default: 0] += 1
        }
        return .dropped(DropRecord(reason: reason, interface: interface, bytes: bytes, detail: detail))
    }

    /// Counts (unless the caller does, `countsTransmits`) and emits a frame leaving an interface.
    mutating func transmit(_ frame: [UInt8], interface: Int) -> NodeOutput {
        guard interfaces[interface].hasCarrier else { return drop(.noCarrier, interface: interface, bytes: frame) }
        if countsTransmits { interfaces[interface].counters.countSent(bytes: frame.count) }
        return .transmit(interface: interface, frame: frame)
    }

    /// A broadcast ARP request for `target` out of `interface`.
    mutating func arpRequest(for target: IPv4Address, interface: Int) -> [NodeOutput] {
        let own = interfaces[interface]
        guard own.isUp else { return [] }
        let frame = Frame.arp(ethernet: EthernetHeader(destination: .broadcast, source: own.macAddress, etherType: .arp),
                              arp: .request(senderMAC: own.macAddress, senderIP: own.address.address, targetIP: target))
        return [transmit(frame, interface: interface), .event(.arpRequestSent(interface: interface, target: target))]
    }

    /// Whether one more ICMP error to `destination` is within the rate limit; counts it when not.
    mutating func takeICMPErrorToken(to destination: IPv4Address, now: Instant) -> Bool {
        guard icmpErrorLimiter.allow(to: destination, now: now) else {
            icmpErrorsSuppressed += 1
            return false
        }
        return true
    }

    mutating func takeIdentification() -> UInt16 {
        defer { nextIdentification &+= 1 }
        return nextIdentification
    }
}
