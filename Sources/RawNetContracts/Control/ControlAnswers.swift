/// The answers of a node's control commands `routes`, `arp` and `sockets`.

/// A route as `routes` answers it.
public struct RouteInfo: Codable, Sendable, Equatable {
    public var destination: String
    public var nextHop: String?
    public var interface: String
    public var kind: String
    public var metric: Int
    /// Seconds since a learned route was last set or confirmed (RIP routes only).
    public var ageSeconds: Double?

    public init(destination: String, nextHop: String? = nil, interface: String, kind: String, metric: Int,
                ageSeconds: Double? = nil) {
        self.destination = destination
        self.nextHop = nextHop
        self.interface = interface
        self.kind = kind
        self.metric = metric
        self.ageSeconds = ageSeconds
    }
}

/// What `routes` answers: the table, and the same as `ip route` prints it.
public struct RoutesAnswer: Codable, Sendable, Equatable {
    public var routes: [RouteInfo]
    public var text: String

    public init(routes: [RouteInfo], text: String) {
        self.routes = routes
        self.text = text
    }
}

/// A neighbour as `arp` answers it.
public struct NeighbourInfo: Codable, Sendable, Equatable {
    public var address: String
    public var interface: String
    /// "reachable" or "incomplete".
    public var state: String
    public var mac: String?
    /// Seconds until a reachable entry expires.
    public var expiresInSeconds: Double?
    /// Packets waiting for an incomplete entry.
    public var waiting: Int?

    public init(address: String, interface: String, state: String, mac: String? = nil, expiresInSeconds: Double? = nil, waiting: Int? = nil) {
        self.address = address
        self.interface = interface
        self.state = state
        self.mac = mac
        self.expiresInSeconds = expiresInSeconds
        self.waiting = waiting
    }
}

/// What `arp` answers.
public struct ARPAnswer: Codable, Sendable, Equatable {
    public var entries: [NeighbourInfo]
    public var text: String
    /// After `arp flush`: how many learned entries were forgotten (absent otherwise).
    public var flushed: Int?

    public init(entries: [NeighbourInfo], text: String) {
        self.entries = entries
        self.text = text
    }
}

/// One app socket, as `sockets` answers it.
public struct SocketInfo: Codable, Sendable, Equatable {
    public var id: UInt32
    public var app: Int
    public var protocolName: String
    public var local: String
    public var peer: String?
    /// TCP state (`LISTEN`, `ESTABLISHED`, …); `UNCONN` or `ESTAB`-less for UDP and ICMP, as `ss` prints.
    public var state: String?
    /// The owning app's name and pid, from its hello.
    public var appName: String?
    public var pid: UInt32?
    /// Bytes received and not yet read by the app; for a listener, connections waiting.
    public var receiveQueue: Int?
    /// Bytes sent and not yet acknowledged; for a listener, its backlog.
    public var sendQueue: Int?
    /// TCP internals as `key=value` words (rto, cwnd, retransmissions, …).
    public var internals: String?
    /// UDP and ICMP: datagrams dropped because the receive queue was full (as
    /// the `drops` of Linux's `/proc/net/udp`); nil for TCP and from older daemons.
    public var drops: Int?

    public init(id: UInt32, app: Int, protocolName: String, local: String, peer: String? = nil, state: String? = nil, appName: String? = nil, pid: UInt32? = nil, receiveQueue: Int? = nil, sendQueue: Int? = nil, internals: String? = nil) {
        self.id = id
        self.app = app
        self.protocolName = protocolName
        self.local = local
        self.peer = peer
        self.state = state
        self.appName = appName
        self.pid = pid
        self.receiveQueue = receiveQueue
        self.sendQueue = sendQueue
        self.internals = internals
    }
}
