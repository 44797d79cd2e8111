/// Whether a TCP segment was sent again, judged from frames alone, in the spirit of
/// Wireshark's `tcp.analysis.retransmission`: a segment that uses sequence space (data,
/// SYN or FIN) ending at or before the highest sequence end already seen in its direction
/// (bytes seen there, or a hole below them), in a packet its sender made after the one
/// that went furthest. The ladder (`TCPFlow`) and `rawnet trace` (`TraceRetransmissions`)
/// both decide with it.
///
/// The packet's age is its IP identification: a sender numbers its packets in the order it
/// sends them, so a copy of an original that the network held back (reordering) or made
/// twice (duplication) carries a number no newer than one seen already in that direction,
/// while a retransmission is a new packet with a newer one. Such a copy is out of order,
/// not a retransmission. (A sender that leaves every identification 0 therefore gets no
/// marks from frames.)
///
/// `Key` names a direction (and, for a trace, the place it is seen at). Bounded: past
/// `capacity` keys the oldest is forgotten.
struct TCPResendCheck<Key: Hashable & Sendable>: Sendable {
    /// The highest sequence end seen per key, and the identification of the newest segment
    /// seen that used sequence space.
    private var seen: [Key: (end: UInt32, identification: UInt16)] = [:]
    private var order: [Key] = []
    let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 1)
    }

    /// Notes a segment, in the order segments were sent or seen, and returns true when it
    /// resends: `length` is its sequence space (data, plus one each for SYN and FIN).
    mutating func isResend(_ key: Key, sequence: UInt32, length: UInt32, identification: UInt16) -> Bool {
        guard length > 0 else { return false }
        let end = sequence &+ length
        guard let previous = seen[key] else {
            seen[key] = (end, identification)
            order.append(key)
            if order.count > capacity { seen[order.removeFirst()] = nil }
            return false
        }
        let isNewer = Int16(bitPattern: identification &- previous.identification) > 0
        let coversNothingNew = Int32(bitPattern: end &- previous.end) <= 0
        // A segment that goes further is the newest the sender made of those seen (however far
        // its number lies from the last: a busy host's counter may have gone round meanwhile).
        seen[key] = coversNothingNew ? (previous.end, isNewer ? identification : previous.identification)
                                     : (end, identification)
        return coversNothingNew && isNewer
    }
}
