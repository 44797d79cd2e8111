/// Path MTU discovery (RFC 1191 §6.3, RFC 9293 §3.7.2): segments leave with DF
/// set, and an ICMP "fragmentation needed" naming a smaller next-hop MTU lowers
/// the connection's segment size and sends again what was in flight.
extension TCPConnection {
    /// The IPv4 and TCP headers (without options) around a segment's data.
    static let headerOverhead = 40
    /// The smallest path MTU believed (RFC 791's minimum); smaller reports are ignored.
    public static let minimumPathMTU = 68

    /// The most data a segment may carry on the known path: MTU less headers
    /// and the timestamps option every segment carries (as Linux's `mss_cache`).
    var pathSegmentLimit: Int {
        guard let pathMTU else { return .max }
        return Swift.max(8, pathMTU - Self.headerOverhead - (isTimestampsOn ? 12 : 0))
    }

    /// The path MTU the connection works with now, if it knows one.
    public var currentPathMTU: Int? { pathMTU }

    /// A router reported `nextHopMTU` for a segment of this connection. A value
    /// below the current path MTU (and not below 68) becomes the path MTU: the
    /// segment size shrinks (the window keeps its count of segments, as in
    /// Linux, or what was in flight if more) and everything unacknowledged is
    /// sent again at the new size.
    /// Returns true if the path MTU went down.
    @discardableResult
    public mutating func pathMTUDecreased(to nextHopMTU: Int, now: Instant) -> Bool {
        guard state != .closed, state != .listen, nextHopMTU >= Self.minimumPathMTU,
              nextHopMTU < pathMTU ?? .max else { return false }
        pathMTU = nextHopMTU
        let limit = pathSegmentLimit
        guard state.isSynchronized, limit < sendMSS else { return true }
        let segments = Swift.max(1, congestion.window / Swift.max(1, sendMSS))
        sendMSS = limit
        congestion.lowerMSS(limit, windowSegments: segments, resend: Swift.max(0, sndMax - sndUna))
        guard sndUna >= 1, sndMax > sndUna else { return true }
        // RFC 1191 §6.3 / Linux tcp_simple_retransmit: what was sent at the old size was dropped; resend it now.
        rttSample = nil
        forcedRetransmit = nil
        if usesRACK && isInRecovery {
            markAllLostAfterTimeout(forgettingSACKs: false)
        } else {
            sndNxt = sndUna
        }
        return true
    }
}
