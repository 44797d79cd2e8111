import RawNetWire

/// Timers of a RIP router (RFC 2453 §3.8): a full update every `update`, a
/// learned route dies `timeout` after it was last heard and is forgotten
/// `garbage` later; triggered updates are at least `damping` apart (§3.10.1).
public struct RIPConfiguration: Sendable, Equatable {
    public var update: Duration
    public var timeout: Duration
    public var garbage: Duration
    public var damping: Duration
    /// Most routes the table holds; announcements of more new destinations are ignored (and noted).
    public var maximumRoutes: Int

    /// The RFC's 30 s, 180 s and 120 s unless given; damping a tenth of the update interval
    /// (3 s by default, inside the RFC's 1–5 s).
    public init(update: Duration = .seconds(30), timeout: Duration = .seconds(180), garbage: Duration = .seconds(120),
                damping: Duration? = nil, maximumRoutes: Int = 10_000) {
        self.update = update
        self.timeout = timeout
        self.garbage = garbage
        self.damping = damping ?? update / 10
        self.maximumRoutes = maximumRoutes
    }

    public static let standard = RIPConfiguration()
}

/// One destination in a RIP router's table.
public struct RIPRoute: Sendable, Equatable {
    public var destination: IPv4Prefix
    /// The router packets go to; nil for a network on one of this router's interfaces.
    public var nextHop: IPv4Address?
    /// The router whose update gave this route; nil when connected.
    public var learnedFrom: IPv4Address?
    public var interface: Int
    /// 1…15, or 16 while the route is being deleted.
    public var metric: Int
    /// When the route was last set or confirmed by an update.
    public var refreshedAt: Instant
    /// When the route times out unless heard again (nil for connected routes and while deleting).
    public var timeoutAt: Instant?
    /// When a deleted route is forgotten.
    public var garbageAt: Instant?
    /// Changed since the last update sent: the next triggered update carries it.
    public var isChanged: Bool

    public var isConnected: Bool { learnedFrom == nil }
    public var isReachable: Bool { metric < RIPMessage.infinity }
}

/// What a `RIPRouter` asks its shell to do.
public enum RIPOutput: Sendable, Equatable {
    /// Send `message` out of `interface` in a UDP datagram from port 520 to
    /// `destination` (the RIP group, or a unicast requester) and `port`.
    case send(interface: Int, destination: IPv4Address, port: UInt16, message: RIPMessage)
    /// Put this learned route in the forwarding table, replacing any RIP route to its destination.
    case install(RIPRoute)
    /// Take the RIP route to this destination out of the forwarding table.
    case withdraw(IPv4Prefix)
    /// A message ignored as a whole: a counted drop.
    case rejected(interface: Int, detail: String)
    /// Something a trace should show: a route learned, changed, lost, an entry ignored.
    case note(String)
}

/// The RIP version 2 protocol of one router (RFC 2453) without I/O, on the
/// virtual clock: messages come in through `receive`, time through `poll`,
/// interface changes through `setInterface`; what to send and which routes
/// to install come back as `RIPOutput`s.
///
/// Distance vector with infinity 16; split horizon with poisoned reverse
/// (a route is announced back out of the interface it was learned on with
/// metric 16); triggered updates carrying only changed routes, damped; a
/// learned route that is not refreshed times out, is announced as
/// unreachable for the garbage-collection time, then forgotten. An
/// interface going down poisons every route through it at once.
public struct RIPRouter: Sendable {
    public let configuration: RIPConfiguration
    /// Interface addresses, indexed as the node's interfaces.
    public let addresses: [IPv4InterfaceAddress]
    public private(set) var isUp: [Bool]
    /// The table, by destination.
    public private(set) var routes: [IPv4Prefix: RIPRoute] = [:]
    public private(set) var nextUpdate: Instant
    /// When the pending triggered update goes out, if one is pending.
    public private(set) var triggerAt: Instant?
    private var lastTriggered: Instant?

    /// A router on these interfaces; a connected route (metric 1) for each one up.
    public init(addresses: [IPv4InterfaceAddress], isUp: [Bool]? = nil, configuration: RIPConfiguration = .standard,
                now: Instant) {
        self.configuration = configuration
        self.addresses = addresses
        self.isUp = isUp ?? Array(repeating: true, count: addresses.count)
        self.nextUpdate = now + configuration.update
        for index in addresses.indices where self.isUp[index] {
            addConnected(index, now: now)
        }
    }

    /// What to send as the router starts: a request for the whole table and this
    /// router's own table on every interface up, so neighbours learn of it at once.
    public mutating func start(now: Instant) -> [RIPOutput] {
        var outputs: [RIPOutput] = []
        for index in addresses.indices where isUp[index] {
            outputs.append(.send(interface: index, destination: RIPMessage.multicastGroup, port: RIPMessage.port,
                                 message: .wholeTableRequest))
            outputs += update(on: index, changedOnly: false)
        }
        clearChanged()
        return outputs
    }

    /// The earliest time `poll` has work.
    public func nextDeadline() -> Instant {
        var next = nextUpdate
        if let triggerAt { next = min(next, triggerAt) }
        for route in routes.values {
            if let at = route.timeoutAt { next = min(next, at) }
            if let at = route.garbageAt { next = min(next, at) }
        }
        return next
    }

    // MARK: Input

    /// Handles a RIP message that arrived on `interface` from `source`:`port`.
    public mutating func receive(_ message: RIPMessage, from source: IPv4Address, port: UInt16, on interface: Int,
                                 now: Instant) -> [RIPOutput] {
        guard addresses.indices.contains(interface), isUp[interface] else {
            return [.rejected(interface: interface, detail: "RIP on an interface that is down")]
        }
        switch message.command {
        case .request:
            return answer(message, from: source, port: port, on: interface)
        case .response:
            guard port == RIPMessage.port else {
                return [.rejected(interface: interface, detail: "RIP response from port \(port), not 520")]
            }
            let subnet = addresses[interface].prefix
            guard subnet.contains(source), !addresses.contains(where: { $0.address == source }) else {
                return [.rejected(interface: interface, detail: "RIP response from \(source), not a neighbour on \(subnet)")]
            }
            var outputs: [RIPOutput] = []
            for entry in message.entries {
                outputs += learn(entry, from: source, on: interface, now: now)
            }
            outputs += flushTriggered(now: now)
            return outputs
        }
    }

    /// Brings an interface up or down. Down: every route through it becomes
    /// unreachable at once (and is announced so on the others); up: its network is
    /// connected again, and the neighbours there are asked for their tables and told ours.
    public mutating func setInterface(_ index: Int, isUp up: Bool, now: Instant) -> [RIPOutput] {
        guard addresses.indices.contains(index), isUp[index] != up else { return [] }
        isUp[index] = up
        var outputs: [RIPOutput] = []
        if up {
            let prefix = addresses[index].prefix
            if let old = routes[prefix], !old.isConnected, old.isReachable {
                outputs.append(.withdraw(prefix))
            }
            addConnected(index, now: now)
            outputs.append(.note("rip: \(prefix) connected again (interface up)"))
            scheduleTrigger(now: now)
            outputs.append(.send(interface: index, destination: RIPMessage.multicastGroup, port: RIPMessage.port,
                                 message: .wholeTableRequest))
            outputs += update(on: index, changedOnly: false)
        } else {
            for prefix in routes.keys.sorted(by: Self.order) {
                guard let route = routes[prefix], route.interface == index, route.isReachable else { continue }
                outputs += startDeletion(prefix, now: now, why: "interface down")
            }
        }
        outputs += flushTriggered(now: now)
        return outputs
    }

    /// Times out routes, forgets deleted ones, sends the regular and triggered updates that are due.
    public mutating func poll(now: Instant) -> [RIPOutput] {
        var outputs: [RIPOutput] = []
        for prefix in routes.keys.sorted(by: Self.order) {
            guard let route = routes[prefix] else { continue }
            if let at = route.timeoutAt, at <= now {
                outputs += startDeletion(prefix, now: now, why: "not heard from \(route.learnedFrom ?? .any) for \(configuration.timeout)")
            } else if let at = route.garbageAt, at <= now {
                routes[prefix] = nil
                outputs.append(.note("rip: \(prefix) forgotten (garbage collected)"))
            }
        }
        if nextUpdate <= now {
            for index in addresses.indices where isUp[index] {
                outputs += update(on: index, changedOnly: false)
            }
            clearChanged()
            triggerAt = nil
            while nextUpdate <= now { nextUpdate = nextUpdate + configuration.update }
        }
        outputs += flushTriggered(now: now)
        return outputs
    }

    // MARK: Learning

    private mutating func learn(_ entry: RIPMessage.Entry, from source: IPv4Address, on interface: Int,
                                now: Instant) -> [RIPOutput] {
        if entry.addressFamily == RIPMessage.familyAuthentication { return [] }
        guard entry.addressFamily == RIPMessage.familyIPv4 else {
            return [.note("rip: entry of address family \(entry.addressFamily) from \(source) ignored")]
        }
        guard let prefix = entry.prefix, Self.isUsableDestination(prefix) else {
            return [.note("rip: entry \(entry.address) mask \(entry.mask) from \(source) ignored (not a usable destination)")]
        }
        guard (1...UInt32(RIPMessage.infinity)).contains(entry.metric) else {
            return [.note("rip: entry \(prefix) from \(source) ignored (metric \(entry.metric))")]
        }
        let metric = min(Int(entry.metric) + 1, RIPMessage.infinity)
        let subnet = addresses[interface].prefix
        let nextHop = entry.nextHop != .any && subnet.contains(entry.nextHop)
            && !addresses.contains(where: { $0.address == entry.nextHop }) ? entry.nextHop : source

        guard var existing = routes[prefix] else {
            guard metric < RIPMessage.infinity else { return [] }
            guard routes.count < configuration.maximumRoutes else {
                return [.note("rip: \(prefix) from \(source) ignored (table full: \(configuration.maximumRoutes) routes)")]
            }
            let route = RIPRoute(destination: prefix, nextHop: nextHop, learnedFrom: source, interface: interface,
                                 metric: metric, refreshedAt: now, timeoutAt: now + configuration.timeout,
                                 garbageAt: nil, isChanged: true)
            routes[prefix] = route
            scheduleTrigger(now: now)
            return [.install(route), .note("rip: learned \(prefix) via \(nextHop) metric \(metric)")]
        }
        if existing.isConnected && existing.isReachable { return [] }
        if existing.learnedFrom == source {
            if metric == existing.metric && nextHop == existing.nextHop {
                if metric < RIPMessage.infinity { existing.timeoutAt = now + configuration.timeout }
                existing.refreshedAt = metric < RIPMessage.infinity ? now : existing.refreshedAt
                routes[prefix] = existing
                return []
            }
            if metric >= RIPMessage.infinity {
                return existing.isReachable ? startDeletion(prefix, now: now, why: "\(source) says unreachable") : []
            }
        } else if metric >= existing.metric {
            return []
        }
        let old = existing
        existing.nextHop = nextHop
        existing.learnedFrom = source
        existing.interface = interface
        existing.metric = metric
        existing.refreshedAt = now
        existing.timeoutAt = now + configuration.timeout
        existing.garbageAt = nil
        existing.isChanged = true
        routes[prefix] = existing
        scheduleTrigger(now: now)
        let was = old.isReachable ? "via \(old.nextHop ?? .any) metric \(old.metric)" : "unreachable"
        return [.install(existing), .note("rip: \(prefix) now via \(nextHop) metric \(metric) (was \(was))")]
    }

    /// Marks a route unreachable, starts its garbage-collection timer and asks for a triggered update.
    private mutating func startDeletion(_ prefix: IPv4Prefix, now: Instant, why: String) -> [RIPOutput] {
        guard var route = routes[prefix] else { return [] }
        let wasConnected = route.isConnected
        route.metric = RIPMessage.infinity
        route.timeoutAt = nil
        route.garbageAt = now + configuration.garbage
        route.isChanged = true
        routes[prefix] = route
        scheduleTrigger(now: now)
        let note = RIPOutput.note("rip: \(prefix) unreachable (\(why))")
        return wasConnected ? [note] : [.withdraw(prefix), note]
    }

    private mutating func addConnected(_ index: Int, now: Instant) {
        let prefix = addresses[index].prefix
        routes[prefix] = RIPRoute(destination: prefix, nextHop: nil, learnedFrom: nil, interface: index, metric: 1,
                                  refreshedAt: now, timeoutAt: nil, garbageAt: nil, isChanged: true)
    }

    /// Loopback, multicast and class E destinations, and 0.0.0.0/8 other than the
    /// default route, are never routes (RFC 2453 §3.9.2, RFC 1812 §5.3.7).
    static func isUsableDestination(_ prefix: IPv4Prefix) -> Bool {
        if prefix.length == 0 { return true }
        let first = prefix.network.value >> 24
        return first != 0 && first != 127 && first < 224
    }

    // MARK: Output

    private mutating func scheduleTrigger(now: Instant) {
        guard triggerAt == nil else { return }
        let earliest = lastTriggered.map { $0 + configuration.damping } ?? now
        triggerAt = max(now, earliest)
    }

    /// Sends the triggered update when it is due: only the changed routes, on every interface up.
    private mutating func flushTriggered(now: Instant) -> [RIPOutput] {
        guard let at = triggerAt, at <= now else { return [] }
        triggerAt = nil
        lastTriggered = now
        var outputs: [RIPOutput] = []
        for index in addresses.indices where isUp[index] {
            outputs += update(on: index, changedOnly: true)
        }
        clearChanged()
        return outputs
    }

    private mutating func clearChanged() {
        for prefix in routes.keys { routes[prefix]?.isChanged = false }
    }

    /// The response messages for `interface`: every route (or the changed ones),
    /// those learned through that interface poisoned (metric 16).
    func update(on interface: Int, changedOnly: Bool) -> [RIPOutput] {
        let entries = advertised(on: interface, changedOnly: changedOnly)
        return RIPMessage.responses(entries).map {
            .send(interface: interface, destination: RIPMessage.multicastGroup, port: RIPMessage.port, message: $0)
        }
    }

    func advertised(on interface: Int, changedOnly: Bool) -> [RIPMessage.Entry] {
        routes.values.filter { !changedOnly || $0.isChanged }.sorted { Self.order($0.destination, $1.destination) }.map {
            RIPMessage.Entry(prefix: $0.destination,
                             metric: $0.interface == interface ? RIPMessage.infinity : $0.metric)
        }
    }

    /// Answers a request (RFC 2453 §3.9.1): the whole table as an update for that
    /// interface, or the metric of each destination asked about, sent to the asker.
    private func answer(_ request: RIPMessage, from source: IPv4Address, port: UInt16, on interface: Int) -> [RIPOutput] {
        let entries: [RIPMessage.Entry]
        if request.isWholeTableRequest {
            entries = advertised(on: interface, changedOnly: false)
        } else {
            entries = request.entries.map { asked in
                var entry = asked
                entry.metric = asked.prefix.flatMap { routes[$0] }.map { UInt32($0.metric) } ?? UInt32(RIPMessage.infinity)
                return entry
            }
        }
        return RIPMessage.responses(entries).map {
            .send(interface: interface, destination: source, port: port, message: $0)
        }
    }

    static func order(_ a: IPv4Prefix, _ b: IPv4Prefix) -> Bool {
        (a.network.value, a.length) < (b.network.value, b.length)
    }
}
