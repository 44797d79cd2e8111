import RawNetCore
import RawNetWire

/// A TCP time-sequence graph and congestion-window graph as a hand-written SVG
/// (`rawnet plot`), for one direction of one connection.
///
/// Top panel (x: time in ms, y: sequence number relative to the sender's ISN):
/// each segment sent is a vertical bar from its first to one past its last byte —
/// blue when new, red when retransmitted, with a red cross when it was lost; the
/// green step line is the highest acknowledgment received; orange bars are SACKed
/// blocks. Bottom panel: `cwnd` and `ssthresh` over time, from the sender's
/// `transport` events carrying `cwnd=` / `ssthresh=` (see `TCPTraceEvent`).
public struct TCPPlot: Sendable {
    /// Which way the plotted data flows.
    public enum Direction: Sendable, Hashable {
        case clientToServer, serverToClient
        /// The direction that carries more data bytes.
        case busier
    }

    struct Bar { var time: Double; var low: Double; var high: Double; var isRetransmission: Bool; var isLost: Bool }

    /// At or above this, an ssthresh means "not set yet" (a connection starts with a huge one).
    static let unsetThreshold = Int(Int32.max)

    public let connection: TCPConnectionKey?
    /// The direction actually plotted.
    public let fromClient: Bool
    let bars: [Bar]
    let acks: [(time: Double, value: Double)]
    let sacks: [Bar]
    let windows: [(time: Double, cwnd: Double?, ssthresh: Double?)]
    /// Some event gave ssthresh its "not set yet" value (no loss so far); such
    /// points are left out of the ssthresh line, which starts at the first loss.
    let hasUnsetThreshold: Bool
    let senderName: String

    /// Builds the plot of `connection` (default: the first in `events`), keeping only events
    /// in `timeWindow` when given; times are in ms relative to `startTime` (default: first event kept).
    public init(events: [TraceEvent], connection: TCPConnectionKey? = nil, direction: Direction = .busier,
                timeWindow: ClosedRange<Int64>? = nil, startTime: Int64? = nil) {
        let kept = timeWindow.map { w in events.filter { w.contains($0.time) } } ?? events
        let start = startTime ?? kept.map(\.time).min() ?? 0
        func ms(_ t: Int64) -> Double { Double(t &- start) / 1_000_000 }
        guard let key = connection ?? TCPFlow.connections(in: kept).first else {
            self.connection = nil
            fromClient = true
            bars = []; acks = []; sacks = []; windows = []; hasUnsetThreshold = false
            senderName = "sender"
            return
        }
        let flow = TCPFlow(key: key, events: kept)
        self.connection = key
        let fromClient: Bool
        switch direction {
        case .clientToServer: fromClient = true
        case .serverToClient: fromClient = false
        case .busier:
            let c = flow.transmissions.filter(\.fromClient).reduce(0) { $0 + $1.payloadLength }
            let s = flow.transmissions.filter { !$0.fromClient }.reduce(0) { $0 + $1.payloadLength }
            fromClient = c >= s
        }
        self.fromClient = fromClient
        senderName = (fromClient ? flow.clientNode : flow.serverNode) ?? (fromClient ? "client" : "server")
        var bars: [Bar] = [], acks: [(Double, Double)] = [], sacks: [Bar] = []
        for t in flow.transmissions {
            if t.fromClient == fromClient {
                guard t.sequenceLength > 0 else { continue }
                let low = Double(flow.relative(t.tcp.sequenceNumber, fromClient: fromClient))
                bars.append(Bar(time: ms(t.sentTime ?? t.time), low: low, high: low + Double(t.sequenceLength),
                                isRetransmission: t.isRetransmission, isLost: t.isLost))
            } else if t.tcp.flags.contains(.ack) {
                // When the sender learns of it: arrival if seen, else departure.
                let time = ms(t.receivedTime ?? t.time)
                acks.append((time, Double(flow.relativeAck(t.tcp.acknowledgmentNumber, fromClient: t.fromClient))))
                for option in t.tcp.options {
                    guard case .sack(let blocks) = option else { continue }
                    for b in blocks {
                        sacks.append(Bar(time: time, low: Double(flow.relativeAck(b.left, fromClient: t.fromClient)),
                                         high: Double(flow.relativeAck(b.right, fromClient: t.fromClient)),
                                         isRetransmission: false, isLost: false))
                    }
                }
            }
        }
        self.bars = bars
        self.acks = acks.sorted { $0.0 < $1.0 }
        self.sacks = sacks
        let senderEvents = flow.transportEvents.filter { $0.atClient == fromClient }
        // A window change or undo always tells the threshold; without one it was not set yet
        // (a trace leaves it out; older saved traces hold the huge "not set" value).
        hasUnsetThreshold = senderEvents.contains { e in
            (e.event.kind == .congestionChanged || e.event.kind == .undo)
                && (e.event.slowStartThreshold ?? Self.unsetThreshold) >= Self.unsetThreshold
        }
        windows = senderEvents.compactMap { e in
            let cwnd = e.event.congestionWindow.map(Double.init)
            let ssthresh = e.event.slowStartThreshold.flatMap { $0 >= Self.unsetThreshold ? nil : Double($0) }
            guard cwnd != nil || ssthresh != nil else { return nil }
            return (ms(e.time), cwnd, ssthresh)
        }
    }
}
