import RawNetCore
import RawNetWire

/// Initial sequence numbers learnt from the SYNs seen, per sending direction, so
/// views can count sequence and acknowledgment numbers from each side's SYN, as
/// tcpdump and Wireshark show them (the ladder's `seq=1` is the first data byte).
/// A connection whose SYNs were not seen keeps the numbers on the wire. Bounded:
/// past `capacity` directions the oldest is forgotten.
public struct TCPSequenceBases: Sendable {
    struct Direction: Hashable, Sendable {
        var source: IPv4Address, sourcePort: UInt16, destination: IPv4Address, destinationPort: UInt16
    }

    private var bases: [Direction: UInt32] = [:]
    private var order: [Direction] = []
    public let capacity: Int

    public init(capacity: Int = 4096) {
        self.capacity = max(capacity, 2)
    }

    /// Learns the sender's initial sequence number if `decoded` is a SYN or SYN-ACK.
    public mutating func observe(_ decoded: DecodedFrame) {
        guard let ip = decoded.ipv4, let tcp = decoded.tcp, tcp.flags.contains(.syn) else { return }
        let direction = Direction(source: ip.source, sourcePort: tcp.sourcePort,
                                  destination: ip.destination, destinationPort: tcp.destinationPort)
        if bases.updateValue(tcp.sequenceNumber, forKey: direction) == nil {
            order.append(direction)
            if order.count > capacity { bases[order.removeFirst()] = nil }
        }
    }

    /// A TCP trace event's detail (`event=retransmit conn=… seq=N …`) with its `seq`
    /// counted from the SYN of the side whose bytes it numbers (the connection's own for a
    /// retransmission or a D-SACK it received, its peer's for a D-SACK it sent), when seen;
    /// else the wire's, marked: `seq=1437344858(abs)`.
    public func relativeDetail(_ detail: String) -> String {
        guard let event = TCPTraceEvent(detail: detail) else { return detail }
        let id = event.connection
        let sequence: UInt32, ownBytes: Bool
        switch event.kind {
        case .retransmitted(let number, _, _), .dsackReceived(let number, _): (sequence, ownBytes) = (number, true)
        case .dsackSent(let number, _): (sequence, ownBytes) = (number, false)
        default: return detail
        }
        let direction = ownBytes
            ? Direction(source: id.localAddress, sourcePort: id.localPort, destination: id.remoteAddress, destinationPort: id.remotePort)
            : Direction(source: id.remoteAddress, sourcePort: id.remotePort, destination: id.localAddress, destinationPort: id.localPort)
        let counted = bases[direction].map { "\(sequence &- $0)" } ?? "\(sequence)" + FrameText.absoluteMark
        return detail.replacing(" seq=\(sequence)", with: " seq=" + counted, maxReplacements: 1)
    }

    /// The initial sequence number of the segment's sender (for its `seq`), and of its
    /// receiver (for its `ack` and SACK blocks), each nil when that SYN was not seen.
    public func bases(of decoded: DecodedFrame) -> (sender: UInt32?, receiver: UInt32?) {
        guard let ip = decoded.ipv4, let tcp = decoded.tcp else { return (nil, nil) }
        let forward = Direction(source: ip.source, sourcePort: tcp.sourcePort,
                                destination: ip.destination, destinationPort: tcp.destinationPort)
        let backward = Direction(source: ip.destination, sourcePort: tcp.destinationPort,
                                 destination: ip.source, destinationPort: tcp.sourcePort)
        return (bases[forward], bases[backward])
    }
}
