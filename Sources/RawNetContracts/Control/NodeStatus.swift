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
    /// The link's MTU in bytes, nil from older daemons.
    public var mtu: Int?

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
