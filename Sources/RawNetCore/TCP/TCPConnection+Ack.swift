import RawNetWire

extension TCPConnection {
    /// The ACK field of an acceptable segment: window update (RFC 9293 §3.10.7.4),
    /// SACK scoreboard, RTT, congestion control and loss recovery.
    mutating func processAck(_ segment: TCPSegment, segPos: Int, ackPos: Int, now: Instant) {
        let advertised = Int(segment.header.window) << sndWndShift
        var windowChanged = false
        if sndWl1 < segPos || (sndWl1 == segPos && sndWl2 <= ackPos) {
            if advertised != sndWnd {
                windowChanged = true
                record(.sendWindowChanged(advertised), now: now)
                if advertised > sndWnd { persistDeadline = nil; persistBackoff = 0 }
            }
            sndWnd = advertised
            sndWl1 = segPos
            sndWl2 = ackPos
            maxSndWnd = Swift.max(maxSndWnd, sndWnd)
        }
        probesUnanswered = 0

        var sackAdded = false
        if isSACKPermitted {
            for block in segment.sackBlocks {
                let left = SequenceNumber(block.left).unwrap(isn: iss, near: sndUna)
                let right = SequenceNumber(block.right).unwrap(isn: iss, near: sndUna)
                let lower = Swift.max(left, ackPos)
                let upper = Swift.min(right, sndMax)
                if lower < upper && scoreboard.add(lower..<upper) { sackAdded = true }
            }
        }

        if ackPos > sndUna {
            newDataAcknowledged(upTo: ackPos, now: now)
            return
        }
        guard ackPos == sndUna, sndMax > sndUna, segment.payload.isEmpty,
              !segment.header.flags.contains(.syn), !segment.header.flags.contains(.fin),
              !windowChanged || sackAdded else { return }
        duplicateAcks += 1
        counters.totalDuplicateAcks += 1
        if isInRecovery {
            if !isSACKPermitted { congestion.window += sendMSS }  // NewReno inflation
            return
        }
        let sackSaysLost = isSACKPermitted && scoreboard.isLost(sndUna, mss: sendMSS)
        if (duplicateAcks >= 3 || sackSaysLost) && sndUna >= recoveryPoint {
            enterRecovery(now: now)
        }
    }

    private mutating func newDataAcknowledged(upTo ackPos: Int, now: Instant) {
        let acked = ackPos - sndUna
        if let sample = rttSample, ackPos > sample.position {
            rtt.addSample(now - sample.sentAt)
            rttSample = nil
        }
        sndUna = ackPos
        if sndNxt < sndUna { sndNxt = sndUna }
        sendBuffer.removeBytes(before: Swift.min(sndUna - 1, sendBuffer.endIndex))
        scoreboard.removeBelow(sndUna)
        if highRetransmitted < sndUna { highRetransmitted = sndUna }
        consecutiveTimeouts = 0
        rtt.resetBackoff()
        // RFC 6298 §5.3: restart the timer on every ACK of new data.
        retransmitDeadline = sndMax > sndUna ? now + rtt.timeout : nil
        duplicateAcks = 0
        if isInRecovery {
            if sndUna >= recoveryPoint {
                isInRecovery = false
                congestion.onRecoveryExit(flightSize: sndMax - sndUna)
                record(.exitedRecovery(cwnd: congestion.window), now: now)
            } else if !isSACKPermitted {
                // NewReno partial ACK (RFC 6582 §3.2 step 5).
                forcedRetransmit = (sndUna, .partialAck)
                var window = congestion.window - acked
                if acked >= sendMSS { window += sendMSS }
                congestion.window = Swift.max(window, sendMSS)
            }
        } else {
            congestion.onAck(bytes: acked, now: now, smoothedRTT: rtt.smoothed)
        }
    }

    private mutating func enterRecovery(now: Instant) {
        isInRecovery = true
        recoveryPoint = sndMax
        sndNxt = sndMax
        congestion.onCongestionEvent(flightSize: sndMax - sndUna, now: now)
        if isSACKPermitted {
            congestion.window = congestion.slowStartThreshold
            highRetransmitted = sndUna
        } else {
            congestion.window = congestion.slowStartThreshold + 3 * sendMSS
        }
        forcedRetransmit = (sndUna, .fastRetransmit)
        counters.fastRetransmits += 1
        record(.enteredRecovery(sack: isSACKPermitted, cwnd: congestion.window,
                                ssthresh: congestion.slowStartThreshold), now: now)
    }

    // MARK: SACK-based loss recovery (RFC 6675)

    /// RFC 6675 §4 SetPipe: bytes believed to be in the network.
    func pipe() -> Int {
        var total = 0
        var cursor = sndUna
        for range in scoreboard.ranges {
            if range.lowerBound > cursor {
                let hole = cursor..<range.lowerBound
                if !scoreboard.isLost(hole.lowerBound, mss: sendMSS) { total += hole.count }
                total += Swift.max(0, Swift.min(hole.upperBound, highRetransmitted) - hole.lowerBound)
            }
            cursor = range.upperBound
        }
        if sndMax > cursor {
            total += sndMax - cursor
            total += Swift.max(0, Swift.min(sndMax, highRetransmitted) - cursor)
        }
        return total
    }

    /// RFC 6675 §4 NextSeg: the next range to send and why.
    func nextSegment() -> (position: Int, length: Int, reason: TCPRetransmitReason?)? {
        var cursor = sndUna
        var laterHole: (Int, Int)?
        for range in scoreboard.ranges {
            if range.lowerBound > cursor {
                let start = Swift.max(cursor, highRetransmitted)
                if start < range.lowerBound {
                    let length = Swift.min(sendMSS, range.lowerBound - start)
                    if scoreboard.isLost(start, mss: sendMSS) { return (start, length, .sackLoss) }
                    if laterHole == nil { laterHole = (start, length) }
                }
            }
            cursor = range.upperBound
        }
        // Rule 2: new data, if the peer's window allows.
        if sndMax < finalEnd {
            let room = sndUna + sndWnd - sndMax
            let length = Swift.min(sendMSS, dataEnd - sndMax, room)
            if length > 0 || (sndMax == dataEnd && isFINQueued) { return (sndMax, Swift.max(length, 0), nil) }
        }
        if let (start, length) = laterHole { return (start, length, .sackLoss) }
        return nil
    }
}
