import RawNetWire

extension TCPConnection {
    /// Builds every segment that may go out now into the outbox.
    mutating func output(now: Instant) {
        switch state {
        case .closed, .listen:
            return
        case .synSent:
            if sndNxt == 0 { emitSYN(now: now) }
            return
        case .synReceived:
            if sndNxt == 0 || isAckNeeded { emitSYN(now: now) }
            return
        case .timeWait:
            if isAckNeeded { emitPureAck(now: now) }
            return
        default:
            break
        }
        if let deadline = pacingDeadline, deadline <= now { pacingDeadline = nil }
        if sndUna >= 1 {
            if isInRecovery && usesRACK {
                rackRecoveryOutput(now: now)
            } else if isInRecovery && isSACKPermitted {
                sackRecoveryOutput(now: now)
            } else {
                if let forced = forcedRetransmit {
                    forcedRetransmit = nil
                    var length = sendMSS
                    if isSACKPermitted, let next = scoreboard.nextStart(after: forced.position) {
                        length = Swift.min(length, next - forced.position)
                    }
                    let consumed = emitData(from: forced.position, maxLength: length, reason: forced.reason, now: now)
                    if forced.position == sndNxt { sndNxt += consumed }
                }
                normalOutput(now: now)
                noteAppLimitedIfIdle()
            }
            armPersistIfStalled(now: now)
            armLossProbeIfDue(now: now)
        }
        if isAckNeeded { emitPureAck(now: now) }
    }

    private mutating func normalOutput(now: Instant) {
        var guardCount = 0
        while sndNxt < finalEnd && guardCount < 100_000 {
            guardCount += 1
            if isSACKPermitted && sndNxt < sndMax, let sacked = scoreboard.range(containing: sndNxt) {
                sndNxt = Swift.min(sacked.upperBound, sndMax)
                continue
            }
            let isNew = sndNxt >= sndMax
            let limitedTransmit = isNew && !isInRecovery ? Swift.min(duplicateAcks, 2) * sendMSS : 0
            let usable = Swift.min(congestion.window + limitedTransmit, sndWnd)
            let room = sndUna + usable - sndNxt
            var length = Swift.min(sendMSS, dataEnd - sndNxt, room)
            if isSACKPermitted && !isNew, let next = scoreboard.nextStart(after: sndNxt) {
                length = Swift.min(length, next - sndNxt)
            }
            let carriesFIN = isFINQueued && sndNxt + Swift.max(length, 0) == dataEnd
            if length <= 0 {
                // A FIN alone needs no window space.
                guard carriesFIN && sndNxt == dataEnd && (room >= 0 || sndWnd == 0 && isNew) else { break }
                length = 0
            } else if isNew && length < sendMSS && !carriesFIN {
                let isWindowLimited = length < dataEnd - sndNxt
                if isWindowLimited {
                    // Sender silly window avoidance (RFC 9293 §3.8.6.2.1).
                    if length < maxSndWnd / 2 { break }
                } else if configuration.isNagleEnabled && sndMax > sndUna {
                    break  // Nagle: one small segment in flight at a time
                }
            }
            if isPacingBlocked(now: now) { break }
            let consumed = emitData(from: sndNxt, maxLength: length, reason: .timeout, now: now)
            if consumed == 0 { break }
            notePaced(consumed, now: now)
            sndNxt += consumed
        }
    }

    /// Delivery-rate estimation: the sender has sent all it has and the window
    /// is not full, so rate samples taken now may understate the path.
    private mutating func noteAppLimitedIfIdle() {
        guard tracksSentSegments, sndNxt >= finalEnd, sndMax - sndUna < congestion.window else { return }
        deliveryRate.markAppLimited(bytesInFlight: sndMax - sndUna)
    }

    private mutating func sackRecoveryOutput(now: Instant) {
        if let forced = forcedRetransmit {
            forcedRetransmit = nil
            let limit = scoreboard.nextStart(after: forced.position).map { $0 - forced.position } ?? sendMSS
            let consumed = emitData(from: forced.position, maxLength: Swift.min(sendMSS, limit),
                                    reason: forced.reason, now: now)
            highRetransmitted = Swift.max(highRetransmitted, forced.position + consumed)
        }
        var guardCount = 0
        while guardCount < 10_000 && congestion.window - pipe() >= sendMSS {
            guardCount += 1
            guard let next = nextSegment() else { break }
            let wasNew = next.position >= sndMax
            let consumed = emitData(from: next.position, maxLength: next.length, reason: next.reason ?? .sackLoss, now: now)
            if consumed == 0 { break }
            if wasNew {
                sndNxt = Swift.max(sndNxt, next.position + consumed)
            } else {
                highRetransmitted = Swift.max(highRetransmitted, next.position + consumed)
            }
        }
    }

    /// Arms the persist timer when data waits but nothing is in flight to bring an ACK.
    private mutating func armPersistIfStalled(now: Instant) {
        guard sndMax == sndUna, sndNxt < finalEnd, retransmitDeadline == nil, persistDeadline == nil else { return }
        var interval = rtt.timeout
        for _ in 0..<persistBackoff where interval < configuration.maximumRTO { interval = interval * 2 }
        persistDeadline = now + Swift.min(interval, configuration.maximumRTO)
    }

    /// Sends the SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED).
    private mutating func emitSYN(now: Instant) {
        let isRetransmission = sndMax > 0
        var flags: TCPFlags = [.syn]
        if state == .synReceived { flags.insert(.ack) }
        outbox.append(makeSegment(position: 0, flags: flags, payload: [], now: now))
        if isRetransmission {
            counters.retransmissions += 1
            counters.retransmitsBy.timeout += 1
            rttSample = nil
            record(.retransmitted(sequence: iss.rawValue, length: 0, reason: .timeout), now: now,
                   timestampValue: outbox.last?.timestamps?.value)
        } else {
            rttSample = RTTSample(position: 0, sentAt: now)
        }
        sndNxt = Swift.max(sndNxt, 1)
        sndMax = Swift.max(sndMax, 1)
        if retransmitDeadline == nil { retransmitDeadline = now + rtt.timeout }
    }

    /// Sends data (and the FIN if it is next) starting at `position`; returns the
    /// sequence space used.
    mutating func emitData(from position: Int, maxLength: Int, reason: TCPRetransmitReason, now: Instant) -> Int {
        let length = Swift.max(0, Swift.min(maxLength, dataEnd - position))
        let carriesFIN = isFINQueued && position + length == dataEnd
        let consumed = length + (carriesFIN ? 1 : 0)
        guard consumed > 0, position >= sndUna else { return 0 }
        var flags: TCPFlags = [.ack]
        if carriesFIN { flags.insert(.fin) }
        if length > 0 && position + length == dataEnd { flags.insert(.psh) }
        let payload = sendBuffer.bytes(from: position - 1, count: length)
        outbox.append(makeSegment(position: position, flags: flags, payload: payload, now: now))
        recordTransmission(from: position, consumed: consumed, now: now)
        if position + consumed > sndMax { isLossProbeDue = true }
        if position < sndMax {
            counters.retransmissions += 1
            counters.retransmitsBy[reason.family] += 1
            counters.bytesRetransmitted += length
            noteRetransmission(position..<Swift.min(position + consumed, sndMax), now: now)
            rttSample = nil  // Karn's rule
            record(.retransmitted(sequence: (iss + position).rawValue, length: length, reason: reason), now: now,
                   timestampValue: outbox.last?.timestamps?.value)
        } else if rttSample == nil {
            rttSample = RTTSample(position: position, sentAt: now)
        }
        counters.bytesSent += length
        sndMax = Swift.max(sndMax, position + consumed)
        if retransmitDeadline == nil { retransmitDeadline = now + rtt.timeout }
        return consumed
    }

    mutating func emitPureAck(now: Instant) {
        outbox.append(makeSegment(position: sndMax, flags: [.ack], payload: [], now: now))
    }

    /// A zero-window or keepalive probe: an already acknowledged sequence number,
    /// which the peer must answer with an ACK carrying its window.
    mutating func emitProbe(now: Instant) {
        outbox.append(makeSegment(position: sndUna - 1, flags: [.ack], payload: [], now: now))
    }

    /// Builds a segment at send `position`, filling in ACK, window and options.
    mutating func makeSegment(position: Int, flags: TCPFlags, payload: [UInt8], now: Instant) -> TCPSegment {
        var header = TCPHeader(sourcePort: id.localPort, destinationPort: id.remotePort,
                               sequenceNumber: SequenceNumber(wrapping: position, isn: iss).rawValue,
                               acknowledgmentNumber: 0, flags: flags, window: 0)
        var options: TCPOptionList = []
        let isSYN = flags.contains(.syn)
        if isSYN {
            let offering = state == .synSent
            options.append(.maximumSegmentSize(UInt16(clamping: configuration.maximumSegmentSize)))
            if offering ? configuration.isWindowScalingEnabled : isWindowScaleOn {
                options.append(.windowScale(UInt8(configuration.receiveWindowShift)))
            }
            if offering ? configuration.isSACKEnabled : isSACKPermitted { options.append(.sackPermitted) }
            if offering ? configuration.isTimestampsEnabled : isTimestampsOn {
                options.append(.timestamps(value: timestampClock(now), echoReply: offering ? 0 : tsRecent))
            }
        } else if isTimestampsOn && !flags.contains(.rst) {
            options.append(.timestamps(value: timestampClock(now), echoReply: tsRecent))
        }
        if flags.contains(.ack) {
            header.acknowledgmentNumber = SequenceNumber(wrapping: rcvNxt, isn: irs).rawValue
            if isSYN {
                header.window = UInt16(clamping: Swift.max(rcvAdv - rcvNxt, 0))
            } else {
                openReceiveWindowIfWorthwhile(now: now)
                header.window = UInt16(clamping: Swift.max(rcvAdv - rcvNxt, 0) >> rcvWndShift)
            }
            if isSACKPermitted && !isSYN && (reassembler.hasHoles || pendingDSACK != nil) {
                var blocks = SACKBlockList()
                for range in sackRangesToSend(limit: isTimestampsOn ? 3 : 4, now: now) {
                    blocks.append(SACKBlock(left: SequenceNumber(wrapping: range.lowerBound, isn: irs).rawValue,
                                            right: SequenceNumber(wrapping: range.upperBound, isn: irs).rawValue))
                }
                options.append(.sack(blocks))
            }
            lastAckSent = rcvNxt
            isAckNeeded = false
            delayedAckDeadline = nil
            bytesSinceAck = 0
        } else if isSYN {
            header.window = UInt16(clamping: receiveBufferSize)
        }
        header.options = options
        counters.segmentsSent += 1
        return TCPSegment(source: id.localAddress, destination: id.remoteAddress, header: header, payload: payload)
    }

    private mutating func openReceiveWindowIfWorthwhile(now: Instant) {
        guard windowUpdateIsWorthSending || rcvAdv < rcvNxt else { return }
        let wasZero = rcvAdv <= rcvNxt
        rcvAdv = rcvNxt + receiveBufferSize - unreadByteCount
        if wasZero { record(.receiveWindowChanged(rcvAdv - rcvNxt), now: now) }
    }

    /// RFC 7323 timestamp clock: milliseconds.
    func timestampClock(_ now: Instant) -> UInt32 {
        UInt32(truncatingIfNeeded: now.nanoseconds / 1_000_000) &+ iss.rawValue
    }
}
