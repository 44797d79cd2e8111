import RawNetWire

/// Timers and limits of an ARP cache.
public struct ARPCacheConfiguration: Sendable, Equatable {
    /// How long a learned mapping is used before it must be learned again.
    public var reachableTime: Duration
    /// Time between requests for an unanswered address.
    public var retryInterval: Duration
    /// Requests sent before giving up on an address.
    public var maximumRequests: Int
    /// Packets kept per unresolved address; more are dropped and counted. The
    /// default holds the fragments of a few large datagrams (Linux keeps about 100).
    public var maximumPendingPerAddress: Int

    public init(reachableTime: Duration = .seconds(60), retryInterval: Duration = .seconds(1),
                maximumRequests: Int = 3, maximumPendingPerAddress: Int = 32) {
        self.reachableTime = reachableTime
        self.retryInterval = retryInterval
        self.maximumRequests = max(1, maximumRequests)
        self.maximumPendingPerAddress = max(0, maximumPendingPerAddress)
    }
}

/// An ARP cache (RFC 826) for all interfaces of one node: learned mappings
/// with expiry, and per unresolved neighbour a bounded queue of packets
/// waiting for the answer. It sends nothing itself; it tells the caller when
/// to send a request and which packets to send or drop.
public struct ARPCache<Pending: Sendable>: Sendable {
    /// A neighbour: an IPv4 address on one interface.
    public struct Key: Hashable, Sendable, Comparable {
        public var interface: Int
        public var address: IPv4Address

        public init(interface: Int, address: IPv4Address) {
            self.interface = interface
            self.address = address
        }

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.interface, lhs.address.value) < (rhs.interface, rhs.address.value)
        }
    }

    /// What the cache knows about one neighbour.
    public enum Entry: Sendable {
        /// The neighbour answered; use `macAddress` until `expiresAt`.
        case reachable(macAddress: MACAddress, expiresAt: Instant)
        /// A request is out; `pending` packets wait for the answer.
        case incomplete(requestsSent: Int, nextRequestAt: Instant, pending: [Pending])
    }

    /// The outcome of asking for a neighbour's MAC address to send a packet.
    public enum Resolution: Sendable {
        /// Known: send the packet now.
        case resolved(MACAddress)
        /// Queued until an answer arrives; send an ARP request now if `sendRequest`.
        case queued(sendRequest: Bool)
        /// The queue for this neighbour is full; the packet is not kept.
        case overflow
    }

    /// Work the caller must do after `poll`.
    public enum Event: Sendable {
        /// Send another ARP request for this neighbour.
        case sendRequest(Key)
        /// No answer after every request: drop these packets ("no ARP answer").
        case failed(Key, pending: [Pending])
    }

    public let configuration: ARPCacheConfiguration
    public private(set) var entries: [Key: Entry] = [:]
    /// Packets refused because a neighbour's queue was full.
    public private(set) var overflowCount = 0
    /// Neighbours given up on after all requests went unanswered.
    public private(set) var failureCount = 0

    public init(configuration: ARPCacheConfiguration = ARPCacheConfiguration()) {
        self.configuration = configuration
    }

    /// The MAC address of a neighbour, if known and not expired.
    public func lookup(_ address: IPv4Address, interface: Int, now: Instant) -> MACAddress? {
        if case .reachable(let mac, let expiry)? = entries[Key(interface: interface, address: address)], now < expiry {
            return mac
        }
        return nil
    }

    /// Finds the MAC address for sending `packet` to a neighbour, or queues the packet.
    public mutating func resolve(_ address: IPv4Address, interface: Int, packet: Pending,
                                 now: Instant) -> Resolution {
        let key = Key(interface: interface, address: address)
        switch entries[key] {
        case .reachable(let mac, let expiry)? where now < expiry:
            return .resolved(mac)
        case .incomplete(let sent, let next, var pending)?:
            guard pending.count < configuration.maximumPendingPerAddress else {
                overflowCount += 1
                return .overflow
            }
            pending.append(packet)
            entries[key] = .incomplete(requestsSent: sent, nextRequestAt: next, pending: pending)
            return .queued(sendRequest: false)
        case .reachable?, nil:
            let pending = configuration.maximumPendingPerAddress > 0 ? [packet] : []
            entries[key] = .incomplete(requestsSent: 1, nextRequestAt: now + configuration.retryInterval,
                                       pending: pending)
            if pending.isEmpty { overflowCount += 1 }
            return pending.isEmpty ? .overflow : .queued(sendRequest: true)
        }
    }

    /// Learns from the sender fields of an ARP packet, by RFC 826's merge rule:
    /// an existing entry for the sender is always updated; a new one is added only
    /// when the packet was addressed to this node (`isTargetedAtUs`). So a
    /// gratuitous ARP refreshes what we know but does not fill the table.
    /// Returns the packets that were waiting for this neighbour, to send now.
    public mutating func learn(_ address: IPv4Address, macAddress: MACAddress, interface: Int,
                               isTargetedAtUs: Bool, now: Instant) -> [Pending] {
        guard address != .any, !macAddress.isBroadcast, !macAddress.isMulticast else { return [] }
        let key = Key(interface: interface, address: address)
        let reachable = Entry.reachable(macAddress: macAddress, expiresAt: now + configuration.reachableTime)
        switch entries[key] {
        case .incomplete(_, _, let pending)?:
            entries[key] = reachable
            return pending
        case .reachable?:
            entries[key] = reachable
            return []
        case nil:
            if isTargetedAtUs { entries[key] = reachable }
            return []
        }
    }

    /// Sends due retries, gives up on neighbours out of retries, forgets expired entries.
    public mutating func poll(now: Instant) -> [Event] {
        var events: [Event] = []
        for key in entries.keys.sorted() {
            switch entries[key] {
            case .reachable(_, let expiry)? where now >= expiry:
                entries[key] = nil
            case .incomplete(let sent, let next, let pending)? where now >= next:
                if sent < configuration.maximumRequests {
                    entries[key] = .incomplete(requestsSent: sent + 1, nextRequestAt: now + configuration.retryInterval,
                                               pending: pending)
                    events.append(.sendRequest(key))
                } else {
                    entries[key] = nil
                    failureCount += 1
                    events.append(.failed(key, pending: pending))
                }
            default:
                break
            }
        }
        return events
    }

    /// When `poll` next has work to do (a retry or a give-up), if ever.
    public func nextDeadline() -> Instant? {
        var earliest: Instant?
        for entry in entries.values {
            if case .incomplete(_, let next, _) = entry, earliest.map({ next < $0 }) ?? true {
                earliest = next
            }
        }
        return earliest
    }

    /// Forgets everything learned on an interface (its link went down) and
    /// returns the packets that were waiting there.
    public mutating func flush(interface: Int) -> [Pending] {
        var dropped: [Pending] = []
        for key in entries.keys.sorted() where key.interface == interface {
            if case .incomplete(_, _, let pending)? = entries[key] { dropped += pending }
            entries[key] = nil
        }
        return dropped
    }

    /// Forgets every learned address (`ip neigh flush all`), so the next packet to each asks
    /// again; entries still waiting for an answer stay, with their packets. Returns how many
    /// were forgotten.
    public mutating func forgetLearned() -> Int {
        var forgotten = 0
        for (key, entry) in entries {
            guard case .reachable = entry else { continue }
            entries[key] = nil
            forgotten += 1
        }
        return forgotten
    }

    /// The cache as `ip neigh` prints it, e.g.
    /// `10.0.1.1 dev eth0 lladdr 02:12:34:56:78:9a REACHABLE (59s left)`.
    public func formatted(now: Instant, interfaceNames: [String]) -> String {
        entries.keys.sorted().compactMap { key -> String? in
            let name = interfaceNames.indices.contains(key.interface) ? interfaceNames[key.interface] : "if\(key.interface)"
            switch entries[key] {
            case .reachable(let mac, let expiry)?:
                let left = Int((expiry - now).seconds.rounded(.up))
                return left > 0
                    ? "\(key.address) dev \(name) lladdr \(mac) REACHABLE (\(left)s left)"
                    : "\(key.address) dev \(name) lladdr \(mac) STALE"
            case .incomplete(let sent, _, let pending)?:
                let waiting = pending.count == 1 ? "1 packet" : "\(pending.count) packets"
                return "\(key.address) dev \(name) INCOMPLETE (\(sent) of \(configuration.maximumRequests) requests sent, \(waiting) waiting)"
            case nil:
                return nil
            }
        }.joined(separator: "\n")
    }
}
