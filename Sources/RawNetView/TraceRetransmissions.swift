import RawNetCore
import RawNetWire

/// The mark a frame carrying a TCP retransmission gets in a view: `↻ retransmission`, with
/// why it was sent again when its sender said so: `↻ retransmission (RACK)`.
public struct RetransmissionMark: Hashable, Sendable {
    /// The reason in the ladder's words (`TCPFlow.words(for:)`); nil when only the frames tell.
    public var reason: String?

    public init(reason: String? = nil) { self.reason = reason }

    init(_ reason: TCPRetransmitReason) { self.reason = TCPFlow.words(for: reason) }

    /// `↻ retransmission (timeout)`, as the ladder annotates a segment and a trace line ends.
    public var text: String { "↻ retransmission" + (reason.map { " (\($0))" } ?? "") }
}

/// Which frames of a trace carry a TCP retransmission, for `rawnet trace`: given every
/// event the daemons report, in time order (selected or not, shown or not), it says of
/// each frame whether it carries one. Two ways, each the one another view decides by:
///
/// - **The sender said so**: the frame a host's `event=retransmit` names
///   (`RetransmissionMarks`, as the web view marks frames), with its reason.
/// - **The frames show it**, where no such event is seen (a router's interface, a
///   Linux node): at each place (`node:interface`), a segment whose sequence space was
///   all seen there before in its direction, in an older packet (`TCPResendCheck`, the
///   ladder's rule, as Wireshark's `tcp.analysis.retransmission`).
///
/// A copy of a marked segment seen anywhere else (a router forwarding it, the receiver
/// taking it, a drop on the way: same addresses, ports, IP identification, sequence number
/// and length) carries the same mark. An event that names a frame before it (the same
/// moment) marks that frame when both are in one batch (`marks(for:)`), else only the
/// frame's later copies. Bounded.
public struct TraceRetransmissions: Sendable {
    /// One segment as a packet: what every copy of it on the way has in common.
    struct Copy: Hashable, Sendable {
        var source: IPv4Address, sourcePort: UInt16, destination: IPv4Address, destinationPort: UInt16
        var identification: UInt16, sequence: UInt32, length: Int
    }

    /// One direction of a connection as seen at one place.
    struct PlacedDirection: Hashable, Sendable {
        var place: String
        var source: IPv4Address, sourcePort: UInt16, destination: IPv4Address, destinationPort: UInt16
    }

    private var announced = RetransmissionMarks()
    private var resends = TCPResendCheck<PlacedDirection>()
    /// Segments known to be retransmissions, with their marks; `markOrder` bounds them.
    private var marked: [Copy: RetransmissionMark] = [:]
    private var markOrder: [Copy] = []
    /// The last frames sent or dropped, by the id `announced` knows them by, for an event that names one late.
    private var recentlySent: [(id: Int, copy: Copy)] = []
    private var nextID = 0
    /// At most this many marked segments and recently sent frames are remembered.
    let capacity: Int

    public init(capacity: Int = 4096) {
        self.capacity = max(capacity, 16)
    }

    /// Notes `event` and returns the mark of the frame it carries, or nil (no frame, not TCP,
    /// or not a retransmission as far as the events so far tell).
    public mutating func note(_ event: TraceEvent) -> RetransmissionMark? {
        noteOne(event).mark
    }

    /// The marks of a batch of events in time order, as `note` gives them, except that an
    /// event naming a frame of the same batch that came before it (a copy the sender's own
    /// egress dropped is stamped as TCP sends it, its event in the same moment) marks that
    /// frame too, and every copy of it in the batch gets the reason.
    public mutating func marks(for events: [TraceEvent]) -> [RetransmissionMark?] {
        var marks: [RetransmissionMark?] = []
        var copies: [Copy?] = []
        marks.reserveCapacity(events.count)
        copies.reserveCapacity(events.count)
        for event in events {
            let (mark, copy) = noteOne(event)
            marks.append(mark)
            copies.append(copy)
        }
        for index in marks.indices {
            if let copy = copies[index], let known = marked[copy] { marks[index] = known }
        }
        return marks
    }

    /// The mark of `event`'s frame, and the packet it is a copy of when it is a TCP segment.
    private mutating func noteOne(_ event: TraceEvent) -> (mark: RetransmissionMark?, copy: Copy?) {
        let id = nextID
        nextID += 1
        switch event.kind {
        case .transport:
            for claim in announced.note(event, id: id) {
                if let sent = recentlySent.last(where: { $0.id == claim.id }) { remember(sent.copy, RetransmissionMark(claim.reason)) }
            }
            return (nil, nil)
        case .sent, .received, .dropped, .impaired:
            break
        case .note, .lost, .counted:
            return (nil, nil)
        }
        guard let frame = event.frame else { return (nil, nil) }
        let decoded = DecodedFrame(parsing: frame)
        guard let ip = decoded.ipv4, case .tcp(let tcp, let data)? = decoded.transport else { return (nil, nil) }
        let copy = Copy(source: ip.source, sourcePort: tcp.sourcePort, destination: ip.destination,
                        destinationPort: tcp.destinationPort, identification: ip.identification,
                        sequence: tcp.sequenceNumber, length: data.count)
        var mark = marked[copy]
        if event.kind == .sent || event.kind == .dropped {
            for claim in announced.note(event, id: id) where claim.id == id { mark = RetransmissionMark(claim.reason) }
            recentlySent.append((id, copy))
            if recentlySent.count > capacity { recentlySent.removeFirst(recentlySent.count - capacity / 2) }
        }
        // A frame whose bytes the network damaged may show any numbers: it is no evidence.
        if decoded.error == nil {
            let place = PlacedDirection(place: event.node + ":" + (event.interface ?? ""), source: ip.source,
                                        sourcePort: tcp.sourcePort, destination: ip.destination,
                                        destinationPort: tcp.destinationPort)
            let length = UInt32(data.count) + (tcp.flags.contains(.syn) ? 1 : 0) + (tcp.flags.contains(.fin) ? 1 : 0)
            if resends.isResend(place, sequence: tcp.sequenceNumber, length: length,
                                identification: ip.identification) {
                mark = mark ?? RetransmissionMark()
            }
        }
        if let mark { remember(copy, mark) }
        return (mark, copy)
    }

    /// Keeps `mark` for every later copy of `copy`; a reason once known is kept.
    private mutating func remember(_ copy: Copy, _ mark: RetransmissionMark) {
        if let known = marked[copy] {
            if known.reason == nil && mark.reason != nil { marked[copy] = mark }
            return
        }
        marked[copy] = mark
        markOrder.append(copy)
        if markOrder.count > capacity {
            for old in markOrder.prefix(capacity / 2) { marked[old] = nil }
            markOrder.removeFirst(capacity / 2)
        }
    }
}
