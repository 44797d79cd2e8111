import RawNetCore
import RawNetWire

/// A TCP socket's state and internals as the host reports them: the answer
/// to an app's `status` request (`TCPStream.status()`, chat's `/stats`) and
/// the `internals` of each TCP socket in the control `sockets` answer
/// (`rawnet sockets -i`). On the wire it is `key=value` words (`text`);
/// this type is the one encoder and decoder of them.
public struct TCPSocketStatus: Sendable, Equatable, CustomStringConvertible {
    /// Every key a status may carry, in the order the host writes them.
    /// Times are microseconds, windows and queues bytes.
    public enum Key: String, CaseIterable, Sendable {
        case proto, local, peer, state, recvq, sendq, rto, srtt, rttvar, cwnd, ssthresh, mss, pmtu
        case sndWindow = "snd_wnd", receiveWindow = "rcv_wnd"
        case retrans, timeouts
        case fastRetrans = "fast_retrans"
        /// Retransmitted segments by reason (`TCPRetransmitFamily`); they add up to `retrans`.
        case retransTimeout = "retrans_rto", retransDupAcks = "retrans_dupack"
        case retransRACK = "retrans_rack", retransProbe = "retrans_tlp"
        case dupacks
        case bytesSent = "bytes_sent", bytesRetrans = "bytes_retrans", bytesReceived = "bytes_received"
        case segsOut = "segs_out", segsIn = "segs_in"
        case sack, timestamps, congestion, tlp
        case rackLost = "rack_lost"
        case reorderingWindow = "reo_wnd", reordering
        case duplicatesReceived = "dup_segs_in"
        case dsacksSent = "dsack_sent", dsacksReceived = "dsack_received"
        case spuriousRetrans = "spurious_retrans"
        case undos = "undo"
        case bbrMode = "bbr_mode", bbrBandwidth = "bbr_bw", pacingRate = "pacing_rate", minRTT = "min_rtt"
        case nagle
        case delayedAck = "delayed_ack"
        case recovery
        /// A listener's: connections in SYN-RECEIVED, SYNs answered with a SYN cookie,
        /// connections made from a returned cookie, SYNs dropped for a full queue (cookies off).
        case halfOpen = "half_open", synCookiesSent = "syncookies_sent", synCookiesAccepted = "syncookies_ok"
        case listenDrops = "listen_drops"
    }

    /// Every field, by key, as text.
    public private(set) var fields: [Key: String]
    /// The fields in the order the host gave them.
    public let text: String

    /// Reads what a host wrote; unknown words are ignored.
    public init(parsing text: String) {
        self.text = text
        var fields: [Key: String] = [:]
        for word in text.split(separator: " ") {
            guard let eq = word.firstIndex(of: "="), let key = Key(rawValue: String(word[..<eq])) else { continue }
            fields[key] = String(word[word.index(after: eq)...])
        }
        self.fields = fields
    }

    private init(_ pairs: [(Key, String)]) {
        text = pairs.map { "\($0.0.rawValue)=\($0.1)" }.joined(separator: " ")
        fields = Dictionary(pairs, uniquingKeysWith: { _, last in last })
    }

    /// A listening socket: `recvq` connections ready to accept, `sendq` its backlog,
    /// and what its queue did under load (half-open connections, SYN cookies, drops).
    public static func listening(local: String, ready: Int, backlog: Int, halfOpen: Int = 0, synCookiesSent: Int = 0,
                                 synCookiesAccepted: Int = 0, droppedSYNs: Int = 0) -> TCPSocketStatus {
        TCPSocketStatus([(.proto, "tcp"), (.local, local), (.state, "LISTEN"), (.recvq, "\(ready)"), (.sendq, "\(backlog)"),
                         (.halfOpen, "\(halfOpen)"), (.synCookiesSent, "\(synCookiesSent)"),
                         (.synCookiesAccepted, "\(synCookiesAccepted)"), (.listenDrops, "\(droppedSYNs)")])
    }

    /// A socket with no connection (closed, or not yet connected).
    public static func closed(local: String) -> TCPSocketStatus {
        TCPSocketStatus([(.proto, "tcp"), (.local, local), (.state, "CLOSED")])
    }

    /// A connection's internals.
    public static func connection(local: String, peer: String, stats s: TCPConnectionStats, receiveQueue: Int,
                                  sendQueue: Int, congestionControl: String, isNagleEnabled: Bool,
                                  isDelayedAckEnabled: Bool) -> TCPSocketStatus {
        let us = TCPTraceEvent.microseconds
        var pairs: [(Key, String)] = [(.proto, "tcp"), (.local, local), (.peer, peer), (.state, s.state.description),
                                      (.recvq, "\(receiveQueue)"), (.sendq, "\(sendQueue)"), (.rto, "\(us(s.rto))")]
        if let srtt = s.smoothedRTT { pairs.append((.srtt, "\(us(srtt))")) }
        pairs += [(.rttvar, "\(us(s.rttVariation))"), (.cwnd, "\(s.congestionWindow)"),
                  (.ssthresh, "\(s.slowStartThreshold)"), (.mss, "\(s.sendMSS)")]
        if let pathMTU = s.pathMTU { pairs.append((.pmtu, "\(pathMTU)")) }
        pairs += [(.sndWindow, "\(s.sendWindow)"),
                  (.receiveWindow, "\(s.receiveWindow)"), (.retrans, "\(s.retransmissions)"),
                  (.timeouts, "\(s.timeouts)"), (.fastRetrans, "\(s.fastRetransmits)"),
                  (.dupacks, "\(s.totalDuplicateAcks)"), (.bytesSent, "\(s.bytesSent)"),
                  (.bytesRetrans, "\(s.bytesRetransmitted)"), (.bytesReceived, "\(s.bytesReceived)"),
                  (.segsOut, "\(s.segmentsSent)"), (.segsIn, "\(s.segmentsReceived)"),
                  (.sack, "\(s.isSACKPermitted)"), (.timestamps, "\(s.isTimestampsEnabled)"),
                  (.congestion, congestionControl), (.tlp, "\(s.lossProbes)"), (.rackLost, "\(s.segmentsMarkedLost)")]
        if let window = s.reorderingWindow { pairs.append((.reorderingWindow, "\(us(window))")) }
        if s.bbr == nil, let minRTT = s.rackMinRTT { pairs.append((.minRTT, "\(us(minRTT))")) }
        pairs.append((.reordering, "\(s.reordering)"))
        pairs += [(.duplicatesReceived, "\(s.duplicateSegmentsReceived)"), (.dsacksSent, "\(s.dsacksSent)"),
                  (.dsacksReceived, "\(s.dsacksReceived)"), (.spuriousRetrans, "\(s.spuriousRetransmissions)"),
                  (.undos, "\(s.undos)")]
        if let bbr = s.bbr {
            pairs += [(.bbrMode, bbr.mode.rawValue), (.bbrBandwidth, "\(Int(bbr.bandwidth))"),
                      (.pacingRate, "\(Int(bbr.pacingRate))")]
            if let minRTT = bbr.minRTT { pairs.append((.minRTT, "\(us(minRTT))")) }
        }
        pairs += TCPRetransmitFamily.allCases.map { (key(for: $0), "\(s.retransmitsBy[$0])") }
        pairs += [(.nagle, "\(isNagleEnabled)"), (.delayedAck, "\(isDelayedAckEnabled)")]
        if s.isInRecovery { pairs.append((.recovery, "true")) }
        return TCPSocketStatus(pairs)
    }

    /// The key counting retransmissions of `family`.
    public static func key(for family: TCPRetransmitFamily) -> Key {
        switch family {
        case .timeout: .retransTimeout
        case .duplicateAcks: .retransDupAcks
        case .rack: .retransRACK
        case .lossProbe: .retransProbe
        }
    }

    public subscript(key: Key) -> String? { fields[key] }
    private func int(_ key: Key) -> Int? { fields[key].flatMap { Int($0) } }
    private func duration(_ key: Key) -> Duration? { fields[key].flatMap { Int64($0) }.map { .microseconds($0) } }

    public var state: String { fields[.state] ?? "?" }
    /// Bytes received and not yet read; for a listener, connections ready to accept.
    public var receiveQueue: Int? { int(.recvq) }
    /// Bytes sent and not yet acknowledged; for a listener, its backlog.
    public var sendQueue: Int? { int(.sendq) }
    public var retransmissions: Int { int(.retrans) ?? 0 }
    public var timeouts: Int { int(.timeouts) ?? 0 }
    public var fastRetransmissions: Int { int(.fastRetrans) ?? 0 }
    /// Retransmitted segments sent for `family`'s reason.
    public func retransmissions(_ family: TCPRetransmitFamily) -> Int { int(Self.key(for: family)) ?? 0 }
    /// Retransmissions the peer's D-SACK showed needless, when the host counts them
    /// (`spurious_retrans`); nil from a host that does not.
    public var spuriousRetransmissionsIfCounted: Int? { int(.spuriousRetrans) }
    public var congestionWindow: Int? { int(.cwnd) }
    public var slowStartThreshold: Int? { int(.ssthresh) }
    /// The segment size in use and the path MTU it follows (absent when the connection knows none).
    public var maximumSegmentSize: Int? { int(.mss) }
    public var pathMTU: Int? { int(.pmtu) }
    public var bytesSent: Int { int(.bytesSent) ?? 0 }
    public var bytesReceived: Int { int(.bytesReceived) ?? 0 }
    /// Retransmitted segments a D-SACK from the peer showed needless.
    public var spuriousRetransmissions: Int { int(.spuriousRetrans) ?? 0 }
    public var dsacksSent: Int { int(.dsacksSent) ?? 0 }
    public var dsacksReceived: Int { int(.dsacksReceived) ?? 0 }
    /// Congestion responses undone as spurious.
    public var undos: Int { int(.undos) ?? 0 }
    /// The retransmission timeout.
    public var rto: Duration? { duration(.rto) }
    public var smoothedRTT: Duration? { duration(.srtt) }

    public var description: String { text }
}
