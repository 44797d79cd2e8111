import RawNetWire

/// What the sender keeps to tell a spurious retransmission and to undo a
/// congestion response that proved needless (RFC 2883 §5, RFC 3522, Linux's undo).
struct TCPUndoState: Sendable {
    /// Send positions retransmitted lately (down to a window below SND.UNA)
    /// and not yet reported duplicate by a D-SACK: what a D-SACK proves spurious.
    var retransmitted = TCPSACKScoreboard()
    /// The same for the current episode only (and retransmissions still
    /// outstanding when it began): when it empties, the episode was needless.
    var episodeRetransmitted = TCPSACKScoreboard()
    /// The congestion controller just before the current episode's response
    /// (recovery or timeout); nil when there is nothing to undo.
    var prior: TCPCongestionControl?
    /// The current episode retransmitted something.
    var hasRetransmitted = false
    /// Timestamp value of the episode's first retransmission (Eifel, RFC 3522).
    var firstRetransmitStamp: UInt32?
    /// The current episode's response was undone.
    var isEpisodeUndone = false
}

// MARK: Receiver: reporting duplicates (RFC 2883 §4)

extension TCPConnection {
    /// D-SACK is sent and read: it is enabled and the peer takes SACK.
    var usesDSACK: Bool { configuration.isDSACKEnabled && isSACKPermitted }

    /// Receive positions `range` arrived again; the next ACK reports them first.
    /// A second, separate duplicate sends the pending report at once, so each
    /// duplicate is reported, once (as Linux does).
    mutating func noteDuplicate(_ range: Range<Int>, now: Instant) {
        guard !range.isEmpty else { return }
        counters.duplicateSegmentsReceived += 1
        enterQuickAckMode()
        guard usesDSACK else { return }
        defer { isAckNeeded = true }
        if let pending = pendingDSACK {
            if pending.lowerBound <= range.upperBound && range.lowerBound <= pending.upperBound {
                pendingDSACK = Swift.min(pending.lowerBound, range.lowerBound)..<Swift.max(pending.upperBound, range.upperBound)
                return
            }
            emitPureAck(now: now)
        }
        pendingDSACK = range
    }

    /// A duplicate means the peer resent what it had no ACK for: its ACKs
    /// were lost or late, and it may be down to a window of one or two
    /// segments. The next in-order segments are acknowledged at once, not
    /// after the delayed-ACK time (Linux's `tcp_enter_quickack_mode`: up to
    /// 16, and no more than half the receive window in segments).
    mutating func enterQuickAckMode() {
        guard configuration.isDelayedAckEnabled else { return }
        let window = Swift.max(rcvAdv - rcvNxt, 0) / Swift.max(2 * configuration.maximumSegmentSize, 1)
        quickAcksLeft = Swift.max(quickAcksLeft, Swift.min(Swift.max(window, 2), Self.maximumQuickAcks))
    }

    static let maximumQuickAcks = 16

    /// A data segment that is not acceptable or fails PAWS: what of it lies
    /// below RCV.NXT was received before.
    mutating func noteDuplicate(payloadCount: Int, at segPos: Int, now: Instant) {
        guard payloadCount > 0, segPos < rcvNxt else { return }
        noteDuplicate(segPos..<Swift.min(segPos + payloadCount, rcvNxt), now: now)
    }

    /// The SACK blocks of an ACK leaving now, as receive positions: a pending
    /// D-SACK first, then the held block that contains it (RFC 2883 §4), then
    /// the usual blocks (RFC 2018 §4), at most `limit`.
    mutating func sackRangesToSend(limit: Int, now: Instant) -> [Range<Int>] {
        func position(_ stream: Range<Int>) -> Range<Int> { (stream.lowerBound + 1)..<(stream.upperBound + 1) }
        let held = reassembler.sackRanges(limit: limit)
        guard let dsack = pendingDSACK else { return held.map(position) }
        pendingDSACK = nil
        counters.dsacksSent += 1
        record(.dsackSent(sequence: SequenceNumber(wrapping: dsack.lowerBound, isn: irs).rawValue,
                          length: dsack.count), now: now)
        var result = [dsack]
        if let containing = reassembler.heldRange(containing: (dsack.lowerBound - 1)..<(dsack.upperBound - 1)) {
            result.append(position(containing))
        }
        for range in held.map(position) where result.count < limit && !result.dropFirst().contains(range) {
            result.append(range)
        }
        return result
    }
}

// MARK: Sender: reading D-SACKs, undo

extension TCPConnection {
    /// The first SACK block of an arriving ACK if it is a D-SACK (RFC 2883 §4):
    /// it starts below the cumulative ACK, or lies inside the second block. As
    /// send positions; nil when D-SACK is off or the block names unsent data.
    @inline(__always) func dsackRange(in blocks: SACKBlockList, ackPos: Int) -> Range<Int>? {
        guard usesDSACK, let first = blocks.first else { return nil }
        let left = SequenceNumber(first.left).unwrap(isn: iss, near: sndUna)
        let right = SequenceNumber(first.right).unwrap(isn: iss, near: sndUna)
        guard left >= 1, left < right, right <= sndMax else { return nil }
        if left < ackPos { return left..<right }
        guard blocks.count > 1 else { return nil }
        let outerLeft = SequenceNumber(blocks[1].left).unwrap(isn: iss, near: sndUna)
        let outerRight = SequenceNumber(blocks[1].right).unwrap(isn: iss, near: sndUna)
        return outerLeft <= left && right <= outerRight ? left..<right : nil
    }

    /// The peer received `range` twice. Counts it; the retransmissions it
    /// covers were spurious; RACK widens its reordering window (RFC 8985 §6.2
    /// step 4); when every retransmission of the episode proved spurious, the
    /// congestion response is undone.
    mutating func receiveDSACK(_ range: Range<Int>, now: Instant) {
        counters.dsacksReceived += 1
        record(.dsackReceived(sequence: SequenceNumber(wrapping: range.lowerBound, isn: iss).rawValue,
                              length: range.count), now: now)
        let proven = undo.retransmitted.remove(range)
        let provenInEpisode = undo.episodeRetransmitted.remove(range)
        if proven > 0 {
            counters.spuriousRetransmissions += (proven + sendMSS - 1) / sendMSS
            rack.isReorderingSeen = true  // the original arrived after all: late, not lost
            // As far below the highest delivered end as the path reordered it
            // (Linux counts a D-SACKed retransmission the same way).
            noteReordering(start: range.lowerBound,
                           below: Swift.max(sndUna, scoreboard.highestSACKed ?? 0, rack.forwardAcked))
        }
        if usesRACK { widenReorderingWindow() }
        if let probe = lossProbe, probe.isRetransmission, range.overlaps(probe.start..<probe.end) {
            lossProbe?.isDSACKed = true  // RFC 8985 §7.4.2: the probe repaired nothing
        }
        if provenInEpisode > 0 && undo.episodeRetransmitted.isEmpty { undoCongestionResponse(now: now) }
    }

    /// RFC 8985 §6.2 step 4: one more min_RTT/4 of reordering window per
    /// round trip that sees a D-SACK, kept for 16 recoveries.
    private mutating func widenReorderingWindow() {
        if let round = rack.dsackRound, sndUna >= round { rack.dsackRound = nil }
        guard rack.dsackRound == nil else { return }
        rack.dsackRound = sndMax
        rack.reorderingMultiplier = Swift.min(rack.reorderingMultiplier + 1, TCPRACKState.maximumMultiplier)
        rack.reorderingPersist = TCPRACKState.reorderingPersistence
    }

    /// A recovery ended and was not shown needless: one fewer recovery for a
    /// widened reordering window to last (RFC 8985 §6.2 step 4 counts
    /// recoveries; as in Linux, an undone one is not counted).
    mutating func noteRecoveryEnded() {
        guard rack.reorderingPersist > 0 else { return }
        rack.reorderingPersist -= 1
        if rack.reorderingPersist == 0 { rack.reorderingMultiplier = 1 }
    }

    /// A congestion response begins (fast recovery, or a timeout): the
    /// controller as it is now is what an undo goes back to. Retransmissions
    /// still unproven stay counted, as Linux carries `retrans_out` into `undo_retrans`.
    mutating func beginUndoEpisode() {
        guard configuration.isDSACKEnabled else { return }
        undo.prior = congestion
        undo.hasRetransmitted = false
        undo.firstRetransmitStamp = nil
        undo.isEpisodeUndone = false
        undo.episodeRetransmitted.removeBelow(sndUna)
    }

    /// `range` (send positions) went out again.
    mutating func noteRetransmission(_ range: Range<Int>, now: Instant) {
        guard configuration.isDSACKEnabled, !range.isEmpty else { return }
        undo.hasRetransmitted = true
        if undo.firstRetransmitStamp == nil { undo.firstRetransmitStamp = timestampClock(now) }
        if isSACKPermitted {
            undo.retransmitted.add(range)
            undo.episodeRetransmitted.add(range)
        }
    }

    /// Forgets retransmissions more than a window below SND.UNA, whose
    /// D-SACK will not come any more: the record stays bounded, and an episode
    /// that lost one can no longer be proven spurious.
    mutating func pruneUndoState() {
        guard let first = undo.retransmitted.ranges.first else { return }
        let limit = sndUna - Swift.max(maxSndWnd, 4 * sendMSS)
        guard first.upperBound < limit else { return }
        undo.retransmitted.removeBelow(limit)
        if let oldest = undo.episodeRetransmitted.ranges.first, oldest.lowerBound < limit {
            undo.episodeRetransmitted.removeBelow(limit)
            undo.prior = nil
        }
    }

    /// Eifel (RFC 3522): an ACK that moved SND.UNA echoes a timestamp older
    /// than the episode's first retransmission, so the bytes that filled the
    /// hole at SND.UNA were the original, not the copy (after a timeout: the
    /// timeout was spurious).
    mutating func undoIfTimestampsShowSpurious(echo: UInt32?, now: Instant) {
        guard isTimestampsOn, let echo, echo != 0, let stamp = undo.firstRetransmitStamp,
              Int32(bitPattern: echo &- stamp) < 0 else { return }
        undoCongestionResponse(now: now)
    }

    /// Restores the window and threshold of before the episode (Linux's
    /// `tcp_undo_cwnd_reduction`); in a RACK recovery with nothing left
    /// marked lost, the recovery ends. An undone recovery proved the
    /// reordering window too short once more: it keeps its width one more
    /// recovery (up to 16).
    mutating func undoCongestionResponse(now: Instant) {
        guard let prior = undo.prior, undo.hasRetransmitted else { return }
        undo.prior = nil
        undo.isEpisodeUndone = true
        congestion.undo(to: prior)
        counters.undos += 1
        if rack.reorderingPersist > 0 {
            rack.reorderingPersist = Swift.min(rack.reorderingPersist + 1, TCPRACKState.reorderingPersistence)
        }
        if isInRecovery && usesRACK {
            if isRecoveringFromTimeout {
                // The timeout marked everything lost; none of it was.
                for index in sentSegments.indices where sentSegments[index].isLost { sentSegments[index].isLost = false }
            }
            if sentSegments.firstLostIndex == nil {
                isInRecovery = false
                isRecoveringFromTimeout = false
                record(.exitedRecovery(cwnd: congestion.window), now: now)
            }
        }
        record(.undo(cwnd: congestion.window, ssthresh: congestion.slowStartThreshold), now: now)
    }
}
