import RawNetWire

extension TCPConnection {
    /// Processes one arriving segment (RFC 9293 §3.10.7, with RFC 5961 checks).
    /// Any reply is collected by the next ``poll(now:)``.
    public mutating func handle(_ segment: TCPSegment, now: Instant) {
        counters.segmentsReceived += 1
        switch state {
        case .closed, .listen:
            return
        case .synSent:
            handleInSynSent(segment, now: now)
        default:
            handleSynchronized(segment, now: now)
        }
    }

    /// The reply RFC 9293 §3.10.7.1 prescribes for a segment that reaches no
    /// connection; nil for a RST, which is never answered.
    public static func reset(replyingTo segment: TCPSegment) -> TCPSegment? {
        let h = segment.header
        guard !h.flags.contains(.rst) else { return nil }
        var header = TCPHeader(sourcePort: h.destinationPort, destinationPort: h.sourcePort,
                               sequenceNumber: 0, acknowledgmentNumber: 0, flags: [.rst], window: 0)
        if h.flags.contains(.ack) {
            header.sequenceNumber = h.acknowledgmentNumber
        } else {
            header.acknowledgmentNumber = (segment.sequenceNumber + segment.sequenceLength).rawValue
            header.flags = [.rst, .ack]
        }
        return TCPSegment(source: segment.destination, destination: segment.source, header: header)
    }

    /// Reads the options of the peer's SYN and negotiates MSS, window scale, SACK, timestamps.
    mutating func learnPeer(fromSYN syn: TCPSegment) {
        irs = syn.sequenceNumber
        rcvNxt = 1
        var peerMSS = 536
        var peerShift: Int?
        var peerSACK = false
        var peerTS: UInt32?
        for option in syn.header.options {
            switch option {
            case .maximumSegmentSize(let value): peerMSS = Int(value)
            case .windowScale(let shift): peerShift = Int(shift)
            case .sackPermitted: peerSACK = true
            case .timestamps(let value, _): peerTS = value
            default: break
            }
        }
        sendMSS = Swift.max(64, Swift.min(configuration.maximumSegmentSize, peerMSS))
        if configuration.isWindowScalingEnabled, let shift = peerShift {
            isWindowScaleOn = true
            sndWndShift = Swift.min(shift, 14)
            rcvWndShift = configuration.receiveWindowShift
        }
        isSACKPermitted = configuration.isSACKEnabled && peerSACK
        if configuration.isTimestampsEnabled, let value = peerTS {
            isTimestampsOn = true
            tsRecent = value
        }
        sendMSS = Swift.min(sendMSS, pathSegmentLimit)
        congestion.setMSS(sendMSS, initialWindowSegments: configuration.initialWindowSegments)
        rcvAdv = rcvNxt + Swift.min(receiveBufferSize, 65535 << rcvWndShift)
        reassembler = TCPReassembler(nextIndex: 0)
    }

    private mutating func handleInSynSent(_ segment: TCPSegment, now: Instant) {
        let h = segment.header
        let flags = h.flags
        var ackIsAcceptable = false
        if flags.contains(.ack) {
            let ackPos = segment.acknowledgmentNumber.unwrap(isn: iss, near: sndUna)
            ackIsAcceptable = ackPos > 0 && ackPos <= sndMax
            if !ackIsAcceptable {
                if !flags.contains(.rst), let reply = Self.reset(replyingTo: segment) { outbox.append(reply) }
                return
            }
        }
        if flags.contains(.rst) {
            if ackIsAcceptable { fail(.connectionRefused, now: now) }
            return
        }
        guard flags.contains(.syn) else { return }
        learnPeer(fromSYN: segment)
        if ackIsAcceptable {
            acceptAckOfSYN(segment, now: now)
            isAckNeeded = true
            setState(.established, now: now)
            if isFINQueued { setState(.finWait1, now: now) }
        } else {
            // Simultaneous open: answer with SYN-ACK from the same ISS.
            sndNxt = 0
            setState(.synReceived, now: now)
        }
    }

    /// Our SYN was acknowledged: take the first RTT sample and the peer's window.
    private mutating func acceptAckOfSYN(_ segment: TCPSegment, now: Instant) {
        if let sample = rttSample {
            rtt.addSample(now - sample.sentAt)
            rack.minRTTFilter.add(now - sample.sentAt, at: now)
        } else if rtt.backoffCount > 0 {
            rtt.restartAfterHandshakeTimeout()
        }
        rttSample = nil
        sndUna = 1
        sndNxt = Swift.max(sndNxt, 1)
        consecutiveTimeouts = 0
        retransmitDeadline = nil
        // The window in a segment carrying SYN is never scaled (RFC 7323 §2.2).
        let scaled = !segment.header.flags.contains(.syn)
        sndWnd = Int(segment.header.window) << (scaled ? sndWndShift : 0)
        maxSndWnd = sndWnd
        sndWl1 = segment.sequenceNumber.unwrap(isn: irs, near: rcvNxt)
        sndWl2 = 1
    }

    /// A pure ACK that fails PAWS only because the path reordered it behind a
    /// later one (Linux's `tcp_disordered_ack`): it carries no data and no
    /// flag but ACK, sits at RCV.NXT, acknowledges nothing new, cannot change
    /// the send window, and its timestamp lies within one RTO of TS.Recent. It
    /// is read (its SACK and D-SACK blocks are news) instead of dropped and
    /// answered; TS.Recent stays.
    func isDisorderedAck(_ segment: TCPSegment, segPos: Int, tsValue: UInt32) -> Bool {
        guard segment.header.flags == [.ack], segment.payload.isEmpty, segPos == rcvNxt else { return false }
        let ackPos = segment.acknowledgmentNumber.unwrap(isn: iss, near: sndUna)
        guard ackPos <= sndUna, ackPos >= sndUna - Swift.max(maxSndWnd, 1) else { return false }
        let advertised = Int(segment.header.window) << sndWndShift
        let mayUpdateWindow = sndWl1 < segPos || (sndWl1 == segPos && sndWl2 <= ackPos)
        guard !mayUpdateWindow || advertised == sndWnd else { return false }
        let behind = Int64(Int32(bitPattern: tsRecent &- tsValue))
        return behind <= Int64(rtt.timeout.nanoseconds / 1_000_000)
    }

    private mutating func handleSynchronized(_ arriving: TCPSegment, now: Instant) {
        var segment = arriving
        // Simultaneous open: the peer's SYN-ACK repeats the SYN already taken;
        // drop the SYN bit and let the ACK complete the handshake (RFC 9293 figure 8).
        if state == .synReceived, segment.header.flags.contains([.syn, .ack]),
           segment.sequenceNumber == irs, !isPassive {
            segment.header.flags.remove(.syn)
            segment.header.sequenceNumber = (irs + 1).rawValue
        }
        let h = segment.header
        let flags = h.flags
        let segPos = segment.sequenceNumber.unwrap(isn: irs, near: rcvNxt)
        let segLen = segment.sequenceLength
        let window = Swift.max(rcvAdv - rcvNxt, 0)

        if let keepalive = configuration.keepalive, state == .established {
            keepaliveDeadline = now + keepalive.idle
            keepaliveProbesSent = 0
        }

        // PAWS (RFC 7323 §5.3): an old timestamp marks an old duplicate;
        // except a pure ACK the path merely reordered (below).
        if isTimestampsOn, !flags.contains(.rst), let ts = segment.timestamps,
           Int32(bitPattern: ts.value &- tsRecent) < 0, !isDisorderedAck(segment, segPos: segPos, tsValue: ts.value) {
            isAckNeeded = true
            noteDuplicate(payloadCount: segment.payload.count, at: segPos, now: now)
            return
        }

        // 1. Sequence number check.
        let acceptable: Bool
        if segLen == 0 {
            acceptable = segPos >= rcvNxt && segPos <= rcvNxt + window
        } else if window == 0 {
            acceptable = segPos == rcvNxt  // only its ACK, RST or FIN can be used
        } else {
            let last = segPos + segLen - 1
            acceptable = (segPos >= rcvNxt && segPos < rcvNxt + window)
                || (last >= rcvNxt && last < rcvNxt + window)
        }
        if !acceptable {
            if !flags.contains(.rst) {
                if state == .timeWait && flags.contains(.fin) {
                    timeWaitDeadline = now + configuration.maximumSegmentLifetime * 2
                }
                isAckNeeded = true
                noteDuplicate(payloadCount: segment.payload.count, at: segPos, now: now)
            }
            return
        }

        // Timestamps: remember the peer's clock (RFC 7323 §4.3).
        if isTimestampsOn, let ts = segment.timestamps, segPos <= lastAckSent,
           Int32(bitPattern: ts.value &- tsRecent) >= 0 {
            tsRecent = ts.value
        }

        // 2. RST (RFC 5961 §3.2): only an exact match resets; in-window asks a challenge.
        if flags.contains(.rst) {
            if segPos == rcvNxt {
                if state == .timeWait {
                    setState(.closed, now: now)
                } else if state == .synReceived && !isPassive {
                    fail(.connectionRefused, now: now)
                } else {
                    fail(.connectionReset, now: now)
                }
            } else {
                sendChallengeACK(now: now)
            }
            return
        }

        // 4. SYN in a synchronized state (RFC 5961 §4.2): challenge ACK.
        if flags.contains(.syn) {
            sendChallengeACK(now: now)
            return
        }

        // 5. ACK.
        guard flags.contains(.ack) else { return }
        let ackPos = segment.acknowledgmentNumber.unwrap(isn: iss, near: sndUna)
        if state == .synReceived {
            guard ackPos > 0 && ackPos <= sndMax else {
                if let reply = Self.reset(replyingTo: segment) { outbox.append(reply) }
                return
            }
            acceptAckOfSYN(segment, now: now)
            setState(.established, now: now)
            if isFINQueued { setState(.finWait1, now: now) }
        }
        if ackPos > sndMax {
            isAckNeeded = true
            return
        }
        if ackPos < sndUna - Swift.max(maxSndWnd, 1) {
            isAckNeeded = true  // too old to be believed (RFC 5961 §5.2)
            return
        }
        processAck(segment, segPos: segPos, ackPos: ackPos, now: now)
        if isFINAcked {
            switch state {
            case .finWait1: setState(.finWait2, now: now)
            case .closing: setState(.timeWait, now: now)
            case .lastAck:
                setState(.closed, now: now)
                return
            default: break
            }
        }

        // 7. Segment text.
        if !segment.payload.isEmpty && receivesData {
            // The application is gone, so new data can never be read: reset
            // rather than acknowledge it into nothing (RFC 1122 4.2.2.13; Linux's TCPAbortOnData).
            if isOrphaned && segPos + segment.payload.count > rcvNxt {
                if let reply = Self.reset(replyingTo: segment) { outbox.append(reply) }
                fail(.aborted, now: now)
                return
            }
            receiveText(segment.payload, at: segPos, now: now)
        }

        // 8. FIN.
        if flags.contains(.fin), remoteFINPosition == nil {
            let finPos = segPos + segment.payload.count
            if finPos <= rcvAdv { remoteFINPosition = finPos } else { isAckNeeded = true }
        }
        if let finPos = remoteFINPosition, !isFINReceived, rcvNxt == finPos {
            isFINReceived = true
            rcvNxt = finPos + 1
            isAckNeeded = true
            switch state {
            case .established: setState(.closeWait, now: now)
            case .finWait1: setState(isFINAcked ? .timeWait : .closing, now: now)
            case .finWait2: setState(.timeWait, now: now)
            default: break
            }
        }
    }

    private mutating func receiveText(_ payload: [UInt8], at segPos: Int, now: Instant) {
        // Data after a silence longer than the RTO: the sender's timer likely
        // fired and its window is one segment (Linux's tcp_event_data_recv).
        if let last = lastDataArrivedAt, now - last > rtt.timeout { enterQuickAckMode() }
        lastDataArrivedAt = now
        let expected = rcvNxt
        let hadHoles = reassembler.hasHoles
        if let duplicate = reassembler.firstDuplicate(in: (segPos - 1)..<(segPos - 1 + payload.count)) {
            noteDuplicate((duplicate.lowerBound + 1)..<(duplicate.upperBound + 1), now: now)
        }
        let delivered = reassembler.insert(payload, at: segPos - 1, limit: rcvAdv - 1)
        if !delivered.isEmpty {
            receiveQueue.append(contentsOf: delivered)
            rcvNxt = reassembler.nextIndex + 1
            counters.bytesReceived += delivered.count
            autotuneReceiveBuffer(now: now)
        }
        let inOrderAndWhole = segPos == expected && delivered.count == payload.count
        if !inOrderAndWhole || hadHoles || reassembler.hasHoles || !configuration.isDelayedAckEnabled {
            isAckNeeded = true  // out of order, duplicate, trimmed or filling a hole: ACK now
            return
        }
        if quickAcksLeft > 0 {
            quickAcksLeft -= 1
            isAckNeeded = true
            return
        }
        bytesSinceAck += delivered.count
        if bytesSinceAck >= 2 * configuration.maximumSegmentSize {
            isAckNeeded = true
        } else if delayedAckDeadline == nil {
            delayedAckDeadline = now + configuration.delayedAckTimeout
        }
    }

    mutating func sendChallengeACK(now: Instant) {
        if now - challengeWindowStart >= .seconds(1) {
            challengeWindowStart = now
            challengeACKsInWindow = 0
        }
        guard challengeACKsInWindow < 10 else {
            counters.challengeACKsSuppressed += 1
            return
        }
        challengeACKsInWindow += 1
        isAckNeeded = true
        record(.challengeACK, now: now)
    }
}
