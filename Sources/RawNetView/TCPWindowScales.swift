import RawNetCore
import RawNetWire

/// What the SYNs seen so far say about each connection's window scaling
/// (RFC 7323 §2), so a view can show a segment's window as the receiver reads
/// it: the 16-bit field shifted left by the scale its sender offered, but only
/// when both SYNs offered one; a SYN's own window is never scaled. A segment of
/// a connection whose handshake was not seen has a scale nobody can know.
/// Remembers at most `capacity` directions, forgetting the oldest first.
public struct TCPWindowScales: Sendable {
    /// How to read one segment's window field.
    public enum Reading: Sendable, Equatable {
        /// A SYN or SYN-ACK: the field is the window itself.
        case synUnscaled
        /// Both SYNs offered scaling: the window is the field shifted left by this.
        case scaled(shift: Int)
        /// Both SYNs were seen and at least one offered no scaling: the field is the window.
        case notNegotiated
        /// The handshake is not among the frames seen.
        case unknown
    }

    private struct Direction: Hashable, Sendable {
        var source: TCPEndpoint
        var destination: TCPEndpoint
    }

    /// The shift each sender's SYN offered (-1: a SYN without the option).
    private var offers: [Direction: Int] = [:]
    private var order: [Direction] = []
    public let capacity: Int

    public init(capacity: Int = 4096) {
        self.capacity = max(capacity, 2)
    }

    /// Learns from `frame` if it is a SYN or SYN-ACK.
    public mutating func observe(frame: [UInt8]) {
        let decoded = DecodedFrame(parsing: frame, verifyChecksums: false)
        guard let ip = decoded.ipv4, let tcp = decoded.tcp, tcp.flags.contains(.syn) else { return }
        let direction = Direction(source: TCPEndpoint(address: ip.source, port: tcp.sourcePort),
                                  destination: TCPEndpoint(address: ip.destination, port: tcp.destinationPort))
        var shift = -1
        for option in tcp.options {
            // RFC 7323 §2.3: a shift above 14 is used as 14.
            if case .windowScale(let offered) = option { shift = min(Int(offered), 14) }
        }
        if offers.updateValue(shift, forKey: direction) == nil {
            order.append(direction)
            if order.count > capacity {
                offers[order.removeFirst()] = nil
            }
        }
    }

    /// Only what is known about `frame`'s connection (both directions): enough to draw that
    /// frame's boxes later (`LayerView`) as they would be drawn now, without keeping every offer.
    public func narrowed(to frame: [UInt8]) -> TCPWindowScales {
        var kept = TCPWindowScales(capacity: 2)
        let decoded = DecodedFrame(parsing: frame, verifyChecksums: false)
        guard let ip = decoded.ipv4, let tcp = decoded.tcp else { return kept }
        let sender = TCPEndpoint(address: ip.source, port: tcp.sourcePort)
        let receiver = TCPEndpoint(address: ip.destination, port: tcp.destinationPort)
        for direction in [Direction(source: sender, destination: receiver), Direction(source: receiver, destination: sender)] {
            guard let shift = offers[direction] else { continue }
            kept.offers[direction] = shift
            kept.order.append(direction)
        }
        return kept
    }

    /// How to read the window of `tcp`, sent from `source` to `destination`.
    public func reading(_ tcp: TCPHeader, source: IPv4Address, destination: IPv4Address) -> Reading {
        if tcp.flags.contains(.syn) { return .synUnscaled }
        let sender = TCPEndpoint(address: source, port: tcp.sourcePort)
        let receiver = TCPEndpoint(address: destination, port: tcp.destinationPort)
        guard let mine = offers[Direction(source: sender, destination: receiver)],
              let theirs = offers[Direction(source: receiver, destination: sender)] else { return .unknown }
        return mine >= 0 && theirs >= 0 ? .scaled(shift: mine) : .notNegotiated
    }

    /// The layer view's words for a window field read as `reading` says.
    public static func text(window: UInt16, reading: Reading) -> String {
        switch reading {
        case .synUnscaled: "\(window) bytes (a SYN's window is never scaled)"
        case .scaled(let shift):
            "\(window) × \(1 << shift) = \(Int(window) << shift) bytes (scale \(shift) from the handshake)"
        case .notNegotiated: "\(window) bytes (no window scaling on this connection)"
        case .unknown: "\(window), scale unknown (handshake not seen)"
        }
    }
}
