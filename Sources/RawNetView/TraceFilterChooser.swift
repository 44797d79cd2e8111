import RawNetCore
import RawNetWire

/// A trace filter choosing frames for a one-shot impairment rule (`--drop-next`,
/// `--corrupt-next`). Each frame is matched as a `sent` event of the rule's node and
/// interface. `seq N` is relative, as the ladder and Wireshark show it: counted from
/// the SYN this chooser saw leave for that connection (so the first data byte is 1);
/// for a connection whose SYN it did not see, the number on the wire.
public struct TraceFilterChooser: FrameChooser {
    public let filter: TraceFilter
    public let node: String
    public let interface: String
    /// Initial sequence numbers by sender and receiver (address and port), from SYNs seen.
    private var bases: [SegmentDirection: UInt32] = [:]
    /// Connections remembered at most; the oldest are forgotten past that.
    static let remembered = 64
    private var order: [SegmentDirection] = []

    struct SegmentDirection: Hashable, Sendable {
        var source: IPv4Address, sourcePort: UInt16, destination: IPv4Address, destinationPort: UInt16
    }

    public init(filter: TraceFilter, node: String, interface: String) {
        self.filter = filter
        self.node = node
        self.interface = interface
    }

    public mutating func chooses(_ frame: [UInt8]) -> Bool {
        let decoded = DecodedFrame(parsing: frame, verifyChecksums: false)
        var base: UInt32?
        if let ip = decoded.ipv4, let tcp = decoded.tcp {
            let key = SegmentDirection(source: ip.source, sourcePort: tcp.sourcePort,
                                       destination: ip.destination, destinationPort: tcp.destinationPort)
            if tcp.flags.contains(.syn) { remember(key, tcp.sequenceNumber) }
            base = bases[key]
        }
        let event = TraceEvent(time: 0, node: node, interface: interface, kind: .sent, frame: frame)
        return filter.matches(event, decoded: decoded, sequenceBase: base)
    }

    private mutating func remember(_ key: SegmentDirection, _ isn: UInt32) {
        if bases.updateValue(isn, forKey: key) == nil {
            order.append(key)
            if order.count > Self.remembered { bases[order.removeFirst()] = nil }
        }
    }
}
