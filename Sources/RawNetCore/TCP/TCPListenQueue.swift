/// A listening socket (RFC 9293 LISTEN) with a bounded backlog: connections
/// still in the handshake plus those waiting for ``TCPStack/accept(port:)``
/// never exceed `backlog`. A SYN beyond that is dropped (as Linux does), so the
/// peer retries after its SYN timeout instead of being refused.
public struct TCPListenQueue: Sendable {
    public let port: UInt16
    public let backlog: Int
    /// Connections in SYN-RECEIVED.
    public internal(set) var handshaking: [TCPConnectionID] = []
    /// Established connections not yet accepted, oldest first.
    public internal(set) var ready: [TCPConnectionID] = []
    /// SYNs dropped because the backlog was full.
    public internal(set) var droppedSYNs = 0

    public init(port: UInt16, backlog: Int) {
        self.port = port
        self.backlog = Swift.max(1, backlog)
    }

    public var isFull: Bool { handshaking.count + ready.count >= backlog }
}
