/// RACK's view of the most recently sent segment that was delivered (RFC 8985 §6.1).
struct TCPRACKState: Sendable {
    /// Send time and end of the most recently sent segment (S)ACKed so far.
    var sentAt: Instant?
    var end = 0
    /// RACK.rtt: the RTT of the latest-sent segment the most recent ACK
    /// delivered (RFC 8985 §6.2 step 2 sets it for every newly delivered
    /// segment, in order of send time), not only of `sentAt`'s segment: when a
    /// reordered segment overtook, the ACKs of the ones before it bring the
    /// path's RTT back at once.
    var rtt: Duration = .zero
    /// The latest-sent segment the ACK being processed has delivered so far.
    var ackNewest: (sentAt: Instant, end: Int)?
    /// RACK.min_RTT: the smallest RTT measured as RFC 6298 and 7323 measure
    /// (RFC 8985 §6.2 step 1) — the handshake, and the oldest segment sent
    /// once that a cumulative ACK newly covers — over the last 10 seconds.
    /// A SACKed segment is not measured: one that overtook the rest (and whose
    /// ACK overtook too) took a path the others did not, and its RTT of a few
    /// hundred microseconds would shrink the reordering window to nothing.
    var minRTTFilter = TCPWindowedMinimum(window: TCPRACKState.minRTTWindow)
    var minRTT: Duration? { minRTTFilter.value }
    static let minRTTWindow: Duration = .seconds(10)
    /// The highest end (S)ACKed so far (RACK.fack).
    var forwardAcked = 0
    /// A segment sent once was delivered below `forwardAcked`, or a D-SACK
    /// showed a retransmission needless: the path reorders.
    var isReorderingSeen = false
    /// RFC 8985 §6.2 step 4: the reordering window is this many quarters of
    /// min_RTT (RACK.reo_wnd_mult), grown by D-SACKs, at most SRTT.
    var reorderingMultiplier = 1
    /// Recoveries left until the multiplier goes back to 1 (RACK.reo_wnd_persist).
    var reorderingPersist = 0
    /// SND.MAX when the multiplier last grew (RACK.dsack_round): once per round trip.
    var dsackRound: Int?
    static let maximumMultiplier = 255
    /// Recoveries a widened window lasts (RFC 8985 §6.2: 16).
    static let reorderingPersistence = 16
}

extension TCPConnection {
    /// RACK-TLP is in use: enabled, and the peer takes SACK.
    var usesRACK: Bool { configuration.isRACKEnabled && isSACKPermitted }

    /// Per-segment records are kept: for RACK and for BBR's delivery rate.
    var tracksSentSegments: Bool { usesRACK || congestion.algorithm == .bbr }

    // MARK: Bookkeeping of transmissions

    /// Notes that `position..<position + consumed` left now; called before SND.MAX moves.
    mutating func recordTransmission(from position: Int, consumed: Int, now: Instant) {
        guard tracksSentSegments, consumed > 0 else { return }
        let end = position + consumed
        let nothingInFlight = sndMax == sndUna
        if position < sndMax {
            let upper = Swift.min(end, sndMax)
            sentSegments.split(at: position)
            sentSegments.split(at: upper)
            if var index = sentSegments.index(containing: position) {
                while index < sentSegments.indices.upperBound && sentSegments[index].start < upper {
                    var segment = sentSegments[index]
                    segment.sentAt = now
                    segment.isRetransmitted = true
                    segment.isLost = false
                    deliveryRate.stamp(&segment, nothingInFlight: nothingInFlight, now: now)
                    sentSegments[index] = segment
                    index += 1
                }
            }
        }
        if end > sndMax {
            var segment = TCPSentSegment(start: Swift.max(position, sndMax), end: end, sentAt: now, delivered: 0,
                                         deliveredAt: now, firstSentAt: now, isAppLimited: false)
            deliveryRate.stamp(&segment, nothingInFlight: nothingInFlight, now: now)
            sentSegments.append(segment)
        }
    }

    /// The cumulative ACK moved to `ackPos`: records below it are delivered.
    mutating func recordCumulativeAck(upTo ackPos: Int, now: Instant) {
        guard tracksSentSegments else { return }
        var delivered: [TCPSentSegment] = []
        sentSegments.removeAcknowledged(below: ackPos) { if !$0.isSACKed { delivered.append($0) } }
        if usesRACK, let oldest = delivered.first(where: { !$0.isRetransmitted }) {
            rack.minRTTFilter.add(now - oldest.sentAt, at: now)  // RFC 8985 §6.2 step 1
        }
        for segment in delivered { noteDelivered(segment, now: now) }
    }

    /// A new SACK block: records wholly inside it are delivered.
    mutating func recordSACK(_ range: Range<Int>, now: Instant) {
        guard tracksSentSegments, var index = sentSegments.index(containing: range.lowerBound) else { return }
        while index < sentSegments.indices.upperBound && sentSegments[index].start < range.upperBound {
            let segment = sentSegments[index]
            if !segment.isSACKed && segment.start >= range.lowerBound && segment.end <= range.upperBound {
                sentSegments[index].isSACKed = true
                sentSegments[index].isLost = false
                noteDelivered(segment, now: now)
            }
            index += 1
        }
    }

    private mutating func noteDelivered(_ segment: TCPSentSegment, now: Instant) {
        deliveryRate.onDelivered(segment, now: now)
        guard usesRACK else { return }
        // RFC 8985 §6.2 steps 2–3 (step 1, the minimum RTT, is in recordCumulativeAck).
        let sampleRTT = now - segment.sentAt
        if segment.isRetransmitted, let minRTT = rack.minRTT, sampleRTT < minRTT {
            return  // too quick to be the retransmission's own ACK: the original arrived
        }
        if segment.isRetransmitted, configuration.isDSACKEnabled, let echo = arrivingEcho, echo != 0,
           Int32(bitPattern: echo &- timestampClock(segment.sentAt)) < 0 {
            return  // step 2 with timestamps: the ACK echoes the original's, not the copy's
        }
        if !segment.isRetransmitted {
            if segment.end < rack.forwardAcked {
                rack.isReorderingSeen = true
                noteReordering(start: segment.start, below: rack.forwardAcked)
            }
        }
        rack.forwardAcked = Swift.max(rack.forwardAcked, segment.end)
        if rack.ackNewest == nil || Self.isSent(after: (segment.sentAt, segment.end), rack.ackNewest!) {
            rack.ackNewest = (segment.sentAt, segment.end)
            rack.rtt = sampleRTT
        }
        if rack.sentAt == nil || Self.isSent(after: (segment.sentAt, segment.end), (rack.sentAt!, rack.end)) {
            rack.sentAt = segment.sentAt
            rack.end = segment.end
        }
    }

    /// RFC 8985 RACK_sent_after: `a` left after `b` (by time, then by end).
    static func isSent(after a: (Instant, Int), _ b: (Instant, Int)) -> Bool {
        a.0 > b.0 || (a.0 == b.0 && a.1 > b.1)
    }

    // MARK: Loss detection

    /// RFC 8985 §6.2 step 4: the reordering window.
    func reorderingWindow(sackedSegments: Int) -> Duration {
        guard let minRTT = rack.minRTT else { return .zero }
        if !rack.isReorderingSeen && (isInRecovery || sackedSegments >= reordering) { return .zero }
        return Swift.min(minRTT / 4 * rack.reorderingMultiplier, rtt.smoothed ?? minRTT)
    }

    /// RFC 8985 §6.2 step 5: marks segments sent before the most recently
    /// delivered one, and older than its RTT plus the reordering window, as lost;
    /// arms the RACK timer for the rest. Returns true if any was newly marked.
    mutating func detectLossByTime(now: Instant) -> Bool {
        rackDeadline = nil
        guard usesRACK, let newest = rack.sentAt else { return false }
        var sacked = 0
        for index in sentSegments.indices where sentSegments[index].isSACKed { sacked += 1 }
        let window = reorderingWindow(sackedSegments: sacked)
        var wait = Duration.zero
        var isAnyLost = false
        for index in sentSegments.indices {
            let segment = sentSegments[index]
            guard segment.isInFlight, Self.isSent(after: (newest, rack.end), (segment.sentAt, segment.end)) else { continue }
            let remaining = (segment.sentAt + rack.rtt + window) - now
            if remaining <= .zero {
                sentSegments[index].isLost = true
                counters.segmentsMarkedLost += 1
                isAnyLost = true
            } else if remaining > wait {
                wait = remaining
            }
        }
        if wait > .zero { rackDeadline = now + wait }
        return isAnyLost
    }

    /// After an ACK: RACK loss detection, the BBR rate sample, the end of a loss probe.
    mutating func finishAck(advanced: Bool, now: Instant) {
        guard tracksSentSegments else { return }
        // A segment still marked lost when recovery ended (new data sent during
        // recovery, judged lost but held back by the window or pacing when the
        // cumulative ACK passed the recovery point) starts the next recovery:
        // ordinary output neither resends it nor counts it out of the flight,
        // so without this the connection waited for the RTO.
        let isLossFound = detectLossByTime(now: now)
        if !isInRecovery && usesRACK && (isLossFound || sentSegments.firstLostIndex != nil) { enterRecovery(now: now) }
        let minimum = congestion.bbr?.minRTT ?? rack.minRTT
        if let sample = deliveryRate.finishSample(minimumInterval: minimum), congestion.algorithm == .bbr {
            congestion.onRateSample(sample, bytesInFlight: sentSegments.bytesInFlight, smoothedRTT: rtt.smoothed,
                                    now: now)
        }
        if let probe = lossProbe, sndUna >= probe.end {
            // RFC 8985 §7.4.2: a retransmitting probe repaired a loss unless a
            // D-SACK shows the original arrived. An ACK of exactly the probe may
            // be followed by that D-SACK, so only an ACK beyond it (or a peer
            // without D-SACK) makes the response recovery would make.
            let isUndecided = probe.isRetransmission && !probe.isDSACKed && usesDSACK && sndUna == probe.end
            if !isUndecided { lossProbe = nil }
            if probe.isRetransmission && !probe.isDSACKed && !isUndecided && !isInRecovery && !congestion.ignoresLoss {
                congestion.onCongestionEvent(flightSize: sndMax - sndUna, now: now)
                congestion.window = Swift.max(congestion.slowStartThreshold, sendMSS)
            }
        }
        if advanced {
            isLossProbeDue = true
            stalledRecoveryProbes = 0
        }
    }

    /// The RACK timer ran out: judge again with the time that passed.
    mutating func onRACKTimeout(now: Instant) {
        if detectLossByTime(now: now) && !isInRecovery { enterRecovery(now: now) }
    }

    /// RFC 8985 §6.3 with RFC 5681 §3.1: after a timeout every segment not
    /// SACKed is lost, and recovery retransmits them as the window regrows.
    mutating func markAllLostAfterTimeout(forgettingSACKs: Bool) {
        for index in sentSegments.indices {
            if forgettingSACKs { sentSegments[index].isSACKed = false }
            if !sentSegments[index].isSACKed { sentSegments[index].isLost = true }
        }
        rack.sentAt = nil
        rackDeadline = nil
    }

    // MARK: Tail loss probe (RFC 8985 §7)

    /// Arms (or re-arms) the probe timer after new data went out or an ACK
    /// advanced SND.UNA, when §7.2's conditions hold.
    mutating func armLossProbeIfDue(now: Instant) {
        // A recovery also stalls without an ACK: its last lost segment may leave
        // on the RACK or pacing timer, or once an egress queue has room. Without
        // this its loss would wait for the RTO.
        // Not after a timeout, though: there the backed-off RTO is the only timer
        // (RFC 6298 §5.5), as Linux sends no probe in its loss state.
        let isStalledWithoutProbe = isInRecovery && !isRecoveringFromTimeout && lossProbeDeadline == nil && usesRACK
            && stalledRecoveryProbes < Self.maximumStalledRecoveryProbes && isRecoveryStalled
        guard isLossProbeDue || isStalledWithoutProbe else { return }
        isLossProbeDue = false
        guard usesRACK, state.isSynchronized, sndMax > sndUna, let srtt = rtt.smoothed,
              isInRecovery ? !isRecoveringFromTimeout && isRecoveryStalled : (lossProbe == nil && scoreboard.isEmpty) else {
            lossProbeDeadline = nil
            return
        }
        // 2·SRTT plus 2 ms of slack (as Linux adds); when less than two full
        // segments are out the peer may hold its ACK back for its delayed-ACK
        // time (the lab's 40 ms), so twice that is added instead, leaving room
        // for a late timer in a busy daemon.
        var timeout = srtt * 2
        timeout += sndMax - sndUna < 2 * sendMSS ? configuration.delayedAckTimeout * 2 : .milliseconds(2)
        // Probes of one stalled recovery back off as the RTO does.
        for _ in 0..<stalledRecoveryProbes { timeout = timeout * 2 }
        let deadline = now + timeout
        if let rto = retransmitDeadline, deadline >= rto {
            lossProbeDeadline = nil
        } else {
            lossProbeDeadline = deadline
        }
    }

    /// Probes one stalled recovery may send before the RTO takes over.
    static let maximumStalledRecoveryProbes = 3

    /// Recovery can send nothing more (every lost segment was resent, and the
    /// peer's window or the data has run out), so a lost retransmission could
    /// only be found by something sent after it: nothing will be.
    @inline(__always) var isRecoveryStalled: Bool {
        guard sentSegments.firstLostIndex == nil else { return false }
        if sndMax >= finalEnd { return true }
        let room = sndUna + sndWnd - sndMax
        return room < Swift.min(sendMSS, dataEnd - sndMax)
    }

    /// The probe timer ran out: send one new segment if the peer's window takes
    /// it, else the last segment again, and restart the retransmission timer.
    /// In a stalled recovery (a step beyond RFC 8985 §7, which probes only
    /// outside recovery) the probe resends the oldest outstanding segment, the
    /// one holding the window back, instead of waiting for the RTO; never in the
    /// recovery a timeout began, which the backed-off RTO alone paces.
    mutating func onLossProbeTimeout(now: Instant) {
        guard usesRACK, sndUna >= 1, sndMax > sndUna, state != .closed, state != .timeWait else { return }
        if isInRecovery {
            guard !isRecoveringFromTimeout, isRecoveryStalled, let oldest = sentSegments.first, oldest.isInFlight
            else { return }
            _ = emitData(from: oldest.start, maxLength: oldest.length, reason: .lossProbe, now: now)
            counters.lossProbes += 1
            retransmitDeadline = now + rtt.timeout
            // A probe can be lost too: up to three in a row, each after twice the wait.
            stalledRecoveryProbes += 1
            if stalledRecoveryProbes < Self.maximumStalledRecoveryProbes { isLossProbeDue = true }
            return
        }
        guard lossProbe == nil else { return }
        let room = sndUna + sndWnd - sndMax
        let newLength = Swift.min(sendMSS, dataEnd - sndMax, room)
        var isRetransmission = false
        let start: Int
        if sndMax < finalEnd && (newLength > 0 || (sndMax == dataEnd && isFINQueued)) {
            start = sndMax
            let consumed = emitData(from: sndMax, maxLength: Swift.max(newLength, 0), reason: .lossProbe, now: now)
            sndNxt = Swift.max(sndNxt, sndMax)
            if consumed == 0 { return }
        } else if let last = sentSegments.last {
            isRetransmission = true
            start = last.start
            _ = emitData(from: last.start, maxLength: last.length, reason: .lossProbe, now: now)
        } else {
            return
        }
        counters.lossProbes += 1
        lossProbe = (start: start, end: sndMax, isRetransmission: isRetransmission, isDSACKed: false)
        retransmitDeadline = now + rtt.timeout
    }

    // MARK: Recovery output and pacing

    /// Loss recovery with RACK: segments marked lost first (lowest first), then
    /// new data, while the window exceeds what is in flight. Just after recovery
    /// began, the first lost segment goes out whatever the window.
    mutating func rackRecoveryOutput(now: Instant) {
        var isWindowWaived = forcedRetransmit != nil
        forcedRetransmit = nil
        var inFlight = sentSegments.bytesInFlight
        var cursor = sentSegments.indices.lowerBound
        var guardCount = 0
        while guardCount < 100_000 {
            guardCount += 1
            while cursor < sentSegments.indices.upperBound && !sentSegments[cursor].isLost { cursor += 1 }
            if cursor < sentSegments.indices.upperBound {
                let lost = sentSegments[cursor]
                guard isWindowWaived || congestion.window - inFlight >= Swift.min(lost.length, sendMSS),
                      !isPacingBlocked(now: now) else { return }
                isWindowWaived = false
                // What the timeout marked lost is resent for the timeout, not for RACK.
                let reason: TCPRetransmitReason = isRecoveringFromTimeout ? .timeout : .rackLoss
                let consumed = emitData(from: lost.start, maxLength: Swift.min(lost.length, sendMSS), reason: reason,
                                        now: now)
                if consumed == 0 { return }
                notePaced(consumed, now: now)
                inFlight += consumed
                continue
            }
            guard sndMax < finalEnd else { return }
            let room = sndUna + sndWnd - sndMax
            let length = Swift.min(sendMSS, dataEnd - sndMax, room)
            let isFINOnly = sndMax == dataEnd && isFINQueued
            guard length > 0 || isFINOnly else { return }
            if length < sendMSS && length < dataEnd - sndMax && length < maxSndWnd / 2 { return }  // sender SWS
            guard congestion.window - inFlight >= Swift.max(length, 1), !isPacingBlocked(now: now) else { return }
            let consumed = emitData(from: sndMax, maxLength: Swift.max(length, 0), reason: .rackLoss, now: now)
            if consumed == 0 { return }
            sndNxt = Swift.max(sndNxt, sndMax)
            notePaced(consumed, now: now)
            inFlight += consumed
            cursor = sentSegments.indices.upperBound
        }
    }

    /// True when pacing holds the next segment back; arms the pacing deadline.
    mutating func isPacingBlocked(now: Instant) -> Bool {
        guard configuration.isPacingEnabled, congestion.pacingRate != nil, pacingReleaseAt > now else { return false }
        pacingDeadline = pacingReleaseAt
        return true
    }

    /// Moves the pacing clock on by `bytes` at the pacing rate; after a pause a
    /// burst of one send quantum may leave at once.
    mutating func notePaced(_ bytes: Int, now: Instant) {
        guard configuration.isPacingEnabled, let rate = congestion.pacingRate, let model = congestion.bbr else { return }
        let burst = Duration.nanoseconds(Int64(Double(model.sendQuantum) / rate * 1e9))
        let base = Swift.max(pacingReleaseAt, now - burst)
        pacingReleaseAt = base + .nanoseconds(Int64(Double(bytes) / rate * 1e9))
    }
}
