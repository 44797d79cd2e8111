/// Settings for one TCP connection. The defaults are the lab defaults.
public struct TCPConfiguration: Sendable {
    /// Largest segment payload this side will accept and send (MSS option, RFC 9293 §3.7.1).
    public var maximumSegmentSize = 1460
    /// Bytes the application may queue for sending.
    public var sendBufferSize = 64 * 1024
    /// Bytes of receive buffer; the advertised window never exceeds it. With
    /// `receiveBufferLimit` set this is where autotuning starts.
    public var receiveBufferSize = 64 * 1024
    /// Receive-buffer autotuning (like Linux's `tcp_rmem` maximum): when set,
    /// the buffer grows from `receiveBufferSize` up to this as the application
    /// reads at a rate the window could not carry (dynamic right-sizing), and
    /// the window scale is chosen for this size. nil: the buffer stays fixed.
    public var receiveBufferLimit: Int?
    /// Send-buffer autotuning (like Linux's `tcp_wmem` maximum): when set, the
    /// send buffer grows from `sendBufferSize` up to this with the congestion
    /// window. nil: the buffer stays fixed.
    public var sendBufferLimit: Int?
    /// Lower bound of the retransmission timeout. RFC 6298 says 1 s; the lab
    /// default is 200 ms, as in Linux, so that loss recovery is visible but quick.
    public var minimumRTO: Duration = .milliseconds(200)
    /// Upper bound of the retransmission timeout (RFC 6298 §2.5 allows 60 s).
    public var maximumRTO: Duration = .seconds(60)
    /// Timeout before the first RTT sample (RFC 6298 §2.1).
    public var initialRTO: Duration = .seconds(1)
    /// Maximum segment lifetime; TIME-WAIT lasts twice this.
    public var maximumSegmentLifetime: Duration = .seconds(30)
    /// Nagle's algorithm (RFC 9293 §3.7.4).
    public var isNagleEnabled = true
    /// Delayed acknowledgments (RFC 9293 §3.8.6.3): at most every second full
    /// segment and at most `delayedAckTimeout` late.
    public var isDelayedAckEnabled = true
    public var delayedAckTimeout: Duration = .milliseconds(40)
    public var congestionControl: TCPCongestionAlgorithm = .newReno
    /// Initial congestion window in segments (RFC 6928).
    public var initialWindowSegments = 10
    /// Offer and use SACK (RFC 2018, RFC 6675).
    public var isSACKEnabled = true
    /// RACK-TLP loss detection (RFC 8985) when SACK is in use: segments are
    /// judged lost by send time (lost retransmissions too), and a tail loss
    /// probe replaces most timeouts. Off: RFC 6675 duplicate-ACK counting only.
    public var isRACKEnabled = true
    /// D-SACK (RFC 2883) when SACK is in use: a duplicate segment is reported
    /// in the first SACK block of the next ACK, and a D-SACK from the peer marks
    /// a retransmission spurious, widens RACK's reordering window (RFC 8985
    /// §6.2) and undoes the congestion response of a recovery whose every
    /// retransmission proved spurious. Off: none of these (as Linux `tcp_dsack=0`
    /// for the sending part).
    public var isDSACKEnabled = true
    /// Pace segments at the controller's rate when it has one (BBR), in bursts
    /// of its send quantum.
    public var isPacingEnabled = true
    /// Offer and use timestamps (RFC 7323 §3).
    public var isTimestampsEnabled = true
    /// Offer window scaling (RFC 7323 §2); the shift is chosen from the receive buffer.
    public var isWindowScalingEnabled = true
    /// Retransmission timeouts in a row after which the connection is aborted.
    public var maximumRetransmissions = 15
    /// Retransmissions of a SYN before giving up (Linux `tcp_syn_retries`).
    public var maximumSYNRetransmissions = 6
    /// Retransmissions of a SYN-ACK before a half-open connection is given up
    /// (Linux `tcp_synack_retries`), so spoofed SYNs hold a listener's queue for about a minute.
    public var maximumSYNACKRetransmissions = 5
    /// How long an orphaned connection (its application gone) waits in
    /// FIN-WAIT-2 for the peer's FIN before it is forgotten (Linux `tcp_fin_timeout`).
    public var finWait2Timeout: Duration = .seconds(60)
    /// Retransmission timeouts in a row, or zero-window probes, after which an
    /// orphaned connection is aborted (Linux `tcp_orphan_retries`: 0 means 8).
    public var orphanRetries = 8
    /// Answer SYNs with SYN cookies (RFC 4987) while a listener's queue is
    /// full, as Linux does with `tcp_syncookies=1`; off: such SYNs are dropped.
    public var isSYNCookiesEnabled = true
    /// Keepalive (RFC 9293 §3.8.4), off by default.
    public var keepalive: Keepalive?
    /// Record events for tracing (off for fast benchmarks).
    public var recordsEvents = true
    /// The MTU of the interface connections leave by, where they start their
    /// path MTU (RFC 1191): a segment, options included, never exceeds it, and
    /// ICMP "fragmentation needed" lowers it. nil: segments are bounded by the MSS alone.
    public var pathMTU: Int?

    public struct Keepalive: Sendable {
        public var idle: Duration
        public var interval: Duration
        public var probes: Int
        public init(idle: Duration = .seconds(7200), interval: Duration = .seconds(75), probes: Int = 9) {
            self.idle = idle
            self.interval = interval
            self.probes = probes
        }
    }

    public init() {}

    /// Window-scale shift that lets the receive buffer, at its largest, be advertised in 16 bits.
    var receiveWindowShift: Int {
        guard isWindowScalingEnabled else { return 0 }
        let largest = Swift.max(receiveBufferSize, receiveBufferLimit ?? 0)
        var shift = 0
        while shift < 14 && (largest >> shift) > 65535 { shift += 1 }
        return shift
    }
}
