import RawNetWire

/// SYN cookies (RFC 4987 §3.6), as Linux sends them with `tcp_syncookies=1`:
/// only when a listener's queue of pending connections is full, its SYN-ACK
/// carries a stateless initial sequence number that encodes a time counter,
/// a keyed hash of the four numbers and the peer's ISN, and the MSS. The
/// connection is made only when the handshake's ACK brings the number back.
/// Window scaling, SACK and timestamps are not offered in a cookie SYN-ACK
/// (Linux keeps them in the timestamp; RawNet does without).
///
/// Layout of the 32-bit cookie: 5 bits of the 64-second counter, 25 bits of
/// hash, 2 bits indexing `mssTable`. A cookie is good for two counter periods.
struct TCPSYNCookies: Sendable {
    static let mssTable: [Int] = [536, 1220, 1440, 1460]
    static let period: Int64 = 64_000_000_000
    let key0: UInt64
    let key1: UInt64

    /// The cookie answering a SYN of `id` with ISN `peerISN`, announcing MSS `mss`, at `now`.
    func cookie(for id: TCPConnectionID, peerISN: UInt32, mss: Int, now: Instant) -> UInt32 {
        let counter = UInt32(truncatingIfNeeded: now.nanoseconds / Self.period)
        let index = Self.mssTable.lastIndex { $0 <= mss } ?? 0
        return make(id: id, peerISN: peerISN, counter: counter, mssIndex: index)
    }

    /// The MSS a cookie brought back in an ACK encodes, or nil when it is not one of ours (or too old).
    func check(_ cookie: UInt32, for id: TCPConnectionID, peerISN: UInt32, now: Instant) -> Int? {
        let counter = UInt32(truncatingIfNeeded: now.nanoseconds / Self.period)
        let age = (counter &- (cookie >> 27)) & 0x1F
        guard age <= 1 else { return nil }
        let index = Int(cookie & 0x3)
        guard make(id: id, peerISN: peerISN, counter: counter &- age, mssIndex: index) == cookie else { return nil }
        return Self.mssTable[index]
    }

    private func make(id: TCPConnectionID, peerISN: UInt32, counter: UInt32, mssIndex: Int) -> UInt32 {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        for word in [id.localAddress.value, id.remoteAddress.value, peerISN, counter,
                     UInt32(id.localPort) << 16 | UInt32(id.remotePort), UInt32(mssIndex)] {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        let hash = UInt32(truncatingIfNeeded: SipHash24.hash(key0: key0, key1: key1, bytes: bytes))
        return (counter & 0x1F) << 27 | (hash & 0x07FF_FFFC) | UInt32(mssIndex)
    }
}

extension TCPConnection {
    /// A connection made from a returned SYN cookie: as if its SYN-ACK (ISN
    /// `cookie`) had been sent, without a timer or RTT sample.
    init?(cookieSYN syn: TCPSegment, configuration: TCPConfiguration, cookie: UInt32, now: Instant) {
        self.init(acceptingSYN: syn, configuration: configuration, initialSequenceNumber: SequenceNumber(cookie),
                  now: now)
        sndNxt = 1
        sndMax = 1
    }
}
