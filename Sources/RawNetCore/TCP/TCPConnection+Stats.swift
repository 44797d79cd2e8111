extension TCPConnection {
    /// The visible internals, as RFC 9293 names them where it does.
    public var stats: TCPConnectionStats {
        func sendSeq(_ position: Int) -> UInt32 { SequenceNumber(wrapping: position, isn: iss).rawValue }
        func receiveSeq(_ position: Int) -> UInt32 { SequenceNumber(wrapping: position, isn: irs).rawValue }
        var result = TCPConnectionStats(
            state: state, sndUna: sendSeq(sndUna), sndNxt: sendSeq(sndNxt), sndMax: sendSeq(sndMax),
            rcvNxt: receiveSeq(rcvNxt), sendWindow: sndWnd, receiveWindow: Swift.max(rcvAdv - rcvNxt, 0),
            smoothedRTT: rtt.smoothed, rttVariation: rtt.variation, rto: rtt.timeout,
            congestionWindow: congestion.window, slowStartThreshold: congestion.slowStartThreshold,
            isInRecovery: isInRecovery, retransmissions: counters.retransmissions, timeouts: counters.timeouts,
            fastRetransmits: counters.fastRetransmits, duplicateAcks: duplicateAcks,
            totalDuplicateAcks: counters.totalDuplicateAcks,
            sackScoreboard: scoreboard.ranges.map { SACKBlockRange(left: sendSeq($0.lowerBound), right: sendSeq($0.upperBound)) },
            reassemblyHoles: reassembler.holes.map {
                SACKBlockRange(left: receiveSeq($0.lowerBound + 1), right: receiveSeq($0.upperBound + 1))
            },
            bytesSent: counters.bytesSent, bytesRetransmitted: counters.bytesRetransmitted,
            bytesReceived: counters.bytesReceived, segmentsSent: counters.segmentsSent,
            segmentsReceived: counters.segmentsReceived, sendMSS: sendMSS, sendWindowShift: sndWndShift,
            receiveWindowShift: rcvWndShift, isSACKPermitted: isSACKPermitted, isTimestampsEnabled: isTimestampsOn)
        result.lossProbes = counters.lossProbes
        result.retransmitsBy = counters.retransmitsBy
        result.segmentsMarkedLost = counters.segmentsMarkedLost
        result.pathMTU = pathMTU
        result.duplicateSegmentsReceived = counters.duplicateSegmentsReceived
        result.dsacksSent = counters.dsacksSent
        result.dsacksReceived = counters.dsacksReceived
        result.spuriousRetransmissions = counters.spuriousRetransmissions
        result.undos = counters.undos
        if usesRACK, rack.minRTT != nil { result.reorderingWindow = reorderingWindow(sackedSegments: 0) }
        if usesRACK { result.rackMinRTT = rack.minRTT }
        result.reordering = reordering
        if let model = congestion.bbr {
            result.bbr = .init(mode: model.mode, bandwidth: model.bandwidth, minRTT: model.minRTT,
                               pacingRate: model.pacingRate)
        }
        return result
    }
}

extension TCPConnection {
    /// The congestion window and slow-start threshold, in bytes, without building `stats`.
    public var congestionWindow: Int { congestion.window }
    public var slowStartThreshold: Int { congestion.slowStartThreshold }
}
