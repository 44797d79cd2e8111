import RawNetCore
import RawNetWire

/// Which sent frames carry a TCP retransmission, decided from the connection's own
/// `event=retransmit` trace events (node, connection, first sequence number, length) and
/// the frames' times, never from the order the two arrive in: the frame a retransmission
/// event names is the first frame that node sends for that connection with that sequence
/// range at or after the event's time and, when both carry one, with the event's TSval (an
/// original held in the sender's ARP queue or egress may leave after the copy sent again;
/// its older TSval keeps it from matching); a frame the node's own egress dropped (injected loss) was sent by its TCP
/// too and counts as sent (another node's frames never match its events). Either side
/// waits for the other, bounded per node. The web view marks its
/// frames with it, and `TraceRetransmissions` (for `rawnet trace`) starts from it.
public struct RetransmissionMarks: Sendable {
    /// What a retransmission event or a sent TCP frame is matched on.
    struct Segment: Hashable, Sendable {
        var node: String
        var connection: TCPConnectionID
        var sequence: UInt32
        var length: Int
    }

    /// A frame found to carry a retransmission: the id its caller gave it, and why it was sent again.
    public struct Claim: Equatable, Sendable {
        public var id: Int
        public var reason: TCPRetransmitReason
    }

    /// Retransmission events waiting for their frame: segment, time, reason and the copy's TSval.
    private var waitingEvents: [String: [(Segment, Int64, TCPRetransmitReason, UInt32?)]] = [:]
    /// Sent TCP frames no event has claimed yet: segment, time, the caller's id and TSval.
    private var unclaimedFrames: [String: [(Segment, Int64, Int, UInt32?)]] = [:]
    /// At most this many of each wait per node.
    public let limit: Int

    public init(limit: Int = 256) { self.limit = limit }

    /// Why a segment was sent again, in the words every view uses ("RACK", "timeout").
    public static func words(for reason: TCPRetransmitReason) -> String { TCPFlow.words(for: reason) }

    /// Notes one event (whose id for the caller is `id`) and returns the frames it shows
    /// to carry retransmissions: itself for a frame that was waited for, an earlier frame
    /// for an event that comes after the frame it names, or none.
    public mutating func note(_ event: TraceEvent, id: Int) -> [Claim] {
        if event.kind == .transport {
            guard let detail = event.detail, let tcp = TCPTraceEvent(detail: detail),
                  case .retransmitted(let sequence, let length, let reason) = tcp.kind else { return [] }
            let segment = Segment(node: event.node, connection: tcp.connection, sequence: sequence, length: length)
            var frames = unclaimedFrames[event.node, default: []]
            let candidates = frames.indices.filter {
                frames[$0].0 == segment && frames[$0].1 >= event.time && Self.same(frames[$0].3, tcp.timestampValue)
            }
            if let first = candidates.min(by: { frames[$0].1 < frames[$1].1 }) {
                let claimed = frames.remove(at: first).2
                unclaimedFrames[event.node] = frames
                return [Claim(id: claimed, reason: reason)]
            }
            var waiting = waitingEvents[event.node, default: []]
            waiting.append((segment, event.time, reason, tcp.timestampValue))
            waitingEvents[event.node] = Array(waiting.suffix(limit))
            return []
        }
        guard event.kind == .sent || event.kind == .dropped, let (segment, timestamp) = Self.segmentAndTimestamp(of: event) else { return [] }
        var waiting = waitingEvents[event.node, default: []]
        let candidates = waiting.indices.filter {
            waiting[$0].0 == segment && waiting[$0].1 <= event.time && Self.same(waiting[$0].3, timestamp)
        }
        if let latest = candidates.max(by: { waiting[$0].1 < waiting[$1].1 }) {
            let reason = waiting.remove(at: latest).2
            waitingEvents[event.node] = waiting
            return [Claim(id: id, reason: reason)]
        }
        var frames = unclaimedFrames[event.node, default: []]
        frames.append((segment, event.time, id, timestamp))
        unclaimedFrames[event.node] = Array(frames.suffix(limit))
        return []
    }

    /// The sequence range a TCP frame carries, its sender's side of the connection first.
    static func segment(of event: TraceEvent) -> Segment? { segmentAndTimestamp(of: event)?.0 }

    /// The segment, and the TSval of its timestamps option when it has one.
    static func segmentAndTimestamp(of event: TraceEvent) -> (Segment, UInt32?)? {
        guard let frame = event.frame,
              case .ipv4(let ip, .tcp(let header, let payload)) = DecodedFrame(parsing: frame).payload else { return nil }
        let id = TCPConnectionID(localAddress: ip.source, localPort: header.sourcePort,
                                 remoteAddress: ip.destination, remotePort: header.destinationPort)
        return (Segment(node: event.node, connection: id, sequence: header.sequenceNumber, length: payload.count),
                header.timestamps?.value)
    }

    /// A copy and an event may belong together unless both name a TSval and they differ: the
    /// original of a segment its sender's queue let out after the copy sent again is not it.
    static func same(_ a: UInt32?, _ b: UInt32?) -> Bool {
        guard let a, let b else { return true }
        return a == b
    }
}
