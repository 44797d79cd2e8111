/// Receive-buffer autotuning, after Linux's dynamic right-sizing
/// (`tcp_rcv_space_adjust`): once per receive RTT the buffer is made at least
/// twice what the application read in the last RTT, plus room for 16
/// segments, and more when that amount grew quickly; it never shrinks and
/// stops at the configured limit. The buffer thus grows only when an
/// application drains data at a rate the old window could not carry.
struct TCPReceiveAutotuning: Sendable {
    /// Largest size the buffer may reach.
    let limit: Int
    /// Receive RTT: the shortest time one advertised window took to arrive
    /// (Linux's measurement without timestamps; never shorter than the path's RTT).
    private(set) var rtt: Duration?
    /// The window's right edge when the measurement started, and when.
    private var rttMark: (position: Int, at: Instant)?
    /// Bytes the application read since the interval began.
    private var copied = 0
    private var intervalStart: Instant?
    /// Bytes read in the last interval that grew the buffer (starts at 10 segments, IW10).
    private var space: Int

    init(limit: Int, maximumSegmentSize: Int) {
        self.limit = limit
        space = 10 * maximumSegmentSize
    }

    /// The application read `count` bytes.
    mutating func noteRead(_ count: Int) { copied += count }

    /// In-order data moved RCV.NXT to `receiveNext` with `window` bytes
    /// advertised. Returns a larger buffer size when one is due.
    mutating func onInOrderData(receiveNext: Int, window: Int, current: Int, mss: Int, now: Instant) -> Int? {
        if let mark = rttMark, receiveNext >= mark.position {
            let sample = now - mark.at
            if sample > .zero { rtt = rtt.map { Swift.min($0, sample) } ?? sample }
            rttMark = nil
        }
        if rttMark == nil { rttMark = (receiveNext + Swift.max(window, mss), now) }
        guard let rtt else { return nil }
        guard let start = intervalStart else {
            intervalStart = now
            copied = 0
            return nil
        }
        guard now - start >= rtt else { return nil }
        let read = copied
        intervalStart = now
        copied = 0
        guard read > space, current < limit else { return nil }
        var size = 2 * read + 16 * mss
        // Faster growth when the rate rose by more than the last interval's amount.
        let growth = Swift.min(size * (read - space) / space, size)
        size += 2 * growth
        space = read
        let grown = Swift.min(size, limit)
        return grown > current ? grown : nil
    }
}

extension TCPConnection {
    /// The receive buffer's current size (grown by autotuning when it is on).
    public var receiveBufferCapacity: Int { receiveBufferSize }
    /// The send buffer's current size (grown by autotuning when it is on).
    public var sendBufferCapacity: Int { sendBuffer.capacity }

    /// Receive autotuning after in-order data arrived.
    mutating func autotuneReceiveBuffer(now: Instant) {
        guard receiveAutotuning != nil else { return }
        let window = Swift.max(rcvAdv - rcvNxt, 0)
        if let size = receiveAutotuning!.onInOrderData(receiveNext: rcvNxt, window: window, current: receiveBufferSize,
                                                       mss: configuration.maximumSegmentSize, now: now) {
            receiveBufferSize = size
        }
    }

    /// Send autotuning after an ACK, like Linux's `tcp_sndbuf_expand`: room for
    /// twice the congestion window, or twice what lies between SND.UNA and
    /// SND.MAX when SACKed data held above a hole makes that more.
    mutating func autotuneSendBuffer() {
        guard let limit = configuration.sendBufferLimit, sendBuffer.capacity < limit else { return }
        let wanted = 2 * Swift.max(congestion.window, sndMax - sndUna)
        if wanted > sendBuffer.capacity { sendBuffer.capacity = Swift.min(wanted, limit) }
    }
}
