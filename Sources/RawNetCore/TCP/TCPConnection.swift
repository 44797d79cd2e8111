import RawNetWire

/// One TCP connection (RFC 9293), free of I/O: segments and the time come in as
/// arguments, segments to send come out of ``poll(now:)``, and
/// ``nextDeadline()`` says when `poll` must be called again at the latest.
///
/// Internally both sequence spaces are kept as 64-bit *positions* counted from the
/// initial sequence numbers (the SYN is position 0, data byte *k* is position
/// *k* + 1), so no comparison inside ever wraps; numbers are wrapped to 32 bits
/// only on the wire.
public struct TCPConnection: Sendable {
    public let id: TCPConnectionID
    public internal(set) var configuration: TCPConfiguration
    /// True for a connection created by a listener from an arriving SYN.
    public let isPassive: Bool
    public internal(set) var state: TCPState = .closed
    /// Why the connection ended, if it ended abnormally.
    public internal(set) var error: TCPConnectionError?
    /// True once the application is gone (it closed or died): nothing will
    /// read what arrives, and the connection's life is bounded (see ``orphan(now:)``).
    public internal(set) var isOrphaned = false

    // Send side (positions from the ISS).
    let iss: SequenceNumber
    var sndUna = 0
    var sndNxt = 0
    var sndMax = 0
    var sndWnd = 0
    var sndWl1 = 0
    var sndWl2 = 0
    var maxSndWnd = 0
    var sendBuffer: TCPSendBuffer
    var isFINQueued = false

    // Receive side (positions from the IRS).
    var irs = SequenceNumber(0)
    var rcvNxt = 0
    var rcvAdv = 0
    var reassembler = TCPReassembler()
    @usableFromInline var receiveQueue: [UInt8] = []
    /// The receive buffer's size now (`configuration.receiveBufferSize` unless autotuning grew it).
    var receiveBufferSize: Int
    var receiveAutotuning: TCPReceiveAutotuning?
    @usableFromInline var receiveHead = 0
    var remoteFINPosition: Int?
    var isFINReceived = false

    // Negotiated options.
    var sendMSS: Int
    /// The path MTU this connection knows (RFC 1191), nil when unbounded.
    var pathMTU: Int?
    var sndWndShift = 0
    var rcvWndShift = 0
    var isWindowScaleOn = false
    var isSACKPermitted = false
    var isTimestampsOn = false
    var tsRecent: UInt32 = 0
    var lastAckSent = 0

    // Acknowledgments.
    var isAckNeeded = false
    var bytesSinceAck = 0
    /// In-order segments still to be acknowledged at once, not delayed
    /// (Linux's quick-ACK mode, entered when a duplicate arrives).
    var quickAcksLeft = 0
    /// When the last data segment arrived (for quick-ACK mode after a silence).
    var lastDataArrivedAt: Instant?
    var delayedAckDeadline: Instant?
    var challengeWindowStart = Instant.zero
    var challengeACKsInWindow = 0

    // Timers.
    var retransmitDeadline: Instant?
    var persistDeadline: Instant?
    var persistBackoff = 0
    /// When TIME-WAIT ends, or an orphaned FIN-WAIT-2 gives up waiting for the peer's FIN.
    var timeWaitDeadline: Instant?
    var keepaliveDeadline: Instant?
    var keepaliveProbesSent = 0
    var probesUnanswered = 0

    // Round-trip time and loss recovery.
    var rtt: TCPRTTEstimator
    var rttSample: RTTSample?
    var consecutiveTimeouts = 0
    var congestion: TCPCongestionControl
    var duplicateAcks = 0
    var isInRecovery = false
    var recoveryPoint = 0
    var highRetransmitted = 0
    var scoreboard = TCPSACKScoreboard()
    /// How far the path has reordered, in segments (Linux's `tp->reordering`):
    /// the duplicate-ACK threshold, 3 until a segment never resent is delivered
    /// that many segments below the highest one (S)ACKed; at most 300.
    var reordering = TCPConnection.initialReordering
    static let initialReordering = 3
    static let maximumReordering = 300
    var forcedRetransmit: (position: Int, reason: TCPRetransmitReason)?
    /// Recovery began with a retransmission timeout (the window regrows by slow start).
    var isRecoveringFromTimeout = false

    // RACK-TLP (RFC 8985), delivery rate and pacing.
    var sentSegments = TCPSentSegments()
    var deliveryRate = TCPDeliveryRateEstimator()
    var rack = TCPRACKState()
    var rackDeadline: Instant?
    var lossProbeDeadline: Instant?
    /// The outstanding tail loss probe: what it sent, SND.MAX after it, whether
    /// it resent data, and whether a D-SACK showed that resending needless.
    var lossProbe: (start: Int, end: Int, isRetransmission: Bool, isDSACKed: Bool)?
    var isLossProbeDue = false
    /// Probes sent in the current stalled recovery without progress since.
    var stalledRecoveryProbes = 0
    var pacingReleaseAt = Instant.zero
    var pacingDeadline: Instant?

    // D-SACK (RFC 2883) and undo.
    /// A duplicate the next ACK reports in its first SACK block (receive positions).
    var pendingDSACK: Range<Int>?
    /// The timestamp echo of the ACK being processed (RFC 8985 §6.2 step 2).
    var arrivingEcho: UInt32?
    /// What the sender needs to tell spurious retransmissions and undo a recovery.
    var undo = TCPUndoState()

    var outbox: [TCPSegment] = []
    var pendingEvents: [TCPEvent] = []
    /// The congestion window and threshold last reported by a `congestionChanged` event.
    var reportedCongestion: (window: Int, threshold: Int) = (0, 0)
    var counters = Counters()

    struct RTTSample: Sendable { var position: Int; var sentAt: Instant }

    struct Counters: Sendable {
        var retransmissions = 0
        var retransmitsBy = TCPRetransmitCounts()
        var timeouts = 0
        var fastRetransmits = 0
        var totalDuplicateAcks = 0
        var bytesSent = 0
        var bytesRetransmitted = 0
        var bytesReceived = 0
        var segmentsSent = 0
        var segmentsReceived = 0
        var lossProbes = 0
        var segmentsMarkedLost = 0
        var duplicateSegmentsReceived = 0
        var dsacksSent = 0
        var dsacksReceived = 0
        var spuriousRetransmissions = 0
        var undos = 0
        /// Challenge ACKs the rate limit held back: segments left unanswered.
        var challengeACKsSuppressed = 0
    }

    init(id: TCPConnectionID, configuration: TCPConfiguration, iss: SequenceNumber, isPassive: Bool) {
        self.id = id
        self.configuration = configuration
        self.iss = iss
        self.isPassive = isPassive
        sendBuffer = TCPSendBuffer(capacity: configuration.sendBufferSize)
        receiveBufferSize = configuration.receiveBufferSize
        if let limit = configuration.receiveBufferLimit, limit > configuration.receiveBufferSize {
            receiveAutotuning = TCPReceiveAutotuning(limit: limit, maximumSegmentSize: configuration.maximumSegmentSize)
        }
        sendMSS = 536
        pathMTU = configuration.pathMTU
        rtt = TCPRTTEstimator(minimum: configuration.minimumRTO, maximum: configuration.maximumRTO,
                              initial: configuration.initialRTO)
        congestion = TCPCongestionControl(algorithm: configuration.congestionControl, mss: 536,
                                          initialWindowSegments: configuration.initialWindowSegments)
    }

    /// Opens a connection actively: the first ``poll(now:)`` sends the SYN.
    public static func connect(id: TCPConnectionID, configuration: TCPConfiguration = TCPConfiguration(),
                               initialSequenceNumber: SequenceNumber, now: Instant) -> TCPConnection {
        var connection = TCPConnection(id: id, configuration: configuration, iss: initialSequenceNumber,
                                       isPassive: false)
        connection.setState(.synSent, now: now)
        return connection
    }

    /// Opens a connection passively from a SYN that reached a listener; the first
    /// ``poll(now:)`` sends the SYN-ACK. Returns nil if `syn` is not a plain SYN.
    public init?(acceptingSYN syn: TCPSegment, configuration: TCPConfiguration = TCPConfiguration(),
                 initialSequenceNumber: SequenceNumber, now: Instant) {
        let flags = syn.header.flags
        guard flags.contains(.syn), !flags.contains(.ack), !flags.contains(.rst) else { return nil }
        self.init(id: TCPConnectionID(arriving: syn), configuration: configuration,
                  iss: initialSequenceNumber, isPassive: true)
        learnPeer(fromSYN: syn)
        setState(.synReceived, now: now)
    }

    // MARK: Application interface

    /// Queues bytes for sending and returns how many fit in the send buffer.
    /// Throws once the connection was closed for sending.
    public mutating func send(_ bytes: some Collection<UInt8>) throws -> Int {
        switch state {
        case .synSent, .synReceived, .established, .closeWait:
            guard !isFINQueued else { throw TCPUsageError.connectionClosing }
            return sendBuffer.append(bytes)
        default:
            throw error ?? TCPUsageError.connectionClosing
        }
    }

    /// Room left in the send buffer.
    public var sendBufferSpace: Int { sendBuffer.freeSpace }
    /// Bytes written but not yet acknowledged by the peer.
    public var unacknowledgedByteCount: Int { sendBuffer.count }

    /// Bytes received in order and not yet read.
    @inlinable public var availableByteCount: Int { receiveQueue.count - receiveHead }  // inlined across modules: see receivesData

    /// Bytes the connection's buffers hold: received (in order and not yet
    /// compacted away, or out of order) and written but not acknowledged —
    /// what a host charges to its TCP memory budget, as Linux charges `tcp_mem`.
    public var bufferedByteCount: Int {
        receiveQueue.count + reassembler.pendingByteCount + sendBuffer.count
    }

    /// True once the peer's FIN arrived and every byte before it was read.
    public var isEndOfStream: Bool { isFINReceived && availableByteCount == 0 }

    /// Reads up to `maxCount` bytes received in order.
    public mutating func receive(maxCount: Int = .max) -> [UInt8] {
        var bytes: [UInt8] = []
        receive(maxCount: maxCount, appendingTo: &bytes)
        return bytes
    }

    /// Like ``receive(maxCount:)``, but appends the bytes to `buffer` and
    /// returns how many there were.
    @discardableResult
    public mutating func receive(maxCount: Int = .max, appendingTo buffer: inout [UInt8]) -> Int {
        let count = Swift.min(maxCount, availableByteCount)
        guard count > 0 else { return 0 }
        buffer.append(contentsOf: receiveQueue[receiveHead..<(receiveHead + count)])
        receiveHead += count
        receiveAutotuning?.noteRead(count)
        if receiveHead == receiveQueue.count {
            receiveQueue.removeAll(keepingCapacity: true)
            receiveHead = 0
        } else if receiveHead >= 16384 && receiveHead * 2 >= receiveQueue.count {
            receiveQueue.removeFirst(receiveHead)
            receiveHead = 0
        }
        // A standalone window update only when the peer may be held back by the
        // old window: it is under two segments, or the new one is twice as large.
        if receivesData && windowUpdateIsWorthSending {
            let current = Swift.max(rcvAdv - rcvNxt, 0)
            let free = receiveBufferSize - unreadByteCount
            if current < 2 * configuration.maximumSegmentSize || free >= 2 * current { isAckNeeded = true }
        }
        return count
    }

    /// Closes the sending direction gracefully: queued bytes go out, then a FIN.
    public mutating func close(now: Instant) {
        switch state {
        case .synSent where sendBuffer.isEmpty:
            setState(.closed, now: now)  // RFC 9293 §3.10.4: nothing to deliver, delete the TCB
        case .synSent, .synReceived:
            // Queued data still goes out once the handshake completes, then the FIN
            // (as RFC 9293 prescribes for SYN-RECEIVED; done for SYN-SENT too).
            isFINQueued = true  // FIN-WAIT-1 once the handshake completes
        case .established:
            isFINQueued = true
            setState(.finWait1, now: now)
        case .closeWait:
            isFINQueued = true
            setState(.lastAck, now: now)
        default:
            break
        }
    }

    /// The application is gone (closed its socket or died), as Linux orphans a
    /// socket: new data arriving now is answered with a RST (RFC 9293 §3.10.7.4,
    /// RFC 1122 4.2.2.13), FIN-WAIT-2 lasts at most `finWait2Timeout`, and
    /// retransmissions and zero-window probes give up after `orphanRetries`.
    public mutating func orphan(now: Instant) {
        guard !isOrphaned else { return }
        isOrphaned = true
        if state == .finWait2 { timeWaitDeadline = now + configuration.finWait2Timeout }
    }

    /// Aborts the connection: a RST goes to the peer if it is synchronized.
    public mutating func abort(now: Instant) {
        if state.isSynchronized && state != .timeWait {
            outbox.append(makeSegment(position: sndMax, flags: [.rst], payload: [], now: now))
        }
        fail(.aborted, now: now)
    }

    /// Earliest instant at which a timer runs out, nil if none is armed.
    @inline(__always) public func nextDeadline() -> Instant? {
        // Without an array: this runs for every connection whenever the host rearms its timer.
        func earlier(_ a: Instant?, _ b: Instant?) -> Instant? {
            guard let a else { return b }
            guard let b else { return a }
            return b < a ? b : a
        }
        let base = earlier(earlier(earlier(earlier(retransmitDeadline, persistDeadline), delayedAckDeadline),
                                   timeWaitDeadline), keepaliveDeadline)
        return earlier(earlier(earlier(base, rackDeadline), lossProbeDeadline), pacingDeadline)
    }

    /// True if segments are waiting to be collected by ``poll(now:)`` right now.
    public var hasPendingOutput: Bool { !outbox.isEmpty || isAckNeeded }

    /// Returns and forgets the events recorded since the last call.
    public mutating func drainEvents() -> [TCPEvent] {
        defer { pendingEvents.removeAll() }
        return pendingEvents
    }

    /// Fires timers that are due, then returns every segment ready to send.
    public mutating func poll(now: Instant) -> [TCPSegment] {
        fireTimers(now: now)
        output(now: now)
        defer { outbox.removeAll(keepingCapacity: true) }
        return outbox
    }

    /// Records `congestionChanged` when the window or threshold moved since the
    /// last report. `TCPStack` calls it once per poll of the connection while
    /// someone watches (`TCPStack.reportsCongestion`), so however many ACKs
    /// moved them, a poll reports them once, and nobody pays when nobody looks.
    public mutating func reportCongestionChange(now: Instant) {
        let current = (window: congestion.window, threshold: congestion.slowStartThreshold)
        guard configuration.recordsEvents, current != reportedCongestion, state.isSynchronized else { return }
        reportedCongestion = current
        record(.congestionChanged(cwnd: current.window, ssthresh: current.threshold), now: now)
    }

    // MARK: Helpers shared by the extensions

    // The small members the engine reads on every segment are inlined (`@inline(__always)`):
    // a call from a mutating member to a nonmutating one passes a copy of the whole
    // connection (about 2.3 KB), which cost as much as a payload copy per segment.
    @inline(__always) var receivesData: Bool { state == .established || state == .finWait1 || state == .finWait2 }

    var unreadByteCount: Int { receiveQueue.count - receiveHead }

    /// How much the window could open right now without receiver silly window syndrome.
    var windowUpdateIsWorthSending: Bool {
        let free = receiveBufferSize - unreadByteCount
        let current = Swift.max(rcvAdv - rcvNxt, 0)
        return free - current >= Swift.min(receiveBufferSize / 2, configuration.maximumSegmentSize)
    }

    /// Position one past the last data byte (where the FIN goes).
    var dataEnd: Int { sendBuffer.endIndex + 1 }
    /// Position one past everything that will ever be sent so far (FIN included).
    var finalEnd: Int { dataEnd + (isFINQueued ? 1 : 0) }
    var isFINAcked: Bool { isFINQueued && sndUna >= dataEnd + 1 }

    mutating func record(_ kind: TCPEvent.Kind, now: Instant, timestampValue: UInt32? = nil) {
        if configuration.recordsEvents { pendingEvents.append(TCPEvent(time: now, kind: kind, timestampValue: timestampValue)) }
    }

    mutating func setState(_ newState: TCPState, now: Instant) {
        guard newState != state else { return }
        record(.stateChanged(from: state, to: newState), now: now)
        state = newState
        switch newState {
        case .timeWait:
            timeWaitDeadline = now + configuration.maximumSegmentLifetime * 2
            retransmitDeadline = nil
            persistDeadline = nil
            keepaliveDeadline = nil
            clearLossTimers()
        case .closed:
            clearLossTimers()
            retransmitDeadline = nil
            persistDeadline = nil
            delayedAckDeadline = nil
            timeWaitDeadline = nil
            keepaliveDeadline = nil
            isAckNeeded = false
        case .established:
            if let keepalive = configuration.keepalive { keepaliveDeadline = now + keepalive.idle }
        case .finWait2:
            if isOrphaned { timeWaitDeadline = now + configuration.finWait2Timeout }
        default:
            break
        }
    }

    mutating func clearLossTimers() {
        rackDeadline = nil
        lossProbeDeadline = nil
        pacingDeadline = nil
    }

    mutating func fail(_ reason: TCPConnectionError, now: Instant) {
        if error == nil { error = reason }
        record(.failed(reason), now: now)
        setState(.closed, now: now)
    }
}
