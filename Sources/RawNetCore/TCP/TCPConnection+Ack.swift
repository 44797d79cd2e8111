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
        // A peer that answers with a zero window is alive: the retransmission
        // limit is for silence, not for a receiver that is merely full.
        if sndWnd == 0 && ackPos == sndUna { consecutiveTimeouts = 0 }

        arrivingEcho = isTimestampsOn ? segment.timestamps?.echoReply : nil
        rack.ackNewest = nil
        // Per-segment records: the cumulative part first, so that segments it
        // delivers are not taken for reordered ones below a new SACK block.
        if ackPos > sndUna {
            // Without per-segment records: the cumulative ACK filled a hole
            // below SACKed data that was never resent, so it was reordered.
            if !tracksSentSegments, !isInRecovery, let fack = scoreboard.highestSACKed, fack > sndUna {
                noteReordering(start: sndUna, below: fack)
            }
            recordCumulativeAck(upTo: ackPos, now: now)
        }
        var sackAdded = false
        let blocks = segment.sackBlocks
        let dsack = dsackRange(in: blocks, ackPos: ackPos)
        if isSACKPermitted {
            for block in blocks.dropFirst(dsack == nil ? 0 : 1) {
                let left = SequenceNumber(block.left).unwrap(isn: iss, near: sndUna)
                let right = SequenceNumber(block.right).unwrap(isn: iss, near: sndUna)
                let lower = Swift.max(left, ackPos)
                let upper = Swift.min(right, sndMax)
                if lower < upper && scoreboard.add(lower..<upper) {
                    sackAdded = true
                    recordSACK(lower..<upper, now: now)
                }
            }
        }
        defer {
            if let dsack { receiveDSACK(dsack, now: now) }
            finishAck(advanced: ackPos > sndUna || sackAdded, now: now)
        }

        if ackPos > sndUna {
            newDataAcknowledged(upTo: ackPos, echo: segment.timestamps?.echoReply, now: now)
            return
        }
        guard ackPos == sndUna, sndMax > sndUna, segment.payload.isEmpty,
              !segment.header.flags.contains(.syn), !segment.header.flags.contains(.fin),
              !windowChanged || sackAdded else { return }
        // RFC 6675 §2: with SACK, a duplicate ACK counts only when it SACKs
        // data not SACKed before; one that repeats what is known (reordered
        // behind a later ACK, or new only in its timestamp) says nothing of loss.
        if isSACKPermitted && !sackAdded { return }
        duplicateAcks += 1
        counters.totalDuplicateAcks += 1
        if isInRecovery {
            if !isSACKPermitted { congestion.window += sendMSS }  // NewReno inflation
            return
        }
        if usesRACK { return }  // RACK judges loss by time (finishAck)
        let sackSaysLost = isSACKPermitted && scoreboard.isLost(sndUna, mss: sendMSS, duplicateThreshold: reordering)
        if (duplicateAcks >= reordering || sackSaysLost) && sndUna >= recoveryPoint {
            enterRecovery(now: now)
        }
    }

    private mutating func newDataAcknowledged(upTo ackPos: Int, echo: UInt32?, now: Instant) {
        let acked = ackPos - sndUna
        if let sample = rttSample, ackPos > sample.position {
            rtt.addSample(now - sample.sentAt)
            rttSample = nil
        }
        sndUna = ackPos
        if sndNxt < sndUna { sndNxt = sndUna }
        sendBuffer.removeBytes(before: Swift.min(sndUna - 1, sendBuffer.endIndex))
        scoreboard.removeBelow(sndUna)
        pruneUndoState()
        if highRetransmitted < sndUna { highRetransmitted = sndUna }
        consecutiveTimeouts = 0
        rtt.resetBackoff()
        autotuneSendBuffer()
        // RFC 6298 §5.3: restart the timer on every ACK of new data.
        retransmitDeadline = sndMax > sndUna ? now + rtt.timeout : nil
        duplicateAcks = 0
        // Eifel (RFC 3522): an ACK that moves SND.UNA in a recovery but echoes
        // a timestamp from before its first retransmission was for an original.
        if isInRecovery { undoIfTimestampsShowSpurious(echo: echo, now: now) }
        if isInRecovery {
            if isRecoveringFromTimeout {
                congestion.onAck(bytes: acked, now: now, smoothedRTT: rtt.smoothed)  // slow start again
            }
            if sndUna >= recoveryPoint {
                isInRecovery = false
                if !isRecoveringFromTimeout { congestion.onRecoveryExit(flightSize: sndMax - sndUna) }
                isRecoveringFromTimeout = false
                record(.exitedRecovery(cwnd: congestion.window), now: now)
                // A recovery shown needless does not count toward shrinking
                // the reordering window again; one that was not, does.
                undoIfTimestampsShowSpurious(echo: echo, now: now)
                if !undo.isEpisodeUndone { noteRecoveryEnded() }
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

    /// A segment never resent, starting at `start`, was delivered below `fack`
    /// (the highest end (S)ACKed): the path reorders by that many segments
    /// (as Linux's `tcp_check_sack_reordering` measures it).
    mutating func noteReordering(start: Int, below fack: Int) {
        let degree = (fack - start + sendMSS - 1) / sendMSS
        if degree > reordering { reordering = Swift.min(degree, Self.maximumReordering) }
    }

    mutating func enterRecovery(now: Instant) {
        isInRecovery = true
        recoveryPoint = sndMax
        sndNxt = sndMax
        lossProbe = nil
        lossProbeDeadline = nil
        beginUndoEpisode()
        congestion.onCongestionEvent(flightSize: sndMax - sndUna, now: now)
        if congestion.ignoresLoss {
            // BBR keeps its window; recovery only decides what to resend.
            highRetransmitted = sndUna
        } else if isSACKPermitted {
            congestion.window = congestion.slowStartThreshold
            highRetransmitted = sndUna
        } else {
            congestion.window = congestion.slowStartThreshold + 3 * sendMSS
        }
        // The first retransmission goes out whatever the window (RFC 6675 §5
        // step 4.2); with RACK it is the lowest segment marked lost.
        forcedRetransmit = (sndUna, usesRACK ? .rackLoss : .fastRetransmit)
        counters.fastRetransmits += 1
        record(.enteredRecovery(sack: isSACKPermitted, cwnd: congestion.window,
                                ssthresh: congestion.slowStartThreshold), now: now)
    }

    // MARK: SACK-based loss recovery (RFC 6675)

    /// The holes below the highest SACKed byte, lowest first, each with the RFC 6675
    /// IsLost verdict (the same for every byte of a hole). One pass, from the top.
    func sackHoles() -> [(range: Range<Int>, isLost: Bool)] {
        let ranges = scoreboard.ranges
        var result: [(range: Range<Int>, isLost: Bool)] = []
        var bytesAbove = 0
        var index = ranges.count - 1
        while index >= 0 {
            bytesAbove += ranges[index].count
            let lower = index == 0 ? sndUna : ranges[index - 1].upperBound
            if lower < ranges[index].lowerBound {
                let countAbove = ranges.count - index
                let isLost = bytesAbove > (reordering - 1) * sendMSS || countAbove >= reordering
                result.append((lower..<ranges[index].lowerBound, isLost))
            }
            index -= 1
        }
        return result.reversed()
    }

    /// RFC 6675 §4 SetPipe: bytes believed to be in the network.
    func pipe() -> Int {
        var total = 0
        for hole in sackHoles() {
            if !hole.isLost { total += hole.range.count }
            total += Swift.max(0, Swift.min(hole.range.upperBound, highRetransmitted) - hole.range.lowerBound)
        }
        let top = Swift.max(scoreboard.highestSACKed ?? sndUna, sndUna)
        if sndMax > top {
            total += sndMax - top
            total += Swift.max(0, Swift.min(sndMax, highRetransmitted) - top)
        }
        return total
    }

    /// RFC 6675 §4 NextSeg: the next range to send and why.
    func nextSegment() -> (position: Int, length: Int, reason: TCPRetransmitReason?)? {
        var laterHole: (Int, Int)?
        for hole in sackHoles() {
            let start = Swift.max(hole.range.lowerBound, highRetransmitted)
            guard start < hole.range.upperBound else { continue }
            let length = Swift.min(sendMSS, hole.range.upperBound - start)
            if hole.isLost { return (start, length, .sackLoss) }
            if laterHole == nil { laterHole = (start, length) }
        }
        // Rule 2: new data, if the peer's window allows.
        if sndMax < finalEnd {
            let room = sndUna + sndWnd - sndMax
            let length = Swift.min(sendMSS, dataEnd - sndMax, room)
            if length > 0 || (sndMax == dataEnd && isFINQueued) { return (sndMax, Swift.max(length, 0), nil) }
        }
        // Rule 3: a hole not yet judged lost.
        if let (start, length) = laterHole { return (start, length, .sackLoss) }
        return nil
    }
}
