import RawNetCore
import RawNetWire

/// One line of the `subscribe` stream: a frame that came in, went out or was
/// dropped on an interface, with a short decoded summary.
public struct TraceEvent: Codable, Sendable, Equatable {
    /// Wall-clock time in seconds since the Unix epoch.
    public var time: Double
    public var node: String
    /// The interface name; nil for a locally sent packet dropped before any interface.
    public var interface: String?
    /// "in", "out" or "drop".
    public var direction: String
    /// Frame (or packet) length in bytes.
    public var length: Int
    /// The layers, e.g. "Ethernet … | IPv4 10.0.1.10 > 10.0.2.20 ttl 64 | ICMP echo request id 1 seq 1 len 56".
    public var summary: String
    /// Why it was dropped (drop events only).
    public var reason: String?
    /// More about the drop or event, when there is something to say.
    public var detail: String?

    public init(time: Double, node: String, interface: String?, direction: String, length: Int, summary: String,
                reason: String? = nil, detail: String? = nil) {
        self.time = time
        self.node = node
        self.interface = interface
        self.direction = direction
        self.length = length
        self.summary = summary
        self.reason = reason
        self.detail = detail
    }

    /// A summary of an Ethernet frame, or of a bare IPv4 packet when `isPacket`.
    static func summarize(_ bytes: [UInt8], isPacket: Bool = false) -> String {
        if isPacket {
            var frame = [UInt8](repeating: 0, count: 12) + [0x08, 0x00]
            frame += bytes
            let layers = DecodedFrame(parsing: frame, verifyChecksums: false).layers
            return layers.dropFirst().joined(separator: " | ")
        }
        return DecodedFrame(parsing: bytes, verifyChecksums: false).description
    }
}
