/// The connection states of RFC 9293 §3.3.2.
public enum TCPState: String, Sendable, CaseIterable, CustomStringConvertible {
    case closed, listen, synSent, synReceived, established
    case finWait1, finWait2, closeWait, closing, lastAck, timeWait

    /// True once both sequence numbers are known (every state after SYN-RECEIVED).
    public var isSynchronized: Bool {
        switch self {
        case .closed, .listen, .synSent: false
        default: true
        }
    }

    public var description: String {
        switch self {
        case .closed: "CLOSED"
        case .listen: "LISTEN"
        case .synSent: "SYN-SENT"
        case .synReceived: "SYN-RECEIVED"
        case .established: "ESTABLISHED"
        case .finWait1: "FIN-WAIT-1"
        case .finWait2: "FIN-WAIT-2"
        case .closeWait: "CLOSE-WAIT"
        case .closing: "CLOSING"
        case .lastAck: "LAST-ACK"
        case .timeWait: "TIME-WAIT"
        }
    }
}

/// Why a connection ended abnormally.
public enum TCPConnectionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The peer answered the SYN with a reset (nothing listens there).
    case connectionRefused
    /// The peer reset an established connection.
    case connectionReset
    /// No acknowledgment after the retransmission limit.
    case timedOut(retransmissions: Int)
    /// The peer stopped answering keepalive probes.
    case keepaliveTimedOut
    /// The local application aborted the connection.
    case aborted

    public var description: String {
        switch self {
        case .connectionRefused: "connection refused (RST in reply to SYN)"
        case .connectionReset: "connection reset by peer"
        case .timedOut(let n): "connection timed out after \(n) retransmissions"
        case .keepaliveTimedOut: "connection timed out (keepalive unanswered)"
        case .aborted: "connection aborted locally"
        }
    }
}

/// Errors from the application-facing calls.
public enum TCPUsageError: Error, Hashable, Sendable {
    /// Sending after close() or on a connection that cannot send.
    case connectionClosing
    case notConnected
    case portInUse
}

/// Why a segment was sent again.
public enum TCPRetransmitReason: String, Sendable {
    /// The retransmission timer expired.
    case timeout
    /// Three duplicate ACKs (RFC 5681 §3.2).
    case fastRetransmit
    /// A partial ACK during NewReno recovery (RFC 6582).
    case partialAck
    /// The SACK scoreboard marked it lost (RFC 6675).
    case sackLoss
    /// RACK judged it lost by send time (RFC 8985 §6).
    case rackLoss
    /// A tail loss probe (RFC 8985 §7).
    case lossProbe

    /// What made the sender send again, in the four words a learner needs:
    /// partial ACKs and SACK-marked holes belong to the recovery three
    /// duplicate ACKs began.
    public var family: TCPRetransmitFamily {
        switch self {
        case .timeout: .timeout
        case .fastRetransmit, .partialAck, .sackLoss: .duplicateAcks
        case .rackLoss: .rack
        case .lossProbe: .lossProbe
        }
    }
}

/// Why a segment was sent again, as counted per connection and shown in
/// `sockets -i` and chat's `/stats`.
public enum TCPRetransmitFamily: String, Sendable, CaseIterable {
    /// The retransmission timer ran out (RTO).
    case timeout
    /// Three duplicate ACKs (fast retransmit) and the recovery they began.
    case duplicateAcks
    /// RACK: a later segment was acknowledged well after this one was sent.
    case rack
    /// A tail loss probe: nothing came back for about two round trips.
    case lossProbe
}

/// Retransmitted segments counted by `TCPRetransmitFamily`; they add up to
/// the connection's retransmissions.
public struct TCPRetransmitCounts: Sendable, Hashable {
    public var timeout = 0
    public var duplicateAcks = 0
    public var rack = 0
    public var lossProbe = 0

    public init() {}

    public subscript(family: TCPRetransmitFamily) -> Int {
        get {
            switch family {
            case .timeout: timeout
            case .duplicateAcks: duplicateAcks
            case .rack: rack
            case .lossProbe: lossProbe
            }
        }
        set {
            switch family {
            case .timeout: timeout = newValue
            case .duplicateAcks: duplicateAcks = newValue
            case .rack: rack = newValue
            case .lossProbe: lossProbe = newValue
            }
        }
    }
}

/// Something that happened inside a connection, for traces and plots.
public struct TCPEvent: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case stateChanged(from: TCPState, to: TCPState)
        case retransmitted(sequence: UInt32, length: Int, reason: TCPRetransmitReason)
        case retransmissionTimeout(rto: Duration, backoff: Int)
        /// `afterTimeout`: begun by the retransmission timer (RACK marks every unacknowledged byte
        /// lost), not by a loss found from ACKs before it.
        case enteredRecovery(sack: Bool, cwnd: Int, ssthresh: Int, afterTimeout: Bool = false)
        case exitedRecovery(cwnd: Int)
        /// The congestion window or slow-start threshold changed since the
        /// connection last reported them (one event per poll at most).
        case congestionChanged(cwnd: Int, ssthresh: Int)
        case sendWindowChanged(Int)
        case receiveWindowChanged(Int)
        case zeroWindowProbe
        case challengeACK
        case keepaliveProbe
        case failed(TCPConnectionError)
        /// An ACK reported a duplicate the peer sent (RFC 2883): its first byte and length.
        case dsackSent(sequence: UInt32, length: Int)
        /// The peer reported receiving these bytes twice (RFC 2883).
        case dsackReceived(sequence: UInt32, length: Int)
        /// Every retransmission of a recovery proved needless: the window and
        /// threshold went back to what they were before it.
        case undo(cwnd: Int, ssthresh: Int)
    }

    public var time: Instant
    public var kind: Kind
    /// A retransmission's TCP timestamp value (RFC 7323 TSval), when the segment carries one:
    /// it tells the copy sent again from an original that left the host later than it
    /// (held in an ARP queue or the host's own egress).
    public var timestampValue: UInt32?

    public init(time: Instant, kind: Kind, timestampValue: UInt32? = nil) {
        self.time = time
        self.kind = kind
        self.timestampValue = timestampValue
    }

    public var description: String { "\(time) \(kind)" }
}

/// The visible internals of a connection (RFC 9293 names where there are some).
public struct TCPConnectionStats: Sendable, Hashable {
    public var state: TCPState
    public var sndUna: UInt32
    public var sndNxt: UInt32
    public var sndMax: UInt32
    public var rcvNxt: UInt32
    public var sendWindow: Int
    public var receiveWindow: Int
    public var smoothedRTT: Duration?
    public var rttVariation: Duration
    public var rto: Duration
    public var congestionWindow: Int
    public var slowStartThreshold: Int
    public var isInRecovery: Bool
    public var retransmissions: Int
    public var timeouts: Int
    public var fastRetransmits: Int
    public var duplicateAcks: Int
    public var totalDuplicateAcks: Int
    /// SACKed ranges the sender holds, as sequence numbers.
    public var sackScoreboard: [SACKBlockRange]
    /// Missing ranges in the receive reassembly, as sequence numbers.
    public var reassemblyHoles: [SACKBlockRange]
    public var bytesSent: Int
    public var bytesRetransmitted: Int
    public var bytesReceived: Int
    public var segmentsSent: Int
    public var segmentsReceived: Int
    public var sendMSS: Int
    public var sendWindowShift: Int
    public var receiveWindowShift: Int
    public var isSACKPermitted: Bool
    public var isTimestampsEnabled: Bool
    /// Tail loss probes sent (RFC 8985 §7).
    public var lossProbes: Int = 0
    /// Segments RACK judged lost by time (RFC 8985 §6), retransmissions included.
    public var segmentsMarkedLost: Int = 0
    /// The path MTU the connection works with (RFC 1191), nil when it knows none.
    public var pathMTU: Int?
    /// Data segments that arrived holding only bytes received before.
    public var duplicateSegmentsReceived: Int = 0
    /// ACKs sent with a D-SACK block, and D-SACK blocks received (RFC 2883).
    public var dsacksSent: Int = 0
    public var dsacksReceived: Int = 0
    /// Retransmitted segments a D-SACK showed needless (the original had arrived).
    public var spuriousRetransmissions: Int = 0
    /// Congestion responses undone because they proved spurious.
    public var undos: Int = 0
    /// RACK's reordering window now (RFC 8985 §6.2), nil before an RTT sample.
    public var reorderingWindow: Duration?
    /// RACK's minimum RTT (RACK.min_RTT, windowed), nil before a sample or without RACK.
    public var rackMinRTT: Duration?
    /// How far the path was seen to reorder, in segments: the duplicate-ACK threshold.
    public var reordering: Int = 3
    /// Retransmitted segments by why they were sent again.
    public var retransmitsBy = TCPRetransmitCounts()
    /// BBR's state, nil for the other controllers.
    public var bbr: BBRSummary?

    /// What BBR believes about the path.
    public struct BBRSummary: Sendable, Hashable {
        public var mode: TCPBBR.Mode
        /// Bottleneck bandwidth estimate, bytes per second.
        public var bandwidth: Double
        public var minRTT: Duration?
        /// Pacing rate, bytes per second.
        public var pacingRate: Double
    }
}

/// A range of sequence numbers [left, right).
public struct SACKBlockRange: Sendable, Hashable {
    public var left: UInt32
    public var right: UInt32
    public init(left: UInt32, right: UInt32) { self.left = left; self.right = right }
}
