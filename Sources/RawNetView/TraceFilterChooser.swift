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
    /// Initial sequence numbers by sender and receiver, from the SYNs seen (the oldest of
    /// more than `remembered` connections' directions forgotten).
    private var bases = TCPSequenceBases(capacity: Self.remembered)
    static let remembered = 64

    public init(filter: TraceFilter, node: String, interface: String) {
        self.filter = filter
        self.node = node
        self.interface = interface
    }

    public mutating func chooses(_ frame: [UInt8]) -> Bool {
        let decoded = DecodedFrame(parsing: frame, verifyChecksums: false)
        bases.observe(decoded)
        let event = TraceEvent(time: 0, node: node, interface: interface, kind: .sent, frame: frame)
        return filter.matches(event, decoded: decoded, sequenceBase: bases.bases(of: decoded).sender)
    }
}
