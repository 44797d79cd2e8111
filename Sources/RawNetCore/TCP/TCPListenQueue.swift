/// A listening socket (RFC 9293 LISTEN) with a bounded backlog: connections
/// still in the handshake plus those waiting for ``TCPStack/accept(port:)``
/// never exceed `backlog`. A SYN beyond that is answered with a SYN cookie
/// (`TCPConfiguration.isSYNCookiesEnabled`, as Linux with `tcp_syncookies=1`),
/// or with cookies off dropped, so the peer retries instead of being refused.
public struct TCPListenQueue: Sendable {
    public let port: UInt16
    public let backlog: Int
    /// Connections in SYN-RECEIVED.
    public internal(set) var handshaking: [TCPConnectionID] = []
    /// Established connections not yet accepted, oldest first.
    public internal(set) var ready: [TCPConnectionID] = []
    /// SYNs dropped because the backlog was full (SYN cookies off).
    public internal(set) var droppedSYNs = 0
    /// SYNs answered with a SYN cookie because the backlog was full.
    public internal(set) var synCookiesSent = 0
    /// Connections made from a returned SYN cookie.
    public internal(set) var synCookiesAccepted = 0
    /// When the last SYN cookie was sent: ACKs are checked for cookies only for a while after.
    var lastCookieSentAt: Instant?

    public init(port: UInt16, backlog: Int) {
        self.port = port
        self.backlog = Swift.max(1, backlog)
    }

    public var isFull: Bool { handshaking.count + ready.count >= backlog }
}
