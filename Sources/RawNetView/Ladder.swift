import RawNetCore
import RawNetWire

/// A sequence ("ladder") diagram of one TCP connection, built from trace events seen
/// at the two endpoints' interfaces (or at any one observation point), for `rawnet ladder`.
///
///      time (ms)  client alice 10.0.1.10:40000           server bob 10.0.2.20:7000
///          0.000  │─ SYN seq=0 ───────────────────────────▶│
///          2.000  │◀─────────────────────── SYN-ACK seq=0 ack=1 ─│
///         20.000  │─ DATA seq=7 ack=1 len=6 ──✗            │  ✗ lost at r1:eth1 (injected loss)
///
/// Sequence and acknowledgment numbers are relative to each side's initial sequence
/// number. A segment dropped on the way ends in `✗`; a segment that resends bytes
/// already sent is marked as a retransmission, with its reason when a `transport`
/// event says it (see `TCPTraceEvent`). A TIME_WAIT state change adds a note.
public struct Ladder: Sendable {
    /// One line of the diagram.
    public enum Row: Hashable, Sendable {
        /// A segment: who sent it, its label, and what became of it.
        case segment(time: Int64, fromClient: Bool, label: String, lostAt: String?, annotations: [String])
        /// A note on one side's lane.
        case note(time: Int64, atClient: Bool, text: String)
        /// Events a watcher did not get (a `lost` event: the subscriber was too slow), from
        /// `time` until `until`: segments of the connection may be missing there.
        case gap(time: Int64, until: Int64, text: String)

        public var time: Int64 {
            switch self {
            case .segment(let time, _, _, _, _), .note(let time, _, _), .gap(let time, _, _): return time
            }
        }
    }

    /// The connection drawn (nil when the events hold no TCP segment).
    public let connection: TCPConnectionKey?
    public let clientNode: String?
    public let serverNode: String?
    /// Rows in time order.
    public let rows: [Row]
    /// Times are shown relative to this (nanoseconds).
    public let startTime: Int64
    /// A side's SYN was not among the events (the connection began before them): its numbers
    /// count from the first segment seen, and the text ladder says so.
    public let countsFromFirstSeen: Bool
    /// What the text ladder says under it then.
    public static let countedFromFirstSeen = "(SYN not seen: seq and ack count from the first segment seen)"

    /// TCP connections in `events`, in order of first appearance (client first in each).
    public static func connections(in events: [TraceEvent]) -> [TCPConnectionKey] {
        TCPFlow.connections(in: events)
    }

    /// Builds the ladder of `connection` (default: the first one in `events`), keeping only
    /// events whose time lies in `timeWindow` (nanoseconds, as `TraceEvent.time`) when given.
    /// Times are shown relative to `startTime`, by default the first event kept.
    public init(events: [TraceEvent], connection: TCPConnectionKey? = nil,
                timeWindow: ClosedRange<Int64>? = nil, startTime: Int64? = nil) {
        let kept = timeWindow.map { window in events.filter { window.contains($0.time) } } ?? events
        self.startTime = startTime ?? kept.map(\.time).min() ?? 0
        guard let key = connection ?? TCPFlow.connections(in: kept).first else {
            self.connection = nil
            clientNode = nil
            serverNode = nil
            rows = []
            countsFromFirstSeen = false
            return
        }
        let flow = TCPFlow(key: key, events: kept)
        self.connection = key
        countsFromFirstSeen = flow.clientISN == nil || flow.serverISN == nil
        clientNode = flow.clientNode
        serverNode = flow.serverNode
        let duplicates = Ladder.duplicateAcks(flow.transmissions)
        var rows: [Row] = flow.transmissions.enumerated().map { index, t in
            var annotations: [String] = []
            if duplicates.contains(index) { annotations.append("duplicate ACK") }
            if t.isRetransmission {
                annotations.append(RetransmissionMark(reason: t.retransmissionReason).text)
            }
            if t.isNetworkDuplicate { annotations.append("⧉ duplicate made by the network") }
            if Ladder.reportsOnlyANetworkCopy(t, in: flow.transmissions) { annotations.append(Ladder.networkCopyDSACKNote) }
            var lostAt: String?
            if t.isLost {
                lostAt = t.dropPlace ?? "?"
                annotations.append("✗ lost at \(lostAt!) (\(t.dropReason ?? "no reason given"))")
            }
            annotations += t.impairments.map { "~ \($0)" }
            return .segment(time: t.time, fromClient: t.fromClient, label: Ladder.label(t, flow: flow),
                            lostAt: lostAt, annotations: annotations)
        }
        // A state a side enters as it sends a segment (TIME-WAIT, with the ACK of the peer's FIN) is
        // noted after that segment's row, at its time: the state changes as the segment is built,
        // microseconds before the frame leaves, so the side is in it when the row says, and the
        // note reads as what followed the segment with no time running backwards.
        var order = rows.map(\.time)
        for note in flow.notes {
            let sent = flow.transmissions.first { $0.fromClient == note.atClient && $0.time >= note.time }
            let time = sent.map { $0.time - note.time <= Self.noteFollowsSegmentWithin ? $0.time : note.time } ?? note.time
            order.append(time)
            rows.append(.note(time: time, atClient: note.atClient, text: note.text))
        }
        // Gaps in the events while the connection was drawn: its segments there may be missing,
        // and the ladder says so where it happened rather than joining the rows across it.
        if let first = order.min(), let last = order.max() {
            for event in kept where event.kind == .lost {
                let gap = TraceGap(event)
                let until = gap.map { max($0.lastTime, event.time) } ?? event.time
                guard until >= first, event.time <= last else { continue }
                order.append(event.time)
                rows.append(.gap(time: event.time, until: until, text: TraceFormatter.gapText(event)))
            }
        }
        self.rows = rows.indices.sorted { (order[$0], $0) < (order[$1], $1) }.map { rows[$0] }
    }

    /// How soon after a state note a segment of the same side is the one the note follows (ns).
    static let noteFollowsSegmentWithin: Int64 = 20_000_000

    /// Which transmissions (by index, in send order) are duplicate ACKs as RFC 5681 §2
    /// defines them, judged over the whole connection: a segment with no data, SYN,
    /// FIN or RST whose acknowledgment number and window equal those of the last
    /// ACK its sender sent, while the other side has data outstanding beyond it.
    /// A copy the network made is not one.
    static func duplicateAcks(_ transmissions: [TCPTransmission]) -> Set<Int> {
        var last: [Bool: (ack: UInt32, window: UInt16)] = [:]
        var highestEnd: [Bool: UInt32] = [:]
        var found = Set<Int>()
        for (index, t) in transmissions.enumerated() where !t.isNetworkDuplicate {
            let end = t.tcp.sequenceNumber &+ t.sequenceLength
            if t.sequenceLength > 0, highestEnd[t.fromClient].map({ Int32(bitPattern: end &- $0) > 0 }) ?? true {
                highestEnd[t.fromClient] = end
            }
            guard t.tcp.flags.contains(.ack) else { continue }
            let ack = t.tcp.acknowledgmentNumber
            let isPure = t.tcp.flags.isDisjoint(with: [.syn, .fin, .rst]) && t.payloadLength == 0
            if isPure, let previous = last[t.fromClient], previous.ack == ack, previous.window == t.tcp.window,
               let outstanding = highestEnd[!t.fromClient], Int32(bitPattern: outstanding &- ack) > 0 {
                found.insert(index)
            }
            if last[t.fromClient].map({ Int32(bitPattern: ack &- $0.ack) >= 0 }) ?? true {
                last[t.fromClient] = (ack, t.tcp.window)
            }
        }
        return found
    }

    /// `SYN seq=0`, `SYN-ACK seq=0 ack=1`, `DATA seq=1 ack=1 len=6`, `ACK seq=1 ack=7 SACK=13-19`, `FIN-ACK …`, `RST …`.
    static func label(_ t: TCPTransmission, flow: TCPFlow) -> String {
        let flags = t.tcp.flags
        let hasAck = flags.contains(.ack)
        var name: String
        if flags.contains(.rst) { name = hasAck ? "RST-ACK" : "RST" }
        else if flags.contains(.syn) { name = hasAck ? "SYN-ACK" : "SYN" }
        else if flags.contains(.fin) { name = hasAck ? "FIN-ACK" : "FIN" }
        else if t.payloadLength > 0 { name = "DATA" }
        else { name = hasAck ? "ACK" : "[\(FrameText.flags(flags))]" }
        if t.payloadLength > 0 && (flags.contains(.fin) || flags.contains(.syn)) { name += "+DATA" }
        name += " seq=\(flow.relative(t.tcp.sequenceNumber, fromClient: t.fromClient))"
        if hasAck { name += " ack=\(flow.relativeAck(t.tcp.acknowledgmentNumber, fromClient: t.fromClient))" }
        if t.payloadLength > 0 { name += " len=\(t.payloadLength)" }
        for option in t.tcp.options {
            if case .sack(let blocks) = option {
                let ranges = blocks.map { b in
                    "\(flow.relativeAck(b.left, fromClient: t.fromClient))-\(flow.relativeAck(b.right, fromClient: t.fromClient))"
                }
                // RFC 2883: a first block at or below the cumulative ACK, or inside the second
                // block, reports bytes that arrived twice (D-SACK), not a hole's far side.
                if let first = blocks.first, isDuplicateReport(first, blocks: Array(blocks), t) {
                    name += " D-SACK=" + ranges[0]
                    if ranges.count > 1 { name += " SACK=" + ranges.dropFirst().joined(separator: ",") }
                } else if !ranges.isEmpty {
                    name += " SACK=" + ranges.joined(separator: ",")
                }
            }
        }
        return name
    }

    /// What an ACK's D-SACK means when the twice-received bytes were a copy the network made
    /// of a resend whose original was lost: the sender cannot tell, and counts the resend needless.
    static let networkCopyDSACKNote = "⧉ D-SACK of the network's copy: the original was lost, yet the sender counts its resend as spurious (as Linux would)"

    /// Whether `t` is an ACK whose D-SACK reports bytes that arrived twice only because the
    /// network duplicated a resend: the original of those bytes was seen lost, none arrived,
    /// and a network-made copy of them did. A D-SACK says "received twice", not which copy
    /// came first; RawNet's TCP, as Linux's, takes it for proof the resend was needless.
    static func reportsOnlyANetworkCopy(_ t: TCPTransmission, in transmissions: [TCPTransmission]) -> Bool {
        guard t.tcp.flags.contains(.ack) else { return false }
        var first: SACKBlock?
        for option in t.tcp.options {
            if case .sack(let blocks) = option, let block = blocks.first, isDuplicateReport(block, blocks: Array(blocks), t) { first = block }
        }
        guard let reported = first else { return false }
        let covering = transmissions.filter { s in
            s.fromClient != t.fromClient && s.payloadLength > 0 && s.time <= t.time
                && Int32(bitPattern: reported.left &- s.tcp.sequenceNumber) >= 0
                && Int32(bitPattern: (s.tcp.sequenceNumber &+ UInt32(s.payloadLength)) &- reported.right) >= 0
        }
        let originals = covering.filter { !$0.isNetworkDuplicate && !$0.isRetransmission }
        return covering.contains { $0.isNetworkDuplicate && !$0.isLost }
            && !originals.isEmpty && originals.allSatisfy(\.isLost)
    }

    /// Whether the first SACK block of an ACK is a D-SACK (RFC 2883 §4).
    static func isDuplicateReport(_ first: SACKBlock, blocks: [SACKBlock], _ t: TCPTransmission) -> Bool {
        guard t.tcp.flags.contains(.ack) else { return false }
        if Int32(bitPattern: first.right &- t.tcp.acknowledgmentNumber) <= 0 { return true }
        guard blocks.count > 1 else { return false }
        let second = blocks[1]
        return Int32(bitPattern: first.left &- second.left) >= 0 && Int32(bitPattern: second.right &- first.right) >= 0
    }

    /// The participant titles: `client alice 10.0.1.10:40000`.
    var titles: (client: String, server: String) {
        guard let connection else { return ("client", "server") }
        let c = ["client", clientNode, connection.client.description].compactMap { $0 }.joined(separator: " ")
        let s = ["server", serverNode, connection.server.description].compactMap { $0 }.joined(separator: " ")
        return (c, s)
    }
}
