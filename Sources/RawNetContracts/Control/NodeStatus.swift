import RawNetCore

/// What `status` answers on a daemon's control socket.
public struct NodeStatus: Codable, Sendable, Equatable {
    public var node: String
    public var kind: String            // "router", "host" or "linux"
    public var pid: Int32
    public var uptimeSeconds: Double
    public var interfaces: [InterfaceStatus]
    /// A linux node's network namespace (its bridge answers); nil for daemons.
    public var namespace: String?
    /// Drops of packets on no interface (sent by the node to itself), by reason.
    public var localDrops: [DropReason: Int]?
    /// What the daemon holds for its clients, against its budgets (nil from older daemons).
    public var budgets: QueueBudgets?

    public init(node: String, kind: String, pid: Int32, uptimeSeconds: Double, interfaces: [InterfaceStatus],
                namespace: String? = nil) {
        self.namespace = namespace
        self.node = node
        self.kind = kind
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.interfaces = interfaces
    }
}

/// One interface in `NodeStatus`.
public struct InterfaceStatus: Codable, Sendable, Equatable {
    public var name: String
    public var mac: String
    public var address: String         // "10.0.1.1/24"
    public var peer: String?           // "r1:eth0", nil when unconnected
    public var isUp: Bool
    public var queuedFrames: Int
    public var counters: InterfaceCounters
    /// One-line summary of the egress impairment, nil for a perfect wire.
    public var impairment: String?
    /// The link's socket type (`seqpacket`, `datagram`), nil from older daemons.
    public var linkSocket: String?
    /// Seqpacket links: whether the cable to the peer is connected. Nil for
    /// datagram links (there is no connection to tell) and from older daemons.
    public var isLinkConnected: Bool?
    /// False when the link's far end is down (taken down by `rawnet link`): no
    /// carrier, as `ip link` says NO-CARRIER. Nil from older daemons and linux nodes.
    public var hasCarrier: Bool?
    /// The link's MTU in bytes, nil from older daemons.
    public var mtu: Int?
    /// A link carried over VXLAN to another machine: the tunnel and what arrives from it.
    public var tunnel: TunnelStatus?

    public init(name: String, mac: String, address: String, peer: String?, isUp: Bool,
                queuedFrames: Int, counters: InterfaceCounters, impairment: String?,
                linkSocket: String? = nil, isLinkConnected: Bool? = nil, mtu: Int? = nil) {
        self.mtu = mtu
        self.linkSocket = linkSocket
        self.isLinkConnected = isLinkConnected
        self.name = name
        self.mac = mac
        self.address = address
        self.peer = peer
        self.isUp = isUp
        self.queuedFrames = queuedFrames
        self.counters = counters
        self.impairment = impairment
    }
}

/// One VXLAN link end in `InterfaceStatus`: whether frames arrive from its remote.
public struct TunnelStatus: Codable, Sendable, Equatable {
    /// `vxlan vni 42 10.9.0.1:4789 > 10.9.0.2:4789`.
    public var tunnel: String
    /// `waiting` (nothing heard yet), `up` (a frame or keepalive within `downAfterSeconds`) or `down`.
    public var state: String
    /// Seconds since the last frame from the remote, nil before the first.
    public var lastHeardSecondsAgo: Double?
    /// Times frames came back after the remote was down.
    public var recoveries: Int
    /// The last error the kernel reported about the remote (ICMP unreachable, no route), nil once frames arrive.
    public var lastError: String?
    /// The keepalive interval (nil: keepalives off or an older daemon).
    public var keepaliveSeconds: Double?
    /// How long without a frame before the remote counts as down (nil from older daemons).
    public var downAfterSeconds: Double?
    /// Keepalives this end sent and heard from the remote (nil from older daemons).
    public var keepalivesSent: Int?
    public var keepalivesHeard: Int?

    public init(tunnel: String, state: String, lastHeardSecondsAgo: Double?, recoveries: Int, lastError: String?) {
        self.tunnel = tunnel
        self.state = state
        self.lastHeardSecondsAgo = lastHeardSecondsAgo
        self.recoveries = recoveries
        self.lastError = lastError
    }
}

/// The bytes a daemon holds for its control clients and (hosts) apps, their
/// shared budgets, and what was cut or dropped to keep within them.
public struct QueueBudgets: Codable, Sendable, Equatable {
    /// Answers and trace events waiting for control clients, and the most they may take together.
    public var controlQueuedBytes: Int
    public var controlBudgetBytes: Int
    /// Control clients (stalled subscribers) cut for being too far behind.
    public var controlClientsCut: Int
    /// Hosts: messages waiting for apps, and the most they may take together.
    public var appQueuedBytes: Int?
    public var appBudgetBytes: Int?
    /// Hosts: messages other than datagrams not delivered because an app's queue was full.
    public var appMessagesDropped: Int?
    /// Hosts: app messages refused for being longer than the app API allows.
    public var appMessagesRefused: Int?
    /// Hosts: bytes the TCP connections take (buffers and a fixed cost each),
    /// the host's TCP memory budget, and SYNs, data segments and connects
    /// refused because the budget was reached.
    public var tcpMemoryBytes: Int?
    public var tcpBudgetBytes: Int?
    public var tcpMemoryRefused: Int?

    public init(controlQueuedBytes: Int, controlBudgetBytes: Int, controlClientsCut: Int,
                appQueuedBytes: Int? = nil, appBudgetBytes: Int? = nil, appMessagesDropped: Int? = nil,
                appMessagesRefused: Int? = nil) {
        self.controlQueuedBytes = controlQueuedBytes
        self.controlBudgetBytes = controlBudgetBytes
        self.controlClientsCut = controlClientsCut
        self.appQueuedBytes = appQueuedBytes
        self.appBudgetBytes = appBudgetBytes
        self.appMessagesDropped = appMessagesDropped
        self.appMessagesRefused = appMessagesRefused
    }
}
