extension TCPConnection {
    mutating func fireTimers(now: Instant) {
        if let deadline = timeWaitDeadline, deadline <= now {
            timeWaitDeadline = nil
            setState(.closed, now: now)
            return
        }
        if let deadline = retransmitDeadline, deadline <= now {
            retransmitDeadline = nil
            onRetransmitTimeout(now: now)
        }
        if let deadline = rackDeadline, deadline <= now {
            rackDeadline = nil
            onRACKTimeout(now: now)
        }
        if let deadline = lossProbeDeadline, deadline <= now {
            lossProbeDeadline = nil
            onLossProbeTimeout(now: now)
        }
        if let deadline = pacingDeadline, deadline <= now { pacingDeadline = nil }
        if let deadline = persistDeadline, deadline <= now {
            persistDeadline = nil
            onPersistTimeout(now: now)
        }
        if let deadline = delayedAckDeadline, deadline <= now {
            delayedAckDeadline = nil
            isAckNeeded = true
        }
        if let deadline = keepaliveDeadline, deadline <= now {
            keepaliveDeadline = nil
            onKeepaliveTimeout(now: now)
        }
    }

    /// RFC 6298 §5.4–5.6 plus RFC 5681 §3.1: back off, shrink cwnd to one
    /// segment and go back to the first unacknowledged byte.
    private mutating func onRetransmitTimeout(now: Instant) {
        guard sndMax > sndUna, state != .closed, state != .timeWait else { return }
        var limit = state.isSynchronized && state != .synReceived ? configuration.maximumRetransmissions
            : isPassive ? configuration.maximumSYNACKRetransmissions : configuration.maximumSYNRetransmissions
        if isOrphaned { limit = Swift.min(limit, configuration.orphanRetries) }
        if consecutiveTimeouts >= limit {
            if state.isSynchronized {
                outbox.append(makeSegment(position: sndMax, flags: [.rst], payload: [], now: now))
            }
            fail(.timedOut(retransmissions: consecutiveTimeouts), now: now)
            return
        }
        consecutiveTimeouts += 1
        counters.timeouts += 1
        rtt.backOff()
        record(.retransmissionTimeout(rto: rtt.timeout, backoff: rtt.backoffCount), now: now)
        lossProbe = nil
        lossProbeDeadline = nil
        if sndUna >= 1 {
            beginUndoEpisode()
            congestion.onTimeout(flightSize: sndMax - sndUna)
            if isInRecovery {
                isInRecovery = false
                isRecoveringFromTimeout = false
                record(.exitedRecovery(cwnd: congestion.window), now: now)
            }
            recoveryPoint = sndMax
            duplicateAcks = 0
            forcedRetransmit = nil
            // A second timeout in a row may mean the peer reneged on its SACKs.
            if consecutiveTimeouts >= 2 { scoreboard.removeAll() }
            if usesRACK {
                // RFC 8985 §6.3: everything not SACKed is lost; recovery resends it
                // lowest first as the window regrows from one segment.
                markAllLostAfterTimeout(forgettingSACKs: consecutiveTimeouts >= 2)
                isInRecovery = true
                isRecoveringFromTimeout = true
                // Announced as any recovery is, so each `recovery_end` closes a `recovery`.
                record(.enteredRecovery(sack: isSACKPermitted, cwnd: congestion.window,
                                        ssthresh: congestion.slowStartThreshold, afterTimeout: true), now: now)
                rttSample = nil
                sndNxt = sndMax
                retransmitDeadline = now + rtt.timeout
                return
            }
        }
        rttSample = nil
        sndNxt = sndUna
        // The head goes out even if the peer's window looks shut: a window
        // reduced by a reordered old ACK must not stall the connection, and the
        // peer answers with its real window either way.
        if sndUna >= 1 { forcedRetransmit = (sndUna, .timeout) }
        retransmitDeadline = now + rtt.timeout
    }

    /// Zero-window probe (or an override send after sender SWS avoidance held data).
    private mutating func onPersistTimeout(now: Instant) {
        guard sndMax == sndUna, sndNxt < finalEnd, state.isSynchronized else { return }
        if probesUnanswered >= configuration.maximumRetransmissions {
            fail(.timedOut(retransmissions: probesUnanswered), now: now)
            return
        }
        // An orphan's window that stays shut (even with each probe answered) ends it, as Linux bounds it by backoff.
        if isOrphaned && persistBackoff >= configuration.orphanRetries {
            outbox.append(makeSegment(position: sndMax, flags: [.rst], payload: [], now: now))
            fail(.timedOut(retransmissions: persistBackoff), now: now)
            return
        }
        if sndWnd > 0 {
            let length = Swift.min(sendMSS, sndWnd, dataEnd - sndNxt)
            let consumed = emitData(from: sndNxt, maxLength: length, reason: .timeout, now: now)
            sndNxt += consumed
        } else {
            emitProbe(now: now)
            record(.zeroWindowProbe, now: now)
        }
        probesUnanswered += 1
        persistBackoff += 1
    }

    private mutating func onKeepaliveTimeout(now: Instant) {
        guard let keepalive = configuration.keepalive, state == .established else { return }
        if keepaliveProbesSent >= keepalive.probes {
            outbox.append(makeSegment(position: sndMax, flags: [.rst], payload: [], now: now))
            fail(.keepaliveTimedOut, now: now)
            return
        }
        keepaliveProbesSent += 1
        emitProbe(now: now)
        record(.keepaliveProbe, now: now)
        keepaliveDeadline = now + keepalive.interval
    }
}
