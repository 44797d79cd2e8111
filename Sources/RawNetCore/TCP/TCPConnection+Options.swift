/// Socket options changed on a live connection (setsockopt after connect or
/// accept). What the handshake fixed — MSS, window scale, SACK, timestamps —
/// stays; the rest takes effect at once, as on Linux.
extension TCPConnection {
    /// Nagle's algorithm on or off (TCP_NODELAY is its inverse). Turning it off
    /// lets a held-back small segment go with the next output pass.
    public mutating func setNagle(_ isEnabled: Bool) {
        configuration.isNagleEnabled = isEnabled
    }

    /// Delayed acknowledgments on or off. Turning them off sends a pending
    /// delayed ACK at once (its deadline becomes `now`).
    public mutating func setDelayedAck(_ isEnabled: Bool, now: Instant) {
        configuration.isDelayedAckEnabled = isEnabled
        if !isEnabled, delayedAckDeadline != nil { delayedAckDeadline = now }
    }

    /// Switches the congestion controller, keeping the current window and
    /// slow-start threshold (the new controller starts its own state from there).
    public mutating func setCongestionControl(_ algorithm: TCPCongestionAlgorithm) {
        guard algorithm != congestion.algorithm else { return }
        configuration.congestionControl = algorithm
        congestion = TCPCongestionControl(switchingTo: algorithm, from: congestion)
        if algorithm != .bbr { pacingDeadline = nil }
    }

    /// A new send buffer size; shrinking keeps the bytes already written. A
    /// size set by the application ends send-buffer autotuning, as on Linux.
    public mutating func setSendBufferSize(_ bytes: Int) {
        configuration.sendBufferSize = bytes
        configuration.sendBufferLimit = nil
        sendBuffer.capacity = bytes
    }

    /// Queues all of `bytes`, beyond the send buffer's room if need be: bytes
    /// already promised to an application (granted before the buffer shrank).
    /// The buffer keeps its size and autotuning, and takes nothing more until
    /// it has drained below that size.
    public mutating func sendPromised(_ bytes: some Collection<UInt8>) throws -> Int {
        let capacity = sendBuffer.capacity
        sendBuffer.capacity = Swift.max(capacity, sendBuffer.count + bytes.count)
        defer { sendBuffer.capacity = capacity }
        return try send(bytes)
    }
}
