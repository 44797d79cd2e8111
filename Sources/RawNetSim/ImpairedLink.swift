import RawNetCore
import RawNetWire

/// A link direction driven by the real ``ImpairmentEngine``: each segment is
/// serialized with its real checksum, impaired as bytes, and parsed again on
/// arrival. A frame whose checksum no longer matches (a corrupted bit) is
/// dropped here and counted, as the receiving host would.
public struct ImpairedLink: SimLinkModel {
    public private(set) var engine: ImpairmentEngine
    public private(set) var checksumFailures = 0
    private var passedThrough: [SimPacket] = []
    private let source: IPv4Address
    private let destination: IPv4Address

    public init(settings: ImpairmentSettings, seed: UInt64, source: IPv4Address, destination: IPv4Address) {
        engine = ImpairmentEngine(settings: settings, seed: seed)
        self.source = source
        self.destination = destination
    }

    /// The engine settings matching the simple model's settings.
    public static func settings(for link: SimLinkSettings) -> ImpairmentSettings {
        ImpairmentSettings(loss: link.loss, reorder: link.reorder, delay: link.delay,
                           duplicate: link.duplicate, corrupt: link.corrupt,
                           rateBitsPerSecond: link.rate)
    }

    public mutating func submit(_ packet: SimPacket, now: Instant) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(60 + packet.segment.payload.count)
        packet.segment.header.serialize(into: &bytes, payload: packet.segment.payload,
                                        pseudoHeader: IPv4PseudoHeader(source: source, destination: destination))
        let outcome = engine.submit(bytes, now: now)
        if outcome.isPassThrough { passedThrough.append(packet) }
    }

    public mutating func release(now: Instant) -> [SimPacket] {
        var packets = passedThrough
        passedThrough.removeAll()
        let pseudoHeader = IPv4PseudoHeader(source: source, destination: destination)
        for frame in engine.release(now: now) {
            guard let header = try? TCPHeader(parsing: frame, pseudoHeader: pseudoHeader),
                  header.headerLength <= frame.count else {
                checksumFailures += 1
                continue
            }
            let payload = Array(frame[header.headerLength...])
            packets.append(SimPacket(segment: TCPSegment(source: source, destination: destination,
                                                         header: header, payload: payload)))
        }
        return packets
    }

    public func nextDeadline() -> Instant? {
        passedThrough.isEmpty ? engine.nextDeadline() : Instant(nanoseconds: .min)
    }
}
